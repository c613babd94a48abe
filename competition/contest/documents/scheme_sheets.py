"""The papers of a component marked item by item (评分细则): each judge's blank item sheet, and
each contestant's filled marking record (评分记录表) that the judges and the chief judge sign.

Judges mark by contest number (domain.md, "Anonymity"): both papers show numbers only, the
final's drawn number once drawn (`services.draw`). A blank sheet is one judge's: the
contestants that judge may mark in the round (`policy.marking_refusal`: a unit's judge only
their own people in the preliminary, never them in the final), one column per measured or
judged item (a measurement with its size and tolerance, so the judge has the drawing's
requirement in front of them), the deductions, and the judge's signature on every page. The
record is what the panel did for one contestant: every judge's entry per item with what it
earns, each judge's mark, the component's score as the results compute it, the items in
dispute, and a signature line for every judge and for the chief judge.

A component without a scheme is marked as one number per judge: its sheet has one 得分
column and its record each judge's mark, so the papers exist for every component.

Who prints them: the organisers, and the chief judge who keeps the round
(`policy.records_scope`: the event's chief judge for the whole round, a unit committee's chief
for their own unit's preliminary). The faces (console, judging pages) call `item_sheets_pdf`
and `marking_records_pdf`, which check that and name the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.contest import policy
from competition.contest.documents.notices import ROUND_NAMES
from competition.contest.services import schemes as scheme_service
from competition.contest.services.draw import drawn_numbers
from competition.contest.services.results import Entrant, component_scores, entrants
from competition.contest.wording import contest_title
from competition.core.downloads import PDF, Download, file_name_part
from competition.core.errors import Conflict, Forbidden, NotFound
from competition.core.i18n import N_
from competition.extensions import db
from competition.models import (
    Absence,
    Component,
    Event,
    ItemMark,
    JudgeAssignment,
    Mark,
    MarkingScheme,
    Round,
    SchemeItem,
    User,
)
from competition.models.contests import PRELIMINARY
from competition.pdf.render import render_pdf
from competition.scoring import schemes as rules
from competition.scoring.ranking import number_sort_key
from competition.scoring.values import plain

SHEETS_TEMPLATE = "contest/pdf/item_sheets.html"
RECORDS_TEMPLATE = "contest/pdf/marking_records.html"
#: Contestants per page of a judge's sheet: an A4 across, with the header and the signature.
ROWS_PER_PAGE = 12
#: The panel from which the highest and the lowest mark are dropped (scoring.aggregate_units).
TRIMMED_FROM = 5

NOT_CHIEF = N_("只有组委会或裁判长可以打印评分记录表和逐项评分表")
OTHER_UNIT = N_("只能打印本单位选手的评分记录表")
NOBODY = N_("本轮还没有参赛选手，无法打印评分表")
NO_SUCH_COMPONENT = N_("本赛项没有这个评分项")
NO_SUCH_CONTESTANT = N_("本轮没有这名选手")


# ---------------------------------------------------------------- what the papers show
@dataclass(frozen=True)
class Item:
    """An item as both papers head it: its points and, for a measurement, the requirement
    ("40 0/-0.025", "60±0.05")."""

    code: str
    name: str
    kind: str
    points: str
    requirement: str


@dataclass(frozen=True)
class Header:
    contest: str
    event: str
    group: str
    round_name: str
    component: str
    max_score: str
    lower_is_better: bool
    scheme: bool  # marked item by item
    spread: int | None  # the scheme's 允许评价分差, None: no limit


@dataclass(frozen=True)
class SheetPage:
    """One page of one judge's blank item sheet."""

    header: Header
    judge: str  # "" when no judge is assigned yet: a name to write in
    chief: str | None
    unit: str | None  # a unit's committee in the preliminary
    page: int
    pages: int
    first: int  # the row number of the page's first contestant (from 1)
    numbers: tuple[str, ...]
    items: tuple[Item, ...]  # measured and judged
    deductions: tuple[Item, ...]


@dataclass(frozen=True)
class Entry:
    """A judge's entry of an item and what it earns ("" for none yet)."""

    entered: str
    earned: str


@dataclass(frozen=True)
class RecordRow:
    item: Item
    entries: tuple[Entry, ...]  # one per judge, in the record's order
    dispute: bool


