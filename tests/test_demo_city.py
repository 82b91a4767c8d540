"""The city generator (``demo --scale city``): the plain demo plus many listings, every one complete."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from marketplace import db
from marketplace.models import (Activity, ActivityOccurrence, Area, HelpRequest, HelpRequestPrivate, Location,
                                OfferCategory, RequestCategory, User, UserRole, VolunteerOffer, Voorziening,
                                VoorzieningCategory, VoorzieningLocation)

from .factories import login

SIZE = 300


def count(session, model, *where):
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_city_adds_complete_listings_to_the_plain_demo(app, runner, client):
    plain = runner.invoke(args=["demo"])
    assert plain.exit_code == 0, plain.output
    with app.app_context():
        s = db.get_session()
        before = {m: count(s, m) for m in (Voorziening, VolunteerOffer, HelpRequest, Activity)}
    result = runner.invoke(args=["demo", "--scale", "city", "--size", str(SIZE)])
    assert result.exit_code == 0, result.output
    assert f"voorzieningen: {before[Voorziening] + SIZE}" in result.output
    with app.app_context():
        s = db.get_session()
        for model in (Voorziening, VolunteerOffer, HelpRequest):
            assert count(s, model) == before[model] + SIZE
        assert count(s, Activity) == before[Activity] + SIZE // 50
        # Every listing is complete: a place, a category; a request has its private row.
        assert count(s, Voorziening, ~Voorziening.id.in_(select(VoorzieningLocation.voorziening_id))) == 0
        assert count(s, Voorziening, ~Voorziening.id.in_(select(VoorzieningCategory.voorziening_id))) == 0
        assert count(s, VolunteerOffer, ~VolunteerOffer.id.in_(select(OfferCategory.offer_id))) == 0
        assert count(s, HelpRequest, ~HelpRequest.id.in_(select(RequestCategory.request_id))) == 0
        assert count(s, HelpRequest, ~HelpRequest.id.in_(select(HelpRequestPrivate.request_id))) == 0
        assert count(s, Activity, ~Activity.id.in_(select(ActivityOccurrence.activity_id))) == 0
        assert count(s, User, ~User.id.in_(select(UserRole.user_id))) == 0
        # Inside the city: every place within the demo's buurten' bounds (plus a few hundred metres).
        lats = [a.lat for a in s.exec(select(Area).where(Area.kind == "buurt"))]
        lons = [a.lon for a in s.exec(select(Area).where(Area.kind == "buurt"))]
        for loc in s.exec(select(Location)).all():
            assert min(lats) - 0.02 <= loc.lat <= max(lats) + 0.02 and min(lons) - 0.03 <= loc.lon <= max(lons) + 0.03
        # Texts vary: not one text repeated SIZE times.
        names = s.exec(select(Voorziening.name)).all()
        assert len(set(names)) > len(names) // 3
        # The demo's danger texts keep their safety level: no volunteer ever sees them.
        assert count(s, HelpRequest, HelpRequest.safety == "danger") > 0
    # The demo logins still work, and the plain demo replaces the city again.
    assert login(client, "bewoner@demo.buurtplein.nl", "buurtplein-demo").status_code == 302
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert count(db.get_session(), Voorziening) == before[Voorziening]
