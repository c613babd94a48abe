"""The front page and the readable API documentation."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app, render_template
from flask.wrappers import Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.openapi import build_spec
from competition.models import Contest


@bp.get("/")
def index() -> str:
    contests = db.session.scalars(
        select(Contest).options(selectinload(Contest.events)).order_by(Contest.id)
    ).all()
    return render_template("site/index.html", contests=contests)


@bp.get("/api/docs")
def api_docs() -> str:
    return render_template("site/api_docs.html", spec=build_spec())


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on every page whatever the page links; answer with the
    icon rather than a 404 in every log."""
    response = Response(_icon(current_app.static_folder or "static"), mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


@cache
def _icon(folder: str) -> bytes:
    return (Path(folder) / "favicon.svg").read_bytes()
