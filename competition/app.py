"""The application factory: configuration, then only extension set-up and blueprints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import get_locale
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from competition.config import load_config
from competition.core.i18n import select_locale
from competition.extensions import (
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    ping_idle_connections,
)
from competition.models.types import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: an id beyond the database's integers cannot exist, so it is a 404
    instead of reaching the database and failing there.

    Not Werkzeug's `max=`: a value refused by a converter makes the matcher report the methods
    of the other rules it saw on the way, so `GET /contests/<huge>/units` was a 405 (the POST
    rule on that path) where `POST` was a 404. Raising NotFound here answers every method
    alike."""

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an app; `config` overrides the environment (tests build one app each)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )
    app.config.update(load_config(app.instance_path, config))
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    if app.config["DATABASE_PING_AFTER"] is not None:
        with app.app_context():
            ping_idle_connections(db.engine, app.config["DATABASE_PING_AFTER"])
    migrate.init_app(app, db, directory=_migrations_directory())
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    # The features add their routes to the two faces (`http.blueprints`) as they are imported.
    import competition.awards.api
    import competition.awards.web
    import competition.contest.api
    import competition.contest.web
    import competition.reviews.api
    import competition.reviews.web
    import competition.site
    import competition.site.api  # noqa: F401  (one name binds them all: keep each line)
    from competition import models  # noqa: F401  (registers the tables)
    from competition.cli import register_cli
    from competition.contest.web import board as board_web
    from competition.contest.web.verify import bp as verify_bp
    from competition.core import ops
    from competition.core.errors import register_error_handlers
    from competition.http.blueprints import api as api_bp
    from competition.http.blueprints import web as web_bp

    app.url_map.converters["int"] = IdConverter
    csrf.exempt(api_bp)  # the API authenticates by bearer token, never by cookie
    app.session_interface = _SessionInterface(f"{api_bp.url_prefix}/")
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(verify_bp)
    register_error_handlers(app)
    ops.init_app(app)
    board_web.install(app)  # unchanged venue-board polls answered before Flask
    register_cli(app)
    return app


class _SessionInterface(SecureCookieSessionInterface):
    """Pages sign in with the session cookie; the API only ever with a bearer token, which is
    why its PUTs and POSTs need no CSRF token. So an API request gets no session: a cookie
    the browser sends along is neither read nor renewed, and a judge's every mark is spared
    checking its signature."""

    def __init__(self, api_prefix: str) -> None:
        self.api_prefix = api_prefix

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(self.api_prefix):
            return None  # Flask makes it a NullSession, which is empty and never saved
        return super().open_session(app, request)


def _migrations_directory() -> str:
    return str(Path(__file__).resolve().parent.parent / "migrations")
