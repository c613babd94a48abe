"""The demo programme: `flask demo load` loads it with the other demos and prints its logins;
a union of the demo signs in and sees its own stations only."""

from __future__ import annotations

from sqlalchemy import func, select

from competition.awards.demo import EXPERT_PASSWORD, PROGRAMME_NAME, UNION_PASSWORD
from competition.core.demo_logins import DemoLogin
from competition.extensions import db
from competition.models import AwardProgramme, Station
from tests.reviews.test_demo import printed_logins
from tests.support.factories import login


def test_demo_load_builds_the_2021_station_programme(app, client, runner) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    logins = printed_logins(result.output)
    for n in range(1, 7):
        assert logins[f"union{n}"] == DemoLogin(f"union{n}", UNION_PASSWORD, "union")
    for n in range(1, 6):
        username = f"award_expert{n}"
        assert logins[username] == DemoLogin(username, EXPERT_PASSWORD, "expert")
    with app.app_context():
        programme = db.session.scalars(select(AwardProgramme)).one()
        assert programme.name == PROGRAMME_NAME
        assert [(lv.name[:3], lv.quota) for lv in programme.levels] == [
            ("全国最", 150),
            ("北京市", 200),
        ]
        assert len(programme.criteria) == 7 and len(programme.units) == 6
        assert sum(e.is_lead for e in programme.experts) == 1
        assert db.session.scalar(select(func.count(Station.id))) == 20
        pid = programme.id
    union = login(client, "union3", UNION_PASSWORD)
    mine = union.get(f"/award-programmes/{pid}/stations")["stations"]
    assert {s["unit"] for s in mine} == {"朝阳区快递物流行业联合工会"} and len(mine) == 4
    first = union.get(f"/stations/{mine[0]['id']}")
    assert first["submitted"] is True and first["missing"] == []
