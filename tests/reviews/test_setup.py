"""Setting a cohort up: the cohort, its rubric and bands, sessions, trainees, the panel."""

from __future__ import annotations

import pytest

from tests.reviews.helpers import LECTURE_RUBRIC, assert_chinese, build_cohort
from tests.support.errors import assert_error
from tests.support.factories import login, make_user, organiser


def test_organiser_creates_a_cohort_with_the_usual_bands(app, client):
    org = organiser(app, client)
    cohort = org.post("/cohorts", {"name": "2021年职工工匠研修班"})
    assert cohort["name"] == "2021年职工工匠研修班" and isinstance(cohort["id"], int)
    assert cohort["rubric"] == []
    assert cohort["bands"] == [
        {"key": "excellent", "label": "优秀", "minimum": "85.00"},
        {"key": "pass", "label": "合格", "minimum": "60.00"},
    ]
    assert cohort["appointment_band"] == "pass"
    assert cohort["signed"] is False and cohort["signed_at"] is None
    assert org.get(f"/cohorts/{cohort['id']}") == cohort
    listed = org.get("/cohorts")["cohorts"]
    assert listed == [{"id": cohort["id"], "name": cohort["name"], "year": None, "signed": False}]


def test_cohort_names_are_unique(app, client):
    org = organiser(app, client)
    org.post("/cohorts", {"name": "2021年职工工匠研修班", "year": 2021})
    response = org.call("POST", "/cohorts", {"name": "2021年职工工匠研修班"})
    assert_error(response, 409, "name")
    assert len(org.get("/cohorts")["cohorts"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "研修班", "year": 1800}, "year"),
        ({"name": "研修班", "year": "2021"}, "year"),
        ({"name": "研修班", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_cohort_is_422(app, client, body, field):
    org = organiser(app, client)
    assert_error(org.call("POST", "/cohorts", body), 422, field)
    assert org.get("/cohorts")["cohorts"] == []


def test_only_an_organiser_creates_cohorts(app, client):
    organiser(app, client)
    for role in ("expert", "trainee", "judge"):
        make_user(app, f"a_{role}", role)
        api = login(client, f"a_{role}")
        assert_error(api.call("POST", "/cohorts", {"name": "研修班"}), 403)
        assert_error(api.call("POST", "/cohorts", raw="{not json"), 403)
    assert_error(client.post("/api/v1/cohorts", json={"name": "研修班"}), 401)


def test_malformed_json_is_400(app, client):
    org = organiser(app, client)
    assert_error(org.call("POST", "/cohorts", raw='{"name": '), 400)
    assert org.get("/cohorts")["cohorts"] == []


# ---------------------------------------------------------------- trainees
def test_trainees_are_enrolled_with_an_optional_login(app, client):
    org = organiser(app, client)
    cohort = org.post("/cohorts", {"name": "研修班"})["id"]
    login_id = make_user(app, "zhang", "trainee")
    linked = org.post(
        f"/cohorts/{cohort}/trainees",
        {
            "name": "张海峰",
            "unit": "市地铁运营有限公司",
            "title": "全国劳动模范",
            "user_id": login_id,
        },
    )
    assert linked == {
        "id": linked["id"],
        "cohort_id": cohort,
        "name": "张海峰",
        "unit": "市地铁运营有限公司",
        "title": "全国劳动模范",
        "user_id": login_id,
        "session_id": None,
    }
    plain = org.post(f"/cohorts/{cohort}/trainees", {"name": "李秀梅", "unit": "市第一纺织公司"})
    assert plain["title"] == "" and plain["user_id"] is None
    names = [t["name"] for t in org.get(f"/cohorts/{cohort}/trainees")["trainees"]]
    assert names == ["张海峰", "李秀梅"]


def test_a_trainee_login_must_be_a_trainee_and_used_once(app, client):
    org = organiser(app, client)
    cohort = org.post("/cohorts", {"name": "研修班"})["id"]
    expert_id = make_user(app, "expert", "expert")
    trainee_id = make_user(app, "zhang", "trainee")
    path = f"/cohorts/{cohort}/trainees"
    body = {"name": "张海峰", "unit": "单位甲", "title": ""}
    assert_error(org.call("POST", path, {**body, "user_id": expert_id}), 422, "user_id")
    assert_error(org.call("POST", path, {**body, "user_id": 99999}), 422, "user_id")
    org.post(path, {**body, "user_id": trainee_id})
    assert_error(org.call("POST", path, {**body, "name": "王五", "user_id": trainee_id}), 409)
    # The same person (name and unit) is not enrolled twice.
    assert_error(org.call("POST", path, body), 409, "name")
    assert len(org.get(path)["trainees"]) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"unit": None}, "unit"),
        ({"unit": "x" * 201}, "unit"),
        ({"title": "x" * 201}, "title"),
        ({"user_id": "7"}, "user_id"),
        ({"user_id": True}, "user_id"),
        ({"session_id": 5}, "session_id"),
    ],
)
def test_a_bad_trainee_is_422(app, client, changes, field):
    org = organiser(app, client)
    cohort = org.post("/cohorts", {"name": "研修班"})["id"]
    body = {"name": "张海峰", "unit": "单位甲", "title": "大工匠", **changes}
    assert_error(org.call("POST", f"/cohorts/{cohort}/trainees", body), 422, field)
    assert org.get(f"/cohorts/{cohort}/trainees")["trainees"] == []


