"""Buurtplein web application: ``create_app()`` is the application factory."""

from __future__ import annotations

from flask import Flask, g, render_template, request, session
from flask_babel import gettext
from flask_login import AnonymousUserMixin, current_user
from werkzeug.exceptions import HTTPException

from . import db
from .config import INSTANCE_DIR, REPO_ROOT, finalise, from_environment
from .extensions import babel, csrf, limiter, login_manager


class Anonymous(AnonymousUserMixin):
    display_name = ""
    role_names: set[str] = set()

    def has_role(self, *roles: str) -> bool:
        return False


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    from .template_cache import shared
    app.jinja_options = {**app.jinja_options, "bytecode_cache": shared}
    app.config.update(from_environment())
    if test_config:
        app.config.update(test_config)
    if "DATABASE_URL" in (test_config or {}):
        from .config import normalise_database_url
        app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])
    finalise(app.config)  # secret key, production settings; raises ConfigError on an unsafe setup

    db.init_app(app)
    from . import security
    security.init_app(app)  # security headers; first before_request: refuse an unknown Host
    from . import logs
    logs.init_app(app)  # request id (before the Host check), one log line per request; JSON in production
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_schema_check(app)
    register_template_helpers(app)
    from .cli import register_commands
    register_commands(app)
    from . import page_cache
    page_cache.init_app(app)  # last: its lookup follows the language choice, its store every other hook
    return app


def register_extensions(app: Flask) -> None:
    from .i18n import ensure_compiled_translations, install_template_gettext, select_locale
    ensure_compiled_translations()
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(REPO_ROOT / "marketplace" / "translations"))
    install_template_gettext(app)
    csrf.init_app(app)
    from .ratelimit import storage_uri
    # memory:// is served by ratelimit.WorkerMemoryStorage (limits' own, without a timer thread per hit).
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config.get("RATELIMIT_STORAGE_URI"))
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log eerst in om deze pagina te zien."  # in translations/dynamic_strings.py
    login_manager.localize_callback = gettext  # Flask-Login flashes it in the reader's language
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = Anonymous

    @login_manager.user_loader
    def load_user(user_id: str):
        from .account.services import user_for_login_id
        return user_for_login_id(db.get_session(), user_id)  # "id:session_version", else None


def register_blueprints(app: Flask) -> None:
    from . import (aanbod, account, activiteiten, admin, api, auth, hulpvragen, koppelingen, main, mijn,
                   moderatie, prikbord, verwijzingen, voorzieningen)
    from . import dashboard
    from . import health
    app.register_blueprint(health.bp)

    for package in (main, auth, account, admin, voorzieningen, hulpvragen, aanbod, activiteiten,
                    mijn, moderatie, prikbord, koppelingen, verwijzingen, dashboard, api):
        app.register_blueprint(package.bp)
    app.register_blueprint(api.docs_bp)


def register_converters(app: Flask) -> None:
    """Input rules that hold before any view runs.

    - ``<int:id>`` everywhere: ASCII digits up to 2**63-1, so a bigger id is a 404, not an
      OverflowError. Registered before the blueprints, whose rules pick their converters when added.
    - A NUL character anywhere in the path, query or form is a 400: PostgreSQL cannot even compare
      text with it, so it would otherwise be a 500 in whichever query it reached first.
    """
    from flask import abort
    from flask_babel import gettext as _

    from .params import SafeIntConverter, has_nul
    app.url_map.converters["int"] = SafeIntConverter

    @app.before_request
    def refuse_nul_characters():
        values = [request.path, *(part for pair in request.args.items(multi=True) for part in pair)]
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            values += [part for pair in request.form.items(multi=True) for part in pair]
        if has_nul(values):
            abort(400, _("Uw verzoek bevat een teken dat niet mag. Typ het opnieuw."))


class ErrorPageUser:
    """What an error page needs of the logged-in user, copied from what was already loaded.

    After a failed request the session is rolled back and closed; the real User is then detached
    and expired, and touching it (name, roles) would raise DetachedInstanceError on the error page.
    Attributes that were not loaded read as None.
    """

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, values: dict, role_names: set[str]):
        self._values, self.role_names = values, role_names

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._values.get(name)

    @property
    def first_name(self) -> str:
        return (self.display_name or "").split(" ")[0]

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))


def _freeze_user_and_release_session() -> None:
    """Swap current_user for an ErrorPageUser (no database access), then roll back and close the session."""
    from sqlalchemy import inspect

    user = g.get("_login_user")
    state = inspect(user, raiseerr=False) if user is not None else None
    if state is not None and getattr(user, "is_authenticated", False):
        loaded = state.dict  # only what is loaded: reading it never queries the database
        roles = set()
        for role in loaded.get("roles") or []:
            role_state = inspect(role, raiseerr=False)
            name = role_state.dict.get("role") if role_state is not None else getattr(role, "role", None)
            if name:
                roles.add(name)
        values = {k: v for k, v in loaded.items()
                  if k != "password_hash" and isinstance(v, (str, int, float, bool, type(None)))}
        g._login_user = ErrorPageUser(values, roles)
    elif user is None:  # not loaded yet: loading it now would query the (perhaps unreachable) database
        g._login_user = Anonymous()
    db.discard_session()


