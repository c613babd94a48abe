"""A programme with levels, criteria, units, a panel and submitted stations, made directly with
the models (the review and selection are what the tests are about, not the nomination).

Defaults are the 2021 reference in small: two levels (national, Beijing), three criteria (two
in points, one pass/fail), three units; override what a test is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import (
    AwardCriterion,
    AwardLevel,
    AwardProgramme,
    AwardUnit,
    ProgrammeExpert,
    Station,
)
from competition.models.types import utcnow
from tests.support.factories import Api, login, make_user

LEVELS = (
    ("national", "全国最美工会户外劳动者服务站点", 1, Decimal("50000.00")),
    ("beijing", "北京市最美工会户外劳动者服务站点", 2, Decimal("20000.50")),
)
CRITERIA = (
    ("place", "有场地", "points", Decimal(20)),
    ("facilities", "有设施", "points", Decimal(30)),
    ("rules", "有制度", "pass_fail", None),
)


@dataclass
class AwardWorld:
    """Ids of what the programme has, and an API caller per person."""

    programme_id: int
    levels: dict[str, int]
    units: list[int]
    experts: dict[str, int]  # username -> user id
    org: Api
    callers: dict[str, Api] = field(default_factory=dict)
    stations: dict[str, int] = field(default_factory=dict)

    def path(self, rest: str = "") -> str:
        return f"/award-programmes/{self.programme_id}{rest}"


def make_programme(
    app: Flask,
    client: FlaskClient,
    *,
    levels: tuple[tuple[str, str, int, Decimal], ...] = LEVELS,
    criteria: tuple[tuple[str, str, str, Decimal | None], ...] = CRITERIA,
    units: int = 3,
    experts: tuple[tuple[str, int | None, bool], ...] = (
        ("expert_a", None, True),
        ("expert_b", None, False),
        ("expert_c", 0, False),
    ),
    notice_days: int = 5,
    organiser: str = "org",
) -> AwardWorld:
    """`experts`: (username, index of their own unit or None, is lead)."""
    make_user(app, organiser, "organiser")
    org = login(client, organiser)
    expert_ids = {name: make_user(app, name, "expert") for name, _unit, _lead in experts}
    with app.app_context():
        programme = AwardProgramme(
            name="2021年度最美工会户外劳动者服务站点",
            year=2021,
            host="市总工会",
            notice_days=notice_days,
        )
        db.session.add(programme)
        db.session.flush()
        level_rows = [
            AwardLevel(
                programme_id=programme.id, key=k, name=n, quota=q, grant_amount=g, position=i
            )
            for i, (k, n, q, g) in enumerate(levels)
        ]
        criterion_rows = [
            AwardCriterion(
                programme_id=programme.id,
                key=k,
                name=n,
                kind=kind,
                max_points=m,
                position=i,
                description=f"{n}的说明",
            )
            for i, (k, n, kind, m) in enumerate(criteria)
        ]
        unit_rows = [
            AwardUnit(programme_id=programme.id, name=f"第{i + 1}基层工会") for i in range(units)
        ]
        db.session.add_all(level_rows + criterion_rows + unit_rows)
        db.session.flush()
        for name, unit_index, lead in experts:
            db.session.add(
                ProgrammeExpert(
                    programme_id=programme.id,
                    user_id=expert_ids[name],
                    unit_id=unit_rows[unit_index].id if unit_index is not None else None,
                    is_lead=lead,
                )
            )
        db.session.commit()
        world = AwardWorld(
            programme_id=programme.id,
            levels={lv.key: lv.id for lv in level_rows},
            units=[u.id for u in unit_rows],
            experts=expert_ids,
            org=org,
        )
    world.callers = {name: login(client, name) for name in expert_ids}
    return world


def add_station(
    app: Flask,
    world: AwardWorld,
    name: str,
    *,
    unit: int = 0,
    level: str = "national",
    district: str = "朝阳区",
    **extra: Any,
) -> int:
    """A submitted station of unit number `unit` (from 0) applying for `level`."""
    with app.app_context():
        station = Station(
            programme_id=world.programme_id,
            unit_id=world.units[unit],
            level_id=world.levels[level],
            name=name,
            address=extra.pop("address", f"{district}{name}路1号"),
            district=district,
            opening_hours=extra.pop("opening_hours", "全天24小时"),
            submitted_at=utcnow(),
            **extra,
        )
        db.session.add(station)
        db.session.commit()
        world.stations[name] = station.id
        return station.id


def judge(
    world: AwardWorld,
    expert: str,
    station_id: int,
    place: str | int,
    facilities: str | int,
    rules: bool = True,
    status: int = 200,
) -> Any:
    """One expert's judgement of every criterion of a station, through the API."""
    body = {
        "criteria": [
            {"criterion": "place", "points": str(place), "comment": "场地固定，临街"},
            {"criterion": "facilities", "points": str(facilities), "comment": "设施齐全"},
            {"criterion": "rules", "passed": rules, "comment": "制度上墙"},
        ]
    }
    return world.callers[expert].put(
        world.path(f"/stations/{station_id}/review"), body, status=status
    )


def reviewers_of(world: AwardWorld, unit: int) -> list[str]:
    """The experts who may review a station of unit number `unit`: all but expert_c for 0."""
    return [name for name in world.experts if not (name == "expert_c" and unit == 0)]


def judge_by_all(
    world: AwardWorld,
    station_id: int,
    unit: int,
    place: int,
    facilities: int,
    rules: bool = True,
) -> None:
    for expert in reviewers_of(world, unit):
        judge(world, expert, station_id, place, facilities, rules)
