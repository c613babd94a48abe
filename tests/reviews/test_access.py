"""Who may see and do what in a cohort, and the order of refusals: 401, 404, 403, 400, 422, 409.

A trainee sees only their own file; an expert works only in their own cohort; results are for
organisers and the panel lead; everything needs a login.
"""

from __future__ import annotations

import pytest

from tests.reviews.helpers import SHORTCOMINGS, SUGGESTIONS, build_cohort
from tests.support.errors import assert_error
from tests.support.factories import login, make_user

REVIEW = {"score": 80, "shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS}


@pytest.fixture
def two_cohorts(app, client):
    """Cohort A (2 trainees, 2 experts) and cohort B (1 trainee, 1 expert), one organiser."""
    a = build_cohort(app, client, trainees=2, experts=2)
    b = build_cohort(app, client, trainees=1, experts=1, org=a.org, name="2022年职工工匠研修班")
    a.review(0, a.trainees[0], score=88)
    a.review(1, a.trainees[0], score=78)
    return a, b


ENDPOINTS = [
    ("POST", "/cohorts"),
    ("GET", "/cohorts"),
    ("GET", "/cohorts/{c}"),
    ("PUT", "/cohorts/{c}/rubric"),
    ("PUT", "/cohorts/{c}/bands"),
    ("POST", "/cohorts/{c}/sessions"),
    ("POST", "/cohorts/{c}/trainees"),
    ("GET", "/cohorts/{c}/trainees"),
    ("POST", "/cohorts/{c}/trainees/import"),
    ("GET", "/cohorts/{c}/trainees/{t}"),
    ("PUT", "/cohorts/{c}/trainees/{t}/review"),
    ("GET", "/cohorts/{c}/trainees/{t}/review"),
    ("POST", "/cohorts/{c}/experts"),
    ("GET", "/cohorts/{c}/experts"),
    ("PUT", "/cohorts/{c}/lead"),
    ("GET", "/cohorts/{c}/results"),
    ("GET", "/cohorts/{c}/results.xlsx"),
    ("POST", "/cohorts/{c}/sign-off"),
    ("GET", "/cohorts/{c}/audit"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_and_bad_tokens_are_401_everywhere(app, client, two_cohorts, method, path):
    a, _ = two_cohorts
    url = "/api/v1" + path.format(c=a.id, t=a.trainees[0])
    assert_error(client.open(url, method=method, json=REVIEW), 401)
    bad = {"Authorization": "Bearer not-a-token"}
    assert_error(client.open(url, method=method, json=REVIEW, headers=bad), 401)
    # Even for a cohort that does not exist, 401 comes first.
    missing = "/api/v1" + path.format(c=999, t=999)
    assert_error(client.open(missing, method=method, json=REVIEW), 401)


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if "{c}" in e[1]])
def test_a_missing_cohort_is_404_for_anyone(app, client, two_cohorts, method, path):
    a, _ = two_cohorts
    for api in (a.org, a.experts[0], a.trainee_logins[0]):
        response = api.call(method, path.format(c=9999, t=a.trainees[0]), REVIEW)
        assert_error(response, 404)


def test_a_trainee_sees_only_their_own_file(app, client, two_cohorts):
    a, b = two_cohorts
    own, other = a.trainee_logins[0], a.trainee_logins[1]
    file = a.file(a.trainees[0], own)
    assert file["id"] == a.trainees[0] and file["score"] == "83.00"
    assert [r["score"] for r in file["reviews"]] == ["88.00", "78.00"]
    assert all(set(r) >= {"score", "shortcomings", "suggestions"} for r in file["reviews"])
    # The trainee reads the panel's comments, not who wrote which.
    assert all("expert_id" not in r and "expert" not in r for r in file["reviews"])
    assert_error(other.call("GET", a.path(f"/trainees/{a.trainees[0]}")), 403)
    assert_error(b.trainee_logins[0].call("GET", a.path(f"/trainees/{a.trainees[0]}")), 403)
    # A trainee of another cohort asking through the wrong cohort finds nothing.
    assert_error(own.call("GET", b.path(f"/trainees/{a.trainees[0]}")), 404)


def test_an_organiser_sees_every_file_with_its_experts(app, client, two_cohorts):
    a, _ = two_cohorts
    reviews = a.file(a.trainees[0])["reviews"]
    assert [r["expert_id"] for r in reviews] == a.expert_ids
    assert [r["expert"] for r in reviews] == ["expert1", "expert2"]


def test_a_trainee_may_not_review_nor_read_the_cohorts_results(app, client, two_cohorts):
    a, _ = two_cohorts
    trainee = a.trainee_logins[0]
    before = a.snapshot()
    assert_error(trainee.call("PUT", a.review_path(a.trainees[0]), REVIEW), 403)
    assert_error(trainee.call("GET", a.path("/results")), 403)
    assert_error(trainee.call("GET", a.path("/results.xlsx")), 403)
    assert_error(trainee.call("GET", a.path("/trainees")), 403)
    assert_error(trainee.call("POST", a.path("/trainees"), {"name": "x", "unit": "y"}), 403)
    assert trainee.get(a.path())["id"] == a.id
    assert a.snapshot() == before


def test_an_expert_works_only_in_their_own_cohort(app, client, two_cohorts):
    a, b = two_cohorts
    outsider = b.experts[0]
    before = a.snapshot()
    assert_error(outsider.call("PUT", a.review_path(a.trainees[1]), REVIEW), 403)
    # 403 comes before 400 and 422: an outsider learns nothing about the body.
    assert_error(outsider.call("PUT", a.review_path(a.trainees[1]), raw="{broken"), 403)
    assert_error(outsider.call("PUT", a.review_path(a.trainees[1]), {"score": 500}), 403)
    for path in ("", "/trainees", "/experts", "/results", f"/trainees/{a.trainees[0]}"):
        assert_error(outsider.call("GET", a.path(path)), 403)
    assert_error(outsider.call("GET", a.review_path(a.trainees[0])), 403)
    assert a.snapshot() == before
    # In their own cohort the same expert works.
    b.review(outsider, b.trainees[0], score=90)


def test_an_expert_sees_the_worklist_but_not_the_others_scores(app, client, two_cohorts):
    a, _ = two_cohorts
    member = a.experts[1]
    names = [t["name"] for t in member.get(a.path("/trainees"))["trainees"]]
    assert names == ["学员1", "学员2"]
    assert len(member.get(a.path("/experts"))["experts"]) == 2
    assert member.get(a.review_path(a.trainees[0]))["score"] == "78.00"
    assert_error(member.call("GET", a.path("/results")), 403)
    assert_error(member.call("GET", a.path(f"/trainees/{a.trainees[0]}")), 403)
    # The panel lead reads the results they sign.
    assert a.lead.get(a.path("/results"))["ranking"][0]["score"] == "83.00"
    a.lead.call("GET", a.path("/results.xlsx"), status=200)


def test_an_expert_does_not_set_the_cohort_up(app, client, two_cohorts):
    a, _ = two_cohorts
    lead = a.lead
    before = a.snapshot()
    calls = [
        ("PUT", "/rubric", {"items": []}),
        ("PUT", "/bands", {"bands": [{"key": "pass", "minimum": 60}], "appointment_band": "pass"}),
        ("POST", "/trainees", {"name": "x", "unit": "y"}),
        ("POST", "/experts", {"user_id": a.expert_ids[1]}),
        ("PUT", "/lead", {"user_id": a.expert_ids[1]}),
        ("POST", "/sessions", {"date": "2021-11-18", "place": "x"}),
        ("GET", "/audit", None),
    ]
    for method, rest, body in calls:
        assert_error(lead.call(method, a.path(rest), body), 403)
    assert_error(lead.call("POST", "/cohorts", {"name": "专家建的班"}), 403)
    assert a.snapshot() == before


def test_an_organiser_does_not_review(app, client, two_cohorts):
    a, _ = two_cohorts
    assert_error(a.org.call("PUT", a.review_path(a.trainees[1]), REVIEW), 403)


def test_a_judge_has_no_business_in_a_cohort(app, client, two_cohorts):
    a, _ = two_cohorts
    make_user(app, "judge", "judge")
    judge = login(client, "judge")
    for method, path in ENDPOINTS:
        if path == "/cohorts":
            continue
        response = judge.call(method, path.format(c=a.id, t=a.trainees[0]), REVIEW)
        assert_error(response, 403)
    assert judge.get("/cohorts")["cohorts"] == []


def test_a_missing_trainee_is_404_before_403(app, client, two_cohorts):
    a, b = two_cohorts
    # An outsider asking for a trainee that is not in the cohort: 404 first.
    assert_error(b.experts[0].call("PUT", a.review_path(99999), REVIEW), 404)
    assert_error(a.trainee_logins[1].call("GET", a.path("/trainees/99999")), 404)
