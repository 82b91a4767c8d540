"""Activities and resident initiatives: calendar, detail, create/edit, sign-up with waiting list, support."""

from __future__ import annotations

import email
import email.policy
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from marketplace import db
from marketplace.activiteiten import calendar, errors, signups
from marketplace.activiteiten.dates import format_day, format_occurrence
from marketplace.moderatie.support import answer_support_request
from marketplace.models import (Activity, ActivityOccurrence, ActivitySignup, AuditEvent, Location, SupportRequest,
                                User)
from marketplace.timeutil import local_datetime, local_today, to_local

from .factories import (add, days_from_today, login, make_activity, make_organisation, make_preventiemakelaar,
                        make_user, make_world)


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def outbox(app):
    """The mail outbox folder, emptied first (it is shared by the whole test session)."""
    folder = Path(app.config["MAIL_OUTBOX"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()

    def read() -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(folder.glob("*.eml"))]

    return read


def mail_to(messages, address):
    return [m for m in messages if m["To"] == address]


def person(session, email, name, buurt=None, roles=("bewoner",)):
    user = make_user(session, email=email, name=name, roles=roles)
    if buurt is not None:
        user.buurt_id = buurt.id
        session.add(user)
        session.commit()
    return user


def committed(s, action, *args):
    """A service call as a view makes it: in its own unit of work (mail goes out at the commit)."""
    with db.unit_of_work(s):
        return action(s, *args)


def count(app, model) -> int:
    with app.app_context():
        return len(db.get_session().exec(select(model)).all())


def page_text(response) -> str:
    return response.get_data(as_text=True)


def dst_wednesday() -> date:
    """The Wednesday before the next late-March switch to summer time (always in the future)."""
    year = local_today().year + 1
    last_sunday = date(year, 3, 31) - timedelta(days=(date(year, 3, 31).weekday() + 1) % 7)
    return last_sunday - timedelta(days=4)


def form_data(**overrides) -> dict:
    data = {
        "title": "Samen koken in de Velve", "description": "Elke week koken en eten we samen. Iedereen welkom.",
        "categories": ["ontmoeting"], "place_name": "Buurthuis De Velve", "address": "Velvetstraat 1",
        "postcode": "7541 AB", "first_date": dst_wednesday().isoformat(), "start_time": "12:00",
        "end_time": "13:30", "repeat": "weekly", "times": "4", "capacity": "12", "volunteers_wanted": "2",
        "cost_kind": "gratis",
    }
    data.update(overrides)
    return data


def move_occurrences(session, activity, days_ahead):
    """Put an activity's only date a given number of days from today."""
    for occ in session.exec(select(ActivityOccurrence).where(ActivityOccurrence.activity_id == activity.id)):
        session.delete(occ)
    day = days_from_today(days_ahead)
    session.add(ActivityOccurrence(activity_id=activity.id, starts_at=local_datetime(day, time(14)),
                                   ends_at=local_datetime(day, time(16))))
    session.commit()


def signup_row(session, activity, user, status="signed_up", position=0):
    return add(session, ActivitySignup(activity_id=activity.id, user_id=user.id, status=status, position=position))


# --------------------------------------------------------------------------- dates


def test_dutch_date_words():
    starts = local_datetime(date(2026, 11, 25), time(12))
    ends = local_datetime(date(2026, 11, 25), time(13, 30))
    assert format_day(date(2026, 11, 25)) == "woensdag 25 november"
    assert format_occurrence(starts, ends) == "woensdag 25 november, 12:00–13:30"


def test_occurrence_times_keep_local_time_across_dst():
    first = dst_wednesday()
    times = calendar.occurrence_times(first, time(12), time(13, 30), 1, 3)
    assert [to_local(s).time() for s, _e in times] == [time(12)] * 3
    assert [s.utcoffset() != times[0][0].utcoffset() for s, _e in times] == [False, True, True]
    assert len(calendar.occurrence_times(first, time(12), time(13), 0, 9)) == 1
    assert calendar.make_rrule(first, 2, 5) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=5"


# --------------------------------------------------------------------------- calendar


def test_calendar_this_week_grouped_by_day_with_places_and_badges(client, session):
    world = make_world(session)
    org = make_organisation(session)
    ali = person(session, "ali@example.nl", "Ali Demir")
    full = make_activity(session, world.velve, org=org, title="Computerclub", capacity=2, volunteers_wanted=1)
    open_ = make_activity(session, world.velve, owner=ali, title="Buurtmoestuin", capacity=None)
    some = make_activity(session, world.velve, org=org, title="Taalmaatjes", capacity=5)
    for i in range(2):
        signup_row(session, full, person(session, f"p{i}@example.nl", f"Piet {i}"), position=i)
    signup_row(session, some, person(session, "q@example.nl", "Quinten"))
    move_occurrences(session, some, 3)

    page = page_text(client.get("/activiteiten/"))
    assert "Deze week in uw wijk" in page
    assert format_day(days_from_today(1)) in page and format_day(days_from_today(3)) in page
    assert page.index("Computerclub") < page.index(format_day(days_from_today(3))) < page.index("Taalmaatjes")
    assert "12:00–13:30" in page and "14:00–16:00" in page
    assert "vol — wachtlijst" in page and "iedereen welkom" in page and "nog 4 plekken vrij" in page
    assert "vrijwilligers gezocht" in page and "initiatief van bewoners" in page
    assert "Velve" in page and "img/categories/ontmoeting.svg" in page
    assert f"/activiteiten/{open_.id}" in page


def test_calendar_defaults_to_my_wijk_and_filters_by_wijk_and_category(client, session):
    world = make_world(session)
    org = make_organisation(session)
    make_activity(session, world.velve, org=org, title="Eettafel Velve")
    make_activity(session, world.pathmos, org=org, title="Wandelen Pathmos", categories=("bewegen",))
    person(session, "anna@example.nl", "Anna de Vries", buurt=world.velve)

    anonymous = page_text(client.get("/activiteiten/"))
    assert "Eettafel Velve" in anonymous and "Wandelen Pathmos" in anonymous
    login(client)
    mine = page_text(client.get("/activiteiten/"))
    assert "Eettafel Velve" in mine and "Wandelen Pathmos" not in mine
    assert "Wijk: Velve-Lindenhof" in mine
    everything = page_text(client.get("/activiteiten/?wijk="))
    assert "Eettafel Velve" in everything and "Wandelen Pathmos" in everything
    pathmos_wijk = world.pathmos.parent_id
    other = page_text(client.get(f"/activiteiten/?wijk={pathmos_wijk}"))
    assert "Eettafel Velve" not in other and "Wandelen Pathmos" in other
    walking = page_text(client.get("/activiteiten/?wijk=&onderwerp=bewegen"))
    assert "Eettafel Velve" not in walking and "Wandelen Pathmos" in walking
    assert client.get("/activiteiten/?wijk=abc&onderwerp=onzin&week=x").status_code == 200


def test_calendar_next_week(client, session):
    world = make_world(session)
    later = make_activity(session, world.velve, org=make_organisation(session), title="Later dit jaar")
    move_occurrences(session, later, 9)
    assert "Later dit jaar" not in page_text(client.get("/activiteiten/"))
    for query in ("week=+1", "week=%2B1", "week=1"):
        page = page_text(client.get(f"/activiteiten/?{query}"))
        assert "Volgende week in uw wijk" in page and "Later dit jaar" in page, query
    assert "Later dit jaar" not in page_text(client.get("/activiteiten/?week=2"))


def test_calendar_hides_pending_hidden_and_cancelled(client, session):
    world = make_world(session)
    org = make_organisation(session)
    make_activity(session, world.velve, org=org, title="Nog niet bekeken", moderation="pending")
    make_activity(session, world.velve, org=org, title="Verborgen", moderation="hidden")
    make_activity(session, world.velve, org=org, title="Gaat niet door", status="cancelled")
    page = page_text(client.get("/activiteiten/"))
    assert "Nog niet bekeken" not in page and "Verborgen" not in page and "Gaat niet door" not in page
    assert "geen activiteiten gevonden" in page


# --------------------------------------------------------------------------- detail


def test_detail_shows_organiser_place_next_four_dates_and_report_link(client, session):
    world = make_world(session)
    ali = person(session, "ali@example.nl", "Ali Demir")
    activity = make_activity(session, world.velve, owner=ali, title="Buurtmoestuin", capacity=3, weeks=6,
                             volunteers_wanted=2)
    signup_row(session, activity, person(session, "b@example.nl", "Bea"))
    page = page_text(client.get(f"/activiteiten/{activity.id}"))
    assert "Initiatief van Ali" in page and "Demir" not in page
    assert "Velvetstraat 1" in page and "Buurt: Velve" in page
    assert page.count("12:00–13:30") == 4
    assert format_occurrence(local_datetime(days_from_today(1), time(12)),
                             local_datetime(days_from_today(1), time(13, 30))) in page
    assert "3 plaatsen" in page and "nog 2 plekken vrij" in page
    assert "Vrijwilligers gezocht: 2" in page
    assert f"/moderatie/melden?soort=activity&amp;id={activity.id}" in page
    assert "Inloggen om mee te doen" in page


def test_detail_of_organisation_activity_and_escaping(client, session):
    world = make_world(session)
    activity = make_activity(session, world.velve, org=make_organisation(session, name="Welzijn Oost"),
                             title="<script>x</script>")
    page = page_text(client.get(f"/activiteiten/{activity.id}"))
    assert "Welzijn Oost" in page and "<script>x</script>" not in page and "&lt;script&gt;" in page


def test_detail_unknown_is_404_and_pending_only_for_owner_and_moderator(client, session):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    person(session, "anna@example.nl", "Anna de Vries")
    make_preventiemakelaar(session, world)
    activity = make_activity(session, world.velve, owner=owner, moderation="pending")
    assert client.get("/activiteiten/9999").status_code == 404
    assert client.get(f"/activiteiten/{activity.id}").status_code == 404
    login(client)
    assert client.get(f"/activiteiten/{activity.id}").status_code == 404
    client.post("/logout")
    login(client, "ali@example.nl")
    assert "wacht op controle" in page_text(client.get(f"/activiteiten/{activity.id}"))
    client.post("/logout")
    login(client, "pm@example.nl")
    assert client.get(f"/activiteiten/{activity.id}").status_code == 200


# --------------------------------------------------------------------------- create and edit


def test_create_needs_login(client):
    response = client.get("/activiteiten/nieuw")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_weekly_initiative_keeps_local_time_across_dst(app, client, session):
    world = make_world(session)
    person(session, "anna@example.nl", "Anna de Vries")
    login(client)
    assert "Zelf iets organiseren" in page_text(client.get("/activiteiten/nieuw"))
    response = client.post("/activiteiten/nieuw", data=form_data())
    assert response.status_code == 302
    with app.app_context():
        s = db.get_session()
        activity = s.exec(select(Activity)).one()
        anna = s.exec(select(User).where(User.email == "anna@example.nl")).one()
        assert activity.is_initiative and activity.owner_user_id == anna.id and activity.organisation_id is None
        assert activity.moderation == "pending"  # first post of a new account
        assert activity.capacity == 12 and activity.volunteers_wanted == 2 and activity.cost_kind == "gratis"
        assert activity.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=WE;COUNT=4"
        location = s.get(Location, activity.location_id)
        assert location.buurt_id == world.velve.id and location.postcode == "7541AB"
        dates = s.exec(select(ActivityOccurrence).order_by(ActivityOccurrence.starts_at)).all()
        assert len(dates) == 4
        assert [to_local(o.starts_at).time() for o in dates] == [time(12)] * 4
        assert [to_local(o.ends_at).time() for o in dates] == [time(13, 30)] * 4
        assert [o.starts_at.hour for o in dates] == [11, 10, 10, 10]  # UTC: winter, then summer time
        assert to_local(dates[0].starts_at).date() == dst_wednesday()
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "activity.create")).one()
    assert f"/activiteiten/{activity.id}" in response.headers["Location"]


