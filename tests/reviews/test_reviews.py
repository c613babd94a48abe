"""Experts' reviews: direct scores, rubric scores, comments, replacing, the audit trail, and
every way a review can be wrong (api-v1.md "Craftsman class review")."""

from __future__ import annotations

import pytest

from tests.reviews.helpers import (
    LECTURE_RUBRIC,
    SHORTCOMINGS,
    SUGGESTIONS,
    assert_chinese,
    build_cohort,
)
from tests.support.errors import assert_error

ITEMS = {"objectives": 90, "content": 85, "organisation": 80, "delivery": 88, "aids": 70}


def reviews_of(cohort, trainee_id):
    return cohort.file(trainee_id)["reviews"]


def review_entries(cohort):
    return [
        e for e in cohort.org.get(cohort.path("/audit"))["entries"] if e["action"] == "review.set"
    ]


# ---------------------------------------------------------------- direct scores
def test_an_expert_reviews_a_lecture(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    trainee = cohort.trainees[0]
    review = cohort.review(0, trainee, score=83.5)
    assert review["score"] == "83.50"
    assert review["trainee_id"] == trainee and review["expert_id"] == cohort.expert_ids[0]
    assert review["shortcomings"] == SHORTCOMINGS and review["suggestions"] == SUGGESTIONS
    assert review["items"] is None
    assert cohort.experts[0].get(cohort.review_path(trainee)) == review
    assert reviews_of(cohort, trainee)[0]["score"] == "83.50"


@pytest.mark.parametrize(("sent", "shown"), [(0, "0.00"), (100, "100.00"), ("59.99", "59.99")])
def test_scores_from_0_to_100_are_decimal_strings(app, client, sent, shown):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    assert cohort.review(0, cohort.trainees[0], score=sent)["score"] == shown
    assert cohort.results()["ranking"][0]["score"] == shown


def test_sending_again_replaces_the_review_and_is_audited(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=2)
    trainee = cohort.trainees[0]
    cohort.review(0, trainee, score=80)
    cohort.review(1, trainee, score=70)
    cohort.review(
        0, trainee, score="85.25", shortcomings="重难点不突出。", suggestions="精简内容。"
    )
    reviews = reviews_of(cohort, trainee)
    assert [r["score"] for r in reviews] == ["85.25", "70.00"]
    assert reviews[0]["shortcomings"] == "重难点不突出。"
    entries = review_entries(cohort)
    assert [(e["judge_id"], e["old_value"], e["new_value"]) for e in entries] == [
        (cohort.expert_ids[0], None, "80.00"),
        (cohort.expert_ids[1], None, "70.00"),
        (cohort.expert_ids[0], "80.00", "85.25"),
    ]
    assert all(e["details"]["trainee_id"] == trainee for e in entries)
    # Sending the same review again changes nothing, so nothing new is audited.
    cohort.review(
        0, trainee, score="85.25", shortcomings="重难点不突出。", suggestions="精简内容。"
    )
    assert len(review_entries(cohort)) == 3
    # A change of comments alone is a change.
    cohort.review(0, trainee, score="85.25")
    assert [(e["old_value"], e["new_value"]) for e in review_entries(cohort)][-1] == (
        "85.25",
        "85.25",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"score": -1}, "score"),
        ({"score": "100.01"}, "score"),
        ({"score": 1000000000000}, "score"),
        ({"score": "85.005"}, "score"),
        ({"score": "abc"}, "score"),
        ({"score": "NaN"}, "score"),
        ({"score": "Infinity"}, "score"),
        ({"score": True}, "score"),
        ({"score": [85]}, "score"),
        ({"score": None}, "score"),
        ({"shortcomings": ""}, "shortcomings"),
        ({"shortcomings": "   "}, "shortcomings"),
        ({"shortcomings": None}, "shortcomings"),
        ({"suggestions": ""}, "suggestions"),
        ({"suggestions": "x" * 2001}, "suggestions"),
        ({"suggestions": 42}, "suggestions"),
        ({"items": {"content": 80}}, "items"),
        ({"expert_id": 1}, "expert_id"),
    ],
)
def test_a_bad_review_is_422_and_changes_nothing(app, client, changes, field):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    cohort.review(0, cohort.trainees[0], score=80)
    before = cohort.snapshot()
    body = {"score": 85, "shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS, **changes}
    response = cohort.experts[0].call("PUT", cohort.review_path(cohort.trainees[0]), body)
    assert_chinese(assert_error(response, 422, field))
    assert cohort.snapshot() == before


@pytest.mark.parametrize("missing", ["score", "shortcomings", "suggestions"])
def test_every_field_is_required(app, client, missing):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    body = {"score": 85, "shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS}
    del body[missing]
    response = cohort.experts[0].call("PUT", cohort.review_path(cohort.trainees[0]), body)
    assert_error(response, 422, missing)
    assert reviews_of(cohort, cohort.trainees[0]) == []


@pytest.mark.parametrize("raw", ['{"score": 85,', "[1, 2]", "score=85", ""])
def test_a_malformed_body_is_400_or_422_and_changes_nothing(app, client, raw):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    before = cohort.snapshot()
    response = cohort.experts[0].call("PUT", cohort.review_path(cohort.trainees[0]), raw=raw)
    assert_error(response, 422 if raw == "[1, 2]" else 400)
    assert cohort.snapshot() == before


def test_a_trainee_not_in_the_cohort_is_404(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    other = build_cohort(app, client, trainees=1, experts=0, org=cohort.org, name="另一研修班")
    assert_error(cohort.experts[0].call("PUT", cohort.review_path(other.trainees[0]), {}), 404)
    assert_error(cohort.experts[0].call("PUT", cohort.review_path(99999), {}), 404)
    missing = cohort.experts[0].call("PUT", f"/cohorts/9999/trainees/{cohort.trainees[0]}/review")
    assert_error(missing, 404)


def test_an_experts_own_review_is_404_before_it_exists(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=2)
    cohort.review(1, cohort.trainees[0], score=80)
    assert_error(cohort.experts[0].call("GET", cohort.review_path(cohort.trainees[0])), 404)


# ---------------------------------------------------------------- rubric scores
def test_a_rubric_review_scores_the_weighted_sum(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1, rubric=LECTURE_RUBRIC)
    review = cohort.review(0, cohort.trainees[0], items=ITEMS)
    # 90×20% + 85×30% + 80×20% + 88×20% + 70×10% = 18 + 25.5 + 16 + 17.6 + 7 = 84.1
    assert review["score"] == "84.10"
    assert review["items"] == {k: f"{v}.00" for k, v in ITEMS.items()}
    assert reviews_of(cohort, cohort.trainees[0])[0]["items"]["content"] == "85.00"
    assert review_entries(cohort)[0]["details"]["items"]["aids"] == "70.00"


def test_a_rubric_score_is_rounded_half_up(app, client):
    rubric = [
        {"key": "a", "name": "甲", "weight": "12.5"},
        {"key": "b", "name": "乙", "weight": "87.5"},
    ]
    cohort = build_cohort(app, client, trainees=1, experts=1, rubric=rubric)
    # 80.04 × 12.5% + 80 × 87.5% = 10.005 + 70 = 80.005 → 80.01 (half-up, not half-even)
    assert cohort.review(0, cohort.trainees[0], items={"a": "80.04", "b": 80})["score"] == "80.01"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": ITEMS, "score": 84.1}, "score"),
        ({"score": 84.1}, "items"),
        ({}, "items"),
        ({"items": {**ITEMS, "humour": 99}}, "items.humour"),
        ({"items": {k: v for k, v in ITEMS.items() if k != "aids"}}, "items.aids"),
        ({"items": {**ITEMS, "content": 101}}, "items.content"),
        ({"items": {**ITEMS, "content": "80.001"}}, "items.content"),
        ({"items": {**ITEMS, "content": "eighty"}}, "items.content"),
        ({"items": {**ITEMS, "content": None}}, "items.content"),
        ({"items": [90, 85]}, "items"),
        ({"items": {f"k{n}": 80 for n in range(51)}}, "items"),
        ({"items": {"": 80}}, "items"),
    ],
)
def test_a_rubric_review_must_fit_the_rubric(app, client, body, field):
    cohort = build_cohort(app, client, trainees=1, experts=1, rubric=LECTURE_RUBRIC)
    full = {"shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS, **body}
    response = cohort.experts[0].call("PUT", cohort.review_path(cohort.trainees[0]), full)
    assert_chinese(assert_error(response, 422, field))
    assert reviews_of(cohort, cohort.trainees[0]) == []
    assert review_entries(cohort) == []


def test_a_null_score_next_to_items_counts_as_absent(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1, rubric=LECTURE_RUBRIC)
    assert cohort.review(0, cohort.trainees[0], items=ITEMS, score=None)["score"] == "84.10"


# ---------------------------------------------------------------- aggregation
def test_up_to_four_reviews_are_averaged(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=4)
    for n, score in enumerate((80, 90, "85.5", 70)):
        cohort.review(n, cohort.trainees[0], score=score)
    entry = cohort.results()["ranking"][0]
    assert entry["score"] == "81.38"  # 325.5 / 4 = 81.375, half-up
    assert entry["reviews"] == 4


def test_five_reviews_drop_the_highest_and_the_lowest(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=5, rubric=LECTURE_RUBRIC)
    for n, delta in enumerate((0, 10, -30, 2, -1)):
        cohort.review(n, cohort.trainees[0], items={k: v + min(delta, 9) for k, v in ITEMS.items()})
    scores = sorted(r["score"] for r in reviews_of(cohort, cohort.trainees[0]))
    assert scores == ["54.10", "83.10", "84.10", "86.10", "93.10"]
    entry = cohort.results()["ranking"][0]
    assert entry["score"] == "84.43"  # (83.10 + 84.10 + 86.10) / 3 = 84.4333…
    assert entry["reviews"] == 5
    assert cohort.file(cohort.trainees[0])["score"] == "84.43"
