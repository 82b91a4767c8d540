"""``flask --app wsgi lifecycle [--dry-run]``: expiry, reminders and verification mails (for cron)."""

from __future__ import annotations

import click

from .. import db
from . import lifecycle
from ..jobs import cron_job
from . import bp


@bp.cli.command("lifecycle", help="Verloop, herinneringen en 'Klopt uw informatie nog?'-mails. Veilig om vaak te draaien.")
@click.option("--dry-run", is_flag=True, help="Alleen laten zien wat er zou gebeuren; niets veranderen of versturen.")
@cron_job("lifecycle")
def lifecycle_command(dry_run: bool) -> None:
    with db.session_scope() as session:
        summary = lifecycle.run(session, dry_run=dry_run)  # a dry run writes nothing
        if not dry_run:
            db.refresh_statistics(session)  # the lists' query plans follow the city's growth
    for line in summary.lines(dry_run):
        click.echo(line)
