"""brainstorm: live brainstorms, polls and advice reports for the teacher-education partnerships."""

import logging
import os
import sqlite3

from flask import Flask, Request, has_request_context, render_template, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from brainstorm.config import load_config
from brainstorm.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from brainstorm.realtime.presence import init_presence

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, not read again for every Socket.IO event of a connection."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """The connection's own session once Flask-SocketIO keeps one, else the cookie's."""
        # Flask-SocketIO swaps in the copy it keeps in the connection's environ right after
        # Flask opened the cookie's: verifying and decoding it per event was wasted work.
        kept = request.environ.get("saved_session")
        return kept if kept is not None else super().open_session(app, request)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, socket handlers, CLI."""
    app = Flask(
        __name__,
        # Tests give a folder of their own, so they never read or write the checkout's.
        instance_path=(test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("BRAINSTORM_INSTANCE_PATH"),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    load_config(app, test_config)
    app.session_interface = _SessionInterface()
    if app.config["PROXY_COUNT"]:
        # Behind nginx: the client's own address and scheme, so rate limits count people (a
        # school behind one NAT is still one address, hence the generous per-IP limits) and
        # secure cookies work.
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)
    # Handlers must be known before init_app: it copies them onto each new server it makes.
    _register_socket_handlers()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ALLOWED_ORIGINS"),
    )

    init_presence(app)

    _register_models()
    _register_access()
    _register_blueprints(app)
    _register_web_hooks(app)

    from brainstorm.cli import register_cli

    register_cli(app)
    return app


def _select_locale() -> str:
    # Commands and background work have no visitor: they speak Dutch.
    return (session.get("lang") if has_request_context() else None) or "nl"


def _register_models() -> None:
    """Import every model so metadata (and Alembic autogenerate) sees all tables."""
    from brainstorm import mail as _mail  # noqa: F401
    from brainstorm.accounts import models as _accounts  # noqa: F401
    from brainstorm.breakouts import models as _breakouts  # noqa: F401
    from brainstorm.events import models as _events  # noqa: F401
    from brainstorm.polls import models as _polls  # noqa: F401
    from brainstorm.realtime import models as _realtime  # noqa: F401
    from brainstorm.sessions import models as _sessions  # noqa: F401
    from brainstorm.workspace import models as _workspace  # noqa: F401


def _register_access() -> None:
    """How @allow finds what a rule is about: declared by the packages that own the models."""
    from brainstorm.events import access as _events  # noqa: F401
    from brainstorm.polls import access as _polls  # noqa: F401
    from brainstorm.sessions import access as _sessions  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    # Their routes hang on the sessions and events blueprints: imported before registering.
    from brainstorm.accounts.views import bp as accounts_bp
    from brainstorm.archive import views as _archive  # noqa: F401
    from brainstorm.events.views import bp as events_bp
    from brainstorm.outcomes.views import bp as outcomes_bp
    from brainstorm.polls.views import bp as polls_bp
    from brainstorm.privacy import views as _privacy  # noqa: F401
    from brainstorm.reports.views import bp as reports_bp
    from brainstorm.sessions.views import bp as sessions_bp

    for blueprint in (accounts_bp, events_bp, sessions_bp, polls_bp, reports_bp, outcomes_bp):
        app.register_blueprint(blueprint)


def _register_socket_handlers() -> None:
    """Handlers register themselves on import, once per process, into socketio.handlers."""
    from brainstorm import socket_errors  # noqa: F401
    from brainstorm.breakouts import sockets as _breakouts  # noqa: F401
    from brainstorm.polls import sockets as _polls  # noqa: F401
    from brainstorm.sessions import sockets as _sessions  # noqa: F401
    from brainstorm.workspace import sockets as _workspace  # noqa: F401


def _register_web_hooks(app: Flask) -> None:
    from brainstorm.accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in om verder te gaan.")
    login_manager.login_message_category = "info"

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.template_filter("decimal")
    def decimal(number: float) -> str:
        """A number as the reader writes it: 3,15 in Dutch, 3.15 in English; 3 not 3.0."""
        return format_decimal(number, format="#,##0.##")

    @app.context_processor
    def template_globals() -> dict:
        from brainstorm.timeutil import to_local

        return {"to_local": to_local, "current_lang": _select_locale()}

    def error_page(status: int, title: str, text: str):
        return render_template("error.html", status=status, title=title, text=text), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(
            400,
            _("Formulier verlopen"),
            _(
                "Het formulier was verlopen of onvolledig. Ga terug, laad de pagina opnieuw en "
                "probeer het nog eens."
            ),
        )

    @app.errorhandler(400)
    def bad_request(error):
        return error_page(400, _("Ongeldig verzoek"), _("Dit verzoek kan de server niet lezen."))

    @app.errorhandler(403)
    def forbidden(error):
        return error_page(
            403,
            _("Geen toegang"),
            _(
                "Je hebt geen toegang tot deze pagina. Hoort dat wel zo te zijn? Vraag de "
                "organisator van het evenement om je aan het team toe te voegen."
            ),
        )

    @app.errorhandler(404)
    def not_found(error):
        return error_page(404, _("Niet gevonden"), _("Deze pagina bestaat niet (meer)."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return error_page(405, _("Niet toegestaan"), _("Deze actie kan zo niet."))

    @app.errorhandler(413)
    def too_large(error):
        text = _("Dit bestand is te groot om te verwerken (hoogstens 32 MB).")
        return error_page(413, _("Bestand te groot"), text)

    @app.errorhandler(429)
    def too_many(error):
        return error_page(
            429,
            _("Even rustig aan"),
            _("Je hebt dit te vaak geprobeerd. Wacht een minuut en probeer het opnieuw."),
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        logging.getLogger(__name__).error("500 on %s", request.path)
        return error_page(
            500,
            _("Er ging iets mis"),
            _(
                "Er ging aan onze kant iets mis. Wat je al had ingestuurd is bewaard; probeer het "
                "over een moment opnieuw."
            ),
        )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers and the writer work side by side; foreign keys are off by default."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode a commit without fsync still survives the app's crash (even SIGKILL);
        # only a power cut may lose the last commits. The fsync per commit held the one gevent
        # loop ~10 ms per idea, so a burst of ideas queued behind the disk (issue 24).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
