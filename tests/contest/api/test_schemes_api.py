"""Marking schemes and item marks through the API (api-v1 "Judging in depth"): the scheme's
rules (422/409), item marks and the judge's exact mark, disputes blocking publication, and
no judge marking their own unit's people in the final (回避)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Mark
from tests.support.errors import assert_error
from tests.support.factories import build_world, judge, mark
from tests.support.pages import Session

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "10"},
    ],
    "tie_breaks": ["practical"],
    "min_finalists_per_unit": 1,
}
SCHEME = {
    "max_judgement_spread": 1,
    "items": [
        {"code": "M1", "kind": "measurement", "name": "40±0.02", "points": "4",
         "nominal": "40.000", "lower": "-0.020", "upper": "0.020"},
        {"code": "J1", "kind": "judgement", "name": "表面质量", "points": "6"},
        {"code": "D1", "kind": "deduction", "name": "安全文明生产", "points": "5"},
    ],
}  # fmt: skip


@pytest.fixture
def depth(app, client):
    world = build_world(app, client, per_unit=(2, 2), event=EVENT)
    judges = [judge(app, client, world.org, world.event_id, f"j{n}") for n in range(3)]
    return world, judges


def scheme_path(world, key="practical"):
    return f"/events/{world.event_id}/components/{key}/scheme"


def item(api, world, contestant, code, value, status=200, kind="preliminary", key="practical"):
    """The answer's JSON when it is a 200, else the response (for `assert_error`)."""
    response = api.call(
        "PUT",
        f"/events/{world.event_id}/rounds/{kind}/marks/{contestant}/{key}/items/{code}",
        {"value": value},
        status=status,
    )
    return response.get_json() if status == 200 else response


def test_a_scheme_is_set_echoed_and_read_by_the_events_judges(depth):
    world, judges = depth
    echoed = world.org.put(scheme_path(world), SCHEME)
    assert echoed["max_judgement_spread"] == 1
    assert [i["code"] for i in echoed["items"]] == ["M1", "J1", "D1"]
    first = echoed["items"][0]
    assert (first["points"], first["nominal"], first["lower"], first["upper"]) == (
        "4.00", "40.000", "-0.020", "0.020"
    )  # fmt: skip
    assert echoed["items"][1]["nominal"] is None
    assert judges[0][1].get(scheme_path(world)) == echoed
    assert_error(world.org.call("GET", scheme_path(world, "theory")), 404)
    assert_error(judges[0][1].call("PUT", scheme_path(world), SCHEME), 403)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda s: s["items"][1].update(points="5"), "分值之和须等于该评分项的满分 10，现为 9"),
        (lambda s: s["items"][1].update(code="M1"), "M1 重复"),
        (lambda s: s["items"][0].update(lower="0.03"), "下偏差不能大于上偏差"),
        (lambda s: s["items"][2].update(kind="bonus"), "未知的类型“bonus”"),
        (lambda s: s.update(max_judgement_spread=4), "0 到 3 的整数"),
    ],
)
def test_a_broken_scheme_is_refused_with_the_reason(depth, change, words):
    world, _judges = depth
    body = {**SCHEME, "items": [dict(i) for i in SCHEME["items"]]}
    change(body)
    error = assert_error(world.org.call("PUT", scheme_path(world), body), 422)
    assert words in error["message"]
    assert_error(world.org.call("GET", scheme_path(world)), 404)  # nothing stored


def test_full_width_codes_and_sizes_are_read_as_typed_in_half_width(depth):
    world, judges = depth
    body = {**SCHEME, "items": [dict(i) for i in SCHEME["items"]]}
    body["items"][0].update(code="ｍ１", nominal="４０．０００")
    world.org.put(scheme_path(world), body)
    contestant = world.all_contestants()[0]
    written = item(judges[0][1], world, contestant, "ｍ１", "４０．０１")
    assert (written["item"], written["value"], written["points"]) == ("M1", "40.010", "4.00")


def test_item_marks_make_the_judges_exact_mark_and_the_component_score(depth, app):
    world, judges = depth
    world.org.put(scheme_path(world), SCHEME)
    contestant = world.all_contestants()[0]
    api = judges[0][1]
    # A dimension exactly on its limit earns its points.
    answer = item(api, world, contestant, "M1", "40.020")
    assert answer["points"] == "4.00" and answer["mark"] is None  # J1 still missing
    answer = item(api, world, contestant, "J1", "1")
    assert answer["points"] == "2.00" and answer["mark"] == "6.00"
    answer = item(api, world, contestant, "D1", "1.5")
    assert answer["points"] == "1.50" and answer["mark"] == "4.50"
    # A deduction larger than the rest floors at 0.
    item(api, world, contestant, "M1", "40.021")
    answer = item(api, world, contestant, "D1", "5")
    assert answer["mark"] == "0.00"
    # The plain mark PUT is refused on a component with a scheme; the scheme is fixed now.
    refused = assert_error(
        api.call(
            "PUT",
            f"/events/{world.event_id}/rounds/preliminary/marks/{contestant}/practical",
            {"value": "8"},
        ),
        409,
    )
    assert "逐项录入" in refused["message"]
    locked = assert_error(world.org.call("PUT", scheme_path(world), SCHEME), 409)
    assert "已有评分" in locked["message"]
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.contestant_id == contestant)
        ).all()
        assert actions.count("item_mark.set") == 5 and "mark.set" in actions


