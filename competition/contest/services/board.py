"""The venue board (赛场大屏): what a projector at the venue shows of one round, as plain data.

Before the round is published the board shows marking progress only: per component how many
score sheets are in (every row entered), how many are signed, how many marks of how many; and
how many contestants have a mark. No score, no total, no name: the room is full of contestants
and their units, and nothing of the results is public before publication.

After publication it shows the results the organiser has revealed so far, step by step for
the award ceremony (`Round.board_step`, moved by `advance`). The reveal order (`reveal_order`):

* a final with award rules reveals the awarded only (the full ranking is on the public page),
  the lowest tier first (三等奖 before 二等奖 before 一等奖), and within a tier from the last
  place to the best, so the champion comes last;
* a round without tiers (a final of an event without award rules, or a preliminary) reveals
  every ranked contestant from the last place to the first. The preliminary is ranked unit
  by unit, so its places are each unit's own: all the units' last places first (units in
  the contest's order), then the places above, up to every unit's first.

Step n shows the first n entries of that order; step 0 shows none, the last step all.

Many screens and phones poll the board every second, so `version` answers "has anything
changed?" in one query without computing anything; the state itself is computed only when it
has.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, String, bindparam, case, cast, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from competition.contest.services import judging as judging_service
from competition.contest.services import results as result_service
from competition.contest.services.tiers import rules_for, tier_names
from competition.contest.wording import event_title, round_label
from competition.core import audit
from competition.core.errors import Conflict
from competition.extensions import db
from competition.models import (
    AwardRuleSet,
    Contestant,
    Event,
    Finalist,
    JudgeAssignment,
    Mark,
    ResultStamp,
    Round,
    Sheet,
    User,
)
from competition.models.contests import FINAL, PRELIMINARY

NEXT, PREVIOUS, RESTART = "next", "previous", "restart"


@dataclass(frozen=True, slots=True)
class BoardRound:
    """A round as the board's version query found it: enough to answer 304 without more."""

    id: int
    event_id: int
    kind: str
    version: str


def _sum(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(column), 0)


@cache
def _version_statement() -> Select[Any]:
    """Built once per process: building this statement took longer than running it, and
    1,000 viewers ask for it every second (SQLAlchemy caches its compiled form too)."""
    signed = Sheet.signed_at.is_not(None)
    # Three figures as one text column (a scalar subquery has one column).
    sheet_text = select(
        cast(func.count(Sheet.id), String)
        .op("||")(literal(":"))
        .op("||")(cast(_sum(case((signed, Sheet.id), else_=0)), String))
        .op("||")(literal(":"))
        .op("||")(cast(_sum(case((signed, Sheet.id * Sheet.id), else_=0)), String))
    ).where(Sheet.round_id == Round.id)
    judges = select(
        cast(func.count(JudgeAssignment.id), String)
        .op("||")(literal(":"))
        .op("||")(cast(func.coalesce(func.max(JudgeAssignment.id), 0), String))
    ).where(JudgeAssignment.event_id == Round.event_id)
    rules = select(
        AwardRuleSet.mode.op("||")(AwardRuleSet.rounding)
        .op("||")(AwardRuleSet.base)
        .op("||")(func.coalesce(cast(AwardRuleSet.pass_line, String), ""))
        .op("||")(cast(AwardRuleSet.tiers, String))
    ).where(AwardRuleSet.event_id == Round.event_id)
    stamp = select(ResultStamp.stamp).where(ResultStamp.event_id == Round.event_id)
    return select(
        Round.id,
        Round.event_id,
        Round.kind,
        Round.published_at,
        Round.board_step,
        stamp.scalar_subquery(),
        sheet_text.scalar_subquery(),
        judges.scalar_subquery(),
        rules.scalar_subquery(),
    ).where(Round.event_id == bindparam("event_id"), Round.kind == bindparam("kind"))


def version(event_id: int, kind: str) -> BoardRound | None:
    """The round (None: no such event or round) with the version of its board, in one query.

    What the board shows changes only when one of these does: the event's result stamp
    (renewed by database triggers on every change to marks, contestants, finalists, rounds,
    rulings: see `results.result_stamp`), the round's publication and `board_step`, the sheets'
    signatures (count, and sums of the signed sheets' ids, so signing one sheet and unsigning
    another is seen too), the judges assigned (the sheets expected) and the award rules (the
    tiers revealed). All are read by scalar subqueries of one statement on the round's row.
    """
    # Core, not the ORM: the row is plain values, and the ORM's layer cost as much as the query.
    row = (
        db.session.connection()
        .execute(_version_statement(), {"event_id": event_id, "kind": kind})
        .one_or_none()
    )
    if row is None:
        return None
    digest = hashlib.blake2b("|".join(map(str, row)).encode(), digest_size=12).hexdigest()
    return BoardRound(id=row[0], event_id=row[1], kind=row[2], version=digest)


