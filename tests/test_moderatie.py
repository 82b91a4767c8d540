"""Moderation queue, decisions and abuse reports: over HTTP."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from marketplace import db
from marketplace.models import (AuditEvent, HelpRequest, Organisation, Report, SupportRequest, User,
                                VolunteerOffer, Voorziening)

from .factories import (add, login, make_activity, make_offer, make_organisation, make_preventiemakelaar,
                        make_request, make_user, make_voorziening, make_world)


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture(autouse=True)
def empty_outbox(base_config):
    """The outbox folder is shared by the whole test session: start each test with none."""
    from pathlib import Path
    for path in Path(base_config["MAIL_OUTBOX"]).glob("*.eml"):
        path.unlink()


def fetch(app, model, row_id):
    with app.app_context():
        return db.get_session().get(model, row_id)


def audit_actions(app):
    with app.app_context():
        return [(e.action, e.target_kind, e.target_id, e.detail)
                for e in db.get_session().exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def decide(client, kind, target_id, action, reason=""):
    return client.post("/moderatie/besluit", data={"kind": kind, "target_id": target_id, "action": action,
                                                   "reason": reason})


# --------------------------------------------------------------------------- access and scoping


def test_queue_needs_login_and_the_right_role(client, session, world):
    assert client.get("/moderatie/").status_code == 302
    make_user(session, email="bewoner@example.nl")
    login(client, "bewoner@example.nl")
    assert client.get("/moderatie/").status_code == 403
    assert decide(client, "request", 1, "approve").status_code == 403


def test_queue_shows_only_the_wijken_of_the_preventiemakelaar(client, session, world):
    make_preventiemakelaar(session, world)
    newbie = make_user(session, email="nieuw@example.nl", name="Nina Nieuw")
    make_request(session, newbie, world.velve, title="Hulp bij de tuin", moderation="pending")
    make_request(session, newbie, world.pathmos, title="Hulp in Pathmos", moderation="pending")
    org = make_organisation(session, name="Nieuwe Stichting", moderation="pending")
    make_voorziening(session, org, world.pathmos, name="Koffie in Pathmos", moderation="pending")
    login(client, "pm@example.nl")
    page = client.get("/moderatie/").get_data(as_text=True)
    assert "Hulp bij de tuin" in page and "Eerste bericht van een nieuw account" in page
    assert "Nieuwe Stichting" in page  # organisations belong to every wijk
    assert "Hulp in Pathmos" not in page and "Koffie in Pathmos" not in page


def _third_wijk(session, world):
    """A wijk with a buurt that the test's preventiemakelaar does not moderate."""
    from marketplace.models import Area
    wijk = add(session, Area(kind="wijk", name="Wesselerbrink", code="WK015309", parent_id=world.gemeente.id,
                             lat=52.19, lon=6.88))
    return wijk, add(session, Area(kind="buurt", name="Wesselerbrink-Zuid", code="BU01530901", parent_id=wijk.id,
                                   lat=52.19, lon=6.88))


def test_queue_pages_oldest_first_and_shows_wijk_and_age(client, session, world):
    from datetime import timedelta

    from marketplace.models import utcnow
    make_preventiemakelaar(session, world)
    newbie = make_user(session, email="nieuw@example.nl")
    for n in range(25):  # 25 waiting: 20 on the first page, 5 on the second
        make_request(session, newbie, world.velve, title=f"Vraag nummer {n:02d}", moderation="pending",
                     created_at=utcnow() - timedelta(days=3) + timedelta(minutes=n))
    login(client, "pm@example.nl")
    first = client.get("/moderatie/").get_data(as_text=True)
    assert "Vraag nummer 00" in first and "Vraag nummer 19" in first and "Vraag nummer 20" not in first
    assert "3 dagen geleden" in first and "Wijk: Velve-Lindenhof" in first
    assert 'href="/moderatie/?page=2#wachten"' in first and "(25)" in first
    second = client.get("/moderatie/?page=2").get_data(as_text=True)
    assert "Vraag nummer 20" in second and "Vraag nummer 24" in second and "Vraag nummer 19" not in second
    assert "Vraag nummer 24" in client.get("/moderatie/?page=999").get_data(as_text=True)  # clamped to the last page
    assert client.get("/moderatie/?page=abc").status_code == 200


