"""Mail never undoes or half-does a user's action: single-line fields, queued mail after the commit,
a mail server that is down (kept for retry), and real SMTP."""

from __future__ import annotations

import email
import email.policy
import importlib
import inspect
import pkgutil

import pytest
from sqlmodel import select
from wtforms import PasswordField, StringField, TextAreaField

import marketplace
from marketplace import db, emails, mail
from marketplace.forms import BaseForm, BaseSubForm, multi_line, single_line
from marketplace.models import Activity, ActivitySignup, AuditEvent, OutboxMail, SupportRequest, User

from .factories import add, login, make_activity, make_preventiemakelaar, make_user, make_world
from .support import free_port

TITLE_WITH_BREAK = "Koffie\r\nBcc: iedereen@example.nl"


# --------------------------------------------------------------------------- single-line fields


def _all_form_classes():
    """Every form class defined in a marketplace/**/forms.py module."""
    from wtforms import Form
    found = set()
    for info in pkgutil.walk_packages(marketplace.__path__, "marketplace."):
        if not info.name.endswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == info.name and issubclass(obj, Form) and obj not in (BaseForm, BaseSubForm):
                found.add(obj)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def test_every_form_derives_from_the_shared_base(app):
    forms = _all_form_classes()
    assert len(forms) >= 15
    assert [f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, (BaseForm, BaseSubForm))] == []


def test_every_text_field_of_every_form_gets_its_rule_first(app):
    checked = 0
    with app.test_request_context():
        for form_class in _all_form_classes():
            form = form_class(meta={"csrf": False}) if issubclass(form_class, BaseForm) else form_class()
            for field in _fields(form):
                if isinstance(field, TextAreaField):
                    assert field.validators[0] is multi_line, field.name
                elif isinstance(field, StringField) and not isinstance(field, PasswordField):
                    assert field.validators[0] is single_line, field.name
                    checked += 1
    assert checked >= 30


def _fields(form):
    for field in form:
        if hasattr(field, "entries"):  # FieldList
            for entry in field.entries:
                yield from _fields(entry.form) if hasattr(entry, "form") else [entry]
        elif hasattr(field, "form") and hasattr(field.form, "_fields"):  # FormField
            yield from _fields(field.form)
        else:
            yield field


def activity_form(**overrides) -> dict:
    from .test_activiteiten import form_data
    return form_data(**overrides)