def test_create_every_other_week_and_once(app, client, session):
    make_world(session)
    person(session, "anna@example.nl", "Anna de Vries")
    login(client)
    client.post("/activiteiten/nieuw", data=form_data(repeat="biweekly", times="3"))
    client.post("/activiteiten/nieuw", data=form_data(title="Buurtfeest", repeat="once", times="", capacity=""))
    with app.app_context():
        s = db.get_session()
        biweekly, once = s.exec(select(Activity).order_by(Activity.id)).all()
        days = [to_local(o.starts_at).date() for o in s.exec(select(ActivityOccurrence).where(
            ActivityOccurrence.activity_id == biweekly.id).order_by(ActivityOccurrence.starts_at))]
        assert days == [dst_wednesday() + timedelta(weeks=w) for w in (0, 2, 4)]
        assert biweekly.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=3"
        assert len(s.exec(select(ActivityOccurrence).where(ActivityOccurrence.activity_id == once.id)).all()) == 1
        assert once.capacity is None


@pytest.mark.parametrize("overrides, message", [
    ({"end_time": "11:00"}, "De eindtijd moet na de begintijd liggen."),
    ({"capacity": "0"}, "Vul 1 of meer in. Laat het leeg als er geen grens is."),
    ({"postcode": "9999 ZZ"}, "Deze postcode kennen we niet."),
    ({"postcode": "abc"}, "Vul een postcode in zoals 7511 AB of 7511."),
    ({"times": "27"}, "Kies een aantal van 1 tot 26."),
    ({"times": ""}, "Vul in hoe vaak het is: 1 tot 26 keer."),
    ({"volunteers_wanted": "21"}, "Kies een aantal van 0 tot 20."),
    ({"categories": []}, "Kies minstens één onderwerp."),
    ({"title": ""}, "Dit veld is verplicht."),
    ({"first_date": (local_today() - timedelta(days=3)).isoformat()}, "Deze datum is al voorbij."),
])
def test_create_bad_input_is_422_in_dutch_keeps_input_and_writes_nothing(app, client, session, overrides, message):
    make_world(session)
    person(session, "anna@example.nl", "Anna de Vries")
    login(client)
    response = client.post("/activiteiten/nieuw", data=form_data(**overrides))
    page = page_text(response)
    assert response.status_code == 422
    assert message in page
    assert 'value="Velvetstraat 1"' in page and "Elke week koken" in page
    assert count(app, Activity) == 0 and count(app, Location) == 0 and count(app, ActivityOccurrence) == 0


