"""Corrections of what was registered wrong: a contestant's name, unit, identity number or
contest number, a contestant registered by mistake, a unit's name, two units that are one.

Every correction takes a reason and leaves an audit entry with the old and the new values.
What a correction may not do is change a published result: that is what an appeal (申诉) is
for, with its own deadline, ruling and trail (domain.md §1). So each correction is refused
(409, with what blocks it) exactly where it would move somebody's place or ranking that has
been published, and allowed where it only fixes how something is spelled:

- a name or an identity number spelled wrong moves no place: allowed after publication.
  Certificates already printed keep the name as printed until they are reissued (补发), so
  the answer lists the serials that now differ from the record.
- a contestant's unit decides which unit's preliminary ranking (and recommendation) they are
  in, and which team they count for: refused once a round of the event is published, once
  they are a finalist, or once the unit they would join has recommended its finalists. Also
  refused once their own unit's committee has marked them: the preliminary is marked by each
  unit's committee, whose judges could no longer correct those marks.
- a contest number is what judges mark by: only before any mark of the contestant exists.
- removing a contestant is for one registered by mistake: refused as soon as anything of
  theirs exists (marks, a place in the final, a certificate, an appeal, an absence). The
  audit trail keeps who they were (audit_entries.contestant_id has no foreign key, on
  purpose, migration 0010).
- a unit's name is how it is printed: a rename moves nobody, so it is allowed after
  publication; into a name another unit already has (after `normalise.unit_name`, so
  "(北京)" is "（北京）") it is refused with a pointer to merging.
- merging unit A into unit B moves A's people into B's rankings: refused in an event where
  both have people and a round with both is published or a unit has recommended finalists;
  also where it would make a judge of the final a judge of his own unit's people (回避).
- removing a unit: only an empty one (no contestants, no judge assigned to it).

Rounds are locked (as publication locks them) before the state is checked, so a correction
and a publication or a mark cannot interleave. Identity numbers appear in the audit details
masked, as everywhere they can be read back (api-v1: never returned whole).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from competition.contest.services import teams as team_service
from competition.contest.services.marks import lock_round
from competition.core import audit, normalise
from competition.core.errors import Conflict, Invalid
from competition.core.i18n import N_
from competition.core.id_numbers import check_id_number
from competition.extensions import db
from competition.models import (
    Absence,
    Appeal,
    Certificate,
    Contest,
    Contestant,
    Event,
    Finalist,
    JudgeAssignment,
    Mark,
    Round,
    SecondEntry,
    TieResolution,
    Unit,
    User,
)
from competition.models.contests import FINAL, PRELIMINARY

MAX_REASON = 500
MAX_PERSON_NAME = 100
MAX_UNIT_NAME = 200
NUMBER_PATTERN = re.compile(r"[A-Z0-9-]{1,16}")

APPEAL_POINTER = N_("如需更改已公布的成绩，请走申诉程序")

# Fixed messages (marked for the English catalog; the pages translate them).
REASON_REQUIRED = N_("请填写更正原因")
REASON_EMPTY = N_("更正原因不能为空")
REASON_TOO_LONG = N_("更正原因最多 500 字")
NOTHING_TO_CORRECT = N_("请至少填写一项要更正的内容")
CORRECTION_INVALID = N_("更正内容有误")
NAME_EMPTY = N_("姓名不能为空")
NAME_TOO_LONG = N_("姓名最多 100 个字")
UNIT_UNKNOWN = N_("该单位未在本竞赛登记")
NUMBER_INVALID = N_("参赛号应为 1-16 位字母、数字或连字符")
UNIT_NAME_EMPTY = N_("单位名称不能为空")
UNIT_NAME_TOO_LONG = N_("单位名称最长 200 个字")
UNIT_INVALID = N_("单位信息有误")
MERGE_INTO_ITSELF = N_("不能把单位合并到它自己")

CORRECTION_REFUSED = N_("这项更正会改变已发布或已确定的成绩，不能进行")
UNIT_MOVE_PUBLISHED = N_("成绩已发布：改换单位会改变已公布的单位内初赛排名和团体成绩，不能改换单位")
UNIT_MOVE_FINALIST = N_("该选手已由原单位推荐进入决赛，不能改换单位")
UNIT_MOVE_DESTINATION_RECOMMENDED = N_(
    "新单位已推荐决赛选手：移入的选手会改变其初赛排名和推荐结果，不能改换单位"
)
UNIT_MOVE_COMMITTEE_MARKED = N_(
    "该选手已有原单位初赛组委会裁判的评分，改换单位后这些裁判无法再修改，不能改换单位"
)
NUMBER_MARKED = N_("该选手已有评分，裁判按参赛号评分，不能再改参赛号")
NUMBER_PUBLISHED = N_("成绩已发布，不能再改参赛号")
NUMBER_TAKEN = N_("参赛号已被使用")
ID_NUMBER_TAKEN = N_("该身份证号已在本赛项登记")

REMOVAL_REFUSED = N_("该选手已有成绩或相关记录，不能删除；删除只用于登记错误、尚无任何记录的选手")
REMOVAL_MARKS = N_("已有评分")
REMOVAL_FINALIST = N_("已进入决赛名单")
REMOVAL_CERTIFICATES = N_("已打印证书")
REMOVAL_APPEALS = N_("有申诉记录")
REMOVAL_ABSENCES = N_("有缺考或弃权登记")
REMOVAL_SECOND_ENTRIES = N_("有复核录入记录")
REMOVAL_PUBLISHED = N_("初赛成绩已发布")

UNIT_NAME_TAKEN = N_("已有同名单位：如是同一单位，请把两个单位合并，而不是改名")
MERGE_REFUSED = N_("合并会改变已发布或已确定的成绩，不能合并")
MERGE_PUBLISHED = N_("两个单位都有选手的轮次成绩已发布：合并会改变已公布的单位内排名或团体成绩")
MERGE_RECOMMENDED = N_(
    "两个单位都有选手，且已有单位推荐了决赛选手：合并会改变单位内初赛排名和推荐结果"
)
MERGE_AVOIDANCE = N_("合并后，有决赛裁判将成为自己本单位选手的裁判（违反回避规定）")
UNIT_REMOVAL_REFUSED = N_("只能删除没有选手、没有裁判分配的空单位")
UNIT_REMOVAL_CONTESTANTS = N_("该单位有选手")
UNIT_REMOVAL_JUDGES = N_("有裁判分配到该单位")
UNIT_REMOVAL_RECORDS = N_("有该单位的决赛名单或同分裁定记录")


class Keep(enum.Enum):
    KEEP = "keep"


#: A field of a correction that is not being corrected.
KEEP = Keep.KEEP


@dataclass
class ContestantCorrected:
    """What a correction did: the contestant as now recorded, each changed field's old and new
    value (empty when nothing differed), and the current certificates whose printed name or
    unit no longer matches the record (to reissue)."""

    contestant: Contestant
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    reissue: list[Certificate] = field(default_factory=list)


@dataclass
class UnitCorrected:
    """A renamed or merged-into unit; `moved`: contestant ids a merge moved into it."""

    unit: Unit
    old_name: str | None = None
    merged_unit_id: int | None = None
    moved: list[int] = field(default_factory=list)
    reissue: list[Certificate] = field(default_factory=list)


# ---------------------------------------------------------------- shared checks
def checked_reason(reason: str | None) -> str:
    """The reason as kept: trimmed (free text, so not normalised), required, bounded."""
    errors = _reason_errors(reason)
    if errors:
        raise Invalid(errors[0], {"reason": errors})
    return (reason or "").strip()


def _reason_errors(reason: str | None) -> list[str]:
    text = (reason or "").strip()
    if not text:
        return [REASON_EMPTY]
    if len(text) > MAX_REASON:
        return [REASON_TOO_LONG]
    return []


def _headline(problems: Mapping[str, list[str]], several: str) -> str:
    """The message a refusal leads with: the one problem's own words, or a summary."""
    if len(problems) == 1:
        return next(iter(problems.values()))[0]
    return several


def _lock_rounds(event_ids: Iterable[int]) -> list[Round]:
    """Every round of these events, locked in one order (by id) so that two corrections never
    wait for each other crosswise; re-read, so `published` is as committed."""
    ids = sorted(set(event_ids))
    if not ids:
        return []
    rounds = db.session.scalars(
        select(Round).where(Round.event_id.in_(ids)).order_by(Round.id)
    ).all()
    return [lock_round(r) for r in rounds]


def _masked(value: str | None) -> str | None:
    if not value:
        return None
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def _unit_ref(unit: Unit) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name}


def _current_certificates(contestant_ids: Iterable[int]) -> list[Certificate]:
    ids = list(contestant_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.contestant_id.in_(ids),
                Certificate.superseded_at.is_(None),
                Certificate.revoked_at.is_(None),
            )
            .order_by(Certificate.id)
        )
    )


def stale_certificates(contestant_ids: Iterable[int]) -> list[Certificate]:
    """Current certificates whose printed name or unit differs from the record as it is now:
    a correction does not change paper, a reissue (补发) does."""
    stale = []
    for certificate in _current_certificates(contestant_ids):
        contestant = db.session.get(Contestant, certificate.contestant_id)
        if contestant is None:
            continue
        if certificate.name != contestant.name or certificate.unit != contestant.unit.name:
            stale.append(certificate)
    return stale


