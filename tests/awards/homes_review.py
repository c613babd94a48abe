"""A programme of the home world (tests/support/homes.py) that went all the way: reviewed by
lead1 and expert1, signed, published a month ago and confirmed, so every page of the review,
selection, notice and honours has its door (the papers' links, the public list).

Made with the models and the services, inside the world's app context; the month-old
publication is written as history (the dates), since nobody waits for a notice in a test.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from competition.awards import review, selection
from competition.extensions import db
from competition.models import (
    AwardCriterion,
    AwardLevel,
    AwardProgramme,
    AwardUnit,
    ProgrammeExpert,
    Station,
    User,
)
from competition.models.types import utcnow
from tests.awards.factories import CRITERIA, LEVELS


def add_confirmed_programme(users: dict[str, int]) -> dict[str, int]:
    programme = AwardProgramme(
        name="2020年度最美工会户外劳动者服务站点", year=2020, host="市总工会"
    )
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
    unit = AwardUnit(programme_id=programme.id, name="东城区环卫中心工会")
    db.session.add_all([*levels, *criteria, unit])
    db.session.flush()
    for username, lead in (("lead1", True), ("expert1", False)):
        db.session.add(
            ProgrammeExpert(programme_id=programme.id, user_id=users[username], is_lead=lead)
        )
    places = (("天坛东门暖心驿站", "天坛东路 51 号"), ("东四环卫工人之家", "东四北大街 107 号"))
    stations = [
        Station(
            programme_id=programme.id, unit_id=unit.id, level_id=levels[0].id, name=name,
            address=address, district="东城区", opening_hours="24小时", submitted_at=utcnow(),
        )
        for name, address in places
    ]  # fmt: skip
    db.session.add_all(stations)
    db.session.flush()
    db.session.refresh(programme)
    for username in ("lead1", "expert1"):
        expert = db.session.get(User, users[username])
        assert expert is not None
        for points, station in zip((18, 15), stations, strict=True):
            review.set_reviews(
                programme,
                station,
                expert,
                [
                    review.Judged("place", points=Decimal(points), comment="临街"),
                    review.Judged("facilities", points=Decimal(25), comment="设施齐全"),
                    review.Judged("rules", passed=True, comment="制度上墙"),
                ],
            )
    lead = db.session.get(User, users["lead1"])
    organiser = db.session.get(User, users["org"])
    assert lead is not None and organiser is not None
    review.sign_off(programme, lead)
    selection.publish(programme, organiser)
    month_ago = utcnow() - timedelta(days=30)
    programme.published_at = month_ago
    programme.notice_ends_on = (month_ago + timedelta(days=7)).date()
    selection.confirm(programme, organiser)
    db.session.flush()
    return {"programme": programme.id, "station": stations[0].id, "level": levels[0].id}
