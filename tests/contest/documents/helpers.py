"""A contest with a published final to print (the PDFs are read back with tests.support.pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.factories import Api, build_world, judge, mark

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "100"},
    ],
    "tie_breaks": ["practical"],
}


@dataclass
class Final:
    """A contest whose final is published: units, finalists by rank, the panel's judge."""

    org: Api
    contest_id: int
    event_id: int
    units: list[int]
    ranked: list[dict[str, Any]]  # the final's results JSON ranking, best first
    judge: Api
    judge_id: int
    unit_judge: Api
    outsider: Api | None = None


def published_final(
    app: Any,
    client: Any,
    names: tuple[tuple[str, ...], ...] = (
        ("吕𠮷祥", "王堃", "赵喆", "钱燚"),
        ("张伟东", "刘晓燕", "陈静"),
    ),
    publish: bool = True,
) -> Final:
    """Units whose people are all finalists, marked so the final ranks them in a known order:
    the i-th person of the whole list scores 95 - 2i on both parts."""
    world = build_world(app, client, per_unit=tuple(0 for _ in names), event=EVENT)
    org, event_id = world.org, world.event_id
    people: list[int] = []
    for unit, unit_names in zip(world.units, names, strict=True):
        for name in unit_names:
            body = org.post(f"/events/{event_id}/contestants", {"name": name, "unit_id": unit})
            people.append(body["id"])
    judge_id, panel = judge(app, client, org, event_id, "chief", chief=True)
    _, unit_judge = judge(app, client, org, event_id, "committee", unit_id=world.units[0])
    for place, cid in enumerate(people):
        for key in ("theory", "practical"):
            mark(panel, event_id, "preliminary", cid, key, str(95 - 2 * place))
    for unit, unit_names in zip(world.units, names, strict=True):
        org.post(f"/events/{event_id}/finalists", {"unit_id": unit, "count": len(unit_names)})
    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=200)
    for place, cid in enumerate(people):
        for key in ("theory", "practical"):
            mark(panel, event_id, "final", cid, key, str(95 - 2 * place))
    if publish:
        org.post(f"/events/{event_id}/rounds/final/publish", status=200)
    ranked = org.get(f"/events/{event_id}/rounds/final/results")["ranking"]
    return Final(
        org=org,
        contest_id=world.contest_id,
        event_id=event_id,
        units=world.units,
        ranked=ranked,
        judge=panel,
        judge_id=judge_id,
        unit_judge=unit_judge,
    )
