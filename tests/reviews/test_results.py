"""The cohort's ranking, bands and recommendation, and the panel lead's sign-off that locks it."""

from __future__ import annotations

import pytest

from tests.reviews.helpers import LECTURE_RUBRIC, build_cohort
from tests.support.errors import assert_error
from tests.support.factories import make_user


def test_the_ranking_orders_by_score_then_trainee_id(app, client):
    cohort = build_cohort(app, client, trainees=5, experts=2)
    t1, t2, t3, t4, t5 = cohort.trainees
    for expert, scores in enumerate(((80, 90, 81, 59), (82, 80, 81, 61))):
        for trainee, score in zip((t1, t2, t3, t4), scores, strict=True):
            cohort.review(expert, trainee, score=score)
    results = cohort.results()
    assert [(e["rank"], e["trainee_id"], e["score"], e["reviews"]) for e in results["ranking"]] == [
        (1, t2, "85.00", 2),
        (2, t1, "81.00", 2),  # equal to t3: the lower trainee id first
        (3, t3, "81.00", 2),
        (4, t4, "60.00", 2),
    ]
    assert results["unreviewed"] == [t5]
    assert results["signed"] is False


def test_equal_scores_are_ranked_by_trainee_id(app, client):
    cohort = build_cohort(app, client, trainees=3, experts=1)
    for trainee in reversed(cohort.trainees):
        cohort.review(0, trainee, score="77.70")
    ranking = cohort.results()["ranking"]
    assert [(e["rank"], e["trainee_id"]) for e in ranking] == [
        (n, t) for n, t in enumerate(sorted(cohort.trainees), 1)
    ]


def test_the_contract_fields_of_the_results(app, client):
    cohort = build_cohort(app, client, trainees=2, experts=1)
    cohort.review(0, cohort.trainees[0], score=88)
    results = cohort.results()
    assert {"ranking", "unreviewed"} <= set(results)
    entry = results["ranking"][0]
    assert {"rank", "trainee_id", "name", "score", "reviews"} <= set(entry)
    assert entry["name"] == "学员1" and entry["score"] == "88.00" and entry["reviews"] == 1
    assert results["unreviewed"] == [cohort.trainees[1]]


@pytest.mark.parametrize(
    ("score", "band", "label", "recommended"),
    [
        (100, "excellent", "优秀", True),
        (85, "excellent", "优秀", True),
        ("84.99", "pass", "合格", True),
        (60, "pass", "合格", True),
        ("59.99", "fail", "不合格", False),
        (0, "fail", "不合格", False),
    ],
)
def test_default_bands_and_recommendation(app, client, score, band, label, recommended):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    cohort.review(0, cohort.trainees[0], score=score)
    entry = cohort.results()["ranking"][0]
    assert (entry["band"], entry["band_label"], entry["recommended"]) == (band, label, recommended)
    file = cohort.file(cohort.trainees[0])
    assert (file["band"], file["band_label"], file["recommended"]) == (band, label, recommended)


def test_configured_bands_and_appointment_threshold(app, client):
    cohort = build_cohort(app, client, trainees=3, experts=1)
    cohort.org.put(
        cohort.path("/bands"),
        {
            "bands": [
                {"key": "excellent", "minimum": 90},
                {"key": "good", "label": "良好", "minimum": 80},
                {"key": "pass", "minimum": 60},
            ],
            "appointment_band": "good",
        },
    )
    for trainee, score in zip(cohort.trainees, (92, 80, "79.99"), strict=True):
        cohort.review(0, trainee, score=score)
    ranking = cohort.results()["ranking"]
    assert [(e["band"], e["band_label"], e["recommended"]) for e in ranking] == [
        ("excellent", "优秀", True),
        ("good", "良好", True),
        ("pass", "合格", False),
    ]


