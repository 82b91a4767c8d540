"""CLI: ``flask --app wsgi verwijzingen remind`` (cron-able, e.g. every working day at 9:00)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import session_scope
from ..jobs import cron_job
from .services import remind

referral_cli = AppGroup("verwijzingen", help="Verwijzingen: herinneringen bij geen reactie.")


@referral_cli.command("remind", help="Eén herinnering aan wijkcoach en organisatie als een verwijzing na de "
                                     "reactietermijn nog geen antwoord heeft.")
@click.option("--now", "now_text", default=None, help="Doe alsof het nu dit moment is (ISO 8601, met tijdzone).")
@cron_job("verwijzingen remind")
def remind_command(now_text: str | None) -> None:
    now = datetime.fromisoformat(now_text) if now_text else None
    if now is not None and now.tzinfo is None:
        raise click.BadParameter("geef een tijdzone mee, bijvoorbeeld 2026-12-03T09:00+01:00", param_hint="--now")
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL", "http://127.0.0.1:5000")), \
            session_scope() as session:
        count = remind(session, now)
    click.echo(f"{count} herinneringen verstuurd.")