def test_three_judges_one_one_two_on_ten_points_are_averaged_exactly(app, client):
    world = build_world(app, client, per_unit=(1,), event=EVENT)
    judges = [judge(app, client, world.org, world.event_id, f"j{n}") for n in range(3)]
    world.org.put(
        scheme_path(world),
        {"max_judgement_spread": None,
         "items": [{"code": "J1", "kind": "judgement", "name": "工艺", "points": "10"}]},
    )  # fmt: skip
    contestant = world.all_contestants()[0]
    for (_id, api), value in zip(judges, ("1", "1", "2"), strict=True):
        assert item(api, world, contestant, "J1", value)["mark"] in ("3.33", "6.67")
        mark(api, world.event_id, "preliminary", contestant, "theory", "90")
    results = world.org.get(f"/events/{world.event_id}/rounds/preliminary/results")
    # (10/3 + 10/3 + 20/3) / 3 = 4.444… → 4.44; total 0.3 × 90 + 0.7 × 4.44 = 30.11 (rounded)
    assert results["ranking"][0]["scores"]["practical"] == "4.44"
    assert results["ranking"][0]["total"] == "30.11"
    with app.app_context():
        units = db.session.scalars(select(Mark.exact_units).where(Mark.exact_units.is_not(None)))
        assert sorted(units) == [1000, 1000, 2000]


def test_item_values_are_checked_per_kind(depth):
    world, judges = depth
    world.org.put(scheme_path(world), SCHEME)
    contestant, api = world.all_contestants()[0], judges[0][1]

    def said(code, value, key="practical"):
        return assert_error(item(api, world, contestant, code, value, 422, key=key), 422)

    assert "0、1、2 或 3" in said("J1", "1.5")["message"]
    assert "0 到 5" in said("D1", "6")["message"]
    assert "3 位小数" in said("M1", "40.0001")["fields"]["value"][0]
    assert "没有评分点“X9”" in said("X9", "1")["message"]
    assert "没有评分细则" in said("J1", "1", key="theory")["message"]
    assert_error(item(world.org, world, contestant, "J1", "1", 403), 403)


def test_a_spread_beyond_the_limit_is_a_dispute_until_re_marked(depth):
    world, judges = depth
    world.org.put(scheme_path(world), SCHEME)
    for n, contestant in enumerate(world.all_contestants()):
        for (_id, api), judged in zip(judges, ("1", "2", "2"), strict=True):
            item(api, world, contestant, "M1", "40")
            item(api, world, contestant, "J1", judged)
            mark(api, world.event_id, "preliminary", contestant, "theory", str(80 + n))
    path = f"/events/{world.event_id}/rounds/preliminary"
    assert world.org.get(f"{path}/results")["disputes"] == []  # a spread of exactly 1
    disputed = world.all_contestants()[1]
    item(judges[0][1], world, disputed, "J1", "0")  # 0, 2, 2: a spread of 2
    results = world.org.get(f"{path}/results")
    assert results["disputes"] == [
        {"contestant_id": disputed, "component": "practical", "item": "J1"}
    ]
    refused = assert_error(world.org.call("POST", f"{path}/publish"), 409, "disputes")
    assert "J1" in refused["fields"]["disputes"][0]
    item(judges[0][1], world, disputed, "J1", "1")
    assert world.org.get(f"{path}/results")["disputes"] == []
    world.org.post(f"{path}/publish", status=200)


def test_no_judge_marks_their_own_units_people_in_the_final(app, client):
    world = build_world(app, client, per_unit=(1, 1), event=EVENT)
    unit_a, unit_b = world.units
    a, b = world.contestants[unit_a][0], world.contestants[unit_b][0]
    _id, own = judge(app, client, world.org, world.event_id, "a-judge", unit_id=unit_a)
    _id, panel = judge(app, client, world.org, world.event_id, "panel")
    world.org.put(scheme_path(world), SCHEME)
    # Preliminaries are exempt: a unit's own committee marks its own people.
    assert item(own, world, a, "J1", "2")["points"] == "4.00"
    for contestant in (a, b):
        item(panel, world, contestant, "M1", "40")
        item(panel, world, contestant, "J1", "2")
        mark(panel, world.event_id, "preliminary", contestant, "theory", "80")
    item(own, world, a, "M1", "40")
    mark(own, world.event_id, "preliminary", a, "theory", "80")
    for unit in (unit_a, unit_b):
        world.org.post(f"/events/{world.event_id}/finalists", {"unit_id": unit, "count": 1})
    refused = assert_error(item(own, world, a, "J1", "2", 403, kind="final"), 403)
    assert refused["code"] == "conflict_of_interest"
    assert "回避" in refused["message"]
    refused = assert_error(
        own.call("PUT", f"/events/{world.event_id}/rounds/final/marks/{a}/theory", {"value": 80}),
        403,
    )
    assert refused["code"] == "conflict_of_interest"
    # Another unit's finalist is theirs to mark.
    assert mark(own, world.event_id, "final", b, "theory", "80")["value"] == "80.00"
    assert item(own, world, b, "J1", "3", kind="final")["points"] == "6.00"


