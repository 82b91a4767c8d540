"""Command-line interface: ``flask --app wsgi db upgrade``, ``demo``, ``import-postcodes``."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from . import db
from .categories import sync_categories


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(import_postcodes_command)
    from .koppelingen.cli import match_cli
    app.cli.add_command(match_cli)
    from .verwijzingen.cli import referral_cli
    app.cli.add_command(referral_cli)
    from .mail import mail_cli
    app.cli.add_command(mail_cli)
    app.cli.add_command(translate_group)
    from .backup import backup_command, restore_command
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.group("db", cls=AppGroup, help="Database schema (Alembic migrations).")
def db_group() -> None:
    pass


def upgrade_and_seed() -> None:
    db.upgrade(db.get_engine())
    with db.session_scope() as session:
        sync_categories(session)


@db_group.command("upgrade", help="Bring the schema to the newest version and load the categories.")
def db_upgrade() -> None:
    upgrade_and_seed()
    click.echo(f"Database is bijgewerkt (versie {db.current_revision(db.get_engine())}).")


@db_group.command("downgrade", help="Go back to an earlier schema version (default: one step).")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    db.downgrade(db.get_engine(), revision)
    click.echo(f"Database staat nu op versie {db.current_revision(db.get_engine())}.")


@db_group.command("current", help="Show the schema version of the database and of the code.")
def db_current() -> None:
    engine = db.get_engine()
    click.echo(f"database: {db.current_revision(engine)}  code: {db.head_revision()}")


@click.command("demo", help="Migrate, then replace any demo data by a fresh demo municipality.")
@click.option("--scale", type=click.Choice(["demo", "city"]), default="demo", show_default=True,
              help="city: the demo plus ~10^5 voorzieningen, offers and requests (for load tests).")
@click.option("--size", type=click.IntRange(1, 10_000_000), default=None, hidden=True,
              help="With --scale city: listings of each kind (default 100000).")
@with_appcontext
def demo_command(scale: str, size: int | None) -> None:
    from .demo.loader import DemoRefused, build_demo
    upgrade_and_seed()
    try:
        with db.session_scope() as session:
            if scale == "city":
                from .demo.city import CITY_SIZE, build_city
                counts = build_city(session, size or CITY_SIZE)
            else:
                counts = build_demo(session)
            db.refresh_statistics(session)  # fresh bulk data: let the query planner count it
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    for name, count in counts.items():
        click.echo(f"  {name}: {count}")
    click.echo("Demo-gemeente is klaar. Inloggen met bijvoorbeeld bewoner@demo.buurtplein.nl / buurtplein-demo")


@click.command("import-postcodes", help="Import postcode areas from a CSV file: postcode,lat,lon,buurt_code.")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_postcodes_command(csv_file: Path) -> None:
    from .postcodes import PostcodeImportError, import_postcodes
    with csv_file.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    try:
        with db.session_scope() as session:
            with click.progressbar(rows, label="Postcodes importeren") as bar:
                imported = import_postcodes(session, bar)
    except PostcodeImportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{imported} postcodegebieden geïmporteerd.")


@click.group("translate", help="Translations: Dutch source strings, other languages in catalogues.")
def translate_group() -> None:
    pass


@translate_group.command("update", help="Extract strings from code and templates and merge them into every catalogue.")
def translate_update() -> None:
    # bandit: babel's own command line, an argument list without a shell, nothing from the user.
    import subprocess  # nosec B404
    import sys
    from .config import REPO_ROOT
    pot = REPO_ROOT / "marketplace" / "translations" / "messages.pot"
    run = [sys.executable, "-m", "babel.messages.frontend"]
    extract = run + ["extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
                     "-o", str(pot), "marketplace", "templates"]
    update = run + ["update", "-i", str(pot), "-d", str(pot.parent), "--no-fuzzy-matching"]
    subprocess.run(extract, cwd=REPO_ROOT, check=True)  # nosec B603
    subprocess.run(update, cwd=REPO_ROOT, check=True)  # nosec B603
    pot.unlink()


@translate_group.command("compile", help="Compile the catalogues (the app also does this on start).")
def translate_compile() -> None:
    from .i18n import ensure_compiled_translations
    ensure_compiled_translations()
    click.echo("Vertalingen gecompileerd.")