def test_aanbieder_creates_for_own_organisation_only(app, client, session):
    make_world(session)
    staff = person(session, "staff@example.nl", "Sara Bakker", roles=("aanbieder",))
    org = make_organisation(session, name="Bibliotheek Enschede", staff=staff)
    other = make_organisation(session, name="Andere Club")
    login(client, "staff@example.nl")
    assert "Bibliotheek Enschede" in page_text(client.get("/activiteiten/nieuw"))
    bad = client.post("/activiteiten/nieuw", data=form_data(organisation=str(other.id)))
    assert bad.status_code == 422 and count(app, Activity) == 0
    client.post("/activiteiten/nieuw", data=form_data(organisation=str(org.id)))
    with app.app_context():
        activity = db.get_session().exec(select(Activity)).one()
        assert activity.organisation_id == org.id and not activity.is_initiative
    assert "Bibliotheek Enschede" in page_text(client.get(f"/activiteiten/{activity.id}"))


def test_edit_only_by_owner_org_staff_or_moderator(client, session):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    person(session, "anna@example.nl", "Anna de Vries")
    staff = person(session, "staff@example.nl", "Sara Bakker", roles=("aanbieder",))
    org = make_organisation(session, staff=staff)
    make_preventiemakelaar(session, world)
    initiative = make_activity(session, world.velve, owner=owner)
    org_activity = make_activity(session, world.velve, org=org, title="Van de club")
    assert client.get(f"/activiteiten/{initiative.id}/bewerken").status_code == 302  # login first
    login(client)
    assert client.get(f"/activiteiten/{initiative.id}/bewerken").status_code == 403
    assert client.post(f"/activiteiten/{initiative.id}/bewerken", data=form_data()).status_code == 403
    assert client.post(f"/activiteiten/{initiative.id}/annuleren").status_code == 403
    assert client.get("/activiteiten/9999/bewerken").status_code == 404
    client.post("/logout")
    for who, activity in (("ali@example.nl", initiative), ("staff@example.nl", org_activity),
                          ("pm@example.nl", initiative)):
        login(client, who)
        assert client.get(f"/activiteiten/{activity.id}/bewerken").status_code == 200, who
        client.post("/logout")
    login(client, "staff@example.nl")
    assert client.get(f"/activiteiten/{initiative.id}/bewerken").status_code == 403


