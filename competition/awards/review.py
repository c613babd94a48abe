"""The comprehensive review (综合评议) of an award programme: each expert of the panel judges
each criterion of each submitted station with a comment, never a station of their own unit
(回避); the panel lead signs the review off, which locks every judgement.

Rows in, `competition.scoring.stations` decides (aggregation, pass/fail by majority,
completeness), rows and audit entries out. Functions flush and never commit. An expert saves
all their judgements of one station at once, conditionally on the version they last read (the
ETag of their judgements of that station, If-Match): a second tab or a second device that saved
in between is refused with 409 `stale` rather than overwritten.

The sign-off is a fact of the programme (`review_signed_at`/`_by_id`), so every lock reads one
column; it is audited as well (`award.review.sign_off`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.awards.policy import panel_seat
from competition.awards.programmes import panel
from competition.core import audit
from competition.core.errors import Conflict, Forbidden, Invalid, NotFound
from competition.core.locking import lock_row
from competition.extensions import db
from competition.models import (
    AuditEntry,
    AwardCriterion,
    AwardProgramme,
    ProgrammeExpert,
    Station,
    StationReview,
    User,
)
from competition.models.types import utcnow
from competition.scoring import stations as rules

#: The refusal code of a judgement of the expert's own unit's station (as judges' in contests).
CONFLICT_OF_INTEREST = "conflict_of_interest"
SIGN_OFF = "award.review.sign_off"
REVIEW_SET = "award.review.set"
COMMENT_MAX = 2000


# ---------------------------------------------------------------- reading
def get_station(programme: AwardProgramme, station_id: int) -> Station:
    """A station of this programme; one of another programme is not found here."""
    station = db.session.get(Station, station_id)
    if station is None or station.programme_id != programme.id:
        raise NotFound("本评选活动没有这个站点")
    return station


def lock_programme(programme: AwardProgramme) -> AwardProgramme:
    """The programme re-read under a lock: a judgement, the sign-off, a ruling, publication
    and confirmation cannot interleave; whichever comes second sees what the first wrote."""
    return lock_row(AwardProgramme, programme)


def submitted_stations(programme: AwardProgramme) -> list[Station]:
    """The stations under review: nominations their unit has submitted, in nomination order."""
    return list(
        db.session.scalars(
            select(Station)
            .where(Station.programme_id == programme.id, Station.submitted_at.is_not(None))
            .options(selectinload(Station.unit), selectinload(Station.level))
            .order_by(Station.id)
        )
    )


def own_unit(seat: ProgrammeExpert, station: Station) -> bool:
    """回避: the station was nominated by the expert's own union, so they never review it.
    The one statement of the rule: the worklist, the refusal and the rules' reviewers use it."""
    return seat.unit_id is not None and seat.unit_id == station.unit_id


def reviewers_of(seats: Sequence[ProgrammeExpert], station: Station) -> frozenset[int]:
    """The experts who may review the station: the panel less its own unit's (回避)."""
    return frozenset(s.user_id for s in seats if not own_unit(s, station))


def criteria_rules(programme: AwardProgramme) -> tuple[rules.Criterion, ...]:
    return tuple(
        rules.Criterion(c.key, c.kind, c.max_points if c.kind == rules.POINTS else None)
        for c in programme.criteria
    )


# ---------------------------------------------------------------- who may review
def require_seat(user: User, programme: AwardProgramme) -> ProgrammeExpert:
    seat = panel_seat(user, programme)
    if seat is None:
        raise Forbidden("您不是该评选活动的评审专家")
    return seat


def require_reviewing(user: User, programme: AwardProgramme, station: Station) -> ProgrammeExpert:
    """An expert of the panel, and not of the station's own unit: that is refused with the
    code `conflict_of_interest`, as a judge's mark of their own unit's contestant is."""
    seat = require_seat(user, programme)
    if own_unit(seat, station):
        raise Forbidden("回避：评审专家不能评审本单位推荐的站点", code=CONFLICT_OF_INTEREST)
    if station.submitted_at is None:
        raise NotFound("该站点的推荐尚未提交")
    return seat


def require_panel_lead(user: User, programme: AwardProgramme) -> ProgrammeExpert:
    seat = panel_seat(user, programme)
    if seat is None or not seat.is_lead:
        raise Forbidden("只有评审专家组组长可以签署评审结果")
    return seat


# ---------------------------------------------------------------- the sign-off
def signed_off(programme: AwardProgramme) -> bool:
    return programme.review_signed_at is not None


def refuse_when_locked(programme: AwardProgramme, what: str) -> None:
    if programme.confirmed_at is not None:
        raise Conflict(f"评选结果已确认并锁定，不能再{what}")
    if programme.published_at is not None:
        raise Conflict(f"评选名单已公示，不能再{what}")
    if signed_off(programme):
        raise Conflict(f"评审结果已由专家组组长签署并锁定，不能再{what}")


# ---------------------------------------------------------------- an expert's judgements
def own_reviews(station: Station, expert_id: int) -> dict[int, StationReview]:
    """The expert's judgements of the station, by criterion id."""
    rows = db.session.scalars(
        select(StationReview).where(
            StationReview.station_id == station.id, StationReview.expert_id == expert_id
        )
    )
    return {row.criterion_id: row for row in rows}


def review_etag(station: Station, expert_id: int) -> str:
    """The version of the expert's judgements of the station, as an (unquoted) ETag: it
    changes with every saved change of a value or a comment."""
    rows = sorted(own_reviews(station, expert_id).values(), key=lambda r: r.criterion_id)
    text = "|".join(
        f"{r.criterion_id}:{r.points}:{r.passed}:{r.comment}:{r.updated_at.isoformat()}"
        for r in rows
    )
    return hashlib.sha256(f"{station.id}/{expert_id}/{text}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Judged:
    """One criterion's judgement as sent: points (a points criterion) or passed (pass/fail),
    and the comment. Both values None clears the criterion's judgement."""

    criterion: str
    points: Decimal | None = None
    passed: bool | None = None
    comment: str = ""


def _checked(programme: AwardProgramme, judged: Sequence[Judged]) -> dict[str, Judged]:
    """Every problem of the values at once (422, `criteria.<key>.<field>`)."""
    by_key = {c.key: c for c in programme.criteria}
    fields: dict[str, list[str]] = {}
    out: dict[str, Judged] = {}
    for item in judged:
        criterion = by_key.get(item.criterion)
        where = f"criteria.{item.criterion}"
        if criterion is None:
            fields.setdefault(where, []).append("本评选活动没有这项评选标准")
            continue
        if item.criterion in out:
            fields.setdefault(where, []).append("重复提交")
            continue
        if criterion.kind == rules.POINTS:
            if item.passed is not None:
                fields.setdefault(f"{where}.passed", []).append("该项按分数评审，请填写 points")
            if item.points is not None:
                assert criterion.max_points is not None
                rule = rules.Criterion(criterion.key, rules.POINTS, criterion.max_points)
                problem = rules.points_problem(rule, item.points)
                if problem is not None:
                    fields.setdefault(f"{where}.points", []).append(problem)
        elif item.points is not None:
            fields.setdefault(f"{where}.points", []).append("该项只评是否达标，请填写 passed")
        if len(item.comment) > COMMENT_MAX:
            fields.setdefault(f"{where}.comment", []).append(f"最长 {COMMENT_MAX} 个字符")
        out[item.criterion] = item
    if fields:
        first = next(iter(fields.items()))
        raise Invalid(f"{first[0]}：{first[1][0]}", fields)
    return out


class StaleReview(Conflict):
    """The expert's judgements changed since the version the caller read (If-Match)."""

    def __init__(self, etag: str) -> None:
        super().__init__("评审内容已在别处修改并保存，本次没有保存；请刷新后再改", code="stale")
        self.headers["ETag"] = f'"{etag}"'


def set_reviews(
    programme: AwardProgramme,
    station: Station,
    expert: User,
    judged: Sequence[Judged],
    if_match: Collection[str] | None = None,
) -> list[StationReview]:
    """Save the expert's judgements of the criteria sent (others are left as they are);
    each change is audited with the old and the new value. 422 for a value out of range or
    of the wrong kind, then 409 once the review is signed off or the list published, or when
    `if_match` does not name the current version."""
    values = _checked(programme, judged)
    programme = lock_programme(programme)
    refuse_when_locked(programme, "修改评审")
    if if_match is not None and "*" not in if_match:
        current = review_etag(station, expert.id)
        if current not in if_match:
            raise StaleReview(current)
    by_key = {c.key: c for c in programme.criteria}
    stored = own_reviews(station, expert.id)
    now = utcnow()
    for key, item in values.items():
        criterion: AwardCriterion = by_key[key]
        row = stored.get(criterion.id)
        old = (row.points, row.passed, row.comment) if row is not None else (None, None, "")
        new = (item.points, item.passed, item.comment)
        if old == new:
            continue
        if row is None:
            row = StationReview(
                programme_id=programme.id,
                station_id=station.id,
                expert_id=expert.id,
                criterion_id=criterion.id,
            )
            db.session.add(row)
            stored[criterion.id] = row
        row.points, row.passed, row.comment = new
        row.updated_at = now
        audit.record(
            REVIEW_SET,
            expert,
            judge_id=expert.id,
            old_value=old[0],
            new_value=item.points,
            details={
                "programme_id": programme.id,
                "station_id": station.id,
                "criterion": key,
                "old_passed": old[1],
                "passed": item.passed,
                "comment": item.comment,
            },
        )
    db.session.flush()
    return [stored[c.id] for c in programme.criteria if c.id in stored]


# ---------------------------------------------------------------- the panel's progress
def station_marks(
    programme: AwardProgramme, stations: Sequence[Station] | None = None
) -> list[rules.StationMarks]:
    """Every submitted station with its judgements, as the rules take them."""
    stations = submitted_stations(programme) if stations is None else stations
    seats = panel(programme)
    keys = {c.id: c.key for c in programme.criteria}
    positions = {level.id: level.position for level in programme.levels}
    by_station: dict[int, list[rules.Judgement]] = {s.id: [] for s in stations}
    for row in db.session.scalars(
        select(StationReview).where(StationReview.programme_id == programme.id)
    ):
        if row.station_id in by_station and row.criterion_id in keys:
            by_station[row.station_id].append(
                rules.Judgement(row.expert_id, keys[row.criterion_id], row.points, row.passed)
            )
    ordered_positions = sorted(positions.values())
    return [
        rules.StationMarks(
            station_id=s.id,
            applied_position=ordered_positions.index(positions[s.level_id]),
            reviewers=reviewers_of(seats, s),
            judgements=tuple(by_station[s.id]),
        )
        for s in stations
    ]


@dataclass(frozen=True)
class WorkItem:
    station: Station
    done: int  # criteria this expert has judged
    total: int


def worklist(programme: AwardProgramme, seat: ProgrammeExpert) -> list[WorkItem]:
    """The stations this expert reviews (their own unit's left out), with their progress."""
    criteria = {c.id: c for c in programme.criteria}
    done: dict[int, int] = {}
    for row in db.session.scalars(
        select(StationReview).where(
            StationReview.programme_id == programme.id, StationReview.expert_id == seat.user_id
        )
    ):
        criterion = criteria.get(row.criterion_id)
        if criterion is not None and (row.points is not None or row.passed is not None):
            done[row.station_id] = done.get(row.station_id, 0) + 1
    return [
        WorkItem(station, done.get(station.id, 0), len(criteria))
        for station in submitted_stations(programme)
        if not own_unit(seat, station)
    ]


def sign_off(programme: AwardProgramme, lead: User) -> AuditEntry:
    """The panel lead signs the review: every submitted station completely judged by every
    expert who may review it. Afterwards no judgement changes (409)."""
    programme = lock_programme(programme)
    if signed_off(programme):
        raise Conflict("评审结果已经签署")
    if programme.published_at is not None:
        raise Conflict("评选名单已公示")
    stations = submitted_stations(programme)
    if not stations:
        raise Conflict("还没有已提交的推荐站点，无结果可签署")
    criteria = criteria_rules(programme)
    names = {s.id: s.name for s in stations}
    missing = [
        m.station_id
        for m in station_marks(programme, stations)
        if not rules.station_result(criteria, m).complete
    ]
    if missing:
        raise Conflict(
            f"尚有 {len(missing)} 个站点未评审完毕：" + "、".join(names[i] for i in missing),
            {"incomplete": [str(i) for i in missing]},
        )
    programme.review_signed_at = utcnow()
    programme.review_signed_by_id = lead.id
    entry = audit.record(SIGN_OFF, lead, judge_id=lead.id, details={"programme_id": programme.id})
    db.session.flush()
    return entry