# ---------------------------------------------------------------- the state
def _progress(event: Event, round_: Round) -> dict[str, Any]:
    """Counts only: sheets, signatures, marks and contestants marked. No value, no name."""
    components: dict[int, dict[str, Any]] = {
        c.id: {
            "key": c.key,
            "label": c.name,
            "sheets": 0,
            "sheets_in": 0,
            "signed": 0,
            "marks": 0,
            "marks_expected": 0,
        }
        for c in event.components
    }
    for line in judging_service.progress(event, [round_]):
        counts = line.counts
        item = components[line.component.id]
        item["sheets"] += 1
        item["sheets_in"] += int(counts.expected > 0 and counts.entered >= counts.expected)
        item["signed"] += int(counts.signed)
        item["marks"] += min(counts.entered, counts.expected)
        item["marks_expected"] += counts.expected
    if round_.kind == FINAL:
        expected = db.session.scalar(
            select(func.count(Finalist.id)).where(Finalist.event_id == event.id)
        )
    else:
        expected = db.session.scalar(
            select(func.count(Contestant.id)).where(Contestant.event_id == event.id)
        )
    marked = db.session.scalar(
        select(func.count(func.distinct(Mark.contestant_id))).where(Mark.round_id == round_.id)
    )
    return {
        "components": list(components.values()),
        "contestants": expected or 0,
        "contestants_marked": marked or 0,
    }


def reveal_order(event: Event, round_: Round) -> list[dict[str, Any]]:
    """Every entry the board can reveal, in the order it reveals them (module docstring)."""
    results = result_service.round_results(event, round_)
    people = results.contestants
    tiers = tier_names(event, results.ranking) if round_.kind == FINAL else {}
    if round_.kind == PRELIMINARY:
        rankings = result_service.unit_rankings(event, round_)
        order = {unit.id: n for n, unit in enumerate(event.contest.units)}
        ranked = sorted(
            (entry for ranking in rankings.values() for entry in ranking.ranked),
            key=lambda e: (-e.rank, order.get(people[e.contestant_id].unit_id, len(order))),
        )
    elif tiers:
        rules = rules_for(event)
        tier_rank = {t.name: n for n, t in enumerate(rules.tiers)} if rules else {}
        ranked = sorted(
            (e for e in results.ranking.ranked if e.contestant_id in tiers),
            key=lambda e: (-tier_rank.get(tiers[e.contestant_id], 0), -e.rank),
        )
    else:
        ranked = sorted(results.ranking.ranked, key=lambda e: -e.rank)
    return [
        {
            "place": entry.rank,
            "number": entry.number,
            "name": people[entry.contestant_id].name,
            "unit": people[entry.contestant_id].unit.name,
            "tier": tiers.get(entry.contestant_id),
            "total": str(entry.total),
        }
        for entry in ranked
    ]


def state(event: Event, round_: Round) -> dict[str, Any]:
    """The board's state as JSON-ready data: progress before publication, else the revealed
    part of the results (`revealed` in reveal order; `step` of `steps`)."""
    base: dict[str, Any] = {
        "event": event_title(event),
        "round": round_.kind,
        "round_label": round_label(round_.kind),
        "published": round_.published,
    }
    if not round_.published:
        return {**base, "progress": _progress(event, round_)}
    order = reveal_order(event, round_)
    step = min(max(round_.board_step, 0), len(order))
    return {
        **base,
        "reveal": {
            "step": step,
            "steps": len(order),
            "tiered": any(entry["tier"] for entry in order),
            "revealed": order[:step],
        },
    }


# ---------------------------------------------------------------- the organiser's control
def advance(event: Event, round_: Round, move: str, actor: User) -> int:
    """Move the reveal one step on, one back, or back to the start; audited. Refused before
    publication (nothing may be revealed) and past either end (the step stays in bounds)."""
    if not round_.published:
        raise Conflict("本轮成绩尚未发布，大屏不能揭晓成绩")
    steps = len(reveal_order(event, round_))
    old = round_.board_step
    if move == NEXT:
        if old >= steps:
            raise Conflict("已全部揭晓")
        new = old + 1
    elif move == PREVIOUS:
        if old <= 0:
            raise Conflict("还没有揭晓任何名次")
        new = old - 1
    elif move == RESTART:
        new = 0
    else:
        raise Conflict("未知的操作")
    round_.board_step = new
    audit.record(
        "board.step",
        actor,
        event_id=event.id,
        round_id=round_.id,
        details={"move": move, "from": old, "to": new, "steps": steps},
    )
    db.session.flush()
    return new