def test_edit_keeps_dates_unless_changed_and_raising_capacity_moves_waiting_list_up(app, client, session, outbox):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    activity = make_activity(session, world.velve, owner=owner, capacity=1, weeks=3)
    signup_row(session, activity, person(session, "b@example.nl", "Bea"), position=0)
    waiting = person(session, "c@example.nl", "Cor")
    signup_row(session, activity, waiting, status="waiting_list", position=1)
    login(client, "ali@example.nl")
    form = page_text(client.get(f"/activiteiten/{activity.id}/bewerken"))
    assert 'value="Velvetstraat 1"' in form and 'value="12:00"' in form
    before = [o.id for o in session.exec(select(ActivityOccurrence).where(
        ActivityOccurrence.activity_id == activity.id))]
    data = form_data(title="Eettafel De Velve (nieuw)", first_date=days_from_today(1).isoformat(),
                     times="3", capacity="2", postcode="7541 AA")
    assert client.post(f"/activiteiten/{activity.id}/bewerken", data=data).status_code == 302
    with app.app_context():
        s = db.get_session()
        assert s.get(Activity, activity.id).title == "Eettafel De Velve (nieuw)"
        assert [o.id for o in s.exec(select(ActivityOccurrence).where(
            ActivityOccurrence.activity_id == activity.id))] == before
        assert signups.my_signup(s, activity.id, waiting.id).status == "signed_up"
    assert [m["Subject"] for m in mail_to(outbox(), "c@example.nl")] == [
        "Er is een plek vrij voor u bij Eettafel De Velve (nieuw)"]
    data.update(start_time="18:00", end_time="20:00", times="2")
    client.post(f"/activiteiten/{activity.id}/bewerken", data=data)
    with app.app_context():
        dates = db.get_session().exec(select(ActivityOccurrence).where(
            ActivityOccurrence.activity_id == activity.id)).all()
        assert [to_local(o.starts_at).time() for o in dates] == [time(18)] * 2


