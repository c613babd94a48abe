"""The demo craftsman class: 32 trainees, a 5-expert panel, every lecture reviewed, signed."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select

from competition.core.demo_logins import DemoLogin
from competition.extensions import db
from competition.models import Cohort, Review, User
from competition.reviews import services as service
from competition.reviews.demo import EXPERT_PASSWORD, TRAINEE_PASSWORD, load_demo_cohort
from tests.support.factories import Api, login


def printed_logins(output: str) -> dict[str, DemoLogin]:
    logins = {}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("  ") and len(parts) == 3:
            logins[parts[0]] = DemoLogin(*parts)
    return logins


def test_demo_load_builds_the_2021_class(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    logins = printed_logins(result.output)
    for n in range(1, 6):
        assert logins[f"expert{n}"] == DemoLogin(f"expert{n}", EXPERT_PASSWORD, "expert")
    for n in range(1, 4):
        assert logins[f"trainee{n}"] == DemoLogin(f"trainee{n}", TRAINEE_PASSWORD, "trainee")

    with app.app_context():
        cohort = db.session.scalars(select(Cohort)).one()
        assert cohort.year == 2021 and "工匠研修班" in cohort.name
        assert cohort.host == "市总工会职工大学"
        assert [(i.name, i.weight) for i in cohort.rubric_items] == [
            ("教学目标", Decimal(20)),
            ("教学内容", Decimal(30)),
            ("教学组织", Decimal(20)),
            ("语言表达", Decimal(20)),
            ("教具使用", Decimal(10)),
        ]
        assert cohort.locked and cohort.signed_by is not None
        panel = service.panel(cohort)
        assert len(panel) == 5 and [seat.is_lead for seat in panel].count(True) == 1
        assert cohort.signed_by_id == next(seat.user_id for seat in panel if seat.is_lead)

        trainees = service.trainees(cohort)
        assert len(trainees) == 32
        assert len({t.unit for t in trainees}) >= 25
        titles = " ".join(t.title for t in trainees)
        for honour in ("劳动模范", "大工匠", "工作室领衔人"):
            assert honour in titles
        assert Counter(t.session_id for t in trainees).most_common()[0][1] == 16
        assert sum(1 for t in trainees if t.user_id is not None) == 3

        reviews = list(db.session.scalars(select(Review)))
        assert len(reviews) == 32 * 5
        per_trainee = db.session.execute(
            select(func.count(Review.id)).group_by(Review.trainee_id)
        ).scalars()
        assert set(per_trainee) == {5}
        for review in reviews:
            assert review.shortcomings.strip() and review.suggestions.strip()
            assert set(review.item_scores or {}) == {i.key for i in cohort.rubric_items}
        # Specific, varied comments: not the same sentence over and over.
        assert len({r.shortcomings for r in reviews}) > 100
        assert len({r.suggestions for r in reviews}) > 100
        # Some comments name the very lecture they are about.
        assert any("《" in r.shortcomings + r.suggestions for r in reviews)

        results = service.cohort_results(cohort)
        ranking = results.ranking
        assert len(ranking.ranked) == 32 and not ranking.unreviewed
        assert {e.band for e in ranking.ranked} == {"excellent", "pass", "fail"}
        assert not all(e.recommended for e in ranking.ranked)
        assert all(e.reviews == 5 for e in ranking.ranked)


def test_the_demo_trainee_reads_only_their_own_file(app, runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        cohort = db.session.scalars(select(Cohort)).one()
        own = db.session.scalar(select(User.id).where(User.username == "trainee1"))
        mine = next(t.id for t in service.trainees(cohort) if t.user_id == own)
        other = next(t.id for t in service.trainees(cohort) if t.user_id is None)
        cohort_id = cohort.id
    trainee: Api = login(client, "trainee1", TRAINEE_PASSWORD)
    file = trainee.get(f"/cohorts/{cohort_id}/trainees/{mine}")
    assert file["signed"] is True and len(file["reviews"]) == 5
    assert file["band_label"] in ("优秀", "合格", "不合格")
    assert trainee.call("GET", f"/cohorts/{cohort_id}/trainees/{other}").status_code == 403
    lead = login(client, "expert1", EXPERT_PASSWORD)
    assert len(lead.get(f"/cohorts/{cohort_id}/results")["ranking"]) == 32


def test_the_demo_cohort_loads_on_its_own_and_is_not_committed(app):
    with app.app_context():
        logins = load_demo_cohort()
        assert logins[0].username == "organiser"
        assert db.session.scalar(select(func.count(Review.id))) == 160
        db.session.rollback()
        assert db.session.scalar(select(func.count(Cohort.id))) == 0