@pytest.mark.parametrize("field,value", [
    ("title", TITLE_WITH_BREAK), ("title", "Koffie\x1b"), ("title", "Koffie\tdrinken"),
    ("place_name", "Buurthuis\nDe Velve"), ("address", "Velvetstraat 1\u2028"), ("postcode", "7541\nAB"),
    ("description", "Elke week koken en eten we samen.\x1b[31m"),
])
def test_a_single_line_field_with_a_line_break_is_refused_and_nothing_is_written(app, client, session, field, value):
    make_world(session)
    make_user(session)
    login(client)
    response = client.post("/activiteiten/nieuw", data=activity_form(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "zonder Enter of tab" in page or "teken dat niet mag" in page
    with app.app_context():
        assert db.get_session().exec(select(Activity)).all() == []


def test_a_description_keeps_its_line_breaks(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    text = "Elke week koken we samen.\r\nDaarna eten we.\n\tIedereen welkom."
    assert client.post("/activiteiten/nieuw", data=activity_form(description=text)).status_code == 302
    with app.app_context():
        assert "Daarna eten we." in db.get_session().exec(select(Activity)).one().description


@pytest.mark.parametrize("url,data", [
    ("/registreren", {"display_name": "Anna\nde Vries", "email": "nieuw@example.nl", "password": "x" * 12,
                      "confirm": "x" * 12, "wants": ["bewoner"]}),
    ("/profiel", {"display_name": "Anna", "phone": "06 1234\n5678", "postcode": ""}),
    ("/hulpvragen/nieuw", {"category": "boodschappen", "title": "Boodschappen doen", "urgency": "geen haast",
                           "description": "Ik kan niet goed lopen.", "postcode": "7541 AB",
                           "wanted_time": "dinsdag\r\nochtend", "languages": ["nl"]}),
])
def test_other_forms_refuse_control_characters_too(app, client, session, url, data):
    make_world(session)
    make_user(session)
    if url != "/registreren":
        login(client)
    with app.app_context():
        before = _counts(db.get_session())
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "zonder Enter of tab" in response.get_data(as_text=True)
    with app.app_context():
        assert _counts(db.get_session()) == before


def _counts(s):
    from marketplace.models import HelpRequest
    return {model.__name__: len(s.exec(select(model)).all()) for model in (User, HelpRequest, Activity)}


def test_one_line_strips_control_characters_from_headers():
    assert mail.one_line(TITLE_WITH_BREAK) == "Koffie Bcc: iedereen@example.nl"
    assert mail.one_line("a\x00b\u2028c\x85d") == "a b c d"


# --------------------------------------------------------------------------- the outbox


def outbox_rows(app) -> list[OutboxMail]:
    with app.app_context():
        return list(db.get_session().exec(select(OutboxMail).order_by(OutboxMail.id)))


def test_queued_mail_goes_out_after_commit_and_never_after_rollback(app, session, tmp_path):
    outbox = tmp_path / "outbox"
    app.config.update(MAIL_OUTBOX=str(outbox))
    with app.app_context():
        with db.new_session(db.bind_of(app)) as s:
            mail.queue_mail(s, "a@example.nl", "Eerst", "Tekst")
            assert not outbox.exists()  # not before the commit
            s.add(AuditEvent(action="test"))
            s.commit()
            assert len(list(outbox.glob("*.eml"))) == 1
            mail.queue_mail(s, "b@example.nl", "Niet", "Tekst")
            s.add(AuditEvent(action="test"))
            s.flush()  # the row was in the database, inside the transaction
            s.rollback()
            s.commit()
            mail.queue_mail(s, "c@example.nl", "Ook niet", "Tekst")
            s.close()
    assert sorted(p.name.split("-", 1)[1] for p in outbox.glob("*.eml")) == ["a_at_example.nl.eml"]
    (row,) = outbox_rows(app)
    assert (row.to_address, row.status, row.attempts, row.body) == ("a@example.nl", "sent", 1, "")  # body not kept


@pytest.mark.real_commits  # a cron job's lock, or senders on connections of their own
def test_a_crash_after_the_commit_loses_no_mail_and_the_sender_job_sends_it(make_app, smtp_server):
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port, MAIL_SEND_AFTER_COMMIT="off")  # as if the worker died
    with app.app_context():
        with db.session_scope() as s:
            emails.send_password_reset(s, emails.Recipient("anna@example.nl", "nl", "Anna"), token="t0k")
    assert received == [] and [r.status for r in outbox_rows(app)] == ["pending"]
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "Verstuurd: 1. Nog niet gelukt: 0." in result.output, result.output
    assert [m.rcpt_tos for m in received] == [["anna@example.nl"]]
    assert app.test_cli_runner().invoke(args=["mail", "send"]).output.startswith("Verstuurd: 0.")
    assert len(received) == 1


@pytest.mark.real_commits  # a cron job's lock, or senders on connections of their own
def test_a_failing_mail_waits_longer_each_time_then_gives_up_and_retry_still_sends_it(make_app, smtp_server):
    from datetime import timedelta
    from marketplace.models import utcnow
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SEND_AFTER_COMMIT="off",
                   MAIL_RETRY_SECONDS=60, MAIL_MAX_ATTEMPTS=3)
    with app.app_context():
        with db.session_scope() as s:
            mail.queue_mail(s, "a@example.nl", "Onderwerp", "Tekst")
        start = utcnow()
        waits = []
        for minutes_later in (0, 2, 5):
            now = start + timedelta(minutes=minutes_later)
            assert mail.send_due(now=now) == (0, 1)
            (row,) = outbox_rows(app)
            waits.append(round((row.next_attempt_at - now).total_seconds()))
            assert mail.send_due(now=now) == (0, 0)  # not due again yet
        assert waits == [60, 120, 240]
        assert (row.status, row.attempts) == ("failed", 3) and "ConnectionRefusedError" in row.last_error
        assert mail.send_due(now=start + timedelta(days=1)) == (0, 0)  # given up: the job leaves it
        message_id = row.message_id
    host, port, received = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    result = app.test_cli_runner().invoke(args=["mail", "retry"])
    assert "Verstuurd: 1. Nog niet gelukt: 0." in result.output, result.output
    message = email.message_from_bytes(received[0].content, policy=email.policy.default)
    assert message["Message-ID"] == message_id  # one mail to the reader, however often it was tried
    assert outbox_rows(app)[0].status == "sent"


@pytest.mark.real_commits  # a cron job's lock, or senders on connections of their own
def test_two_senders_at_once_send_every_mail_exactly_once(make_app, smtp_server):
    import threading
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port, MAIL_SEND_AFTER_COMMIT="off")
    with app.app_context():
        with db.session_scope() as s:
            for i in range(30):
                mail.queue_mail(s, f"lid{i}@example.nl", "Onderwerp", "Tekst")
    totals = []

    def sender():
        with app.app_context():
            totals.append(mail.send_due())

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _failed in totals) == 30
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(f"lid{i}@example.nl" for i in range(30))
    assert {r.status for r in outbox_rows(app)} == {"sent"}


