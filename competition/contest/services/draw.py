"""The final's contest numbers drawn by lot (抽签), and the number a round shows a contestant by.

Why a draw: the registration number is printed on the admission slip and, once the preliminary
is published, stands next to the name in public. Judges of the final mark codes (domain.md,
"Anonymity" and "Avoidance"), so the organisers draw fresh numbers for the finalists; the key
from number to name stays with them until the results are published. From the draw on, every
face of the final (results, judges' sheets, notices) shows the drawn number; the preliminary
keeps the registration number, and so does the personal look-up (`services.lookup`).

The draw is a cryptographically random permutation (`secrets.SystemRandom`), recorded in the
audit trail with who drew, when and the whole mapping. It may be drawn again until the first
final mark (plain or item) exists: a number judges have marked by must never change. Changing
the finalists voids it (`keep_numbers`), since a number list missing a finalist is no draw.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update

from competition.contest.services.marks import lock_round
from competition.core import audit
from competition.core.errors import Conflict, NotFound
from competition.core.i18n import N_
from competition.extensions import db
from competition.models import (
    Contestant,
    Event,
    Finalist,
    ItemMark,
    Mark,
    Round,
    Unit,
    User,
)
from competition.models.contests import FINAL
from competition.models.types import utcnow

#: J for 决赛: a drawn number never reads like a registration number ("001").
PREFIX = "J"
#: At least two digits ("J01"), more when the final has more than 99 finalists.
MIN_DIGITS = 2

PUBLISHED = N_("决赛成绩已发布，不能再抽签")
MARKED = N_("决赛已有评分，不能再抽签：裁判已按参赛号评分，抽签须在第一个决赛评分之前")
NO_FINALISTS = N_("还没有决赛选手，请先推荐决赛选手再抽签")
NOT_DRAWN = N_("决赛参赛号尚未抽签")


@dataclass(frozen=True)
class DrawnNumber:
    """One line of the key: the drawn number and whom it stands for."""

    number: str
    contestant_id: int
    name: str
    unit: str
    registration_number: str


@dataclass(frozen=True)
class Draw:
    """The final's draw as it stands: when, by whom, and the key in number order."""

    event: Event
    round: Round
    drawn_at: datetime
    drawn_by_id: int | None
    drawn_by: str
    numbers: tuple[DrawnNumber, ...]

    def by_contestant(self) -> dict[int, str]:
        """contestant id → drawn number, as the API answers it."""
        return {line.contestant_id: line.number for line in self.numbers}


def format_number(position: int, count: int) -> str:
    """The `position`-th (from 1) of `count` drawn numbers: J01..J30, J001..J120. One width
    for the whole draw, so that the numbers sort the same as text and as numbers."""
    width = max(MIN_DIGITS, len(str(count)))
    return f"{PREFIX}{position:0{width}d}"


# ---------------------------------------------------------------- the number a round shows
def number_column(round_: Round) -> ColumnElement[str]:
    """The number `round_` shows, as SQL: the drawn number in the final once drawn, else the
    registration number. In the final the query must join `Finalist` (only finalists sit it).
    The same rule as `shown_number`, for queries that read many contestants at once."""
    if round_.kind == FINAL:
        return func.coalesce(Finalist.final_number, Contestant.number)
    return Contestant.number


def shown_number(contestant: Contestant, round_: Round) -> str:
    """The number `round_` shows `contestant` by: the drawn number in the final once drawn,
    else the registration number. Reads `contestant.finalist` only for the final."""
    if round_.kind == FINAL:
        finalist = contestant.finalist
        if finalist is not None and finalist.final_number:
            return finalist.final_number
    return contestant.number


def drawn_numbers(round_: Round) -> dict[int, str]:
    """contestant id → drawn number, for a list of many that has the contestants already
    (`shown_number` would read each one's finalist row): empty for the preliminary and
    before the draw, when the registration numbers stand."""
    if round_.kind != FINAL:
        return {}
    rows = db.session.execute(
        select(Finalist.contestant_id, Finalist.final_number).where(
            Finalist.event_id == round_.event_id, Finalist.final_number.is_not(None)
        )
    )
    return {contestant_id: number for contestant_id, number in rows}


# ---------------------------------------------------------------- drawing
def _final_marked(final: Round) -> bool:
    """Whether any judge has marked anyone in the final, a whole mark or one scheme item."""
    for model in (Mark, ItemMark):
        if db.session.scalar(select(model.id).where(model.round_id == final.id).limit(1)):
            return True
    return False


def _mapping(event: Event) -> dict[str, int]:
    """The drawn numbers as they stand: number → contestant id (for the audit trail)."""
    rows = db.session.execute(
        select(Finalist.final_number, Finalist.contestant_id)
        .where(Finalist.event_id == event.id, Finalist.final_number.is_not(None))
        .order_by(Finalist.final_number)
    )
    return {number: contestant_id for number, contestant_id in rows}