def _exists(query: Any) -> bool:
    return db.session.scalar(query.limit(1)) is not None


# ---------------------------------------------------------------- a contestant
def correction_limits(contestant: Contestant) -> dict[str, list[str]]:
    """What may not be corrected for this contestant any more, and why (field → messages).

    The pages show it beside the form; `correct_contestant` applies the same checks under the
    rounds' lock. Moving to a particular unit has one more check (`_destination_problems`).
    """
    event = db.session.get(Event, contestant.event_id)
    assert event is not None
    limits: dict[str, list[str]] = {}
    published = any(r.published for r in event.rounds)
    unit: list[str] = []
    if published:
        unit.append(UNIT_MOVE_PUBLISHED)
    if contestant.finalist is not None or _exists(
        select(Finalist.id).where(Finalist.contestant_id == contestant.id)
    ):
        unit.append(UNIT_MOVE_FINALIST)
    if _committee_marked(event, contestant):
        unit.append(UNIT_MOVE_COMMITTEE_MARKED)
    if unit:
        limits["unit_id"] = unit
    number: list[str] = []
    if published:
        number.append(NUMBER_PUBLISHED)
    if _exists(select(Mark.id).where(Mark.contestant_id == contestant.id)):
        number.append(NUMBER_MARKED)
    if number:
        limits["number"] = number
    return limits


def _committee_marked(event: Event, contestant: Contestant) -> bool:
    """Whether a judge of a unit's preliminary committee (an assignment limited to one unit)
    has marked the contestant: such a judge may mark only that unit's people."""
    return _exists(
        select(Mark.id)
        .join(
            JudgeAssignment,
            (JudgeAssignment.event_id == event.id) & (JudgeAssignment.user_id == Mark.judge_id),
        )
        .where(
            Mark.contestant_id == contestant.id,
            Mark.round_id == event.round(PRELIMINARY).id,
            JudgeAssignment.unit_id.is_not(None),
        )
    )


def _destination_problems(event: Event, unit_id: int) -> list[str]:
    recommended = _exists(
        select(Finalist.id).where(Finalist.event_id == event.id, Finalist.unit_id == unit_id)
    )
    return [UNIT_MOVE_DESTINATION_RECOMMENDED] if recommended else []


def correct_contestant(
    contestant: Contestant,
    actor: User | None,
    reason: str | None,
    *,
    name: str | Keep = KEEP,
    unit_id: int | Keep = KEEP,
    id_number: str | Keep | None = KEEP,
    number: str | Keep = KEEP,
) -> ContestantCorrected:
    """Correct what was registered; fields left at `KEEP` stay as they are, a value equal to
    the stored one (after normalisation) changes nothing. `id_number=None` (or empty) removes
    the identity number. Checks: 422 for values, then 409 for what the state forbids."""
    event = db.session.get(Event, contestant.event_id)
    assert event is not None
    errors: dict[str, list[str]] = {}
    reason_errors = _reason_errors(reason)
    if reason_errors:
        errors["reason"] = reason_errors
    given = {
        key: value
        for key, value in (
            ("name", name),
            ("unit_id", unit_id),
            ("id_number", id_number),
            ("number", number),
        )
        if value is not KEEP
    }
    if not given:
        errors.setdefault("_schema", []).append(NOTHING_TO_CORRECT)
    new: dict[str, Any] = {}
    if "name" in given:
        value = normalise.person_name(str(given["name"] or ""))
        if not value:
            errors["name"] = [NAME_EMPTY]
        elif len(value) > MAX_PERSON_NAME:
            errors["name"] = [NAME_TOO_LONG]
        new["name"] = value
    if "unit_id" in given:
        unit = db.session.get(Unit, given["unit_id"]) if given["unit_id"] else None
        if unit is None or unit.contest_id != event.contest_id:
            errors["unit_id"] = [UNIT_UNKNOWN]
        new["unit_id"] = given["unit_id"]
    if "id_number" in given:
        value = normalise.id_number(given["id_number"] or "") or None
        if value is not None:
            problem = check_id_number(value)
            if problem:
                errors["id_number"] = [problem]
        new["id_number"] = value
    if "number" in given:
        value = normalise.contest_number(str(given["number"] or ""))
        if not NUMBER_PATTERN.fullmatch(value):
            errors["number"] = [NUMBER_INVALID]
        new["number"] = value
    if errors:
        raise Invalid(_headline(errors, CORRECTION_INVALID), errors)
    text = checked_reason(reason)

    changed = {key: value for key, value in new.items() if getattr(contestant, key) != value}
    if not changed:
        return ContestantCorrected(contestant)
    _lock_rounds([event.id])
    db.session.refresh(contestant)
    changed = {key: value for key, value in new.items() if getattr(contestant, key) != value}
    if not changed:
        return ContestantCorrected(contestant)

    refused: dict[str, list[str]] = {}
    limits = correction_limits(contestant)
    if "unit_id" in changed:
        problems = limits.get("unit_id", []) + _destination_problems(event, changed["unit_id"])
        if problems:
            refused["unit_id"] = problems
    if "number" in changed:
        if limits.get("number"):
            refused["number"] = limits["number"]
        elif _exists(
            select(Contestant.id).where(
                Contestant.event_id == event.id,
                Contestant.number == changed["number"],
                Contestant.id != contestant.id,
            )
        ):
            refused["number"] = [NUMBER_TAKEN]
    if (
        "id_number" in changed
        and changed["id_number"] is not None
        and _exists(
            select(Contestant.id).where(
                Contestant.event_id == event.id,
                Contestant.id_number == changed["id_number"],
                Contestant.id != contestant.id,
            )
        )
    ):
        refused["id_number"] = [ID_NUMBER_TAKEN]
    if refused:
        raise Conflict(_headline(refused, CORRECTION_REFUSED), refused)

    changes: dict[str, dict[str, Any]] = {}
    for key, value in changed.items():
        old = getattr(contestant, key)
        if key == "unit_id":
            old_unit, new_unit = db.session.get(Unit, old), db.session.get(Unit, value)
            assert old_unit is not None and new_unit is not None
            changes["unit"] = {"old": _unit_ref(old_unit), "new": _unit_ref(new_unit)}
        elif key == "id_number":
            changes[key] = {"old": _masked(old), "new": _masked(value)}
        else:
            changes[key] = {"old": old, "new": value}
        setattr(contestant, key, value)
    audit.record(
        "contestant.correct",
        actor,
        event_id=event.id,
        contestant_id=contestant.id,
        reason=text,
        details={"number": contestant.number, "changes": changes},
    )
    db.session.flush()
    db.session.expire(contestant, ["unit"])
    return ContestantCorrected(contestant, changes, stale_certificates([contestant.id]))


def removal_blockers(contestant: Contestant) -> dict[str, list[str]]:
    """What of the contestant's exists, each a reason not to remove them (empty: removable)."""
    blockers: dict[str, list[str]] = {}
    checks = (
        ("marks", REMOVAL_MARKS, select(Mark.id).where(Mark.contestant_id == contestant.id)),
        (
            "finalist",
            REMOVAL_FINALIST,
            select(Finalist.id).where(Finalist.contestant_id == contestant.id),
        ),
        (
            "certificates",
            REMOVAL_CERTIFICATES,
            select(Certificate.id).where(Certificate.contestant_id == contestant.id),
        ),
        (
            "appeals",
            REMOVAL_APPEALS,
            select(Appeal.id).where(Appeal.contestant_id == contestant.id),
        ),
        (
            "absences",
            REMOVAL_ABSENCES,
            select(Absence.id).where(Absence.contestant_id == contestant.id),
        ),
        (
            "second_entries",
            REMOVAL_SECOND_ENTRIES,
            select(SecondEntry.id).where(SecondEntry.contestant_id == contestant.id),
        ),
    )
    for key, message, query in checks:
        if _exists(query):
            blockers[key] = [message]
    event = db.session.get(Event, contestant.event_id)
    assert event is not None
    if event.round(PRELIMINARY).published:
        blockers["published"] = [REMOVAL_PUBLISHED]
    return blockers


def remove_contestant(contestant: Contestant, actor: User | None, reason: str | None) -> None:
    """Remove a contestant registered by mistake, keeping who they were in the audit trail."""
    text = checked_reason(reason)
    _lock_rounds([contestant.event_id])
    db.session.refresh(contestant)
    blockers = removal_blockers(contestant)
    if blockers:
        raise Conflict(REMOVAL_REFUSED, blockers)
    unit = db.session.get(Unit, contestant.unit_id)
    assert unit is not None
    audit.record(
        "contestant.remove",
        actor,
        event_id=contestant.event_id,
        contestant_id=contestant.id,
        reason=text,
        details={
            "number": contestant.number,
            "name": contestant.name,
            "unit": _unit_ref(unit),
            "id_number": _masked(contestant.id_number),
        },
    )
    db.session.delete(contestant)
    db.session.flush()


# ---------------------------------------------------------------- a unit
def _record_for_contest(
    action: str,
    actor: User | None,
    contest: Contest,
    reason: str,
    details: dict[str, Any],
    per_event: Mapping[int, dict[str, Any]] | None = None,
) -> None:
    """A unit belongs to the contest, not to one event: the entry is written once for each
    event (so each event's trail shows it), once without one where there is no event yet."""
    event_ids = list(db.session.scalars(select(Event.id).where(Event.contest_id == contest.id)))
    for event_id in event_ids or [None]:
        extra = (per_event or {}).get(event_id, {}) if event_id is not None else {}
        audit.record(action, actor, event_id=event_id, reason=reason, details={**details, **extra})


def _contest_event_ids(contest_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Event.id).where(Event.contest_id == contest_id).order_by(Event.id)
        )
    )


def same_name_units(unit: Unit) -> list[Unit]:
    """Other units of the contest whose names are this one's once normalised: "(北京)" and
    "（北京）" typed before normalisation existed are one enterprise, to merge."""
    key = normalise.unit_name(unit.name)
    others = db.session.scalars(
        select(Unit).where(Unit.contest_id == unit.contest_id, Unit.id != unit.id).order_by(Unit.id)
    )
    return [other for other in others if normalise.unit_name(other.name) == key]


def rename_unit(
    unit: Unit, name: str | None, reason: str | None, actor: User | None
) -> UnitCorrected:
    """Correct how a unit's name is written. It moves nobody, so it is allowed after
    publication (printed certificates keep the printed name until reissued); a name another
    unit has is refused: the two are one unit, to merge."""
    errors: dict[str, list[str]] = {}
    reason_errors = _reason_errors(reason)
    if reason_errors:
        errors["reason"] = reason_errors
    value = normalise.unit_name(name or "")
    if not value:
        errors["name"] = [UNIT_NAME_EMPTY]
    elif len(value) > MAX_UNIT_NAME:
        errors["name"] = [UNIT_NAME_TOO_LONG]
    if errors:
        raise Invalid(_headline(errors, UNIT_INVALID), errors)
    text = checked_reason(reason)
    if value == unit.name:
        return UnitCorrected(unit)
    contest = db.session.get(Contest, unit.contest_id)
    assert contest is not None
    _lock_rounds(_contest_event_ids(contest.id))
    others = db.session.scalars(
        select(Unit).where(Unit.contest_id == unit.contest_id, Unit.id != unit.id).order_by(Unit.id)
    )
    taken = next((o for o in others if normalise.unit_name(o.name) == value), None)
    if taken is not None:
        raise Conflict(
            UNIT_NAME_TAKEN,
            {
                "name": [f"与已登记的单位“{taken.name}”（编号 {taken.id}）相同"],
                "into_unit_id": [str(taken.id)],
            },
        )
    old = unit.name
    unit.name = value
    _record_for_contest(
        "unit.rename", actor, contest, text, {"unit_id": unit.id, "old": old, "new": value}
    )
    db.session.flush()
    moved_ids = list(db.session.scalars(select(Contestant.id).where(Contestant.unit_id == unit.id)))
    return UnitCorrected(unit, old_name=old, reissue=stale_certificates(moved_ids))


def merge_blockers(unit: Unit, into: Unit) -> dict[str, list[str]]:
    """Why `unit` may not be merged into `into` (empty: it may); `events` names the events
    concerned (data, kept apart from the fixed, translatable messages)."""
    blockers: dict[str, list[str]] = {}
    pair = (unit.id, into.id)
    for event_id in _contest_event_ids(unit.contest_id):
        event = db.session.get(Event, event_id)
        assert event is not None
        people = dict(
            db.session.execute(
                select(Contestant.unit_id, func.count(Contestant.id))
                .where(Contestant.event_id == event.id, Contestant.unit_id.in_(pair))
                .group_by(Contestant.unit_id)
            ).all()
        )
        finalists = dict(
            db.session.execute(
                select(Finalist.unit_id, func.count(Finalist.id))
                .where(Finalist.event_id == event.id, Finalist.unit_id.in_(pair))
                .group_by(Finalist.unit_id)
            ).all()
        )
        label = f"{event.name}（{event.group_name}）"
        if len(people) == 2:
            published = event.round(PRELIMINARY).published or (
                event.round(FINAL).published and len(finalists) == 2
            )
            if published:
                blockers["published"] = [MERGE_PUBLISHED]
            elif finalists:
                blockers["finalists"] = [MERGE_RECOMMENDED]
            if published or finalists:
                blockers.setdefault("events", []).append(label)
    if _merge_breaks_avoidance(unit, into):
        blockers["avoidance"] = [MERGE_AVOIDANCE]
    return blockers


def _merge_breaks_avoidance(unit: Unit, into: Unit) -> bool:
    """Whether a final mark was given by a judge of one of the two units to a contestant of
    the other: once they are one unit, the judge would have marked his own unit's people."""
    pair = (unit.id, into.id)
    marked = aliased(Contestant)
    return _exists(
        select(Mark.id)
        .join(marked, marked.id == Mark.contestant_id)
        .join(Round, (Round.id == Mark.round_id) & (Round.kind == FINAL))
        .join(
            JudgeAssignment,
            (JudgeAssignment.event_id == marked.event_id)
            & (JudgeAssignment.user_id == Mark.judge_id),
        )
        .where(
            marked.unit_id.in_(pair),
            JudgeAssignment.unit_id.in_(pair),
            JudgeAssignment.unit_id != marked.unit_id,
        )
    )