def test_the_trainee_file_before_any_review(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    file = cohort.file(cohort.trainees[0])
    assert file["score"] is None and file["band"] is None and file["rank"] is None
    assert file["reviews"] == [] and file["signed"] is False


# ---------------------------------------------------------------- sign-off
def reviewed_cohort(app, client, **kwargs):
    cohort = build_cohort(app, client, trainees=2, experts=3, **kwargs)
    for expert in range(3):
        for trainee in cohort.trainees:
            cohort.review(expert, trainee, score=70 + 5 * expert)
    return cohort


def test_the_panel_lead_signs_and_the_results_lock(app, client):
    cohort = reviewed_cohort(app, client)
    signed = cohort.lead.post(cohort.path("/sign-off"), status=200)
    assert signed["signed"] is True and signed["signed_by"] == cohort.expert_ids[0]
    assert signed["signed_at"]
    results = cohort.results()
    assert results["signed"] is True and results["signed_at"] == signed["signed_at"]
    assert cohort.file(cohort.trainees[0])["signed"] is True
    entry = next(
        e
        for e in cohort.org.get(cohort.path("/audit"))["entries"]
        if e["action"] == "cohort.sign_off"
    )
    assert entry["actor_id"] == cohort.expert_ids[0]
    assert [r["score"] for r in entry["details"]["ranking"]] == ["75.00", "75.00"]


def test_after_sign_off_nothing_changes_409(app, client):
    cohort = reviewed_cohort(app, client)
    cohort.lead.post(cohort.path("/sign-off"), status=200)
    before = cohort.snapshot()
    trainee = cohort.trainees[0]
    body = {"score": 99, "shortcomings": "改。", "suggestions": "改。"}
    assert_error(cohort.experts[1].call("PUT", cohort.review_path(trainee), body), 409)
    assert_error(cohort.lead.call("PUT", cohort.review_path(trainee), body), 409)
    refused = [
        ("PUT", "/rubric", {"items": LECTURE_RUBRIC}),
        ("PUT", "/bands", {"bands": [{"key": "pass", "minimum": 50}], "appointment_band": "pass"}),
        ("POST", "/trainees", {"name": "新学员", "unit": "新单位", "title": ""}),
        ("POST", "/experts", {"user_id": make_user(app, "late", "expert")}),
        ("PUT", "/lead", {"user_id": cohort.expert_ids[1]}),
        ("POST", "/sessions", {"date": "2021-12-01", "place": "报告厅"}),
    ]
    for method, rest, payload in refused:
        assert_error(cohort.org.call(method, cohort.path(rest), payload), 409)
    assert_error(cohort.lead.call("POST", cohort.path("/sign-off")), 409)
    assert cohort.snapshot() == before


def test_after_sign_off_an_invalid_review_is_still_422(app, client):
    """The contract's order: 422 (the value) comes before 409 (the state)."""
    cohort = reviewed_cohort(app, client)
    cohort.lead.post(cohort.path("/sign-off"), status=200)
    body = {"score": 101, "shortcomings": "x", "suggestions": "y"}
    response = cohort.lead.call("PUT", cohort.review_path(cohort.trainees[0]), body)
    assert_error(response, 422, "score")


def test_only_the_panel_lead_signs(app, client):
    cohort = reviewed_cohort(app, client)
    for api in (cohort.org, cohort.experts[1], cohort.trainee_logins[0]):
        assert_error(api.call("POST", cohort.path("/sign-off")), 403)
    assert_error(client.post(f"/api/v1/cohorts/{cohort.id}/sign-off"), 401)
    assert cohort.results()["signed"] is False
    # The lead of another cohort is nobody here.
    other = build_cohort(app, client, trainees=0, experts=1, org=cohort.org, name="另一研修班")
    assert_error(other.lead.call("POST", cohort.path("/sign-off")), 403)


def test_a_new_lead_signs_in_place_of_the_old(app, client):
    cohort = reviewed_cohort(app, client)
    cohort.org.put(cohort.path("/lead"), {"user_id": cohort.expert_ids[2]})
    assert_error(cohort.lead.call("POST", cohort.path("/sign-off")), 403)
    cohort.experts[2].post(cohort.path("/sign-off"), status=200)


def test_incomplete_results_are_not_signed(app, client):
    cohort = build_cohort(app, client, trainees=2, experts=1)
    assert_error(cohort.lead.call("POST", cohort.path("/sign-off")), 409)
    cohort.review(0, cohort.trainees[0], score=80)
    error = assert_error(cohort.lead.call("POST", cohort.path("/sign-off")), 409)
    assert "学员2" in error["message"]
    assert cohort.results()["signed"] is False
    empty = build_cohort(app, client, trainees=0, experts=1, org=cohort.org, name="空研修班")
    assert_error(empty.lead.call("POST", empty.path("/sign-off")), 409)