def test_a_results_sheet_cannot_import_totals_of_a_component_with_a_scheme(depth):
    from tests.contest.api.test_imports_api import results_sheet, send

    world, judges = depth
    world.org.put(scheme_path(world), SCHEME)
    path = f"/events/{world.event_id}/rounds/preliminary/sheets/practical/{judges[0][0]}/import"
    refused = assert_error(send(world.org, path, results_sheet(["001", "选手1-1", None, "9"]),
                                422), 422)  # fmt: skip
    assert "按评分细则逐项评分，不能导入总分" in refused["message"]


def test_an_item_mark_in_the_final_fixes_the_finalists(app, client):
    world = build_world(app, client, per_unit=(2,), event=EVENT)
    _id, panel = judge(app, client, world.org, world.event_id, "panel")
    world.org.put(scheme_path(world), SCHEME)
    for n, contestant in enumerate(world.all_contestants()):
        item(panel, world, contestant, "M1", "40")
        item(panel, world, contestant, "J1", str(n + 1))
        mark(panel, world.event_id, "preliminary", contestant, "theory", "80")
    unit = world.units[0]
    world.org.post(f"/events/{world.event_id}/finalists", {"unit_id": unit, "count": 1})
    finalist = world.org.get(f"/events/{world.event_id}/finalists")["finalists"][0]
    item(panel, world, finalist["contestant_id"], "J1", "2", kind="final")  # no mark yet
    refused = world.org.call(
        "POST", f"/events/{world.event_id}/finalists", {"unit_id": unit, "count": 2}
    )
    assert "决赛已开始评分" in assert_error(refused, 409)["message"]


def test_an_upheld_appeal_changes_an_item_and_the_mark_follows(depth, app):
    world, judges = depth
    world.org.put(scheme_path(world), SCHEME)
    for n, contestant in enumerate(world.all_contestants()):
        for _id, api in judges:
            item(api, world, contestant, "M1", "40")
            item(api, world, contestant, "J1", "1")
            mark(api, world.event_id, "preliminary", contestant, "theory", str(70 + n))
    path = f"/events/{world.event_id}/rounds/preliminary"
    world.org.post(f"{path}/publish", status=200)
    contestant = world.all_contestants()[0]
    appeal = world.org.post(
        f"{path}/appeals", {"contestant_id": contestant, "filed_by": "单位1", "subject": "表面质量"}
    )
    decide = f"/appeals/{appeal['id']}/decision"
    judge_id = judges[0][0]

    def refused(change):
        body = {"outcome": "upheld", "reason": "复核", "changes": [change]}
        return assert_error(world.org.call("POST", decide, body), 422)["message"]

    assert "请写明要更改的评分点" in refused(
        {"judge_id": judge_id, "component": "practical", "value": "9"}
    )
    assert "没有评分细则" in refused(
        {"judge_id": judge_id, "component": "theory", "item": "J1", "value": "3"}
    )
    assert "0、1、2 或 3" in refused(
        {"judge_id": judge_id, "component": "practical", "item": "J1", "value": "5"}
    )
    page = Session(app, "org").get(f"/console/appeals/{appeal['id']}")
    assert "按评分细则逐项更改" in page and f'name="item-{judge_id}-' in page
    before = world.org.get(f"{path}/results")["ranking"]
    assert {r["contestant_id"]: r["scores"]["practical"] for r in before}[contestant] == "6.00"
    change = {"judge_id": judge_id, "component": "practical", "item": "ｊ１", "value": "3"}
    world.org.post(
        decide, {"outcome": "upheld", "reason": "复核属实", "changes": [change]}, status=200
    )
    after = {r["contestant_id"]: r["scores"]["practical"] for r in
             world.org.get(f"{path}/results")["ranking"]}  # fmt: skip
    # (4 + 6) + 6 + 6 over three judges: 22/3 = 7.33
    assert after[contestant] == "7.33"
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.contestant_id == contestant, AuditEntry.action == "item_mark.set")
            .order_by(AuditEntry.id)
        ).all()
        assert entries[-1].details["appeal_id"] == appeal["id"]