@dataclass(frozen=True)
class MarkingRecord:
    """One contestant's 评分记录表 of one component."""

    header: Header
    number: str
    absence: str | None  # "absent" (缺考) or "withdrawn" (弃权), when recorded
    absence_reason: str
    judges: tuple[str, ...]
    rows: tuple[RecordRow, ...]
    marks: tuple[str, ...]  # each judge's mark of the component, "" while incomplete
    score: str | None  # the component's score as the results compute it
    trimmed: bool  # the highest and lowest marks dropped
    disputes: tuple[str, ...]  # "M1 外径" of each item in dispute
    chief: str | None


def signed(value: Decimal) -> str:
    """A deviation as a drawing writes it: +0.02, -0.01, 0."""
    text = plain(value)
    return f"+{text}" if value > 0 else text


def requirement(nominal: Decimal | None, lower: Decimal | None, upper: Decimal | None) -> str:
    """A measurement's size with its tolerance, as on the drawing: 60±0.05, 40 0/-0.025."""
    if nominal is None or lower is None or upper is None:
        return ""
    if lower == -upper and upper > 0:
        return f"{plain(nominal)}±{plain(upper)}"
    return f"{plain(nominal)} {signed(upper)}/{signed(lower)}"


def _item(item: SchemeItem) -> Item:
    return Item(
        code=item.code,
        name=item.name,
        kind=item.kind,
        points=plain(item.points),
        requirement=requirement(item.nominal, item.lower, item.upper),
    )


def _header(
    event: Event, round_: Round, component: Component, scheme: MarkingScheme | None
) -> Header:
    return Header(
        contest=contest_title(event.contest),
        event=event.name,
        group=event.group_name,
        round_name=ROUND_NAMES.get(round_.kind, round_.kind),
        component=component.name,
        max_score=plain(component.max_score),
        lower_is_better=not component.higher_is_better,
        scheme=scheme is not None,
        spread=scheme.max_judgement_spread if scheme is not None else None,
    )


def _assignments(event: Event) -> list[JudgeAssignment]:
    """The event's judges, the chief judges first (as the score sheets list them)."""
    return list(
        db.session.scalars(
            select(JudgeAssignment)
            .where(JudgeAssignment.event_id == event.id)
            .options(selectinload(JudgeAssignment.user))
            .order_by(JudgeAssignment.is_chief.desc(), JudgeAssignment.id)
        )
    )


def _name(user: User) -> str:
    return user.display_name or user.username


def _chief(assignments: Sequence[JudgeAssignment], unit_id: int | None, kind: str) -> str | None:
    """Who confirms a sheet: in the preliminary a unit committee's chief for its own judges,
    else (and failing one) the event's chief judge."""
    chiefs = {a.unit_id: a for a in assignments if a.is_chief}
    chief = chiefs.get(unit_id) if kind == PRELIMINARY and unit_id is not None else None
    chief = chief or chiefs.get(None)
    return _name(chief.user) if chief is not None else None


def _numbers(round_: Round, people: Iterable[Entrant]) -> dict[int, str]:
    """The number each contestant is shown by in `round_` (the final's drawn number)."""
    drawn = drawn_numbers(round_)
    return {person.id: drawn.get(person.id, person.number) for person in people}


def _may_mark(assignment: JudgeAssignment, kind: str, person: Entrant) -> bool:
    return policy.marking_refusal(assignment.unit_id, kind, person.unit_id) is None


def _pages(count: int) -> list[tuple[int, int]]:
    """The (start, end) of each page of `count` rows; one empty page for none."""
    return [(s, min(s + ROWS_PER_PAGE, count)) for s in range(0, max(count, 1), ROWS_PER_PAGE)]