@pytest.mark.real_commits  # a cron job's lock, or senders on connections of their own
def test_the_password_reset_request_only_writes_a_row_and_the_mail_server_is_the_senders(make_app, smtp_server,
                                                                                        monkeypatch):
    """No timing leak: either address writes one row and the answer does not wait for SMTP; the
    sender looks the account up, mails the known address and drops the unknown one."""
    import threading
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port, MAIL_SEND_AFTER_COMMIT="background")
    with app.app_context():
        make_user(db.get_session())
    release, threads = threading.Event(), []
    real_deliver = mail.deliver

    def slow_deliver(message):
        threads.append(threading.current_thread().name)
        assert release.wait(timeout=30)  # the mail server takes its time
        real_deliver(message)

    monkeypatch.setattr(mail, "deliver", slow_deliver)
    client = app.test_client()
    known = client.post("/wachtwoord-vergeten", data={"email": "anna@example.nl"})
    unknown = client.post("/wachtwoord-vergeten", data={"email": "niemand@example.nl"})
    # Both answered while the mail server still holds the one mail: the same answer, no waiting.
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location) == (302, "/login")
    assert [(r.to_address, r.kind) for r in outbox_rows(app)] == [("anna@example.nl", "password-reset"),
                                                                  ("niemand@example.nl", "password-reset")]
    release.set()
    mail.wait_for_background(app)
    assert threads == ["buurtplein-mail"]
    assert [m.rcpt_tos for m in received] == [["anna@example.nl"]]
    message = email.message_from_bytes(received[0].content, policy=email.policy.default)
    assert message["Subject"] == "Nieuw wachtwoord voor Buurtplein" and "/wachtwoord-herstellen/" in message.get_content()
    assert [(r.to_address, r.status) for r in outbox_rows(app)] == [("anna@example.nl", "sent")]  # the unknown: gone


# --------------------------------------------------------------------------- the mail server is down