def merge_units(unit: Unit, into: Unit, reason: str | None, actor: User | None) -> UnitCorrected:
    """Merge `unit` into `into`: its contestants, judge assignments, finalists and tie rulings
    become `into`'s, and `unit` is removed. For one enterprise registered twice (two spellings,
    or a branch entered separately)."""
    errors: dict[str, list[str]] = {}
    reason_errors = _reason_errors(reason)
    if reason_errors:
        errors["reason"] = reason_errors
    if into.contest_id != unit.contest_id:
        errors["into_unit_id"] = [UNIT_UNKNOWN]
    elif into.id == unit.id:
        errors["into_unit_id"] = [MERGE_INTO_ITSELF]
    if errors:
        raise Invalid(_headline(errors, UNIT_INVALID), errors)
    text = checked_reason(reason)
    contest = db.session.get(Contest, unit.contest_id)
    assert contest is not None
    _lock_rounds(_contest_event_ids(contest.id))
    blockers = merge_blockers(unit, into)
    if blockers:
        raise Conflict(MERGE_REFUSED, blockers)

    moved = db.session.execute(
        select(Contestant.id, Contestant.event_id)
        .where(Contestant.unit_id == unit.id)
        .order_by(Contestant.id)
    ).all()
    judges = db.session.execute(
        select(JudgeAssignment.user_id, JudgeAssignment.event_id)
        .where(JudgeAssignment.unit_id == unit.id)
        .order_by(JudgeAssignment.id)
    ).all()
    per_event: dict[int, dict[str, Any]] = {}
    for contestant_id, event_id in moved:
        per_event.setdefault(event_id, {"contestants": [], "judges": []})["contestants"].append(
            contestant_id
        )
    for user_id, event_id in judges:
        per_event.setdefault(event_id, {"contestants": [], "judges": []})["judges"].append(user_id)
    for model in (Contestant, JudgeAssignment, Finalist, TieResolution):
        db.session.execute(
            update(model).where(model.unit_id == unit.id).values(unit_id=into.id),
            execution_options={"synchronize_session": "fetch"},
        )
    _record_for_contest(
        "unit.merge",
        actor,
        contest,
        text,
        {"from": _unit_ref(unit), "into": _unit_ref(into), "contestants": [], "judges": []},
        per_event,
    )
    merged_id = unit.id
    team_service.carry_awards(unit, into)  # its 优秀组织奖 become `into`'s
    db.session.delete(unit)
    db.session.flush()
    moved_ids = [contestant_id for contestant_id, _event in moved]
    for contestant_id in moved_ids:
        contestant = db.session.get(Contestant, contestant_id)
        if contestant is not None:
            db.session.expire(contestant, ["unit"])
    return UnitCorrected(
        into, merged_unit_id=merged_id, moved=moved_ids, reissue=stale_certificates(moved_ids)
    )


def unit_removal_blockers(unit: Unit) -> dict[str, list[str]]:
    blockers: dict[str, list[str]] = {}
    if _exists(select(Contestant.id).where(Contestant.unit_id == unit.id)):
        blockers["contestants"] = [UNIT_REMOVAL_CONTESTANTS]
    if _exists(select(JudgeAssignment.id).where(JudgeAssignment.unit_id == unit.id)):
        blockers["judges"] = [UNIT_REMOVAL_JUDGES]
    if _exists(select(Finalist.id).where(Finalist.unit_id == unit.id)) or _exists(
        select(TieResolution.id).where(TieResolution.unit_id == unit.id)
    ):
        blockers["records"] = [UNIT_REMOVAL_RECORDS]
    return blockers


def remove_unit(unit: Unit, reason: str | None, actor: User | None) -> None:
    """Remove a unit registered by mistake; only an empty one (a unit with people is merged)."""
    text = checked_reason(reason)
    contest = db.session.get(Contest, unit.contest_id)
    assert contest is not None
    _lock_rounds(_contest_event_ids(contest.id))
    blockers = unit_removal_blockers(unit)
    if blockers:
        raise Conflict(UNIT_REMOVAL_REFUSED, blockers)
    _record_for_contest("unit.remove", actor, contest, text, {"unit": _unit_ref(unit)})
    team_service.carry_awards(unit, None)
    db.session.delete(unit)
    db.session.flush()
