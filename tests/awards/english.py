"""The award programme of the English pages' world (tests/contest/web/console/test_english.py):
written in ASCII, reviewed by a panel of two, published, with one objection decided and one
open, so the review, selection and public pages show most of what they can say."""

from __future__ import annotations

from decimal import Decimal

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

#: Who opens the review pages in the English world.
EXPERT = "station_lead"


def english_programme(app: Flask, client: FlaskClient, org: Api) -> dict[str, int]:
    lead_id = make_user(app, EXPERT, "expert")
    other_id = make_user(app, "station_expert", "expert")
    with app.app_context():
        programme = AwardProgramme(name="Stations 2021", year=2021, host="Union", notice_days=5)
        db.session.add(programme)
        db.session.flush()
        levels = [
            AwardLevel(programme_id=programme.id, key="national", name="National", quota=1,
                       grant_amount=Decimal("50000.00"), position=0),
            AwardLevel(programme_id=programme.id, key="city", name="City", quota=2,
                       grant_amount=Decimal("20000.00"), position=1),
        ]  # fmt: skip
        criteria = [
            AwardCriterion(programme_id=programme.id, key="place", name="Place", kind="points",
                           max_points=Decimal(20), position=0, description="A fixed place"),
            AwardCriterion(programme_id=programme.id, key="rules", name="Rules",
                           kind="pass_fail", position=1, preferred="Rules on the wall"),
        ]  # fmt: skip
        units = [AwardUnit(programme_id=programme.id, name=f"Works {n}") for n in (1, 2)]
        db.session.add_all(levels + criteria + units)
        db.session.flush()
        db.session.add_all(
            [
                ProgrammeExpert(programme_id=programme.id, user_id=lead_id, is_lead=True),
                ProgrammeExpert(programme_id=programme.id, user_id=other_id),
            ]
        )
        stations = [
            Station(programme_id=programme.id, unit_id=units[n % 2].id, level_id=levels[0].id,
                    name=name, address=f"{n + 1} Long Street", district="Chaoyang",
                    opening_hours="24 hours", submitted_at=utcnow())
            for n, name in enumerate(("North Station", "South Station", "East Station"))
        ]  # fmt: skip
        db.session.add_all(stations)
        db.session.commit()
        ids = {"programme_id": programme.id, "station_id": stations[0].id,
               "level_id": levels[1].id}  # fmt: skip
        station_ids = [s.id for s in stations]
    path = f"/award-programmes/{ids['programme_id']}"
    for username in (EXPERT, "station_expert"):
        expert = login(client, username)
        for n, station_id in enumerate(station_ids):
            body = {
                "criteria": [
                    {"criterion": "place", "points": str(18 - n), "comment": "On the street"},
                    {"criterion": "rules", "passed": True, "comment": "Good"},
                ]
            }
            expert.put(f"{path}/stations/{station_id}/review", body)
    login(client, EXPERT).post(f"{path}/review/sign-off", status=200)
    org.post(f"{path}/publish", status=200)
    first = org.post(
        f"{path}/objections", {"station_id": station_ids[0], "name": "Ann Lee", "text": "Closed"}
    )
    org.post(
        f"{path}/objections/{first['id']}/decision",
        {"decision": "dismissed", "reason": "Open every day"},
        status=200,
    )
    org.post(
        f"{path}/objections", {"station_id": station_ids[1], "name": "Bob Ma", "text": "No water"}
    )
    return ids
