"""Outgoing e-mail: SMTP when MAIL_SERVER is configured, else .eml files in a local folder.

Mail is written first, sent later (the transactional outbox):

- ``queue_mail(session, to, subject, body)`` adds a ``mail_outbox`` row to the caller's
  transaction: a rollback sends nothing, a crash after the commit loses nothing. The mails
  themselves are functions in ``emails.py``.
- After the commit the rows are sent (``MAIL_SEND_AFTER_COMMIT``: on a background thread, in this
  thread, or not at all) and by ``flask --app wsgi mail send`` (a job, ``--loop`` for a process of its
  own) and ``flask --app wsgi mail retry`` (now, also what gave up). A failure waits longer each time.
  Each row is claimed first, so any number of senders never send one row twice at once; a sender
  that dies between SMTP and marking may send it again (with the same Message-ID).
- ``send_mail(to, subject, body)``: right now, raising on failure.

Header values are made single-line here, whatever the caller passes: a title with a line break
cannot inject headers, nor make the mail library refuse the message.
"""

from __future__ import annotations

import atexit
import email
import email.policy
import logging
import os
import queue
import re
import smtplib
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context, url_for
from flask.cli import AppGroup
from sqlalchemy import delete, inspect, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from . import db
from .jobs import cron_job
from .models import OutboxMail, utcnow

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def absolute_url(endpoint: str, **values) -> str:
    """The one way to build a link for mail: from BASE_URL, never from the request's Host header
    (a forged Host would otherwise put a valid reset token in a link to someone else's site)."""
    base = current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    try:
        with current_app.test_request_context():
            return base + url_for(endpoint, _external=False, **values)
    except BuildError:  # an area not built yet: link home
        return base + "/"


def one_line(value: str) -> str:
    """A header value without CR, LF or other control characters (each run becomes one space)."""
    return _CONTROL.sub(" ", str(value or "")).strip()


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = one_line(current_app.config["MAIL_FROM"])
    message["To"] = one_line(to)
    message["Subject"] = one_line(subject)
    message["Message-ID"] = make_msgid(domain="buurtplein.nl")
    message.set_content(body)
    return message