# ---------------------------------------------------------------- blank item sheets
def item_sheets(
    event: Event, round_: Round, component: Component, unit_id: int | None = None
) -> list[SheetPage]:
    """Each judge's blank item sheet of `component` in `round_`, page by page; `unit_id`
    narrows it to one unit's people and judges (a unit committee's chief)."""
    people = entrants(event, round_, unit_id)
    if not people:
        raise Conflict(NOBODY)
    scheme = scheme_service.get_scheme(component)
    header = _header(event, round_, component, scheme)
    items = [_item(i) for i in scheme.items] if scheme is not None else []
    measured = tuple(i for i in items if i.kind != rules.DEDUCTION)
    deductions = tuple(i for i in items if i.kind == rules.DEDUCTION)
    numbers = _numbers(round_, people)
    assignments = _assignments(event)
    panel = [a for a in assignments if unit_id is None or a.unit_id == unit_id]
    sheets: list[tuple[str, int | None, list[Entrant]]] = []
    for assignment in panel:
        marked = [p for p in people if _may_mark(assignment, round_.kind, p)]
        if marked:
            sheets.append((_name(assignment.user), assignment.unit_id, marked))
    if not sheets:
        sheets.append(("", unit_id, people))  # nobody assigned yet: a sheet to write a name on
    unit_names = {p.unit_id: p.unit.name for p in people}
    pages: list[SheetPage] = []
    for judge, judge_unit, marked in sheets:
        shown = sorted((numbers[p.id] for p in marked), key=number_sort_key)
        ranges = _pages(len(shown))
        committee = judge_unit if round_.kind == PRELIMINARY else None
        for page, (start, end) in enumerate(ranges, start=1):
            pages.append(
                SheetPage(
                    header=header,
                    judge=judge,
                    chief=_chief(assignments, judge_unit, round_.kind),
                    unit=unit_names.get(committee) if committee is not None else None,
                    page=page,
                    pages=len(ranges),
                    first=start + 1,
                    numbers=tuple(shown[start:end]),
                    items=measured,
                    deductions=deductions,
                )
            )
    return pages


# ---------------------------------------------------------------- filled marking records
def _entered(kind: str, value: Decimal) -> str:
    """An entry as the judge wrote it: a size to 3 places, a judgement whole, points plain."""
    if kind == rules.MEASUREMENT:
        return f"{value.quantize(Decimal('0.001'))}"
    if kind == rules.JUDGEMENT:
        return str(int(value))
    return plain(value)


def _earned(rule: rules.SchemeItem, value: Decimal) -> str:
    points = rules.item_points_display(rule, value)
    return f"-{points}" if rule.kind == rules.DEDUCTION and points else f"{points}"


def marking_records(
    event: Event,
    round_: Round,
    component: Component,
    unit_id: int | None = None,
    contestant_id: int | None = None,
) -> list[MarkingRecord]:
    """The 评分记录表 of `component` for each contestant of `round_` (or the one asked for;
    `unit_id` narrows it to one unit's people), in number order, read in a few queries."""
    people = entrants(event, round_, unit_id)
    if contestant_id is not None:
        people = [p for p in people if p.id == contestant_id]
    if not people:
        raise Conflict(NOBODY)
    scheme = scheme_service.get_scheme(component)
    header = _header(event, round_, component, scheme)
    scheme_items = list(scheme.items) if scheme is not None else []
    item_rules = {i.code: r for i, r in zip(scheme_items, _rules(scheme), strict=True)}
    ids = [p.id for p in people]
    marks: dict[tuple[int, int], Decimal] = {
        (cid, jid): value
        for cid, jid, value in db.session.execute(
            select(Mark.contestant_id, Mark.judge_id, Mark.value).where(
                Mark.round_id == round_.id,
                Mark.component_id == component.id,
                Mark.contestant_id.in_(ids),
            )
        )
    }
    entries: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    if scheme is not None:
        for cid, jid, code, value in db.session.execute(
            select(ItemMark.contestant_id, ItemMark.judge_id, SchemeItem.code, ItemMark.value)
            .join(SchemeItem, SchemeItem.id == ItemMark.item_id)
            .where(
                ItemMark.round_id == round_.id,
                SchemeItem.scheme_id == scheme.id,
                ItemMark.contestant_id.in_(ids),
            )
        ):
            entries[(cid, jid)][code] = value
    absences = {
        cid: (status, reason)
        for cid, status, reason in db.session.execute(
            select(Absence.contestant_id, Absence.status, Absence.reason).where(
                Absence.round_id == round_.id, Absence.contestant_id.in_(ids)
            )
        )
    }
    disputed = {(d.contestant_id, d.item) for d in scheme_service.disputes(round_, [component])}
    scores = component_scores(round_)
    assignments = _assignments(event)
    assigned = {a.user_id for a in assignments}
    markers = {jid for _cid, jid in (*marks, *entries)} - assigned
    others = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(markers)))}
    numbers = _numbers(round_, people)
    records = []
    for person in sorted(people, key=lambda p: number_sort_key(numbers[p.id])):
        judges: list[tuple[int, str]] = [
            (a.user_id, _name(a.user))
            for a in assignments
            if _may_mark(a, round_.kind, person)
            or (person.id, a.user_id) in marks
            or (person.id, a.user_id) in entries
        ]
        judges += [
            (jid, _name(others[jid]))
            for jid in sorted(others)
            if (person.id, jid) in marks or (person.id, jid) in entries
        ]
        rows = []
        for item in scheme_items:
            cells = []
            for jid, _judge in judges:
                value = entries.get((person.id, jid), {}).get(item.code)
                cells.append(
                    Entry("", "")
                    if value is None
                    else Entry(_entered(item.kind, value), _earned(item_rules[item.code], value))
                )
            rows.append(RecordRow(_item(item), tuple(cells), (person.id, item.code) in disputed))
        given = [marks[(person.id, jid)] for jid, _judge in judges if (person.id, jid) in marks]
        score = scores.get(person.id, {}).get(component.key)
        absence = absences.get(person.id)
        records.append(
            MarkingRecord(
                header=header,
                number=numbers[person.id],
                absence=absence[0] if absence else None,
                absence_reason=absence[1] if absence else "",
                judges=tuple(name for _jid, name in judges),
                rows=tuple(rows),
                marks=tuple(
                    f"{marks[(person.id, jid)]}" if (person.id, jid) in marks else ""
                    for jid, _judge in judges
                ),
                score=f"{score}" if score is not None else None,
                trimmed=len(given) >= TRIMMED_FROM,
                disputes=tuple(f"{r.item.code} {r.item.name}" for r in rows if r.dispute),
                chief=_chief(
                    assignments,
                    person.unit_id if round_.kind == PRELIMINARY else None,
                    round_.kind,
                ),
            )
        )
    return records


