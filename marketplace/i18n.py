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


def _translations():
    """Flask-Babel's catalogue for the current locale, remembered on its own context namespace.

    A page calls gettext 30-60 times, and Flask-Babel looks up the context, the domain, the
    locale and its cache key each time (about a third of rendering a small page). The memo holds
    only while the locale object and domain are the same ones, so ``force_locale`` (a mail in the
    recipient's language) and ``refresh()`` (a new language choice) are honoured at once."""
    import flask_babel

    ctx = flask_babel._get_current_context()
    if ctx is None:
        return flask_babel.get_translations()
    key = (getattr(ctx, "babel_locale", None), getattr(ctx, "babel_domain", None))
    memo = getattr(ctx, "buurtplein_translations", None)
    if memo is not None and key[0] is not None and memo[0] is key[0] and memo[1] is key[1]:
        return memo[2]
    translations = flask_babel.get_translations()  # sets babel_locale when it was not chosen yet
    ctx.buurtplein_translations = (ctx.babel_locale, getattr(ctx, "babel_domain", None), translations)
    return translations


def install_template_gettext(app) -> None:
    """Templates' _(), ngettext and pgettext through the remembered catalogue (same output)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