def finalist_count(event: Event) -> int:
    """How many finalists a draw numbers (the draw page shows it before a draw)."""
    return int(
        db.session.scalar(
            select(func.count()).select_from(Finalist).where(Finalist.event_id == event.id)
        )
        or 0
    )


def refusal(event: Event, final: Round | None = None) -> str | None:
    """Why the final's numbers cannot be drawn now (None: they can): published, marked, or
    nobody through yet. The draw page asks before offering the button; `draw_numbers` asks
    again under the lock, which is what counts."""
    final = final or event.round(FINAL)
    if final.published:
        return PUBLISHED
    if _final_marked(final):
        return MARKED
    if not finalist_count(event):
        return NO_FINALISTS
    return None


def draw_numbers(event: Event, actor: User) -> Draw:
    """Draw the final's numbers for every finalist, replacing an earlier draw; audited.

    The final round is locked first, as a publication or a sign-off locks it, and a mark
    takes it shared: so a draw and the first final mark cannot interleave; whichever comes
    second sees the other (a mark after the draw is by the drawn number, a draw after a mark
    is refused). 409 once the final has a mark or an item mark, once it is published, and
    while there are no finalists."""
    final = lock_round(event.round(FINAL))
    refused = refusal(event, final)
    if refused is not None:
        raise Conflict(refused)
    finalists = list(
        db.session.scalars(
            select(Finalist).where(Finalist.event_id == event.id).order_by(Finalist.id)
        )
    )
    replaced = _mapping(event) if final.drawn_at is not None else None
    # Cleared first: the numbers are unique per event, and a redraw hands them round anew.
    db.session.execute(
        update(Finalist).where(Finalist.event_id == event.id).values(final_number=None),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.flush()
    secrets.SystemRandom().shuffle(finalists)
    for position, finalist in enumerate(finalists, start=1):
        finalist.final_number = format_number(position, len(finalists))
    final.drawn_at = utcnow()
    final.drawn_by_id = actor.id
    db.session.flush()
    audit.record(
        "final.draw",
        actor,
        event_id=event.id,
        round_id=final.id,
        details={
            "drawn_at": final.drawn_at.isoformat(),
            "drawn_by_id": actor.id,
            "numbers": _mapping(event),
            "replaced": replaced,
        },
    )
    db.session.flush()
    draw = current_draw(event)
    assert draw is not None
    return draw


def current_draw(event: Event) -> Draw | None:
    """The final's draw with its key in number order; None before any draw (or after the
    finalists changed and voided it)."""
    final = event.round(FINAL)
    if final.drawn_at is None:
        return None
    drawer = db.session.get(User, final.drawn_by_id) if final.drawn_by_id else None
    rows = db.session.execute(
        select(
            Finalist.final_number,
            Contestant.id,
            Contestant.name,
            Unit.name,
            Contestant.number,
        )
        .join(Contestant, Contestant.id == Finalist.contestant_id)
        .join(Unit, Unit.id == Contestant.unit_id)
        .where(Finalist.event_id == event.id, Finalist.final_number.is_not(None))
        .order_by(Finalist.final_number)
    )
    return Draw(
        event=event,
        round=final,
        drawn_at=final.drawn_at,
        drawn_by_id=final.drawn_by_id,
        drawn_by=(drawer.display_name or drawer.username) if drawer else "",
        numbers=tuple(DrawnNumber(*row) for row in rows),
    )


def require_draw(event: Event) -> Draw:
    """The final's draw, or 404 before there is one."""
    draw = current_draw(event)
    if draw is None:
        raise NotFound(NOT_DRAWN)
    return draw


# ---------------------------------------------------------------- finalists changed
def keep_numbers(
    event: Event, final: Round, unit_id: int, chosen: list[int], actor: User
) -> dict[int, str]:
    """Called by `results.set_finalists` (the page, the API and the import all go through it)
    before it replaces `unit_id`'s finalists by `chosen`, with the final already locked.

    The same people again change nothing, so their numbers are handed back for the new rows
    (contestant id → number) and the draw stands. Anyone in or out voids the whole draw:
    every number is cleared, the round no longer counts as drawn, and an audit entry keeps
    the voided key, so the organiser draws again (a partial draw would let a late finalist's
    number be guessed)."""
    if final.drawn_at is None:
        return {}
    before = dict(
        db.session.execute(
            select(Finalist.contestant_id, Finalist.final_number).where(
                Finalist.event_id == event.id, Finalist.unit_id == unit_id
            )
        ).all()
    )
    if set(before) == set(chosen):
        return {cid: number for cid, number in before.items() if number is not None}
    voided = _mapping(event)
    db.session.execute(
        update(Finalist).where(Finalist.event_id == event.id).values(final_number=None),
        execution_options={"synchronize_session": "fetch"},
    )
    final.drawn_at = None
    final.drawn_by_id = None
    audit.record(
        "final.draw_void",
        actor,
        event_id=event.id,
        round_id=final.id,
        reason="决赛名单已更改，原抽签作废，须重新抽签",
        details={"unit_id": unit_id, "numbers": voided},
    )
    db.session.flush()
    return {}
