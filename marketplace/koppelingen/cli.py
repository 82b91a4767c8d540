"""CLI: ``flask --app wsgi match batch|remind|digest`` (cron-able)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import session_scope
from ..jobs import cron_job
from .services import remind_and_escalate, run_batch, weekly_digest

match_cli = AppGroup("match", help="Koppelen: voorstellen, herinneringen en de wekelijkse e-mail.")


def _request_context():
    # Mail links need a request context; BASE_URL says where the site lives.
    return current_app.test_request_context(base_url=current_app.config.get("BASE_URL", "http://127.0.0.1:5000"))


@match_cli.command("batch", help="Stel koppelingen voor tussen open hulpvragen en vrijwilligers.")
@click.option("--dry-run", is_flag=True, help="Alleen laten zien wat er zou gebeuren.")
@cron_job("match batch")
def batch_command(dry_run: bool) -> None:
    with _request_context(), session_scope() as session:
        result = run_batch(session, dry_run=dry_run)
    click.echo(result.report() if dry_run else
               f"{len(result.pairs)} koppelingen voorgesteld; {len(result.unassigned)} hulpvragen zonder vrijwilliger.")


@match_cli.command("remind", help="Herinner bij onbeantwoorde voorstellen; zet daarna door naar de buurtmakelaar.")
@cron_job("match remind")
def remind_command() -> None:
    with _request_context(), session_scope() as session:
        counts = remind_and_escalate(session)
    click.echo(f"{counts['herinnerd']} herinneringen, {counts['doorgezet']} doorgezet naar de preventiemakelaar.")


@match_cli.command("digest", help="Stuur de wekelijkse e-mail met nieuwe hulpvragen aan vrijwilligers die dat willen.")
@cron_job("match digest")
def digest_command() -> None:
    with _request_context(), session_scope() as session:
        sent = weekly_digest(session)
    click.echo(f"{sent} e-mails verstuurd.")


@match_cli.command("train", help="Train de herkenning van onderwerpen opnieuw, met de correcties van bewoners.")
@cron_job("match train")
def train_command() -> None:
    from .. import matching_service

    with session_scope() as session:
        metrics = matching_service.train_and_save(session)
    click.echo(f"Model opgeslagen in {matching_service.model_path()} ({metrics['cpu_seconds']} s CPU, "
               f"{metrics['examples_from_platform']} voorbeelden van het platform).")
    for split in ("dev", "test"):
        if f"{split}_top1" in metrics:
            click.echo(f"  {split}: top-1 {metrics[f'{split}_top1']:.1%}, top-3 {metrics[f'{split}_top3']:.1%}"
                       f" over {metrics[f'{split}_n']} teksten")
