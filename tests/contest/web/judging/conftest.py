"""Judging pages through the Flask test client: signed-in sessions with real CSRF tokens.

A contest is set up through the API (tests/support/factories.py), as an organiser would; the
pages are then used as judges and organisers use them, each person with their own cookie jar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import Api, World, build_world, judge, mark
from tests.support.pages import Session


@dataclass
class Judging:
    """A contest with two units (3 and 2 contestants), the event's chief judge, a second panel
    judge, and each unit's preliminary committee judge (unit1, unit2)."""

    app: Flask
    world: World
    users: dict[str, int] = field(default_factory=dict)
    apis: dict[str, Api] = field(default_factory=dict)

    @property
    def event_id(self) -> int:
        return self.world.event_id

    @property
    def org(self) -> Api:
        return self.world.org

    def session(self, username: str) -> Session:
        return Session(self.app, username)

    def sheet_url(self, round_: str = "preliminary", component: str = "theory") -> str:
        return f"/judging/events/{self.event_id}/{round_}/{component}"

    def mark_url(self, contestant_id: int, round_: str = "preliminary", component: str = "theory"):
        return f"{self.sheet_url(round_, component)}/marks/{contestant_id}"

    def review_url(self, judge: str, round_: str = "preliminary", component: str = "theory") -> str:
        return f"{self.sheet_url(round_, component)}/sheets/{self.users[judge]}"

    def fill(
        self,
        judge: str,
        values: dict[int, Any],
        round_: str = "preliminary",
        component: str = "theory",
    ) -> None:
        for contestant_id, value in values.items():
            mark(self.apis[judge], self.event_id, round_, contestant_id, component, value)

    def complete_preliminary(self) -> None:
        """Every contestant marked on both components by their unit's committee judge, totals
        all different."""
        world = self.world
        n = 0
        for unit_id, judge_name in zip(world.units, ("unit1", "unit2"), strict=True):
            for contestant_id in world.contestants[unit_id]:
                n += 1
                for component in ("theory", "practical"):
                    self.fill(judge_name, {contestant_id: 60 + n}, component=component)


@pytest.fixture
def judging(app: Flask, client: FlaskClient) -> Judging:
    world = build_world(app, client, per_unit=(3, 2))
    setup = Judging(app=app, world=world)
    for name, unit_id, chief in (
        ("chief", None, True),
        ("panel2", None, False),
        ("unit1", world.units[0], False),
        ("unit2", world.units[1], False),
    ):
        user_id, api = judge(app, client, world.org, world.event_id, name, unit_id, chief)
        setup.users[name] = user_id
        setup.apis[name] = api
    return setup