def test_sessions_hold_the_lectures_of_a_day(app, client):
    org = organiser(app, client)
    cohort = org.post("/cohorts", {"name": "研修班"})["id"]
    other = org.post("/cohorts", {"name": "另一个研修班"})["id"]
    session = org.post(
        f"/cohorts/{cohort}/sessions", {"date": "2021-11-18", "place": "职工大学第一报告厅"}
    )
    assert session["date"] == "2021-11-18" and session["place"] == "职工大学第一报告厅"
    trainee = org.post(
        f"/cohorts/{cohort}/trainees",
        {"name": "张海峰", "unit": "单位甲", "title": "", "session_id": session["id"]},
    )
    assert trainee["session_id"] == session["id"]
    assert org.get(f"/cohorts/{cohort}")["sessions"][0]["id"] == session["id"]
    # A session of another cohort cannot be used.
    response = org.call(
        "POST",
        f"/cohorts/{other}/trainees",
        {"name": "李秀梅", "unit": "单位乙", "session_id": session["id"]},
    )
    assert_error(response, 422, "session_id")
    bad = org.call("POST", f"/cohorts/{cohort}/sessions", {"date": "18/11/2021", "place": "x"})
    assert_error(bad, 422, "date")


# ---------------------------------------------------------------- the panel
def test_experts_join_the_panel_and_one_leads(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=3)
    experts = cohort.org.get(cohort.path("/experts"))["experts"]
    assert [(e["user_id"], e["lead"]) for e in experts] == [
        (cohort.expert_ids[0], True),
        (cohort.expert_ids[1], False),
        (cohort.expert_ids[2], False),
    ]
    seat = cohort.org.put(cohort.path("/lead"), {"user_id": cohort.expert_ids[2]})
    assert seat["lead"] is True and seat["user_id"] == cohort.expert_ids[2]
    leads = [e["user_id"] for e in cohort.org.get(cohort.path("/experts"))["experts"] if e["lead"]]
    assert leads == [cohort.expert_ids[2]]
    # Joining as lead replaces the lead too.
    newcomer = make_user(app, "newcomer", "expert")
    cohort.org.post(cohort.path("/experts"), {"user_id": newcomer, "lead": True})
    leads = [e["user_id"] for e in cohort.org.get(cohort.path("/experts"))["experts"] if e["lead"]]
    assert leads == [newcomer]


def test_only_experts_join_a_panel_once(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=1)
    judge = make_user(app, "judge", "judge")
    assert_error(cohort.org.call("POST", cohort.path("/experts"), {"user_id": judge}), 422)
    assert_error(cohort.org.call("POST", cohort.path("/experts"), {"user_id": 424242}), 422)
    again = {"user_id": cohort.expert_ids[0]}
    assert_error(cohort.org.call("POST", cohort.path("/experts"), again), 409, "user_id")
    assert_error(cohort.org.call("PUT", cohort.path("/lead"), {"user_id": judge}), 422, "user_id")
    assert len(cohort.org.get(cohort.path("/experts"))["experts"]) == 1


