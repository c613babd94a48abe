"""Changing a contest's and an event's settings through the API (issue #19): PATCH
/contests/{id} and PATCH /events/{id} change what the console's edit pages change, through the
same services (`services.setup`), with the same rules: only the fields sent, the rules locked
once marked, a stale If-Match refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry
from tests.support.errors import assert_error
from tests.support.factories import Api, build_world, judge, mark

TIME_COMPONENTS = [
    {"key": "theory", "name": "理论知识", "weight": "0.40", "max_score": "100"},
    {"key": "practical", "name": "技能操作", "weight": "0.60", "max_score": "100"},
    {
        "key": "time_used",
        "name": "操作用时",
        "weight": "0",
        "max_score": "600",
        "higher_is_better": False,
        "unit": "分钟",
    },
]


def patch(api: Api, path: str, body: object, status: int = 200, **headers: str) -> Any:
    """PATCH with extra headers (If-Match), the status asserted."""
    token = {"Authorization": f"Bearer {api.token}"} if api.token else {}
    response = api.client.patch("/api/v1" + path, json=body, headers={**token, **headers})
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# ---------------------------------------------------------------- contests
def test_a_contests_settings_change_field_by_field(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, path = world.org, f"/contests/{world.contest_id}"
    before = org.call("GET", path, status=200)
    assert before.headers["ETag"] == '"1"'
    assert before.get_json()["notice_working_days"] == 5

    response = patch(
        org,
        path,
        {"theme": " 匠心筑梦 ", "notice_working_days": 7, "objection_contact": "监督组：010-1"},
    )
    body = response.get_json()
    assert body["theme"] == "匠心筑梦" and body["notice_working_days"] == 7
    assert body["objection_contact"] == "监督组：010-1"
    assert body["name"] == "第五届职工职业技能竞赛" and body["host"] == "总工会"  # not sent
    assert response.headers["ETag"] == '"2"'
    assert org.get(path)["notice_working_days"] == 7
    assert actions(app).count("contest.update") == 1


def test_a_stale_if_match_is_refused_and_nothing_written(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, path = world.org, f"/contests/{world.contest_id}"
    patch(org, path, {"name": "第五届职工技能大赛"}, 200, **{"If-Match": '"1"'})
    stale = patch(org, path, {"host": "市总工会"}, 409, **{"If-Match": '"1"'})
    assert assert_error(stale, 409)["code"] == "stale"
    assert org.get(path)["host"] == "总工会"
    patch(org, path, {"host": "市总工会"}, 200, **{"If-Match": "*"})
    assert_error(patch(org, path, {"host": "x"}, 400, **{"If-Match": ""}), 400)


def test_a_contests_settings_are_checked_as_the_page_checks_them(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, path = world.org, f"/contests/{world.contest_id}"
    assert_error(patch(org, path, {}, 422), 422, "_schema")
    assert_error(patch(org, path, {"name": "  "}, 422), 422, "name")
    assert_error(patch(org, path, {"notice_working_days": 61}, 422), 422, "notice_working_days")
    assert_error(patch(org, path, {"notice_working_days": None}, 422), 422, "notice_working_days")
    assert_error(patch(org, path, {"colour": "#fff"}, 422), 422, "colour")
    assert_error(org.call("PATCH", path, raw="{", status=400), 400)
    assert_error(patch(org, "/contests/999999", {"theme": "x"}, 404), 404)
    assert org.get(path)["notice_working_days"] == 5


def test_only_organisers_change_a_contest(app, client):
    world = build_world(app, client, per_unit=(0,))
    _, chief = judge(app, client, world.org, world.event_id, "chief", chief=True)
    path = f"/contests/{world.contest_id}"
    assert_error(patch(chief, path, {"theme": "x"}, 403), 403)
    assert_error(patch(Api(client), path, {"theme": "x"}, 401), 401)
    assert world.org.get(path)["theme"] == ""


# ---------------------------------------------------------------- events
def test_an_events_set_up_changes_until_the_first_mark(app, client):
    world = build_world(app, client, per_unit=(1,))
    org, path = world.org, f"/events/{world.event_id}"
    assert org.call("GET", path, status=200).headers["ETag"] == '"1"'

    body = patch(
        org,
        path,
        {
            "group": "学生组",
            "components": TIME_COMPONENTS,
            "tie_breaks": ["practical", "time_used"],
            "min_finalists_per_unit": 2,
            "notice_working_days": 3,
        },
    ).get_json()
    assert body["name"] == "数控铣工" and body["group"] == "学生组"
    assert [(c["key"], c["weight"], c["unit"]) for c in body["components"]] == [
        ("theory", "0.40", ""),
        ("practical", "0.60", ""),
        ("time_used", "0.00", "分钟"),
    ]
    assert body["tie_breaks"] == ["practical", "time_used"]
    assert body["min_finalists_per_unit"] == 2 and body["notice_working_days"] == 3

    # null: the contest's notice period again; the rules, not sent, stay
    body = patch(org, path, {"notice_working_days": None}).get_json()
    assert body["notice_working_days"] is None and len(body["components"]) == 3
    assert actions(app).count("event.update") == 2


def test_once_marked_the_rules_are_locked_but_names_and_units_still_change(app, client):
    world = build_world(app, client, per_unit=(1,))
    org, event_id = world.org, world.event_id
    path = f"/events/{event_id}"
    _, panel = judge(app, client, org, event_id, "panel1")
    mark(panel, event_id, "preliminary", world.contestants[world.units[0]][0], "theory", "80")
    stored = org.get(path)

    changed = [dict(c, weight=w) for c, w in zip(stored["components"], ("0.5", "0.5"), strict=True)]
    error = assert_error(patch(org, path, {"components": changed}, 409), 409, "components")
    assert "已经有评分" in error["message"]
    assert_error(patch(org, path, {"min_finalists_per_unit": 5}, 409), 409)
    assert org.get(path)["components"] == stored["components"]

    relabelled = [dict(c, unit="分") for c in stored["components"]]
    body = patch(org, path, {"name": "数控铣工（四级）", "components": relabelled}).get_json()
    assert body["name"] == "数控铣工（四级）"
    assert [c["unit"] for c in body["components"]] == ["分", "分"]


def test_an_events_set_up_is_checked_as_at_creation(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, path = world.org, f"/events/{world.event_id}"
    other = org.post(f"/contests/{world.contest_id}/events", {"name": "车工"})
    halves = [dict(c, weight="0.5") for c in TIME_COMPONENTS]
    assert_error(patch(org, path, {"components": halves}, 422), 422, "components")
    assert_error(patch(org, path, {"tie_breaks": ["nothing"]}, 422), 422, "tie_breaks")
    assert_error(patch(org, path, {"tie_breaks": None}, 422), 422, "tie_breaks")
    assert_error(patch(org, path, {"components": []}, 422), 422, "components")
    missing = [{"key": "theory", "name": "理论"}]
    assert_error(patch(org, path, {"components": missing}, 422), 422, "components.0.weight")
    assert_error(patch(org, path, {"min_finalists_per_unit": 0}, 422), 422)
    assert_error(patch(org, path, {"notice_working_days": -1}, 422), 422, "notice_working_days")
    assert_error(patch(org, path, {}, 422), 422, "_schema")
    # the name of another event of the contest, in the same group
    assert_error(patch(org, path, {"name": other["name"]}, 409), 409, "name")
    assert_error(patch(org, "/events/999999", {"name": "x"}, 404), 404)
    assert org.get(path)["name"] == "数控铣工"
    assert actions(app).count("event.update") == 0


def test_an_event_edited_meanwhile_is_not_overwritten(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, path = world.org, f"/events/{world.event_id}"
    tag = org.call("GET", path, status=200).headers["ETag"]
    patch(org, path, {"group": "学生组"}, 200, **{"If-Match": tag})
    stale = patch(org, path, {"group": "教师组"}, 409, **{"If-Match": tag})
    assert assert_error(stale, 409)["code"] == "stale"
    assert org.get(path)["group"] == "学生组"


def test_only_organisers_change_an_event(app, client):
    world = build_world(app, client, per_unit=(0,))
    _, chief = judge(app, client, world.org, world.event_id, "chief", chief=True)
    path = f"/events/{world.event_id}"
    assert_error(patch(chief, path, {"name": "x"}, 403), 403)
    assert_error(patch(Api(client), path, {"name": "x"}, 401), 401)
    assert world.org.get(path)["name"] == "数控铣工"
