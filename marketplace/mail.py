"""Outgoing e-mail: SMTP when MAIL_SERVER is configured, else .eml files in a local outbox."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, url_for
from werkzeug.routing import BuildError


def absolute_url(endpoint: str, **values) -> str:
    """The one way to build a link for mail: from BASE_URL, never from the request's Host header
    (a forged Host would otherwise put a valid reset token in a link to someone else's site)."""
    base = current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    try:
        with current_app.test_request_context():
            return base + url_for(endpoint, _external=False, **values)
    except BuildError:  # an area not built yet: link home
        return base + "/"


def send_mail(to: str, subject: str, body: str) -> None:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="buurtplein.nl")
    message.set_content(body)
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
    name = f"{time.time_ns()}-{to.replace('@', '_at_')}.eml"
    (outbox / name).write_bytes(bytes(message))
    current_app.logger.info("Mail to %s written to %s", to, outbox / name)
