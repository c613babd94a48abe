"""The award programme of the authorization matrix's world (tests/contest/api/
test_authorization_matrix.py): made directly with the models, inside the world's app context.

Two levels, the three criteria of `tests.awards.factories`, two units, a panel of the world's
`exp` and `led` (the lead), and one submitted station of unit 1 with no judgement yet; nothing
is published. Returns the ids the rows' paths need.
"""

from __future__ import annotations

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
from tests.awards.factories import CRITERIA, LEVELS


def add_award_programme(users: dict[str, int]) -> dict[str, int]:
    programme = AwardProgramme(name="2021年度最美工会户外劳动者服务站点", year=2021)
    db.session.add(programme)
    db.session.flush()
    levels = [
        AwardLevel(programme_id=programme.id, key=k, name=n, quota=q, grant_amount=g, position=i)
        for i, (k, n, q, g) in enumerate(LEVELS)
    ]
    criteria = [
        AwardCriterion(
            programme_id=programme.id, key=k, name=n, kind=kind, max_points=m, position=i
        )
        for i, (k, n, kind, m) in enumerate(CRITERIA)
    ]
    units = [AwardUnit(programme_id=programme.id, name=f"基层工会{n}") for n in (1, 2)]
    db.session.add_all(levels + criteria + units)
    db.session.flush()
    for key, lead in (("exp", False), ("led", True)):
        db.session.add(ProgrammeExpert(programme_id=programme.id, user_id=users[key], is_lead=lead))
    station = Station(
        programme_id=programme.id,
        unit_id=units[0].id,
        level_id=levels[0].id,
        name="建国门环卫驿站",
        address="东城区建国门内大街 18 号",
        district="东城区",
        submitted_at=utcnow(),
    )
    db.session.add(station)
    db.session.flush()
    return {"programme": programme.id, "station": station.id, "level": levels[0].id}