def register_errorhandlers(app: Flask) -> None:
    """Every error gets a page in Dutch; under /api/ every error is JSON. Nothing here touches the database."""
    from flask_babel import gettext as _
    from flask_babel import lazy_gettext as _l
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError

    messages = {
        400: _l("Er ging iets mis met uw verzoek."),
        401: _l("Log eerst in."),
        403: _l("U mag deze pagina niet bekijken."),
        404: _l("Deze pagina bestaat niet (meer)."),
        405: _l("Dat kan niet op deze manier."),
        409: _l("Iemand anders heeft dit net veranderd. Kijk opnieuw en probeer het nog eens."),
        413: _l("Wat u stuurde is te groot."),
        429: _l("U heeft dit te vaak geprobeerd. Wacht even en probeer het dan opnieuw."),
        500: _l("Er ging iets mis bij ons. Dit is niet uw fout. Probeer het later nog eens."),
        503: _l("Buurtplein is even niet beschikbaar."),
    }
    busy = _l("Het is nu erg druk op Buurtplein. Probeer het over een paar seconden opnieuw.")
    unreachable = _l("Buurtplein kan zijn gegevens nu niet bereiken. Probeer het over een paar minuten opnieuw.")
    own_pages = (403, 409)  # the others share errors/error.html

    def respond(code: int, message=None, headers: dict | None = None, template: str | None = None):
        text = str(message or messages.get(code) or _("Er ging iets mis."))
        if request.path.startswith("/api/"):
            return {"error": text, "status": code}, code, headers or {}
        template = template or (f"errors/{code}.html" if code in own_pages else "errors/error.html")
        # The 500 page has its own reassuring words; others show the message.
        shown = None if code == 500 and message is None else text
        try:
            return render_template(template, error_message=shown, code=code), code, headers or {}
        except Exception:  # noqa: BLE001 - the error page itself must not fail
            app.logger.exception("Error page %s could not be rendered", code)
            return text, code, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}

    def http_error(error: HTTPException):
        code = error.code or 500
        message = None
        if code in (400, 503) and error.description and error.description != type(error).description:
            message = error.description  # a reason written by our own code
        if code == 400 and "CSRF" in str(message or ""):
            message = _("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.")
        if code >= 500:
            _freeze_user_and_release_session()
        headers = {"Allow": ", ".join(error.valid_methods)} if code == 405 and getattr(error, "valid_methods", None) \
            else None
        return respond(code, message, headers)

    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(db.WriteConflict)
    def write_conflict(error):
        _freeze_user_and_release_session()
        return respond(409, str(error))

    @app.errorhandler(IntegrityError)
    def integrity_error(_error):
        app.logger.warning("Constraint refused a write", exc_info=True)
        _freeze_user_and_release_session()
        return respond(409)

    @app.errorhandler(DataError)
    def data_error(_error):
        # A value the database refuses (too long, out of range): the forms should have caught it.
        app.logger.warning("Database refused a value", exc_info=True)
        _freeze_user_and_release_session()
        return respond(400, _l("Wat u invulde, kunnen we niet opslaan. Kijk het na en probeer het opnieuw."))

    @app.errorhandler(OperationalError)
    def database_busy(error):
        _freeze_user_and_release_session()
        if not db.is_busy(error):
            # Unreachable (stopped, connection lost, unreadable file): a 503 that says so. Nothing is
            # cached, and pool_pre_ping replaces dead connections: the next request after the
            # database returns is served again.
            app.logger.error("Database unreachable: %s", str(error.orig or error).splitlines()[0][:300])
            return respond(503, unreachable, {"Retry-After": "30"}, template="errors/database.html")
        # SQLite 'database is locked' after busy_timeout, a PostgreSQL deadlock.
        app.logger.warning("Database busy", exc_info=True)
        # The 'try again' page, not the maintenance one: a few seconds usually suffice.
        return respond(503, busy, {"Retry-After": "5"}, template="errors/409.html")

    @app.errorhandler(500)
    def internal_error(_error):
        _freeze_user_and_release_session()
        return respond(500)


def register_schema_check(app: Flask) -> None:
    """Refuse to serve on an out-of-date schema, with a message that says what to do."""

    @app.before_request
    def check_schema():
        if not app.config.get("CHECK_SCHEMA") or app.config.get("_SCHEMA_OK"):
            return None
        if request.endpoint in ("static", "health.healthz"):  # /healthz reports the schema itself
            return None
        if db.schema_is_current(db.get_engine()):
            app.config["_SCHEMA_OK"] = True
            return None
        message = ("De database is niet bijgewerkt. Een beheerder moet eerst "
                   "'flask --app wsgi db upgrade' uitvoeren.")
        app.logger.error(message)
        return render_template("errors/error.html", error_message=message, code=503), 503


