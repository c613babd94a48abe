"""The front page and the readable API documentation."""

from __future__ import annotations

from flask import render_template
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
