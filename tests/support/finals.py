"""A contest whose finalists are chosen and whose final is not marked yet: the world of the
final's draw (抽签) tests."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import Contestant, User
from tests.support.factories import Api, World, build_world, judge, mark


@dataclass
class Finalists:
    """`world`'s every contestant marked in the preliminary (all totals different, the first
    registered best) and every one of them through to the final; `chief` is the event's
    chief judge, who marks the final."""

    world: World
    chief: Api
    chief_id: int

    @property
    def org(self) -> Api:
        return self.world.org

    @property
    def event_id(self) -> int:
        return self.world.event_id

    def registration_numbers(self, app: Flask) -> dict[int, str]:
        """contestant id → registration number."""
        with app.app_context():
            rows = db.session.execute(
                select(Contestant.id, Contestant.number).where(Contestant.event_id == self.event_id)
            )
            return {cid: number for cid, number in rows}

    def draw(self) -> dict[int, str]:
        """Draw through the API: contestant id → drawn number."""
        body = self.org.post(f"/events/{self.event_id}/rounds/final/draw")
        return {int(cid): number for cid, number in body["numbers"].items()}


def finalists_world(
    app: Flask, client: FlaskClient, per_unit: tuple[int, ...] = (3, 3), **kwargs: object
) -> Finalists:
    world = build_world(app, client, per_unit=per_unit, **kwargs)  # type: ignore[arg-type]
    org, event_id = world.org, world.event_id
    chief_id, chief = judge(app, client, org, event_id, "chief", chief=True)
    for place, cid in enumerate(world.all_contestants()):
        for key in ("theory", "practical"):
            mark(chief, event_id, "preliminary", cid, key, str(95 - 2 * place))
    for unit in world.units:
        count = len(world.contestants[unit])
        org.post(f"/events/{event_id}/finalists", {"unit_id": unit, "count": count})
    return Finalists(world=world, chief=chief, chief_id=chief_id)


def the_organiser() -> User:
    """The organiser who set the world up ("org"), for calling services directly."""
    user = db.session.scalar(select(User).where(User.username == "org"))
    assert user is not None
    return user