def register_template_helpers(app: Flask) -> None:
    from .formatting import current_locale

    from . import data_language
    data_language.register(app)  # |nl and field_lang: Dutch data says it is Dutch

    # Main menu: (endpoint, Dutch label, who sees it). Entries whose view does not exist
    # (yet) are left out, so an area can be built without breaking every page.
    menu = [
        ("voorzieningen.index", "Sociale kaart", None),
        ("hulpvragen.index", "Hulpvragen", None),
        ("activiteiten.index", "Activiteiten", None),
        ("mijn.index", "Mijn Buurtplein", "member"),
        ("koppelingen.advice", "Lichtste hulp zoeken", ("professional", "ambassadeur")),
        ("moderatie.queue", "Moderatie", ("preventiemakelaar", "beheerder")),
        ("verwijzingen.index", "Verwijzingen", ("professional", "aanbieder")),
        ("dashboard.index", "Dashboard", ("preventiemakelaar", "beheerder")),
    ]

    def main_nav() -> list[tuple[str, str]]:
        items = []
        for endpoint, label, audience in menu:
            if endpoint not in app.view_functions:
                continue
            if audience == "member" and not current_user.is_authenticated:
                continue
            if isinstance(audience, tuple) and not current_user.has_role(*audience):
                continue
            items.append((endpoint, label))
        return items

    @app.template_filter("category_name")
    def category_name(category) -> str:
        """Category name in the page's language (names live in the table, not the catalogue)."""
        return category.name_en if str(current_locale()) == "en" else category.name_nl

    @app.template_filter("local_datetime")
    def local_datetime_filter(value, seconds: bool = False) -> str:
        """A moment in Dutch local time, in the page's language ("1 dec. 2026 14:05")."""
        from babel.dates import format_datetime

        from .timeutil import LOCAL_TZ
        pattern = "d MMM y HH:mm:ss" if seconds else "d MMM y HH:mm"
        return format_datetime(value, pattern, tzinfo=LOCAL_TZ, locale=str(current_locale())) if value else ""

    @app.template_filter("date_in_words")
    def date_in_words_filter(value) -> str:
        """'12 november 2026' in the page's language (a moment: its local date)."""
        from .formatting import date_in_words
        return date_in_words(value) if value else ""

    @app.template_filter("age")
    def age_filter(value) -> str:
        """'3 dagen geleden' in the page's language."""
        from .formatting import age_in_words
        return age_in_words(value) if value else ""

    @app.template_filter("reason_text")
    def reason_text(reason) -> str:
        """A matcher's reason code in the page's language (matching_service.reason_text)."""
        from .matching_service import reason_text as render
        return render(reason)

    @app.template_filter("category_description")
    def category_description(category) -> str:
        """A category's description in the page's language (the Dutch text is the catalogue's msgid)."""
        text = category.get("description_nl") if isinstance(category, dict) else category.description_nl
        return gettext(text) if text else ""

    @app.template_filter("by_need")
    def by_need_filter(result) -> list:
        """A multi-need result's suggestions per need (matching_service.by_need)."""
        from .matching_service import by_need
        return by_need(result)

    @app.template_filter("language_name")
    def language_name_filter(code: str) -> str:
        """'tr' → 'Turks' in the page's language (Babel's names)."""
        from .formatting import language_name
        return language_name(code)

    @app.template_filter("category_slug_name")
    def category_slug_name(slug: str) -> str:
        """A slug's name in the page's language, from the library's list of categories."""
        from .categories import slug_name
        return slug_name(slug, str(current_locale()))

    def language_url(code: str) -> str:
        """This page in another language: its path and query with lang=code (a plain link, so a page
        holds no form token for the language chooser and can be cached, see page_cache)."""
        from urllib.parse import quote, urlencode
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
        return quote(request.path, safe="/!$'()*+,;=:@-._~") + "?" + urlencode(args)

    @app.context_processor
    def inject_globals():
        return {"current_locale": str(current_locale()), "main_nav": main_nav, "language_url": language_url,
                "has_endpoint": lambda endpoint: endpoint in app.view_functions, "unread_count": unread_count}

    def unread_count() -> int:
        """New messages for the signed-in user, for the menu (asked only where the menu shows it)."""
        from .models import User
        if not isinstance(current_user._get_current_object(), User):  # anonymous, or an error page's frozen user
            return 0
        from . import notifications
        from .db import get_session
        return notifications.unread_count(get_session(), current_user.id)

    @app.before_request
    def remember_language_choice():
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang
