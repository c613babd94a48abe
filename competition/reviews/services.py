"""Craftsman training class reviews: cohorts, their rules, trainees, the panel, reviews, results
and the panel lead's sign-off (domain.md §2).

Rows in, `competition.scoring.review` decides (rubric scores, bands, recommendation, ranking),
rows and audit entries out. Functions flush and never commit; the request or command commits.
Every refusal is raised before anything is written, in the contract's order: a value that is
wrong (422) before a state that forbids it (409).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from competition import scoring
from competition.core import audit, panels
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.locking import lock_row
from competition.extensions import db
from competition.models import (
    AuditEntry,
    Cohort,
    CohortExpert,
    Review,
    ReviewSession,
    Role,
    RubricItem,
    Trainee,
    User,
)
from competition.models.reviews import default_bands
from competition.models.types import utcnow
from competition.scoring.review import MAX_RUBRIC_ITEMS, SCORE_RULE

#: Chinese names of the usual bands; a configured band may carry its own label.
BAND_LABELS = scoring.BAND_LABELS

_RUBRIC_MESSAGES = {
    "rubric_invalid": "评分细则应为列表",
    "rubric_too_long": f"评分细则最多 {MAX_RUBRIC_ITEMS} 项",
    "item_invalid": "应为对象",
    "key_invalid": "代码应为小写字母开头的字母、数字或下划线，最长 32 位",
    "key_duplicate": "代码重复",
    "name_empty": "名称不能为空",
    "weight_invalid": "权重应大于 0 且不超过 100，最多两位小数",
}
_BAND_MESSAGES = {
    "bands_invalid": "等次应为列表",
    "bands_empty": "至少需要一个等次",
    "band_invalid": "应为对象",
    "band_key_invalid": "等次代码应为小写字母开头的字母、数字或下划线（fail 表示不合格，不能使用）",
    "band_key_duplicate": "等次代码重复",
    "band_minimum_invalid": "最低分应大于 0 且不超过 100，最多两位小数",
    "band_minimum_duplicate": "与另一等次的最低分相同",
}
_SCORE_MESSAGES = {
    "score_invalid": "应为数字",
    "score_range": SCORE_RULE.range_message,
    "score_places": SCORE_RULE.places_message,
    "item_missing": "缺少此项评分",
    "item_unknown": "评分细则中没有此项",
    "items_invalid": "应为对象：{评分项代码: 分数}",
}


# ---------------------------------------------------------------- reading
def get_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("没有这个研修班")
    return cohort


def get_trainee(cohort: Cohort, trainee_id: int) -> Trainee:
    """A trainee of this cohort; one of another cohort is not found here (no cross-cohort ids)."""
    trainee = db.session.get(Trainee, trainee_id)
    if trainee is None or trainee.cohort_id != cohort.id:
        raise NotFound("本研修班没有这名学员")
    return trainee


def rubric_of(cohort: Cohort) -> scoring.Rubric | None:
    """The cohort's rubric as the rules see it, or None when experts score directly."""
    if not cohort.rubric_items:
        return None
    return scoring.Rubric(
        tuple(scoring.RubricItem(i.key, i.name, i.weight) for i in cohort.rubric_items)
    )


def band_scheme(cohort: Cohort) -> scoring.BandScheme:
    return scoring.BandScheme(
        tuple(scoring.Band(b["key"], Decimal(b["minimum"])) for b in cohort.bands),
        recommend_from=cohort.appointment_band,
    )


def band_labels(cohort: Cohort) -> dict[str, str]:
    """Every band key of the cohort with the label people read (优秀, 合格, 不合格, …)."""
    labels = {b["key"]: b.get("label") or BAND_LABELS.get(b["key"], b["key"]) for b in cohort.bands}
    labels[scoring.FAIL] = BAND_LABELS[scoring.FAIL]
    return labels


def has_reviews(cohort: Cohort) -> bool:
    return (
        db.session.scalar(select(Review.id).where(Review.cohort_id == cohort.id).limit(1))
        is not None
    )


def lock_cohort(cohort: Cohort) -> Cohort:
    """The cohort re-read under a lock, so a review and the sign-off (or a change of rules)
    cannot interleave: whichever comes second sees what the first wrote."""
    return lock_row(Cohort, cohort)


def _refuse_when_signed(cohort: Cohort, what: str) -> None:
    if cohort.locked:
        raise Conflict(f"评审结果已由专家组组长签署并锁定，不能再{what}")


# ---------------------------------------------------------------- setting a cohort up
def create_cohort(name: str, year: int | None = None, host: str = "") -> Cohort:
    """A cohort with the usual bands (excellent ≥ 85, pass ≥ 60, recommended from pass) and no
    rubric: experts score directly until the organiser sets one."""
    if db.session.scalar(select(Cohort.id).where(Cohort.name == name)) is not None:
        raise Conflict(f"研修班“{name}”已存在", {"name": ["名称已被使用"]})
    cohort = Cohort(
        name=name,
        year=year,
        host=host,
        bands=default_bands(),
        appointment_band=scoring.DEFAULT_BANDS.recommend_from,
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


@dataclass(frozen=True)
class RubricItemSpec:
    key: str
    name: str
    weight: Decimal


def _problem_fields(
    problems: Sequence[scoring.Problem],
    prefix: str,
    messages: Mapping[str, str],
    field_of: Mapping[str, str],
) -> dict[str, list[str]]:
    """Rule problems as the error shape's fields: `items.2.weight`, `items`, ..."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        if isinstance(problem.where, int):
            name = f"{prefix}.{problem.where}"
            if problem.code in field_of:
                name += "." + field_of[problem.code]
        elif isinstance(problem.where, str):
            name = f"{prefix}.{problem.where}"
        else:
            name = prefix
        fields.setdefault(name, []).append(messages.get(problem.code, problem.detail))
    return fields


def set_rubric(cohort: Cohort, items: Sequence[RubricItemSpec], actor: User) -> Cohort:
    """Replace the cohort's rubric; an empty list removes it (experts then score directly).

    Only before the first review: a review's score came from the rubric it was given under, so
    changing the rubric afterwards would leave scores that no longer add up.
    """
    rules = [scoring.RubricItem(i.key, i.name, i.weight) for i in items]
    problems = scoring.rubric_problems(rules) if rules else ()
    if problems:
        fields = _problem_fields(
            [p for p in problems if p.code != "weights_sum"],
            "items",
            _RUBRIC_MESSAGES,
            {
                "key_invalid": "key",
                "key_duplicate": "key",
                "name_empty": "name",
                "weight_invalid": "weight",
            },
        )
        if any(p.code == "weights_sum" for p in problems):
            total = sum((i.weight for i in items), Decimal(0))
            fields.setdefault("items", []).append(
                f"各项权重之和应为 100，现为 {scoring.round_half_up(total, 2)}"
            )
        first = next(iter(fields.items()))
        raise Invalid(f"评分细则有误：{first[0]}：{first[1][0]}", fields)
    cohort = lock_cohort(cohort)
    _refuse_when_signed(cohort, "修改评分细则")
    if has_reviews(cohort):
        raise Conflict("已有专家提交评审，不能再修改评分细则")
    db.session.execute(delete(RubricItem).where(RubricItem.cohort_id == cohort.id))
    for position, item in enumerate(items):
        db.session.add(
            RubricItem(
                cohort_id=cohort.id,
                key=item.key,
                name=item.name,
                weight=item.weight,
                position=position,
            )
        )
    audit.record(
        "cohort.rubric",
        actor,
        details={
            "cohort_id": cohort.id,
            "items": [{"key": i.key, "name": i.name, "weight": str(i.weight)} for i in items],
        },
    )
    db.session.flush()
    db.session.refresh(cohort, ["rubric_items"])
    return cohort


@dataclass(frozen=True)
class BandSpec:
    key: str
    minimum: Decimal
    label: str = ""


def set_bands(
    cohort: Cohort, bands: Sequence[BandSpec], appointment_band: str, actor: User
) -> Cohort:
    """Replace the cohort's bands and the lowest band recommended for appointment.

    Only before the first review, like the rubric: the thresholds are part of the rules the
    panel reviews under, not something to adjust once scores are known.
    """
    problems = scoring.band_problems(
        [scoring.Band(b.key, b.minimum) for b in bands], appointment_band
    )
    if problems:
        fields = _problem_fields(
            [p for p in problems if p.code != "recommend_unknown"],
            "bands",
            _BAND_MESSAGES,
            {
                "band_key_invalid": "key",
                "band_key_duplicate": "key",
                "band_minimum_invalid": "minimum",
                "band_minimum_duplicate": "minimum",
            },
        )
        if any(p.code == "recommend_unknown" for p in problems):
            fields["appointment_band"] = ["应为所设等次之一（不能是不合格）"]
        first = next(iter(fields.items()))
        raise Invalid(f"等次设置有误：{first[0]}：{first[1][0]}", fields)
    cohort = lock_cohort(cohort)
    _refuse_when_signed(cohort, "修改等次")
    if has_reviews(cohort):
        raise Conflict("已有专家提交评审，不能再修改等次设置")
    ordered = sorted(bands, key=lambda b: -b.minimum)
    cohort.bands = [
        {
            "key": b.key,
            "label": b.label or BAND_LABELS.get(b.key, b.key),
            "minimum": str(scoring.round_half_up(b.minimum, 2)),
        }
        for b in ordered
    ]
    cohort.appointment_band = appointment_band
    audit.record(
        "cohort.bands",
        actor,
        details={
            "cohort_id": cohort.id,
            "bands": cohort.bands,
            "appointment_band": appointment_band,
        },
    )
    db.session.flush()
    return cohort


def add_session(cohort: Cohort, held_on: date, place: str, note: str = "") -> ReviewSession:
    """A sitting of the review (day and place) that trainees can be scheduled into."""
    cohort = lock_cohort(cohort)
    _refuse_when_signed(cohort, "增加评审场次")
    session = ReviewSession(cohort_id=cohort.id, held_on=held_on, place=place, note=note)
    db.session.add(session)
    db.session.flush()
    return session


def _trainee_login(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise Invalid("没有这个用户", {"user_id": ["没有这个用户"]})
    if user.role != Role.TRAINEE:
        raise Invalid("只能关联角色为学员（trainee）的登录", {"user_id": ["该用户不是学员角色"]})
    return user


def _session_of(cohort: Cohort, session_id: int) -> ReviewSession:
    session = db.session.get(ReviewSession, session_id)
    if session is None or session.cohort_id != cohort.id:
        raise Invalid("本研修班没有这个评审场次", {"session_id": ["本研修班没有这个评审场次"]})
    return session


def add_trainee(
    cohort: Cohort,
    name: str,
    unit: str,
    title: str = "",
    user_id: int | None = None,
    session_id: int | None = None,
) -> Trainee:
    """Enrol a trainee; `user_id` links their own login (a user of role trainee), so they can
    read their own file. The same person (name and unit) is not enrolled twice."""
    if user_id is not None:
        _trainee_login(user_id)
    if session_id is not None:
        _session_of(cohort, session_id)
    cohort = lock_cohort(cohort)
    _refuse_when_signed(cohort, "增加学员")
    if user_id is not None and (
        db.session.scalar(
            select(Trainee.id).where(Trainee.cohort_id == cohort.id, Trainee.user_id == user_id)
        )
        is not None
    ):
        raise Conflict("该登录已关联本班另一名学员", {"user_id": ["已关联本班另一名学员"]})
    if (
        db.session.scalar(
            select(Trainee.id).where(
                Trainee.cohort_id == cohort.id, Trainee.name == name, Trainee.unit == unit
            )
        )
        is not None
    ):
        raise Conflict(f"本班已有{unit}的学员{name}", {"name": ["本班已有同单位同名学员"]})
    trainee = Trainee(
        cohort_id=cohort.id,
        name=name,
        unit=unit,
        title=title,
        user_id=user_id,
        session_id=session_id,
    )
    db.session.add(trainee)
    db.session.flush()
    return trainee


def add_expert(cohort: Cohort, user_id: int, actor: User, lead: bool = False) -> CohortExpert:
    """Seat an expert (a user of role expert) on the cohort's panel; `lead` makes them the
    panel lead in place of any other."""
    panels.expert_account(user_id)
    cohort = lock_cohort(cohort)
    _refuse_when_signed(cohort, "调整专家组")
    if panels.seat_of(CohortExpert, CohortExpert.cohort_id, cohort.id, user_id) is not None:
        raise Conflict("该专家已在本研修班专家组中", {"user_id": ["已在专家组中"]})
    if lead:
        _clear_lead(cohort)
    seat = CohortExpert(cohort_id=cohort.id, user_id=user_id, is_lead=lead)
    db.session.add(seat)
    audit.record(
        "cohort.expert",
        actor,
        judge_id=user_id,
        details={"cohort_id": cohort.id, "lead": lead},
    )
    db.session.flush()
    return seat


def _clear_lead(cohort: Cohort) -> None:
    panels.clear_lead(CohortExpert, CohortExpert.cohort_id, cohort.id)


def set_lead(cohort: Cohort, user_id: int, actor: User) -> CohortExpert:
    """Make an expert of the panel its lead (there is one lead; the previous one steps down)."""
    seat = panels.seat_of(CohortExpert, CohortExpert.cohort_id, cohort.id, user_id)
    if seat is None:
        raise Invalid("该用户不是本研修班的评审专家", {"user_id": ["不是本研修班的评审专家"]})
    cohort = lock_cohort(cohort)
    _refuse_when_signed(cohort, "更换专家组组长")
    if not seat.is_lead:
        _clear_lead(cohort)
        seat.is_lead = True
        audit.record("cohort.lead", actor, judge_id=user_id, details={"cohort_id": cohort.id})
    db.session.flush()
    return seat


def panel(cohort: Cohort) -> list[CohortExpert]:
    return list(
        db.session.scalars(
            select(CohortExpert)
            .where(CohortExpert.cohort_id == cohort.id)
            .options(selectinload(CohortExpert.user))
            .order_by(CohortExpert.id)
        )
    )


def trainees(cohort: Cohort) -> list[Trainee]:
    return list(
        db.session.scalars(
            select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.id)
        )
    )


# ---------------------------------------------------------------- reviews
def _review_score(
    cohort: Cohort, score: Decimal | None, items: Mapping[str, Any] | None
) -> tuple[Decimal, dict[str, str] | None]:
    """The review's score and stored item scores, or a 422 naming what does not fit.

    A rubric cohort is scored through its items (the score is computed, so an expert cannot
    send a total that disagrees with them); a cohort without a rubric takes the score itself.
    """
    rubric = rubric_of(cohort)
    if rubric is None:
        if items is not None:
            raise Invalid(
                "本研修班未设评分细则，请直接提交总分 score",
                {"items": ["本研修班未设评分细则，请提交 score"]},
            )
        if score is None:
            raise Invalid("请提交总分 score", {"score": ["必填"]})
        problem = scoring.score_problem(score)
        if problem is not None:
            message = _SCORE_MESSAGES.get(problem.code, problem.detail)
            raise Invalid(message, {"score": [message]})
        return score, None
    if score is not None and items is not None:
        raise Invalid(
            "本研修班按评分细则评分，总分由各项得分计算，请不要同时提交 score",
            {"score": ["按评分细则评分时不能直接提交总分"]},
        )
    if items is None:
        keys = "、".join(f"{i.key}（{i.name}）" for i in rubric.items)
        raise Invalid(
            f"本研修班按评分细则评分，请提交各项得分 items：{keys}",
            {"items": ["必填：按评分细则逐项评分"]},
        )
    problems = scoring.item_score_problems(rubric, items)
    if problems:
        fields = _problem_fields(problems, "items", _SCORE_MESSAGES, {})
        first = next(iter(fields.items()))
        raise Invalid(f"{first[0]}：{first[1][0]}", fields)
    computed = scoring.rubric_score(rubric, items)
    stored = {key: str(scoring.round_half_up(items[key], 2)) for key in rubric.keys}
    return computed, stored


def review_score(
    cohort: Cohort, score: Decimal | None = None, items: Mapping[str, Any] | None = None
) -> Decimal:
    """The score a review with these values would get, storing nothing; the same checks and
    the same 422 as `set_review`. The review form shows it live while the expert types, so
    the rubric arithmetic is never done a second time in the page."""
    return _review_score(cohort, score, items)[0]


def set_review(
    cohort: Cohort,
    trainee: Trainee,
    expert: User,
    *,
    shortcomings: str,
    suggestions: str,
    score: Decimal | None = None,
    items: Mapping[str, Any] | None = None,
) -> Review:
    """Set this expert's review of this trainee; sending it again replaces it. Every change
    goes to the audit trail with the old and the new score; 409 once the cohort is signed."""
    value, stored_items = _review_score(cohort, score, items)
    cohort = lock_cohort(cohort)
    _refuse_when_signed(cohort, "修改评审")
    review = db.session.scalar(
        select(Review).where(Review.trainee_id == trainee.id, Review.expert_id == expert.id)
    )
    old_value = review.score if review is not None else None
    if review is None:
        review = Review(
            cohort_id=cohort.id,
            trainee_id=trainee.id,
            expert_id=expert.id,
            score=value,
            shortcomings=shortcomings,
            suggestions=suggestions,
            item_scores=stored_items,
        )
        db.session.add(review)
        changed = True
    else:
        changed = (review.score, review.shortcomings, review.suggestions, review.item_scores) != (
            value,
            shortcomings,
            suggestions,
            stored_items,
        )
        if changed:
            review.score = value
            review.shortcomings = shortcomings
            review.suggestions = suggestions
            review.item_scores = stored_items
            review.updated_at = utcnow()
    if changed:
        audit.record(
            "review.set",
            expert,
            judge_id=expert.id,
            old_value=old_value,
            new_value=value,
            details={
                "cohort_id": cohort.id,
                "trainee_id": trainee.id,
                **({"items": stored_items} if stored_items is not None else {}),
            },
        )
    db.session.flush()
    return review


def own_review(trainee: Trainee, expert: User) -> Review | None:
    """The expert's own review of the trainee (to reload the form), or None."""
    return db.session.scalar(
        select(Review).where(Review.trainee_id == trainee.id, Review.expert_id == expert.id)
    )


# ---------------------------------------------------------------- results and files
@dataclass(frozen=True)
class CohortResults:
    """The cohort's ranking with what the API, pages, files and exports need to show it."""

    cohort: Cohort
    scheme: scoring.BandScheme
    labels: dict[str, str]
    ranking: scoring.CohortRanking
    trainees: dict[int, Trainee]
    reviews: dict[int, list[Review]]  # trainee id -> reviews, in the order experts joined

    def label(self, band: str) -> str:
        return self.labels.get(band, band)


def cohort_results(cohort: Cohort) -> CohortResults:
    """Rank the cohort: each trainee's reviews aggregated as judges' marks are, then bands and
    the recommendation for appointment from the cohort's own settings."""
    people = {t.id: t for t in trainees(cohort)}
    seats = {seat.user_id: seat.id for seat in panel(cohort)}
    by_trainee: dict[int, list[Review]] = defaultdict(list)
    rows = db.session.scalars(
        select(Review)
        .where(Review.cohort_id == cohort.id)
        .options(selectinload(Review.expert))
        .order_by(Review.id)
    )
    for review in rows:
        by_trainee[review.trainee_id].append(review)
    for reviews in by_trainee.values():
        reviews.sort(key=lambda r: (seats.get(r.expert_id, 0), r.id))
    scheme = band_scheme(cohort)
    ranking = scoring.rank_cohort(
        [
            scoring.TraineeReviews(tid, tuple(r.score for r in by_trainee.get(tid, ())))
            for tid in people
        ],
        scheme,
    )
    return CohortResults(
        cohort=cohort,
        scheme=scheme,
        labels=band_labels(cohort),
        ranking=ranking,
        trainees=people,
        reviews={tid: by_trainee.get(tid, []) for tid in people},
    )


@dataclass(frozen=True)
class TraineeFile:
    """What goes into a trainee's file (职工匠师档案): every review, the aggregated score, the
    band and whether the review recommends appointment; `entry` is None before any review."""

    cohort: Cohort
    trainee: Trainee
    entry: scoring.RankedTrainee | None
    reviews: list[Review]
    band_label: str | None
    ranked: int  # how many trainees are ranked, for "rank n of m"


def trainee_file(cohort: Cohort, trainee: Trainee) -> TraineeFile:
    results = cohort_results(cohort)
    entry = results.ranking.by_trainee.get(trainee.id)
    return TraineeFile(
        cohort=cohort,
        trainee=trainee,
        entry=entry,
        reviews=results.reviews[trainee.id],
        band_label=results.label(entry.band) if entry is not None else None,
        ranked=len(results.ranking.ranked),
    )


def sign_off(cohort: Cohort, lead: User) -> Cohort:
    """The panel lead signs the cohort's results, which locks them: reviews, rules, trainees and
    the panel can no longer change. Only complete results are signed: every trainee reviewed."""
    cohort = lock_cohort(cohort)
    if cohort.locked:
        raise Conflict("评审结果已经签署")
    count = db.session.scalar(select(func.count(Trainee.id)).where(Trainee.cohort_id == cohort.id))
    if not count:
        raise Conflict("本研修班还没有学员，无结果可签署")
    results = cohort_results(cohort)
    if results.ranking.unreviewed:
        names = "、".join(results.trainees[t].name for t in results.ranking.unreviewed)
        raise Conflict(
            f"尚有 {len(results.ranking.unreviewed)} 名学员未经评审：{names}",
            {"unreviewed": [str(t) for t in results.ranking.unreviewed]},
        )
    cohort.signed_at = utcnow()
    cohort.signed_by_id = lead.id
    audit.record(
        "cohort.sign_off",
        lead,
        details={
            "cohort_id": cohort.id,
            "ranking": [
                {"trainee_id": e.trainee_id, "score": str(e.score), "band": e.band}
                for e in results.ranking.ranked
            ],
        },
    )
    db.session.flush()
    return cohort


def audit_entries(cohort: Cohort) -> list[AuditEntry]:
    """The cohort's audit trail: its rules, panel, reviews and sign-off, oldest first.

    The trail is one table for the whole app; cohort entries carry the cohort in `details`,
    so they are picked out here rather than by a column of the contest core.
    """
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(COHORT_ACTIONS)).order_by(AuditEntry.id)
    )
    return [row for row in rows if (row.details or {}).get("cohort_id") == cohort.id]


COHORT_ACTIONS = (
    "cohort.rubric",
    "cohort.bands",
    "cohort.expert",
    "cohort.lead",
    "review.set",
    "cohort.sign_off",
    "cohort.import",
)
