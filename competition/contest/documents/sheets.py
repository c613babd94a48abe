"""Blank score sheets (评分表) for judges: contest numbers only, never names.

Judges mark by contest number (domain.md, "Anonymity"), so a sheet lists the round's numbers
in natural order with one column and one signature line per judge, and a line for the chief
judge's confirmation.  The final has one sheet per component for the organising committee's
panel; the preliminary is run by each unit's own committee, so there it is one sheet per unit
and component, with that committee's judges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.contest.documents.notices import ROUND_NAMES
from competition.contest.services.results import entrants
from competition.contest.wording import contest_title
from competition.core.errors import Conflict
from competition.extensions import db
from competition.models import Component, Event, JudgeAssignment, Round
from competition.models.contests import PRELIMINARY
from competition.pdf.render import render_pdf
from competition.scoring.ranking import number_sort_key
from competition.scoring.values import plain

SHEETS_TEMPLATE = "contest/pdf/score_sheets.html"
#: Columns and signature lines printed when no judge is assigned yet.
BLANK_JUDGES = 3


@dataclass(frozen=True)
class Sheet:
    contest: str
    event: str
    group: str
    round_name: str
    unit: str | None
    component: str
    max_score: str
    lower_is_better: bool
    numbers: tuple[str, ...]
    judges: tuple[str, ...]
    chief: str | None


def _judges(event: Event) -> list[JudgeAssignment]:
    return list(
        db.session.scalars(
            select(JudgeAssignment)
            .where(JudgeAssignment.event_id == event.id)
            .options(selectinload(JudgeAssignment.user))
            .order_by(JudgeAssignment.is_chief.desc(), JudgeAssignment.id)
        )
    )


def _name(assignment: JudgeAssignment) -> str:
    return assignment.user.display_name or assignment.user.username


def build_sheets(
    event: Event,
    round_: Round,
    components: Sequence[Component],
    unit_id: int | None = None,
) -> list[Sheet]:
    """The sheets of `components` in `round_`; `unit_id` narrows the preliminary to one
    unit's committee (a committee judge's own sheets)."""
    people = entrants(event, round_, unit_id)
    if not people:
        raise Conflict("本轮还没有参赛选手，无法打印评分表")
    assignments = _judges(event)
    groups: dict[int | None, list[str]] = defaultdict(list)
    unit_names: dict[int | None, str] = {}
    for contestant in people:
        key = contestant.unit_id if round_.kind == PRELIMINARY else None
        groups[key].append(contestant.number)
        unit_names[key] = contestant.unit.name
    sheets = []
    for key in sorted(groups, key=lambda k: (k is not None, k or 0)):
        panel = [a for a in assignments if a.unit_id == key]
        chief = next((a for a in panel if a.is_chief), None)
        numbers = tuple(sorted(groups[key], key=number_sort_key))
        for component in components:
            sheets.append(
                Sheet(
                    contest=contest_title(event.contest),
                    event=event.name,
                    group=event.group_name,
                    round_name=ROUND_NAMES.get(round_.kind, round_.kind),
                    unit=unit_names[key] if key is not None else None,
                    component=component.name,
                    max_score=plain(component.max_score),
                    lower_is_better=not component.higher_is_better,
                    numbers=numbers,
                    judges=tuple(_name(a) for a in panel),
                    chief=_name(chief) if chief is not None else None,
                )
            )
    return sheets


def score_sheets_pdf(
    event: Event,
    round_: Round,
    components: Sequence[Component],
    unit_id: int | None = None,
) -> bytes:
    """Blank score sheets as one PDF, each sheet starting on a new page."""
    sheets = build_sheets(event, round_, components, unit_id)
    return render_pdf(SHEETS_TEMPLATE, {"sheets": sheets, "blank_judges": BLANK_JUDGES})