def test_queue_filters_on_the_wijken_one_moderates_and_never_shows_others(client, session, world):
    pm = make_preventiemakelaar(session, world)
    pathmos_wijk = world.pathmos.parent_id
    from marketplace.models import UserWijk
    add(session, UserWijk(user_id=pm.id, wijk_id=pathmos_wijk))
    other_wijk, other_buurt = _third_wijk(session, world)
    newbie = make_user(session, email="nieuw@example.nl")
    make_request(session, newbie, world.velve, title="Hulp in Velve", moderation="pending")
    make_request(session, newbie, world.pathmos, title="Hulp in Pathmos", moderation="pending")
    make_request(session, newbie, other_buurt, title="Hulp in Wesselerbrink", moderation="pending")
    make_offer(session, newbie, other_buurt, title="Aanbod in Wesselerbrink", moderation="hidden")
    make_organisation(session, name="Stichting Overal", moderation="pending")
    login(client, "pm@example.nl")

    everything = client.get("/moderatie/").get_data(as_text=True)
    assert "Hulp in Velve" in everything and "Hulp in Pathmos" in everything and "Stichting Overal" in everything
    assert "Hele gemeente" in everything  # the organisation has no wijk
    filter_form = everything[everything.index('<select id="wijk"'):everything.index("</select>")]
    assert "Velve-Lindenhof" in filter_form and "Pathmos" in filter_form and "Wesselerbrink" not in filter_form

    pathmos = client.get(f"/moderatie/?wijk={pathmos_wijk}").get_data(as_text=True)
    assert "Hulp in Pathmos" in pathmos and "Hulp in Velve" not in pathmos and "Stichting Overal" not in pathmos

    for url in ("/moderatie/", f"/moderatie/?wijk={other_wijk.id}", "/moderatie/?page=2",
                f"/moderatie/?wijk={other_wijk.id}&page_verborgen=2", "/moderatie/?wijk=abc"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Wesselerbrink" not in page.get_data(as_text=True), url
    refused = client.get(f"/moderatie/?wijk={other_wijk.id}").get_data(as_text=True)
    assert "U modereert deze wijk niet" in refused and "Hulp in Velve" in refused


def test_queue_has_no_wijk_filter_for_one_wijk(client, session, world):
    make_preventiemakelaar(session, world)
    login(client, "pm@example.nl")
    assert '<select id="wijk"' not in client.get("/moderatie/").get_data(as_text=True)


def test_beheerder_sees_every_wijk(client, session, world):
    make_user(session, email="gemeente@example.nl", roles=("beheerder",))
    newbie = make_user(session, email="nieuw@example.nl")
    make_request(session, newbie, world.pathmos, title="Hulp in Pathmos", moderation="pending")
    login(client, "gemeente@example.nl")
    assert "Hulp in Pathmos" in client.get("/moderatie/").get_data(as_text=True)


def test_preventiemakelaar_cannot_decide_outside_their_wijken(app, client, session, world):
    make_preventiemakelaar(session, world)
    newbie = make_user(session, email="nieuw@example.nl")
    request = make_request(session, newbie, world.pathmos, moderation="pending")
    login(client, "pm@example.nl")
    assert decide(client, "request", request.id, "approve").status_code == 403
    assert fetch(app, HelpRequest, request.id).moderation == "pending"


def test_unknown_item_is_404(client, session, world):
    make_preventiemakelaar(session, world)
    login(client, "pm@example.nl")
    assert decide(client, "request", 999, "approve").status_code == 404
    assert decide(client, "report", 999, "dismiss").status_code == 404
    assert decide(client, "nonsense", 1, "approve").status_code == 400


# --------------------------------------------------------------------------- decisions


def test_approving_a_first_post_trusts_the_account_audits_and_mails(app, client, session, world):
    make_preventiemakelaar(session, world)
    newbie = make_user(session, email="nieuw@example.nl", name="Nina Nieuw")
    request = make_request(session, newbie, world.velve, title="Hulp bij de tuin", moderation="pending")
    login(client, "pm@example.nl")
    response = decide(client, "request", request.id, "approve")
    assert response.status_code == 302
    assert fetch(app, HelpRequest, request.id).moderation == "approved"
    assert fetch(app, User, newbie.id).trusted is True
    actions = audit_actions(app)
    assert ("moderation.approve", "request", request.id, None) in actions
    assert ("moderation.trust", "user", newbie.id, None) in actions
    mail = outbox_text(app, "nieuw@example.nl")
    assert "goedgekeurd" in mail and "Hulp bij de tuin" in mail
    assert "Hulp bij de tuin" not in client.get("/moderatie/").get_data(as_text=True).split("Verborgen")[0]


def test_hide_needs_a_reason_and_writes_nothing_without_one(app, client, session, world):
    make_preventiemakelaar(session, world)
    volunteer = make_user(session, email="vrijwilliger@example.nl", roles=("vrijwilliger",))
    offer = make_offer(session, volunteer, world.velve, title="Goedkope zonnepanelen!!")
    login(client, "pm@example.nl")
    response = decide(client, "offer", offer.id, "hide", reason="  ")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Schrijf kort waarom u dit verbergt" in page and 'aria-invalid="true"' in page
    assert fetch(app, VolunteerOffer, offer.id).moderation == "approved"
    assert not [a for a in audit_actions(app) if a[0].startswith("moderation.")]


def test_hide_removes_from_public_view_and_restore_brings_it_back(app, client, session, world):
    make_preventiemakelaar(session, world)
    poster = make_user(session, email="poster@example.nl", name="Piet Post")
    request = make_request(session, poster, world.velve, title="Koop mijn cursus")
    login(client, "pm@example.nl")
    assert decide(client, "request", request.id, "hide", reason="Dit is reclame.").status_code == 302
    row = fetch(app, HelpRequest, request.id)
    assert row.moderation == "hidden"
    with app.app_context():
        public = db.get_session().exec(select(HelpRequest).where(HelpRequest.moderation == "approved")).all()
    assert request.id not in [r.id for r in public]
    assert "Koop mijn cursus" not in client.get(f"/prikbord/{world.velve.code}").get_data(as_text=True)
    assert ("moderation.hide", "request", request.id, "Dit is reclame.") in audit_actions(app)
    assert "Dit is reclame." in outbox_text(app, "poster@example.nl")
    # restore
    assert decide(client, "request", request.id, "restore").status_code == 302
    assert fetch(app, HelpRequest, request.id).moderation == "approved"
    assert "Koop mijn cursus" in client.get(f"/prikbord/{world.velve.code}").get_data(as_text=True)


def test_hidden_request_page_is_gone_for_visitors_and_back_after_restore(make_app):
    # No `session` fixture here: its open app context would share flask.g (and the login) between clients.
    app = make_app()
    with app.app_context(), db.session_scope() as s:
        world = make_world(s)
        make_preventiemakelaar(s, world)
        request_id = make_request(s, make_user(s, email="poster@example.nl"), world.velve).id
    moderator, visitor = app.test_client(), app.test_client()
    login(moderator, "pm@example.nl")
    assert visitor.get(f"/hulpvragen/{request_id}").status_code == 200
    decide(moderator, "request", request_id, "hide", reason="Reclame.")
    assert visitor.get(f"/hulpvragen/{request_id}").status_code == 404
    decide(moderator, "request", request_id, "restore")
    assert visitor.get(f"/hulpvragen/{request_id}").status_code == 200


def test_approve_a_new_organisation_and_voorziening_mails_the_organisation(app, client, session, world):
    make_preventiemakelaar(session, world)
    aanbieder = make_user(session, email="staf@example.nl", roles=("aanbieder",))
    org = make_organisation(session, name="Stichting Samen", moderation="pending", staff=aanbieder)
    v = make_voorziening(session, org, world.velve, name="Samen Koken", moderation="pending")
    login(client, "pm@example.nl")
    page = client.get("/moderatie/").get_data(as_text=True)
    assert "Stichting Samen" in page and "Samen Koken" in page
    assert decide(client, "organisation", org.id, "approve").status_code == 302
    assert decide(client, "voorziening", v.id, "approve").status_code == 302
    assert fetch(app, Organisation, org.id).moderation == "approved"
    assert fetch(app, Voorziening, v.id).moderation == "approved"
    assert "Samen Koken" in outbox_text(app, "staf@example.nl")
    assert "Stichting Samen" in outbox_text(app, "info@welzijn.example.nl")


def test_reports_are_listed_dismissed_or_handled_by_hiding(app, client, session, world):
    make_preventiemakelaar(session, world)
    volunteer = make_user(session, email="vrijwilliger@example.nl", roles=("vrijwilliger",))
    offer = make_offer(session, volunteer, world.velve, title="Ik help met geld lenen")
    report1 = add(session, Report(target_kind="offer", target_id=offer.id, reason="Oplichting of spam: woeker"))
    report2 = add(session, Report(target_kind="offer", target_id=offer.id, reason="Onveilig"))
    login(client, "pm@example.nl")
    page = client.get("/moderatie/").get_data(as_text=True)
    assert "Oplichting of spam: woeker" in page
    assert decide(client, "report", report1.id, "dismiss").status_code == 302
    assert fetch(app, Report, report1.id).status == "dismissed"
    assert fetch(app, VolunteerOffer, offer.id).moderation == "approved"
    assert decide(client, "report", report1.id, "dismiss").status_code == 422  # already handled
    assert decide(client, "offer", offer.id, "hide", reason="Geld lenen past hier niet.").status_code == 302
    assert fetch(app, Report, report2.id).status == "handled"
    assert fetch(app, VolunteerOffer, offer.id).moderation == "hidden"


def test_answering_a_support_question(app, client, session, world):
    make_preventiemakelaar(session, world)
    initiator = make_user(session, email="init@example.nl", name="Ilse Initiatief")
    activity = make_activity(session, world.velve, owner=initiator, title="Buurtbarbecue")
    support = add(session, SupportRequest(activity_id=activity.id, asked_by_id=initiator.id,
                                          question="Mag ik de tafels van het buurthuis lenen?"))
    login(client, "pm@example.nl")
    assert "de tafels van het buurthuis" in client.get("/moderatie/").get_data(as_text=True)
    assert decide(client, "support", support.id, "answer", reason="").status_code == 422
    assert decide(client, "support", support.id, "answer", reason="Ja, bel het buurthuis.").status_code == 302
    row = fetch(app, SupportRequest, support.id)
    assert row.answer == "Ja, bel het buurthuis." and row.status in ("done", "in_progress")
    assert "Ja, bel het buurthuis." in outbox_text(app, "init@example.nl")


# --------------------------------------------------------------------------- reports by visitors


def test_report_form_anonymous(app, client, session, world):
    poster = make_user(session, email="poster@example.nl")
    request = make_request(session, poster, world.velve, title="Vreemde vraag")
    page = client.get(f"/moderatie/melden?soort=request&id={request.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Wat is er mis?" in text and "Vreemde vraag" in text and "Oplichting of spam" in text
    response = client.post(f"/moderatie/melden?soort=request&id={request.id}",
                           data={"reason": "ongepast", "details": "Er staan scheldwoorden in."})
    assert response.status_code == 200 and "Bedankt voor uw melding" in response.get_data(as_text=True)
    with app.app_context():
        report = db.get_session().exec(select(Report)).one()
    assert (report.target_kind, report.target_id, report.reporter_id, report.status) == (
        "request", request.id, None, "open")
    assert report.reason == "Ongepast of kwetsend: Er staan scheldwoorden in."
    assert ("report.create", "request", request.id) in [a[:3] for a in audit_actions(app)]


def test_report_bad_input_gives_dutch_message_and_writes_nothing(app, client, session, world):
    poster = make_user(session, email="poster@example.nl")
    request = make_request(session, poster, world.velve)
    url = f"/moderatie/melden?soort=request&id={request.id}"
    response = client.post(url, data={})
    assert response.status_code == 422 and "Kies wat er mis is." in response.get_data(as_text=True)
    response = client.post(url, data={"reason": "anders", "details": ""})
    assert response.status_code == 422 and "Schrijf kort wat er mis is." in response.get_data(as_text=True)
    response = client.post(url, data={"reason": "anders", "details": "x" * 801})
    assert response.status_code == 422 and "niet meer dan 800 tekens" in response.get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="anders"', response.get_data(as_text=True))  # keeps the choice
    with app.app_context():
        assert db.get_session().exec(select(Report)).all() == []


@pytest.mark.parametrize("query", ["soort=request&id=999", "soort=onzin&id=1", "soort=request&id=abc", ""])
def test_report_unknown_item_is_404(client, session, world, query):
    assert client.get(f"/moderatie/melden?{query}").status_code == 404


def test_report_of_a_hidden_item_is_404_for_visitors(client, session, world):
    poster = make_user(session, email="poster@example.nl")
    request = make_request(session, poster, world.velve, moderation="hidden")
    assert client.get(f"/moderatie/melden?soort=request&id={request.id}").status_code == 404


def test_report_button_macro_links_to_the_form(app):
    with app.test_request_context():
        from flask import render_template_string
        html = render_template_string('{% from "moderatie/_report.html" import report_button %}'
                                      "{{ report_button('offer', 7) }}")
    assert 'href="/moderatie/melden?soort=offer&amp;id=7"' in html


def test_reporting_is_rate_limited(make_app, session_factory_world):
    app, request_id = session_factory_world
    client = app.test_client()
    url = f"/moderatie/melden?soort=request&id={request_id}"
    codes = [client.post(url, data={"reason": "onveilig"}).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


@pytest.fixture
def session_factory_world(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        with db.session_scope() as s:
            world = make_world(s)
            poster = make_user(s, email="poster@example.nl")
            request_id = make_request(s, poster, world.velve).id
    return app, request_id


# --------------------------------------------------------------------------- helpers


def outbox_text(app, to: str) -> str:
    """All mail bodies written to the outbox for one address, decoded."""
    import email
    import email.policy
    from pathlib import Path
    texts = []
    for path in sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == to:
            texts.append(message["Subject"] + "\n" + message.get_content())
    return "\n".join(texts)