def test_cancel_mails_everyone_signed_up_or_waiting(app, client, session, outbox):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    activity = make_activity(session, world.velve, owner=owner, capacity=1)
    signup_row(session, activity, person(session, "b@example.nl", "Bea"))
    signup_row(session, activity, person(session, "c@example.nl", "Cor"), status="waiting_list", position=1)
    signup_row(session, activity, person(session, "d@example.nl", "Dirk"), status="signed_off", position=2)
    login(client, "ali@example.nl")
    assert "Weet u zeker" in page_text(client.get(f"/activiteiten/{activity.id}/annuleren"))
    assert client.post(f"/activiteiten/{activity.id}/annuleren").status_code == 302
    messages = outbox()
    assert sorted(m["To"] for m in messages) == ["b@example.nl", "c@example.nl"]
    assert "gaat niet door" in messages[0]["Subject"]
    with app.app_context():
        assert db.get_session().get(Activity, activity.id).status == "cancelled"
        assert db.get_session().exec(select(AuditEvent).where(AuditEvent.action == "activity.cancel")).one()
    assert "gaat niet door" in page_text(client.get(f"/activiteiten/{activity.id}"))
    assert client.post(f"/activiteiten/{activity.id}/aanmelden").status_code == 302
    assert count(app, ActivitySignup) == 3


