"""Lifecycle: reminders, expiry, the 'Klopt uw informatie nog?' mail and its confirm link."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import select

from marketplace import db
from marketplace.moderatie import lifecycle
from marketplace.voorzieningen import verification
from marketplace.models import AuditEvent, HelpRequest, Organisation, OutboxMail, VolunteerOffer, Voorziening

from .factories import (days_from_today, make_offer, make_organisation, make_request, make_user,
                        make_voorziening, make_world)

LONG_AGO = datetime.now(timezone.utc) - timedelta(days=200)


@pytest.fixture(autouse=True)
def empty_outbox(base_config):
    for path in Path(base_config["MAIL_OUTBOX"]).glob("*.eml"):
        path.unlink()


def outbox(app) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"))]


def fetch(app, model, row_id):
    with app.app_context():
        return db.get_session().get(model, row_id)


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def people(session):
    return (make_user(session, email="anna@example.nl", name="Anna de Vries"),
            make_user(session, email="vera@example.nl", name="Vera Vrijwilliger", roles=("vrijwilliger",)))


def run_job(runner, *args):
    result = runner.invoke(args=["lifecycle", *args])
    assert result.exit_code == 0, result.output
    return result.output


# --------------------------------------------------------------------------- reminders and expiry


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_reminder_is_sent_once_not_twice(app, runner, session, world, people):
    anna, vera = people
    request = make_request(session, anna, world.velve, title="Hulp met de tuin", expires_at=days_from_today(2))
    offer = make_offer(session, vera, world.velve, expires_at=days_from_today(3))
    later = make_request(session, anna, world.velve, title="Later", expires_at=days_from_today(10))
    output = run_job(runner)
    assert "herinnering hulpvraag verstuurd: 1" in output and "herinnering aanbod verstuurd: 1" in output
    mails = outbox(app)
    assert sorted(m["To"] for m in mails) == ["anna@example.nl", "vera@example.nl"]
    to_anna = next(m for m in mails if m["To"] == "anna@example.nl")
    assert to_anna["Subject"] == "Uw hulpvraag stopt bijna"
    body = to_anna.get_content()
    assert "Hallo Anna," in body and "Hulp met de tuin" in body and f"/hulpvragen/{request.id}" in body
    assert f"/aanbod/{offer.id}" in next(m for m in mails if m["To"] == "vera@example.nl").get_content()
    assert fetch(app, HelpRequest, request.id).reminder_sent_at is not None
    assert fetch(app, HelpRequest, later.id).reminder_sent_at is None
    # second run the same day: nothing new
    output = run_job(runner)
    assert "herinnering hulpvraag verstuurd: 0" in output and len(outbox(app)) == 2


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_expiry_only_of_open_requests_and_active_offers(app, runner, session, world, people):
    anna, vera = people
    open_request = make_request(session, anna, world.velve, expires_at=days_from_today(0))
    done_request = make_request(session, anna, world.velve, expires_at=days_from_today(-1), status="done")
    future = make_request(session, anna, world.velve, expires_at=days_from_today(5))
    offer = make_offer(session, vera, world.velve, expires_at=days_from_today(-1), status="paused")
    output = run_job(runner)
    assert "hulpvragen verlopen: 1" in output and "aanbod verlopen: 1" in output
    assert fetch(app, HelpRequest, open_request.id).status == "expired"
    assert fetch(app, HelpRequest, done_request.id).status == "done"
    assert fetch(app, HelpRequest, future.id).status == "open"
    assert fetch(app, VolunteerOffer, offer.id).status == "expired"
    with app.app_context():
        actions = [(e.action, e.target_kind, e.target_id) for e in db.get_session().exec(select(AuditEvent)).all()]
    assert ("lifecycle.expire", "request", open_request.id) in actions
    assert "hulpvragen verlopen: 0" in run_job(runner)  # idempotent


def test_renewed_request_does_not_expire_and_gets_a_new_reminder_later(app, session, world, people):
    anna, _ = people
    request = make_request(session, anna, world.velve, expires_at=days_from_today(1))
    with app.app_context():
        lifecycle.run(db.get_session())
    assert len(outbox(app)) == 1
    # The owner renews (the requests area moves expires_at on).
    row = session.get(HelpRequest, request.id)
    session.refresh(row)
    row.expires_at = days_from_today(30)
    session.add(row)
    session.commit()
    later = datetime.now(timezone.utc) + timedelta(days=5)
    with app.app_context():
        summary = lifecycle.run(db.get_session(), now=later)
    assert summary.requests_expired == [] and fetch(app, HelpRequest, request.id).status == "open"
    # 28 days later the renewed request is near its new end: one new reminder.
    with app.app_context():
        summary = lifecycle.run(db.get_session(), now=datetime.now(timezone.utc) + timedelta(days=28))
    assert summary.request_reminders == [request.id] and len(outbox(app)) == 2


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_dry_run_changes_nothing_and_sends_nothing(app, runner, session, world, people):
    anna, _ = people
    soon = make_request(session, anna, world.velve, expires_at=days_from_today(1))
    gone = make_request(session, anna, world.velve, expires_at=days_from_today(-2))
    make_organisation(session, name="Oude Club", created_at=LONG_AGO)
    output = run_job(runner, "--dry-run")
    assert output.startswith("Zou doen:")
    assert f"herinnering hulpvraag verstuurd: 1 ({soon.id})" in output
    assert f"hulpvragen verlopen: 1 ({gone.id})" in output
    assert "organisaties gevraagd of hun informatie klopt: 1" in output
    assert outbox(app) == []
    assert fetch(app, HelpRequest, soon.id).reminder_sent_at is None
    assert fetch(app, HelpRequest, gone.id).status == "open"
    with app.app_context():
        assert db.get_session().exec(select(AuditEvent)).all() == []


def test_reminder_mail_goes_through_a_real_smtp_server(make_app, smtp_server):
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port)
    with app.app_context():
        with db.session_scope() as s:
            world = make_world(s)
            anna = make_user(s, email="anna@example.nl", name="Anna de Vries")
            make_request(s, anna, world.velve, title="Wie loopt met mijn hond?", expires_at=days_from_today(2))
        summary = lifecycle.run(db.get_session())
    assert len(summary.request_reminders) == 1
    assert len(received) == 1 and received[0].rcpt_tos == ["anna@example.nl"]
    message = email.message_from_bytes(received[0].content, policy=email.policy.default)
    assert "Wie loopt met mijn hond?" in message.get_content()


def test_with_the_mail_server_down_the_reminder_is_kept_for_retry_and_not_queued_twice(make_app):
    from .support import free_port
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    with app.app_context():
        with db.session_scope() as s:
            world = make_world(s)
            anna = make_user(s, email="anna@example.nl")
            request_id = make_request(s, anna, world.velve, expires_at=days_from_today(2)).id
        assert lifecycle.run(db.get_session()).request_reminders == [request_id]
        assert db.get_session().get(HelpRequest, request_id).reminder_sent_at is not None
        assert lifecycle.run(db.get_session()).request_reminders == []  # the kept mail is the retry's job
        rows = db.get_session().exec(select(OutboxMail)).all()
    assert [(r.to_address, r.status) for r in rows] == [("anna@example.nl", "pending")]


# --------------------------------------------------------------------------- verification


def confirm_link(app) -> str:
    mail = next(m for m in outbox(app) if m["Subject"] == "Klopt uw informatie nog?")
    return re.search(r"http://\S+/moderatie/bevestigen/\S+", mail.get_content()).group(0)


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_verification_mail_with_token_and_confirm_by_post(app, client, runner, session, world):
    staff = make_user(session, email="staf@example.nl", roles=("aanbieder",))
    org = make_organisation(session, name="Buurthuis Oost", staff=staff, created_at=LONG_AGO)
    v = make_voorziening(session, org, world.velve, name="Koffieochtend")
    make_organisation(session, name="Nieuwe Club")  # created today: not due
    assert "organisaties gevraagd of hun informatie klopt: 1" in run_job(runner)
    assert sorted(m["To"] for m in outbox(app)) == ["info@welzijn.example.nl", "staf@example.nl"]
    assert "organisaties gevraagd of hun informatie klopt: 0" in run_job(runner)  # once per period
    path = confirm_link(app).split("://", 1)[1].split("/", 1)[1]
    # GET shows a button and changes nothing (mail scanners open links)
    page = client.get("/" + path)
    assert page.status_code == 200 and "Ja, het klopt" in page.get_data(as_text=True)
    assert "Koffieochtend" in page.get_data(as_text=True)
    assert fetch(app, Organisation, org.id).last_verified_at is None
    response = client.post("/" + path)
    assert response.status_code == 200 and "Dank u wel" in response.get_data(as_text=True)
    assert fetch(app, Organisation, org.id).last_verified_at is not None
    assert fetch(app, Voorziening, v.id).last_verified_at is not None
    with app.app_context():
        events = db.get_session().exec(select(AuditEvent).where(AuditEvent.action == "listing.confirm")).all()
    assert [(e.target_kind, e.target_id) for e in events] == [("organisation", org.id)]


@pytest.mark.parametrize("token", ["onzin", "eyJvcmciOjF9.Zz-abc.fake"])
def test_forged_token_gets_a_friendly_message(client, session, token):
    make_organisation(session)
    for response in (client.get(f"/moderatie/bevestigen/{token}"), client.post(f"/moderatie/bevestigen/{token}")):
        assert response.status_code == 404
        assert "Deze link werkt niet" in response.get_data(as_text=True)


def test_token_signed_with_another_key_is_refused(app, session):
    org = make_organisation(session)
    with app.app_context():
        token = verification.make_confirm_token(org, {"SECRET_KEY": "een andere sleutel"})
        assert verification.organisation_for_token(db.get_session(), token) is None
        good = verification.make_confirm_token(org)
        assert verification.organisation_for_token(db.get_session(), good).id == org.id


def test_possibly_outdated_after_interval_plus_grace():
    config = {"VERIFY_INTERVAL_MONTHS": 6, "VERIFY_GRACE_DAYS": 30}
    verified = datetime(2025, 1, 31, 12, tzinfo=timezone.utc)
    row = Organisation(name="x", created_at=verified - timedelta(days=400), last_verified_at=verified)
    assert verification.verification_due_at(row, config) == datetime(2025, 7, 31, 12, tzinfo=timezone.utc)
    assert not verification.is_possibly_outdated(row, datetime(2025, 8, 29, tzinfo=timezone.utc), config)
    assert verification.is_possibly_outdated(row, datetime(2025, 8, 31, tzinfo=timezone.utc), config)
    never = Voorziening(name="y", description="", organisation_id=1, created_at=verified)
    assert verification.is_possibly_outdated(never, datetime(2025, 9, 1, tzinfo=timezone.utc), config)


def test_outdated_listing_shows_in_queue_and_can_be_marked_correct(app, client, session, world):
    from .factories import make_preventiemakelaar
    from .factories import login
    make_preventiemakelaar(session, world)
    org = make_organisation(session, name="Stille Stichting", created_at=LONG_AGO - timedelta(days=200))
    login(client, "pm@example.nl")
    page = client.get("/moderatie/").get_data(as_text=True)
    assert "Stille Stichting" in page.split('id="verouderd"')[1]
    response = client.post("/moderatie/besluit", data={"kind": "organisation", "target_id": org.id,
                                                       "action": "verify"})
    assert response.status_code == 302
    assert fetch(app, Organisation, org.id).last_verified_at is not None
    assert "Stille Stichting" not in client.get("/moderatie/").get_data(as_text=True)
