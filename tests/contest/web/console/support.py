"""Contest worlds for the page tests: a scored preliminary, a contestant as stored (pages are
driven with tests.support.pages)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from tests.support.factories import Api, World, build_world, mark


def scored_preliminary(
    app: Flask,
    client: FlaskClient,
    marks: dict[int, list[tuple[Any, Any]]],
    event: dict[str, Any] | None = None,
) -> tuple[World, Api]:
    """A contest with a unit per entry of `marks`, whose list gives each contestant's
    (theory, practical) in the preliminary, marked by one final-panel judge."""
    world = build_world(app, client, per_unit=[len(m) for m in marks.values()], event=event)
    _judge_id, judge_api = _judge(app, client, world.org, world.event_id)
    for index, unit_id in enumerate(world.units):
        for contestant_id, (theory, practical) in zip(
            world.contestants[unit_id], marks[index], strict=True
        ):
            mark(judge_api, world.event_id, "preliminary", contestant_id, "theory", theory)
            mark(judge_api, world.event_id, "preliminary", contestant_id, "practical", practical)
    return world, judge_api


def _judge(app: Flask, client: FlaskClient, org: Api, event_id: int) -> tuple[int, Api]:
    from tests.support.factories import judge

    return judge(app, client, org, event_id, "panel1")


def contestant_row(app: Flask, contestant_id: int) -> Any:
    from competition.models import Contestant

    with app.app_context():
        contestant = db.session.get(Contestant, contestant_id)
        db.session.expunge(contestant)
        return contestant