def deliver(message: EmailMessage) -> None:
    """Hand one message to SMTP (or the outbox folder). Raises when that fails."""
    cfg = current_app.config
    if cfg.get("MAIL_SERVER"):
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(cfg["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / _file_name(message["To"])
    path.write_bytes(bytes(message))
    current_app.logger.info("Mail to %s written to %s", message["To"], path)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send now. Raises when the mail server refuses or cannot be reached."""
    deliver(build_message(to, subject, body))


# --------------------------------------------------------------------------- the outbox


def queue_mail(session: Session, to: str, subject: str, body: str, kind: str | None = None) -> OutboxMail:
    """Write this mail into the caller's unit of work; it is sent after the commit (db.after_commit).
    With ``kind`` the sender writes subject and body itself (``emails.DEFERRED``)."""
    row = OutboxMail(to_address=one_line(to)[:320], subject=one_line(subject)[:500], body=str(body),
                     message_id=make_msgid(domain="buurtplein.nl"), kind=kind)
    session.add(row)
    db.after_commit(session, _HandOver(current_app._get_current_object(), row))
    return row


def queued_mail(session: Session) -> list[OutboxMail]:
    """The mails this session has queued and not yet committed or rolled back."""
    return [action.row for action in db.pending_after_commit(session) if isinstance(action, _HandOver)]


@dataclass
class _HandOver:
    """After the commit: give the new row to whoever sends now (MAIL_SEND_AFTER_COMMIT)."""

    app: Flask
    row: OutboxMail

    def __call__(self) -> None:
        key = inspect(self.row).identity  # no SQL after the commit: the id as flushed
        if not key:
            return
        if has_app_context():
            _hand_over(current_app._get_current_object(), [key[0]])
        else:
            with self.app.app_context():  # a job may commit outside the app context
                _hand_over(self.app, [key[0]])


def _hand_over(app: Flask, ids: list[int]) -> None:
    mode = app.config.get("MAIL_SEND_AFTER_COMMIT", "background")
    if mode == "inline":
        send_due(ids=ids)
    elif mode == "background":
        _background(app).put(ids)
    # "off": `flask mail send` picks them up


# --------------------------------------------------------------------------- the sender


_table = OutboxMail.__table__
_CLAIM = timedelta(minutes=5)  # longer than one SMTP conversation; a crashed sender's rows come back after it
_MAX_WAIT = timedelta(hours=6)


def send_due(ids: list[int] | None = None, everything: bool = False, now: datetime | None = None,
             limit: int = 500) -> tuple[int, int]:
    """Send queued mail: the rows ``ids`` (just committed), else every row that is due; with
    ``everything`` also rows still waiting or given up. Returns (sent, failed now). Never raises
    for one mail: a failure is written on its row."""
    engine = _Bind()
    now = now or utcnow()
    sent = failed = 0
    for row_id in _due(engine, ids, everything, now, limit):
        row = _claim(engine, row_id, everything, now)
        if row is None:
            continue  # another sender has it, or it is done
        try:
            message = _message(row)
            if message is None:  # a deferred mail with nobody to send it to
                with engine.begin() as connection:
                    connection.execute(delete(_table).where(_table.c.id == row.id))
                continue
            deliver(message)
        except Exception as error:  # noqa: BLE001 - SMTP down, refused, timeout, bad address: try later
            _failed(engine, row, error, now)
            failed += 1
        else:
            with engine.begin() as connection:
                connection.execute(update(_table).where(_table.c.id == row.id).values(
                    status="sent", sent_at=utcnow(), body="", locked_until=None, last_error=None))
            sent += 1
    return sent, failed


class _Bind:
    """The app's engine, or the connection a test joined the app to (db.bind_of): same API."""

    def __init__(self):
        self.bind = db.bind_of(current_app._get_current_object())

    @contextmanager
    def begin(self):
        if isinstance(self.bind, Connection):
            with self.bind.begin_nested():
                yield self.bind
        else:
            with self.bind.begin() as connection:
                yield connection

    connect = begin


def _due(engine, ids, everything, now, limit) -> list[int]:
    statuses = ("pending", "failed") if everything else ("pending",)
    query = select(_table.c.id).where(_table.c.status.in_(statuses), _free(now)).order_by(_table.c.id).limit(limit)
    if ids is not None:
        query = query.where(_table.c.id.in_(ids))
    elif not everything:
        query = query.where(_table.c.next_attempt_at <= now)
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def _free(now):
    return or_(_table.c.locked_until.is_(None), _table.c.locked_until < now)


def _claim(engine, row_id: int, everything: bool, now: datetime):
    """Take the row for one attempt (one UPDATE decides between senders); None when taken or done."""
    statuses = ("pending", "failed") if everything else ("pending",)
    with engine.begin() as connection:
        won = connection.execute(update(_table).where(
            _table.c.id == row_id, _table.c.status.in_(statuses), _free(now)).values(
            locked_until=now + _CLAIM, attempts=_table.c.attempts + 1)).rowcount
        if won != 1:
            return None
        return connection.execute(select(_table).where(_table.c.id == row_id)).first()


def _failed(engine, row, error: Exception, now: datetime) -> None:
    cfg = current_app.config
    wait = min(timedelta(seconds=cfg.get("MAIL_RETRY_SECONDS", 60)) * 2 ** (row.attempts - 1), _MAX_WAIT)
    gave_up = row.attempts >= cfg.get("MAIL_MAX_ATTEMPTS", 10)
    with engine.begin() as connection:
        connection.execute(update(_table).where(_table.c.id == row.id).values(
            status="failed" if gave_up else "pending", next_attempt_at=now + wait, locked_until=None,
            last_error=one_line(f"{type(error).__name__}: {error}")[:500]))
    log.warning("Mail %s to %s failed (attempt %s)%s", row.id, row.to_address, row.attempts,
                "; given up, `flask mail retry` still tries" if gave_up else "; kept for retry",
                exc_info=error)


def _message(row) -> EmailMessage | None:
    to, subject, body = row.to_address, row.subject, row.body
    if row.kind:
        from .emails import write_deferred
        written = write_deferred(row.kind, row.to_address)
        if written is None:
            return None
        to, subject, body = written
    message = build_message(to, subject, body)
    message.replace_header("Message-ID", row.message_id)
    return message


class _Background:
    """One sender thread per app and process: the request that committed does not wait for SMTP."""

    def __init__(self, app: Flask):
        self.app, self.ids = app, queue.Queue()
        threading.Thread(target=self._run, name="buurtplein-mail", daemon=True).start()
        atexit.register(self.wait, 30)  # a CLI job or a stopping worker first sends what it queued

    def put(self, ids: list[int]) -> None:
        self.ids.put(ids)

    def wait(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.ids.all_tasks_done:
            while self.ids.unfinished_tasks:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return  # whatever is left stays queued for `flask mail send`
                self.ids.all_tasks_done.wait(left)

    def _run(self) -> None:
        while True:
            ids = self.ids.get()
            try:
                with self.app.app_context():
                    send_due(ids=ids)
            except Exception:  # noqa: BLE001 - database away: the rows wait for `mail send`
                log.exception("Background mail sender failed; the mails stay queued")
            finally:
                self.ids.task_done()


_senders: dict[tuple[int, int], _Background] = {}
_senders_lock = threading.Lock()


def _background(app: Flask) -> _Background:
    key = (os.getpid(), id(app))  # a thread does not survive a fork (gunicorn --preload): one per worker
    with _senders_lock:
        if key not in _senders:
            _senders[key] = _Background(app)
        return _senders[key]


def wait_for_background(app: Flask, timeout: float | None = 30) -> None:
    """Until this app's sender thread has handled everything handed to it (tests, shutdown)."""
    sender = _senders.get((os.getpid(), id(app)))
    if sender is not None:
        sender.wait(timeout)


# --------------------------------------------------------------------------- files kept before the outbox table


def failed_folder() -> Path:
    cfg = current_app.config
    return Path(cfg.get("MAIL_FAILED_DIR") or Path(cfg["MAIL_OUTBOX"]) / "failed")


def retry_failed_files() -> tuple[int, int]:
    """Send the .eml files older versions kept after a failure; returns (sent, still failing)."""
    sent = failing = 0
    for path in sorted(failed_folder().glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        try:
            deliver(message)
        except Exception:  # noqa: BLE001 - stays in the folder for the next try
            current_app.logger.warning("Mail %s still fails", path.name, exc_info=True)
            failing += 1
            continue
        path.unlink()
        sent += 1
    return sent, failing


def _file_name(to: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", str(to or "").replace("@", "_at_"))[:80]
    return f"{time.time_ns()}-{safe}.eml"


mail_cli = AppGroup("mail", help="Outgoing e-mail.")


@mail_cli.command("retry", help="Send every queued e-mail now, also those that failed or were given up.")
@cron_job("mail retry")  # one retry at a time; the rows' claims keep it apart from `mail send`
def retry_command() -> None:
    sent, failing = send_due(everything=True)
    files_sent, files_failing = retry_failed_files()
    click.echo(f"Verstuurd: {sent + files_sent}. Nog niet gelukt: {failing + files_failing}.")


@mail_cli.command("send", help="Send the queued e-mails that are due (for cron, or --loop as a process of its own).")
@click.option("--loop", is_flag=True, help="Keep going: look again every --interval seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between two looks (with --loop).")
def send_command(loop: bool, interval: float) -> None:
    while True:
        sent, failing = send_due()
        if sent or failing or not loop:
            click.echo(f"Verstuurd: {sent}. Nog niet gelukt: {failing}.")
        if not loop:
            return
        time.sleep(interval)
