"""The front page and the readable API documentation."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.api.openapi import build_spec
from competition.extensions import db
from competition.models import Contest
from competition.web import bp


@bp.get("/")
def index() -> str:
    contests = db.session.scalars(
        select(Contest).options(selectinload(Contest.events)).order_by(Contest.id)
    ).all()
    return render_template("web/index.html", contests=contests)


@bp.get("/api/docs")
def api_docs() -> str:
    return render_template("web/api_docs.html", spec=build_spec())