# --------------------------------------------------------------------------- sign-up services


@pytest.fixture
def full_world(app, session):
    """An activity with 2 places and three residents."""
    world = make_world(session)
    activity = make_activity(session, world.velve, org=make_organisation(session), title="Koffie", capacity=2)
    users = [person(session, f"u{i}@example.nl", f"Gebruiker {i}") for i in range(4)]
    return activity, users


def _statuses(session, activity):
    rows = session.exec(select(ActivitySignup).where(ActivitySignup.activity_id == activity.id).order_by(
        ActivitySignup.position)).all()
    return [(r.user_id, r.status) for r in rows]


def test_sign_up_fills_places_then_waiting_list_and_twice_is_harmless(app, full_world):
    activity, users = full_world
    with app.test_request_context():
        s = db.get_session()
        results = [committed(s, signups.sign_up, activity.id, u).status for u in users]
        assert results == ["signed_up", "signed_up", "waiting_list", "waiting_list"]
        again = committed(s, signups.sign_up, activity.id, users[2])
        assert again.status == "waiting_list" and signups.waiting_rank(s, again) == 1
        assert signups.waiting_rank(s, signups.my_signup(s, activity.id, users[3].id)) == 2
        assert len(s.exec(select(ActivitySignup)).all()) == 4


def test_sign_off_moves_first_waiting_up_and_mails_them(app, full_world, outbox):
    activity, users = full_world
    with app.test_request_context():
        s = db.get_session()
        for u in users:
            committed(s, signups.sign_up, activity.id, u)
        committed(s, signups.sign_off, activity.id, users[0])
        assert dict(_statuses(s, activity)) == {users[0].id: "signed_off", users[1].id: "signed_up",
                                                users[2].id: "signed_up", users[3].id: "waiting_list"}
        assert signups.waiting_rank(s, signups.my_signup(s, activity.id, users[3].id)) == 1
        # Signing off from the waiting list frees no place.
        committed(s, signups.sign_off, activity.id, users[3])
        assert signups.taken_counts(s, [activity.id]) == {activity.id: 2}
        # Coming back after signing off: at the end, not in front.
        assert committed(s, signups.sign_up, activity.id, users[0]).status == "waiting_list"
    messages = outbox()
    assert [m["To"] for m in messages] == ["u2@example.nl"]
    assert messages[0]["Subject"] == "Er is een plek vrij voor u bij Koffie"
    assert 'Er is een plek vrij voor u bij "Koffie"' in messages[0].get_content()


def test_lowered_capacity_removes_nobody_and_gives_no_new_places(app, full_world, outbox):
    activity, users = full_world
    with app.test_request_context():
        s = db.get_session()
        for u in users[:3]:
            committed(s, signups.sign_up, activity.id, u)
        row = s.get(Activity, activity.id)
        row.capacity = 1
        s.add(row)
        s.commit()
        assert signups.places_left(1, 2) == 0
        committed(s, signups.sign_off, activity.id, users[0])  # 1 taken of 1: still no place
        assert signups.my_signup(s, activity.id, users[2].id).status == "waiting_list"
        assert signups.taken_counts(s, [activity.id]) == {activity.id: 1}
        committed(s, signups.sign_off, activity.id, users[1])  # now a place is free
        assert signups.my_signup(s, activity.id, users[2].id).status == "signed_up"
    assert [m["To"] for m in outbox()] == ["u2@example.nl"]


