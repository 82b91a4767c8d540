"""Locale choice and translation catalogues (Dutch source strings, English translation)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request, session
from flask_login import current_user

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """An explicit choice wins; otherwise Dutch, whatever the browser says."""
    supported = current_app.config["LANGUAGES"]
    choice = session.get("lang")
    if choice in supported:
        return choice
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"] if request else "nl"


def ensure_compiled_translations() -> None:
    """Compile .po to .mo when missing or stale, so a fresh clone needs no extra step."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