@pytest.fixture
def mail_down(make_app):
    """An app whose MAIL_SERVER is a closed port on loopback."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())


def _scene(app, title="Koffie"):
    with app.app_context():
        s = db.get_session()
        world = make_world(s)
        owner = make_user(s, email="ali@example.nl", name="Ali Demir")
        make_preventiemakelaar(s, world)
        activity = make_activity(s, world.velve, owner=owner, title=title, capacity=1, volunteers_wanted=2)
        bea = make_user(s, email="bea@example.nl", name="Bea Jansen")
        cor = make_user(s, email="cor@example.nl", name="Cor Visser")
        add(s, ActivitySignup(activity_id=activity.id, user_id=bea.id, status="signed_up", position=0))
        add(s, ActivitySignup(activity_id=activity.id, user_id=cor.id, status="waiting_list", position=1))
        return activity.id


def _kept(app) -> list[OutboxMail]:
    return [row for row in outbox_rows(app) if row.status == "pending"]


@pytest.mark.parametrize("title", ["Koffie", TITLE_WITH_BREAK])
def test_with_the_mail_server_down_every_action_is_saved_and_its_mail_kept(mail_down, title, caplog):
    app = mail_down
    activity_id = _scene(app, title)
    client = app.test_client()

    login(client, "bea@example.nl")
    assert client.post(f"/activiteiten/{activity_id}/afmelden").status_code == 302  # Cor moves up
    assert client.post(f"/activiteiten/{activity_id}/helpen").status_code == 302
    client.post("/logout")
    login(client, "ali@example.nl")
    assert client.post(f"/activiteiten/{activity_id}/steun",
                       data={"question": "Wie helpt ons met een flyer?"}).status_code == 302
    assert client.post(f"/activiteiten/{activity_id}/annuleren").status_code == 302

    with app.app_context():
        s = db.get_session()
        statuses = {su.user_id: su.status for su in s.exec(select(ActivitySignup))}
        names = {u.id: u.email for u in s.exec(select(User))}
        assert {names[k]: v for k, v in statuses.items()} == {"bea@example.nl": "signed_off",
                                                              "cor@example.nl": "signed_up"}
        assert s.get(Activity, activity_id).status == "cancelled"
        assert len(s.exec(select(SupportRequest)).all()) == 1
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "activity.volunteer_interest")).one()
    kept = _kept(app)
    assert sorted(m.to_address for m in kept) == ["ali@example.nl", "cor@example.nl", "cor@example.nl",
                                                  "pm@example.nl"]
    assert all("\n" not in m.subject and "\r" not in m.subject and m.attempts == 1 for m in kept)
    assert "kept for retry" in caplog.text


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
@pytest.mark.real_commits  # a cron job's lock, or senders on connections of their own
def test_kept_mail_is_sent_by_flask_mail_retry(mail_down, smtp_server):
    app = mail_down
    activity_id = _scene(app)
    client = app.test_client()
    login(client, "bea@example.nl")
    client.post(f"/activiteiten/{activity_id}/afmelden")
    assert len(_kept(app)) == 1

    still_down = app.test_cli_runner().invoke(args=["mail", "retry"])
    assert "Verstuurd: 0. Nog niet gelukt: 1." in still_down.output

    host, port, received = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    result = app.test_cli_runner().invoke(args=["mail", "retry"])
    assert result.exit_code == 0, result.output
    assert "Verstuurd: 1. Nog niet gelukt: 0." in result.output
    assert [m.rcpt_tos for m in received] == [["cor@example.nl"]]
    assert _kept(app) == []


@pytest.mark.real_commits  # a cron job's lock, or senders on connections of their own
def test_mail_retry_also_sends_files_kept_by_the_version_before_the_outbox_table(make_app, smtp_server, tmp_path):
    host, port, received = smtp_server
    failed = tmp_path / "failed"
    failed.mkdir()
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port, MAIL_FAILED_DIR=str(failed))
    with app.app_context():
        (failed / "1-oud_at_example.nl.eml").write_bytes(bytes(mail.build_message("oud@example.nl", "Oud", "Tekst")))
    result = app.test_cli_runner().invoke(args=["mail", "retry"])
    assert "Verstuurd: 1. Nog niet gelukt: 0." in result.output, result.output
    assert [m.rcpt_tos for m in received] == [["oud@example.nl"]] and list(failed.iterdir()) == []


# --------------------------------------------------------------------------- real SMTP


def test_an_old_title_with_a_line_break_still_reaches_everyone_over_real_smtp(make_app, smtp_server):
    """Rows saved before the form refused line breaks: cancel still works and everyone is told."""
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port)
    activity_id = _scene(app, TITLE_WITH_BREAK)
    client = app.test_client()
    login(client, "ali@example.nl")
    assert client.post(f"/activiteiten/{activity_id}/annuleren").status_code == 302
    assert sorted(m.rcpt_tos[0] for m in received) == ["bea@example.nl", "cor@example.nl"]
    for envelope in received:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert message["Subject"] == "Koffie Bcc: iedereen@example.nl gaat niet door"
        assert message["Bcc"] is None


def test_a_password_reset_with_the_mail_server_down_is_no_500_and_the_mail_is_kept(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with app.app_context():
        make_user(db.get_session())
    response = app.test_client().post("/wachtwoord-vergeten", data={"email": "anna@example.nl"})
    assert response.status_code == 302
    assert [(r.to_address, r.status) for r in outbox_rows(app)] == [("anna@example.nl", "pending")]