def test_double_submit_race_is_handled(app, full_world, monkeypatch):
    activity, users = full_world
    with app.test_request_context():
        s = db.get_session()
        committed(s, signups.sign_up, activity.id, users[0])
        real = signups.my_signup
        calls = {"n": 0}

        def blind_first_time(session, activity_id, user_id):
            # The first look misses the row, as a parallel request would: the insert then collides.
            calls["n"] += 1
            return None if calls["n"] == 1 else real(session, activity_id, user_id)

        monkeypatch.setattr(signups, "my_signup", blind_first_time)
        result = committed(s, signups.sign_up, activity.id, users[0])
        assert result.status == "signed_up" and calls["n"] == 2
        assert len(s.exec(select(ActivitySignup)).all()) == 1


def test_unique_constraint_backs_the_rule(session, full_world):
    activity, users = full_world
    signup_row(session, activity, users[0])
    with pytest.raises(IntegrityError):
        signup_row(session, activity, users[0], position=5)
    session.rollback()


# --------------------------------------------------------------------------- sign-up over HTTP


def test_sign_up_and_off_over_http(app, client, session, outbox):
    world = make_world(session)
    activity = make_activity(session, world.velve, org=make_organisation(session), title="Koffie", capacity=1)
    person(session, "anna@example.nl", "Anna de Vries")
    person(session, "bea@example.nl", "Bea Jansen")
    assert "/login" in client.post(f"/activiteiten/{activity.id}/aanmelden").headers["Location"]
    assert count(app, ActivitySignup) == 0
    login(client, "bea@example.nl")
    client.post(f"/activiteiten/{activity.id}/aanmelden")
    page = page_text(client.get(f"/activiteiten/{activity.id}"))
    assert "U bent aangemeld." in page and "Afmelden" in page
    client.post("/logout")
    login(client)
    assert "Zet mij op de wachtlijst" in page_text(client.get(f"/activiteiten/{activity.id}"))
    response = client.post(f"/activiteiten/{activity.id}/aanmelden", follow_redirects=True)
    assert "plek 1 op de wachtlijst" in page_text(response)
    client.post(f"/activiteiten/{activity.id}/aanmelden")  # double submit: still one row
    assert count(app, ActivitySignup) == 2
    client.post("/logout")
    login(client, "bea@example.nl")
    assert "U bent afgemeld." in page_text(client.post(f"/activiteiten/{activity.id}/afmelden",
                                                       follow_redirects=True))
    assert [m["To"] for m in outbox()] == ["anna@example.nl"]
    client.post("/logout")
    login(client)
    assert "U bent aangemeld." in page_text(client.get(f"/activiteiten/{activity.id}"))
    assert client.post("/activiteiten/9999/aanmelden").status_code == 404
    assert client.post("/activiteiten/9999/afmelden").status_code == 404


def test_pending_activity_refuses_sign_up(app, client, session):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    activity = make_activity(session, world.velve, owner=owner, moderation="pending")
    login(client, "ali@example.nl")
    page = page_text(client.post(f"/activiteiten/{activity.id}/aanmelden", follow_redirects=True))
    assert "niet aanmelden" in page and count(app, ActivitySignup) == 0


def test_volunteer_interest_tells_the_owner_once(app, client, session, outbox):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    activity = make_activity(session, world.velve, owner=owner, volunteers_wanted=2)
    no_help = make_activity(session, world.velve, owner=owner, title="Zonder hulp")
    person(session, "anna@example.nl", "Anna de Vries")
    login(client)
    page = page_text(client.post(f"/activiteiten/{activity.id}/helpen", follow_redirects=True))
    assert "Dank u wel" in page
    client.post(f"/activiteiten/{activity.id}/helpen")
    messages = mail_to(outbox(), "ali@example.nl")
    assert len(messages) == 1 and "Anna de Vries" in messages[0].get_content()
    assert count(app, ActivitySignup) == 0
    with app.app_context():
        assert len(db.get_session().exec(select(AuditEvent).where(
            AuditEvent.action == "activity.volunteer_interest")).all()) == 1
    assert client.post(f"/activiteiten/{no_help.id}/helpen").status_code == 404


# --------------------------------------------------------------------------- support