def _rules(scheme: MarkingScheme | None) -> list[rules.SchemeItem]:
    return scheme_service.item_rules(scheme) if scheme is not None else []


# ---------------------------------------------------------------- the downloads
def _component(event: Event, key: str) -> Component:
    component = event.component(key)
    if component is None:
        raise NotFound(NO_SUCH_COMPONENT)
    return component


def _scope(user: User, event: Event, round_: Round) -> int | None:
    """The unit whose papers `user` prints (None: the whole round), or 403."""
    scope = policy.records_scope(user, event, round_)
    if scope is policy.NOT_ASSIGNED:
        raise Forbidden(NOT_CHIEF)
    return scope  # type: ignore[return-value]


def item_sheets_pdf(event: Event, round_: Round, component_key: str, user: User) -> Download:
    """Every judge's blank item sheet of a component in a round, as one PDF: 404 for a
    component the event does not have, 403 unless `user` keeps the round's records
    (`policy.records_scope`), 409 while the round has nobody."""
    component = _component(event, component_key)
    unit_id = _scope(user, event, round_)
    pages = item_sheets(event, round_, component, unit_id)
    body = render_pdf(SHEETS_TEMPLATE, {"pages": pages})
    return Download(body, f"item-sheets-event-{event.id}-{round_.kind}-{component.key}.pdf", PDF)


def marking_records_pdf(
    event: Event,
    round_: Round,
    component_key: str,
    user: User,
    contestant_id: int | None = None,
) -> Download:
    """The 评分记录表 of a component for everyone of the round, or for one contestant: 404 for
    a component or a contestant the round does not have, 403 unless `user` keeps the round's
    records, and only their own unit's people for a unit committee's chief."""
    component = _component(event, component_key)
    person = None
    if contestant_id is not None:
        person = next((p for p in entrants(event, round_) if p.id == contestant_id), None)
        if person is None:
            raise NotFound(NO_SUCH_CONTESTANT)
    unit_id = _scope(user, event, round_)
    if person is not None and unit_id is not None and person.unit_id != unit_id:
        raise Forbidden(OTHER_UNIT)
    records = marking_records(event, round_, component, unit_id, contestant_id)
    suffix = f"-{file_name_part(records[0].number, str(contestant_id))}" if person else ""
    body = render_pdf(RECORDS_TEMPLATE, {"records": records})
    return Download(
        body,
        f"marking-records-event-{event.id}-{round_.kind}-{component.key}{suffix}.pdf",
        PDF,
    )
