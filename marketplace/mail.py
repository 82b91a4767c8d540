"""Outgoing e-mail: SMTP when MAIL_SERVER is configured, else .eml files in a local outbox.

Two ways to send:

- ``queue_mail(session, to, subject, body)`` from a service that changes data: the mail waits on
  the session and goes out only after that transaction commits (dropped on rollback). A mail that
  cannot be sent then is logged and kept in the ``failed`` folder for ``flask --app wsgi mail retry``;
  it never turns a saved change into an error page, and never undoes it.
- ``send_mail(to, subject, body)``: right now, raising on failure (for callers that count failures).

Header values are made single-line here, whatever the caller passes: a title with a line break
cannot inject headers, nor make the mail library refuse the message.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context, url_for
from flask.cli import AppGroup
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from . import db
from .jobs import cron_job

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


# --------------------------------------------------------------------------- after the commit


@dataclass
class QueuedMail:
    app: Flask
    to: str
    subject: str
    body: str

    def __call__(self) -> None:
        if has_app_context():
            send_or_keep(self.to, self.subject, self.body)
        else:
            with self.app.app_context():
                send_or_keep(self.to, self.subject, self.body)


def queue_mail(session: Session, to: str, subject: str, body: str) -> None:
    """Send this mail once the unit of work has committed; forget it on rollback (see db.after_commit)."""
    db.after_commit(session, QueuedMail(current_app._get_current_object(), to, str(subject), str(body)))


def queued_mail(session: Session) -> list[QueuedMail]:
    return [action for action in db.pending_after_commit(session) if isinstance(action, QueuedMail)]


def send_or_keep(to: str, subject: str, body: str) -> bool:
    """Send; on any failure log it and keep the message for a retry. Never raises."""
    try:
        message = build_message(to, subject, body)
    except Exception:  # noqa: BLE001 - a bad address must not break the caller's saved change
        log.exception("Mail to %r could not be built; dropped", to)
        return False
    try:
        deliver(message)
        return True
    except Exception:  # noqa: BLE001 - SMTP down, refused, timeout: keep it for later
        path = keep_for_retry(message)
        current_app.logger.exception("Mail to %s failed; kept for retry in %s", message["To"], path)
        return False


def failed_folder() -> Path:
    cfg = current_app.config
    return Path(cfg.get("MAIL_FAILED_DIR") or Path(cfg["MAIL_OUTBOX"]) / "failed")


def keep_for_retry(message: EmailMessage) -> Path:
    folder = failed_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _file_name(message["To"])
    path.write_bytes(bytes(message))
    return path


def retry_failed() -> tuple[int, int]:
    """Send every kept message again; returns (sent, still failing). Sent ones are removed."""
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


@mail_cli.command("retry", help="Send the e-mails that failed earlier (kept in the outbox's failed folder).")
@cron_job("mail retry")  # two machines must not send the same kept mail twice
def retry_command() -> None:
    sent, failing = retry_failed()
    click.echo(f"Verstuurd: {sent}. Nog niet gelukt: {failing}.")