def test_owner_asks_support_and_sees_status_in_words(app, client, session, outbox):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    pm = make_preventiemakelaar(session, world)
    activity = make_activity(session, world.velve, owner=owner)
    login(client, "ali@example.nl")
    assert "Waar heeft u hulp bij nodig?" in page_text(client.get(f"/activiteiten/{activity.id}"))
    bad = client.post(f"/activiteiten/{activity.id}/steun", data={"question": "kort"})
    assert bad.status_code == 422 and "Schrijf 10 tot 2000 tekens." in page_text(bad)
    assert count(app, SupportRequest) == 0
    client.post(f"/activiteiten/{activity.id}/steun", data={"question": "Wij zoeken een ruimte voor 20 mensen."})
    page = page_text(client.get(f"/activiteiten/{activity.id}"))
    assert "Verstuurd, nog niet bekeken" in page and "Wij zoeken een ruimte" in page
    assert [m["To"] for m in outbox()] == [pm.email]
    with app.test_request_context():
        s = db.get_session()
        support = s.exec(select(SupportRequest)).one()
        assert support.status == "open" and support.asked_by_id == owner.id
        with db.unit_of_work(s):
            answer_support_request(s, support.id, s.get(User, pm.id), None, "in_progress")
    assert "De buurtmakelaar helpt u" in page_text(client.get(f"/activiteiten/{activity.id}"))
    with app.test_request_context():
        s = db.get_session()
        with db.unit_of_work(s):
            answer_support_request(s, support.id, s.get(User, pm.id), "De Velve heeft een zaal vrij.",
                                   "done")
    page = page_text(client.get(f"/activiteiten/{activity.id}"))
    assert "Afgerond" in page and "De Velve heeft een zaal vrij." in page
    assert len(mail_to(outbox(), "ali@example.nl")) == 2


def test_support_only_for_owner(client, session):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    person(session, "anna@example.nl", "Anna de Vries")
    activity = make_activity(session, world.velve, owner=owner)
    assert client.post(f"/activiteiten/{activity.id}/steun", data={"question": "x" * 20}).status_code == 302
    login(client)
    assert client.post(f"/activiteiten/{activity.id}/steun", data={"question": "x" * 20}).status_code == 403
    assert "Waar heeft u hulp bij nodig?" not in page_text(client.get(f"/activiteiten/{activity.id}"))
    assert client.post("/activiteiten/9999/steun", data={"question": "x" * 20}).status_code == 404


def test_answer_support_request_checks_wijk_status_and_id(app, session):
    world = make_world(session)
    owner = person(session, "ali@example.nl", "Ali Demir")
    pm = make_preventiemakelaar(session, world)
    other_pm = make_user(session, email="pm2@example.nl", roles=("preventiemakelaar",), name="Piet Pool")
    resident = person(session, "anna@example.nl", "Anna de Vries")
    activity = make_activity(session, world.velve, owner=owner)
    support = add(session, SupportRequest(activity_id=activity.id, asked_by_id=owner.id, question="Hulp graag."))
    with app.test_request_context():
        s = db.get_session()
        with pytest.raises(PermissionError):
            answer_support_request(s, support.id, s.get(User, other_pm.id), "Nee", "done")
        with pytest.raises(PermissionError):
            answer_support_request(s, support.id, s.get(User, resident.id), "Nee", "done")
        with pytest.raises(LookupError):
            answer_support_request(s, 9999, s.get(User, pm.id), "Ja", "done")
        with pytest.raises(errors.ActivityError):
            answer_support_request(s, support.id, s.get(User, pm.id), "Ja", "onzin")
        with pytest.raises(errors.ActivityError):
            answer_support_request(s, support.id, s.get(User, pm.id), "", "done")
        assert s.get(SupportRequest, support.id).status == "open"
        done = committed(s, answer_support_request, support.id, s.get(User, pm.id), "Geregeld.", "done")
        assert done.status == "done" and done.handled_by_id == pm.id
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "support.answer")).one()
