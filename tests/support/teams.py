"""A final whose team results (团体成绩) are known in advance, for the API, page and notice tests.

Four units, one component `score` of weight 1 (so a total is the mark as typed), the final
marked by the chief judge as `FINAL_SCORES` says. With the default team size of 3:

- 单位2 (90.00 + 77.00 + 76.32 = 243.32, best place 1) ranks first,
- 单位1 (83.33 + 80.00 + 79.99 = 243.32, best place 4) second: equal totals, worse best place;
  its fourth finalist (50.00) does not count,
- 单位3 has 2 finalists, 单位4 three of whom one is absent (缺考): both unranked, 2 ranked each.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import Api, build_world, judge, mark

EVENT = {
    "components": [{"key": "score", "name": "成绩", "weight": "1", "max_score": "100"}],
    "tie_breaks": [],
    "min_finalists_per_unit": 1,
}
# Per unit, each finalist's final score; None: recorded absent from the final.
FINAL_SCORES: tuple[tuple[str | None, ...], ...] = (
    ("83.33", "80.00", "79.99", "50.00"),
    ("90.00", "77.00", "76.32"),
    ("88.00", "70.00"),
    ("85.00", "60.00", None),
)


@dataclass
class TeamFinal:
    org: Api
    judge: Api
    contest_id: int
    event_id: int
    units: list[int]
    people: dict[int, list[int]]  # unit id -> finalists in FINAL_SCORES order

    @property
    def path(self) -> str:
        return f"/events/{self.event_id}/rounds/final/team-results"


def team_final(
    app: Flask, client: FlaskClient, publish: bool = False, event: dict | None = None
) -> TeamFinal:
    world = build_world(
        app, client, per_unit=tuple(len(s) for s in FINAL_SCORES), event={**EVENT, **(event or {})}
    )
    org, event_id = world.org, world.event_id
    _, chief = judge(app, client, org, event_id, "chief", chief=True)
    people = world.all_contestants()
    for place, cid in enumerate(people):
        mark(chief, event_id, "preliminary", cid, "score", str(95 - place))
    for unit in world.units:
        org.post(
            f"/events/{event_id}/finalists",
            {"unit_id": unit, "count": len(world.contestants[unit])},
        )
    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=200)
    for unit, scores in zip(world.units, FINAL_SCORES, strict=True):
        for cid, score in zip(world.contestants[unit], scores, strict=True):
            if score is None:
                org.put(
                    f"/events/{event_id}/rounds/final/absences/{cid}",
                    {"status": "absent", "reason": "决赛未到场"},
                )
            else:
                mark(chief, event_id, "final", cid, "score", score)
    if publish:
        org.post(f"/events/{event_id}/rounds/final/publish", status=200)
    return TeamFinal(
        org=org,
        judge=chief,
        contest_id=world.contest_id,
        event_id=event_id,
        units=world.units,
        people=world.contestants,
    )
