"""Buurtplein web application: ``create_app()`` is the application factory."""

from __future__ import annotations

from flask import Flask, g, render_template, request, session
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
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_schema_check(app)
    register_template_helpers(app)
    from .cli import register_commands
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from .i18n import ensure_compiled_translations, select_locale
    ensure_compiled_translations()
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(REPO_ROOT / "marketplace" / "translations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log eerst in om deze pagina te zien."
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = Anonymous

    @login_manager.user_loader
    def load_user(user_id: str):
        from .accounts import user_for_login_id
        return user_for_login_id(db.get_session(), user_id)  # "id:session_version", else None


def register_blueprints(app: Flask) -> None:
    from . import (aanbod, account, activiteiten, admin, api, auth, hulpvragen, koppelingen, main, mijn,
                   moderatie, prikbord, voorzieningen)

    for package in (main, auth, account, admin, voorzieningen, hulpvragen, aanbod, activiteiten,
                    mijn, moderatie, prikbord, koppelingen, api):
        app.register_blueprint(package.bp)


def register_errorhandlers(app: Flask) -> None:
    from flask_babel import gettext as _

    messages = {
        400: "Er ging iets mis met uw verzoek.",
        403: "U mag deze pagina niet bekijken.",
        404: "Deze pagina bestaat niet (meer).",
        405: "Dat kan niet op deze manier.",
        429: "U heeft dit te vaak geprobeerd. Wacht even en probeer het dan opnieuw.",
        503: "Buurtplein is even niet beschikbaar.",
    }

    def render_error(error: HTTPException):
        code = error.code or 500
        if request.path.startswith("/api/"):
            return {"error": error.description or messages.get(code, "Fout")}, code
        template = f"errors/{code}.html" if code in (400, 403, 404, 429, 503) else "errors/400.html"
        message = getattr(error, "description", None) if code in (400, 503) else None
        if code == 400 and "CSRF" in str(message or ""):
            message = _("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.")
        return render_template(template, error_message=message or _(messages.get(code, "Er ging iets mis."))), code

    for code in (400, 403, 404, 405, 429, 503):
        app.register_error_handler(code, render_error)

    @app.errorhandler(500)
    def internal_error(_error):
        session_obj = g.pop("db_session", None)
        if session_obj is not None:
            session_obj.rollback()
            session_obj.close()
        return render_template("errors/500.html"), 500


def register_schema_check(app: Flask) -> None:
    """Refuse to serve on an out-of-date schema, with a message that says what to do."""

    @app.before_request
    def check_schema():
        if not app.config.get("CHECK_SCHEMA") or app.config.get("_SCHEMA_OK"):
            return None
        if request.endpoint == "static":
            return None
        if db.schema_is_current(db.get_engine()):
            app.config["_SCHEMA_OK"] = True
            return None
        message = ("De database is niet bijgewerkt. Een beheerder moet eerst "
                   "'flask --app wsgi db upgrade' uitvoeren.")
        app.logger.error(message)
        return render_template("errors/503.html", error_message=message), 503


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    # Main menu: (endpoint, Dutch label, who sees it). Entries whose view does not exist
    # (yet) are left out, so an area can be built without breaking every page.
    menu = [
        ("voorzieningen.index", "Sociale kaart", None),
        ("requests.index", "Hulpvragen", None),
        ("activities.index", "Activiteiten", None),
        ("mine.index", "Mijn Buurtplein", "member"),
        ("moderation.queue", "Moderatie", ("preventiemakelaar", "beheerder")),
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
        return category.name_en if str(get_locale() or "nl") == "en" else category.name_nl

    @app.context_processor
    def inject_globals():
        return {"current_locale": str(get_locale() or "nl"), "main_nav": main_nav,
                "has_endpoint": lambda endpoint: endpoint in app.view_functions}

    @app.before_request
    def remember_language_choice():
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang
