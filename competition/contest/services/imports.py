"""Registering contestants from a spreadsheet: a preview first, then all rows or none.

An organiser uploads the list the units sent in (.xlsx or .csv, columns 姓名, 单位, 身份证号,
参赛号). The preview checks every row the way registration would, and says what is wrong with
each bad one: a missing name, an unknown unit, a bad identity number, a number used twice in the
file or already in the event. Only a file without a single bad row can be stored, and it is
stored in one transaction: a half-imported list is worse than none, because nobody knows which
half is in.

Each field is checked by the rule registration itself uses (the API's input schema, the identity
number checksum), so a row that passes here cannot be refused later for another reason.

The files are the ones offices really send, not our template: how they are read (title rows,
heading variants, merged unit cells, footers, numbers Excel mangled) is `import_tables`'s,
shared with the other imports; names, units and numbers are normalised as registration
stores them (`competition.core.normalise`) before anything is compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import select

from competition.contest.schemas import ContestantIn
from competition.contest.services import contests as contest_service
from competition.core import audit, normalise
from competition.core import import_tables as tables
from competition.core.errors import Conflict, Invalid
from competition.core.i18n import N_
from competition.core.id_numbers import check_id_number
from competition.core.import_tables import Draft, Note, Skipped
from competition.extensions import db
from competition.models import Contestant, Event, Unit, User
from competition.models.contests import PRELIMINARY

# Kept here for the pages and tests that import them from this module.
__all__ = ["HEADINGS", "ImportPreview", "ImportRow", "Note", "preview", "store"]
_note = tables.note

# Column headings as organisers write them; the first of each is the template's.
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": tables.NAME,
    "unit": tables.UNIT,
    "id_number": tables.ID_NUMBER,
    "number": tables.NUMBER,
}
NO_HEADER = N_("找不到表头：文件的前几行中应有“姓名”和“单位”两列（“身份证号”“参赛号”两列可选）")


@dataclass(frozen=True)
class ImportRow:
    """One row of the file as it would be registered, with what stops it."""

    line: int  # the row number a spreadsheet program shows
    name: str
    unit: str
    id_number: str | None
    number: str | None
    problems: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()
    new_unit: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def masked_id_number(self) -> str | None:
        """Masked as every list shows registered ones (the model's own rule)."""
        return Contestant.masked_id_number.fget(self)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ImportPreview:
    rows: tuple[ImportRow, ...]
    missing_units: tuple[str, ...]  # units named in the file but not registered in the contest
    create_units: bool
    columns: tuple[str, ...] = field(default=())  # which optional columns the file has
    skipped: tuple[Skipped, ...] = ()  # footer rows: 填表人, 合计, dates, notes
    notes: tuple[Note, ...] = ()  # how the file was read (a 编号 column that only counts)

    @property
    def bad_rows(self) -> tuple[ImportRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def can_store(self) -> bool:
        return bool(self.rows) and not self.bad_rows


def _field_problems(name: str, id_number: str | None, number: str | None) -> list[Note]:
    """The registration rules for one row: the API's input schema, then the ID checksum."""
    problems: list[Note] = []
    try:
        ContestantIn().load({"name": name, "unit_id": 1, "number": number})
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        for message in messages.get("name", []):
            problems.append(
                _note(N_("缺少姓名"))
                if not name
                else _note(N_("姓名：%(message)s"), message=message)
            )
        for message in messages.get("number", []):
            problems.append(_note(N_("参赛号：%(message)s"), message=message))
    if id_number is not None:
        problem = check_id_number(id_number)
        if problem:
            problems.append(_note(problem))  # the service's own message (in the catalog)
    return problems


def units_by_name(event: Event) -> dict[str, Unit]:
    """The contest's units by their name as `normalise.unit_name` gives it, the key every
    import compares a unit cell with ("(北京)" and "（北京）" are one unit)."""
    return {normalise.unit_name(u.name): u for u in event.contest.units}


def preview(event: Event, data: bytes, filename: str, create_units: bool = False) -> ImportPreview:
    """Read the file and check every row against the event; nothing is stored.

    Every value is normalised as registration will store it before it is compared, so a
    duplicate or an unknown unit is found here and not at the confirmation."""
    if event.round(PRELIMINARY).published:
        raise Conflict("初赛成绩已发布，不能再登记选手")
    table = tables.read(
        data, filename, HEADINGS, (("name",), ("unit",)), NO_HEADER, maybe_number="number"
    )
    units = units_by_name(event)
    registered = list(
        db.session.scalars(
            select(Contestant).where(Contestant.event_id == event.id).order_by(Contestant.number)
        )
    )
    by_id_number = {normalise.id_number(c.id_number): c for c in registered if c.id_number}
    by_number = {normalise.contest_number(c.number): c for c in registered}
    by_name_unit = {(normalise.person_name(c.name), c.unit_id): c for c in registered}
    numbers = tables.contest_numbers(
        [table.cell(cells, "number") for _, cells in table.rows], by_number
    )

    drafts: list[_Draft] = []
    for (line, cells), number in zip(table.rows, numbers, strict=True):
        name = normalise.person_name(tables.text(table.cell(cells, "name")))
        unit = normalise.unit_name(tables.text(table.cell(cells, "unit")))
        id_value = table.cell(cells, "id_number")
        if not name and not unit and not tables.text(id_value) and number is None:
            continue  # only a column this import does not read (序号, 备注) is filled
        draft = _Draft(line=line, name=name, unit=unit, number=number)
        draft.id_number, problem = tables.identity_number(id_value)
        if problem is not None:
            draft.problems.append(problem)
        draft.problems.extend(_field_problems(name, draft.id_number, draft.number))
        if not unit:
            draft.problems.append(_note(N_("缺少单位")))
        elif unit not in units:
            if len(unit) > 200:
                draft.problems.append(_note(N_("单位名称过长（最多 200 个字）")))
            elif create_units:
                draft.new_unit = True
            else:
                draft.problems.append(_note(N_("单位“%(unit)s”未在本竞赛登记"), unit=unit))
        if draft.id_number in by_id_number:
            existing = by_id_number[draft.id_number]
            draft.problems.append(
                _note(N_("该身份证号已在本赛项登记（参赛号 %(number)s）"), number=existing.number)
            )
        if draft.number in by_number:
            draft.problems.append(_note(N_("参赛号 %(number)s 已被使用"), number=draft.number))
        if unit in units and (name, units[unit].id) in by_name_unit:
            same = by_name_unit[(name, units[unit].id)]
            draft.notes.append(
                _note(
                    N_("本单位已有同名选手（参赛号 %(number)s），请确认不是同一人"),
                    number=same.number,
                )
            )
        drafts.append(draft)

    tables.mark_duplicates(drafts, "id_number", N_("身份证号与第 %(lines)s 行重复"))
    tables.mark_duplicates(drafts, "number", N_("参赛号与第 %(lines)s 行重复"))
    if not drafts:
        raise Invalid("文件里只有表头，没有选手", {"file": ["没有选手"]})
    missing = tuple(dict.fromkeys(d.unit for d in drafts if d.new_unit or _unknown(d, units)))
    return ImportPreview(
        rows=tuple(d.freeze() for d in drafts),
        missing_units=missing,
        create_units=create_units,
        columns=tuple(k for k in ("id_number", "number") if k in table.columns),
        skipped=table.skipped,
        notes=table.notes,
    )


def _unknown(draft: _Draft, units: dict[str, Unit]) -> bool:
    return bool(draft.unit) and draft.unit not in units and len(draft.unit) <= 200


@dataclass
class _Draft(Draft):
    name: str = ""
    unit: str = ""
    id_number: str | None = None
    number: str | None = None
    new_unit: bool = False

    def freeze(self) -> ImportRow:
        return ImportRow(
            line=self.line,
            name=self.name,
            unit=self.unit,
            id_number=self.id_number,
            number=self.number,
            problems=tuple(self.problems),
            notes=tuple(self.notes),
            new_unit=self.new_unit,
        )


def store(
    event: Event,
    checked: ImportPreview,
    actor: User,
    progress: Callable[[int, int], None] | None = None,
) -> list[Contestant]:
    """Register every row of a preview without a bad row, in one go (the caller commits).

    Rows with their own contest number go first, so numbers given automatically to the others
    continue after the highest one in the file instead of colliding with it. `progress(done,
    total)` is told after each row (a large import run as a job shows it).
    """
    if not checked.can_store:
        raise tables.rows_refusal(checked.bad_rows)
    units = units_by_name(event)
    if checked.create_units:
        for name in checked.missing_units:
            units[name] = contest_service.create_unit(event.contest, name)
    ordered = sorted(checked.rows, key=lambda r: r.number is None)
    contestants = []
    for row in ordered:
        contestants.append(
            contest_service.register_contestant(
                event,
                name=row.name,
                unit_id=units[row.unit].id,
                id_number=row.id_number,
                number=row.number,
            )
        )
        if progress is not None:
            progress(len(contestants), len(ordered))
    audit.record(
        "contestants.import",
        actor,
        event_id=event.id,
        details={
            "count": len(contestants),
            "units_created": list(checked.missing_units) if checked.create_units else [],
        },
    )
    db.session.flush()
    return contestants


def template_rows() -> list[list[str]]:
    """The downloadable template: headings and one example row (a valid, fictional ID)."""
    return [["张三", "北京示例精密制造有限公司", "11010519491231002X", ""]]


def template_header() -> list[str]:
    """The template's headings: the first spelling of each known column."""
    return [names[0] for names in HEADINGS.values()]