# ---------------------------------------------------------------- rubric and bands
def test_the_rubric_is_set_and_removed_before_any_review(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    shown = cohort.org.put(cohort.path("/rubric"), {"items": LECTURE_RUBRIC})["rubric"]
    assert [(i["key"], i["weight"]) for i in shown] == [
        ("objectives", "20.00"),
        ("content", "30.00"),
        ("organisation", "20.00"),
        ("delivery", "20.00"),
        ("aids", "10.00"),
    ]
    assert cohort.org.put(cohort.path("/rubric"), {"items": []})["rubric"] == []
    cohort.org.put(cohort.path("/rubric"), {"items": LECTURE_RUBRIC})
    cohort.review(0, cohort.trainees[0], items={i["key"]: 80 for i in LECTURE_RUBRIC})
    response = cohort.org.call("PUT", cohort.path("/rubric"), {"items": []})
    assert_error(response, 409)
    assert len(cohort.org.get(cohort.path())["rubric"]) == 5


@pytest.mark.parametrize(
    ("items", "field"),
    [
        (
            [{"key": "a", "name": "甲", "weight": 50}, {"key": "b", "name": "乙", "weight": 49}],
            "items",
        ),
        ([{"key": "A", "name": "甲", "weight": 100}], "items.0.key"),
        (
            [{"key": "a", "name": "甲", "weight": 50}, {"key": "a", "name": "乙", "weight": 50}],
            "items.1.key",
        ),
        (
            [{"key": "a", "name": "甲", "weight": 0}, {"key": "b", "name": "乙", "weight": 100}],
            "items.0.weight",
        ),
        ([{"key": "a", "name": "甲", "weight": "33.333"}], "items.0.weight"),
        ([{"key": "a", "name": "甲", "weight": "NaN"}], "items.0.weight"),
        ([{"key": "a", "weight": 100}], "items.0.name"),
        ([{"key": f"k{n}", "name": "项", "weight": 4} for n in range(25)], "items"),
        ("all of them", "items"),
    ],
)
def test_a_bad_rubric_is_422_and_changes_nothing(app, client, items, field):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    before = cohort.org.get(cohort.path())
    error = assert_error(cohort.org.call("PUT", cohort.path("/rubric"), {"items": items}), 422)
    assert field in error["fields"], error
    assert_chinese(error)
    assert cohort.org.get(cohort.path()) == before


def test_the_weights_sum_message_says_what_they_add_up_to(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    items = [{"key": "a", "name": "甲", "weight": "50.5"}, {"key": "b", "name": "乙", "weight": 49}]
    error = assert_error(cohort.org.call("PUT", cohort.path("/rubric"), {"items": items}), 422)
    assert error["fields"] == {"items": ["各项权重之和应为 100，现为 99.50"]}


def test_bands_are_configurable_before_any_review(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    body = {
        "bands": [
            {"key": "pass", "minimum": 60},
            {"key": "excellent", "label": "优秀", "minimum": "90"},
            {"key": "good", "minimum": 75},
        ],
        "appointment_band": "good",
    }
    shown = cohort.org.put(cohort.path("/bands"), body)
    assert shown["bands"] == [
        {"key": "excellent", "label": "优秀", "minimum": "90.00"},
        {"key": "good", "label": "良好", "minimum": "75.00"},
        {"key": "pass", "label": "合格", "minimum": "60.00"},
    ]
    assert shown["appointment_band"] == "good"
    cohort.review(0, cohort.trainees[0], score=80)
    response = cohort.org.call("PUT", cohort.path("/bands"), body)
    assert_error(response, 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bands": [], "appointment_band": "pass"}, "bands"),
        (
            {"bands": [{"key": "pass", "minimum": 60}], "appointment_band": "excellent"},
            "appointment_band",
        ),
        (
            {"bands": [{"key": "pass", "minimum": 60}], "appointment_band": "fail"},
            "appointment_band",
        ),
        ({"bands": [{"key": "fail", "minimum": 60}], "appointment_band": "fail"}, "bands.0.key"),
        ({"bands": [{"key": "pass", "minimum": 0}], "appointment_band": "pass"}, "bands.0.minimum"),
        (
            {"bands": [{"key": "pass", "minimum": 101}], "appointment_band": "pass"},
            "bands.0.minimum",
        ),
        (
            {
                "bands": [{"key": "a", "minimum": 60}, {"key": "b", "minimum": 60}],
                "appointment_band": "a",
            },
            "bands.1.minimum",
        ),
        ({"bands": [{"key": "pass", "minimum": 60}]}, "appointment_band"),
    ],
)
def test_bad_bands_are_422(app, client, body, field):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    before = cohort.org.get(cohort.path())
    assert_chinese(assert_error(cohort.org.call("PUT", cohort.path("/bands"), body), 422, field))
    assert cohort.org.get(cohort.path()) == before


def test_each_role_lists_its_own_cohorts(app, client):
    first = build_cohort(app, client, trainees=1, experts=1)
    second = build_cohort(app, client, trainees=1, experts=1, org=first.org, name="2022年研修班")
    everything = {c["id"] for c in first.org.get("/cohorts")["cohorts"]}
    assert everything == {first.id, second.id}
    assert [c["id"] for c in first.experts[0].get("/cohorts")["cohorts"]] == [first.id]
    assert [c["id"] for c in second.trainee_logins[0].get("/cohorts")["cohorts"]] == [second.id]
    make_user(app, "judge", "judge")
    assert login(client, "judge").get("/cohorts")["cohorts"] == []
