"""Setting up a programme: levels, the 七有 in one call, units with accounts, the panel, and
the rules fixed once reviewing has started."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from competition.extensions import db
from competition.models import StationReview, User
from tests.awards.helpers import setup_programme
from tests.support.factories import login, make_user


def test_the_reference_criteria_are_the_seven_with_their_notes(app, client) -> None:
    p = setup_programme(app, client)
    programme = p.org.get(f"/award-programmes/{p.id}")
    names = [c["name"] for c in programme["criteria"]]
    assert names == ["有场地", "有标识", "有设施", "有宣传", "有服务", "有制度", "有成效"]
    facilities = programme["criteria"][2]
    assert "微波炉" in facilities["description"] and "24小时" in facilities["preferred"]
    assert sum(Decimal(c["max_points"]) for c in programme["criteria"]) == 100
    assert [(lv["key"], lv["quota"], lv["grant_amount"]) for lv in programme["levels"]] == [
        ("national", 150, "50000.00"),
        ("beijing", 200, "20000.00"),
    ]


def test_a_union_sees_only_its_programmes_and_not_the_panel(app, client) -> None:
    p = setup_programme(app, client)
    assert [x["id"] for x in p.unions["u1"].get("/award-programmes")["programmes"]] == [p.id]
    p.unions["u1"].get(f"/award-programmes/{p.id}")
    p.unions["u1"].get(f"/award-programmes/{p.id}/experts", status=403)
    make_user(app, "stranger", "union")
    stranger = login(client, "stranger")
    assert stranger.get("/award-programmes")["programmes"] == []
    stranger.get(f"/award-programmes/{p.id}", status=403)


def test_criteria_and_levels_are_checked(app, client) -> None:
    p = setup_programme(app, client)
    bad = p.org.put(
        f"/award-programmes/{p.id}/criteria",
        {
            "criteria": [
                {"key": "place", "name": "有场地", "kind": "points"},
                {"key": "place", "name": "有标识", "kind": "pass_fail", "max_points": "5"},
            ]
        },
        status=422,
    )
    assert set(bad["error"]["fields"]) == {
        "criteria.0.max_points",
        "criteria.1.key",
        "criteria.1.max_points",
    }
    p.org.put(
        f"/award-programmes/{p.id}/levels",
        {"levels": [{"key": "national", "name": "全国", "quota": -1}]},
        status=422,
    )


def test_a_level_with_stations_cannot_be_removed(app, client) -> None:
    p = setup_programme(app, client)
    p.station()
    body = {"levels": [{"key": "beijing", "name": "北京市", "quota": 200}]}
    refused = p.org.put(f"/award-programmes/{p.id}/levels", body, status=409)
    assert "national" in str(refused["error"]["fields"])


def test_rules_are_fixed_once_reviewing_has_started(app, client) -> None:
    p = setup_programme(app, client)
    station = p.station()
    with app.app_context():
        expert = db.session.scalar(select(User).where(User.username == "e2"))
        criterion_id = db.session.execute(
            db.text("SELECT id FROM award_criteria WHERE programme_id = :p AND key = 'place'"),
            {"p": p.id},
        ).scalar_one()
        db.session.add(
            StationReview(
                programme_id=p.id,
                station_id=station["id"],
                expert_id=expert.id,
                criterion_id=criterion_id,
                points=Decimal(10),
                comment="场地临街",
            )
        )
        db.session.commit()
    refused = p.org.post(f"/award-programmes/{p.id}/criteria/reference", status=409)
    assert "专家已开始评审" in refused["error"]["message"]
    body = {"levels": [{"key": "national", "name": "全国", "quota": 100}]}
    p.org.put(f"/award-programmes/{p.id}/levels", body, status=409)
    # what is not a rule may still change
    p.org.call("PATCH", f"/award-programmes/{p.id}", {"host": "北京市总工会"}, status=200)


def test_units_link_only_union_accounts_once(app, client) -> None:
    p = setup_programme(app, client)
    judge_id = make_user(app, "a_judge", "judge")
    p.org.post(
        f"/award-programmes/{p.id}/units", {"name": "新单位", "user_id": judge_id}, status=422
    )
    taken = p.org.post(
        f"/award-programmes/{p.id}/units",
        {"name": "新单位", "username": "u1_union", "password": "whatever-123"},
        status=409,
    )
    assert taken["error"]["fields"] == {"username": ["用户名已被使用"]}
    p.org.post(f"/award-programmes/{p.id}/units", {"name": " 东城区环卫中心工会 "}, status=409)


def test_the_panel_has_one_lead_and_knows_each_experts_unit(app, client) -> None:
    p = setup_programme(app, client)
    user_id = make_user(app, "e3", "expert")
    p.org.post(
        f"/award-programmes/{p.id}/experts",
        {"user_id": user_id, "unit_id": p.unit_ids["u1"], "lead": True},
    )
    experts = p.org.get(f"/award-programmes/{p.id}/experts")["experts"]
    assert [(e["username"], e["lead"], e["unit_id"]) for e in experts] == [
        ("e1", False, None),
        ("e2", False, None),
        ("e3", True, p.unit_ids["u1"]),
    ]
    p.org.put(f"/award-programmes/{p.id}/lead", {"user_id": experts[1]["user_id"]})
    leads = [
        e["username"]
        for e in p.org.get(f"/award-programmes/{p.id}/experts")["experts"]
        if e["lead"]
    ]
    assert leads == ["e2"]
