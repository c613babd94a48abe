"""Registering contestants from a spreadsheet: a preview first, then all rows or none.

An organiser uploads the list the units sent in (.xlsx or .csv, columns 姓名, 单位, 身份证号,
参赛号). The preview checks every row the way registration would, and says what is wrong with
each bad one: a missing name, an unknown unit, a bad identity number, a number used twice in the
file or already in the event. Only a file without a single bad row can be stored, and it is
stored in one transaction: a half-imported list is worse than none, because nobody knows which
half is in.

Each field is checked by the rule registration itself uses (the API's input schema, the identity
number checksum), so a row that passes here cannot be refused later for another reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import select

from competition.api.schemas import ContestantIn
from competition.errors import Conflict, Invalid
from competition.extensions import db
from competition.i18n import N_
from competition.models import Contestant, Event, Unit, User
from competition.models.contests import PRELIMINARY
from competition.services import audit
from competition.services import contests as contest_service
from competition.spreadsheets import SpreadsheetError, Value, read_table

# Column headings as organisers write them; the first of each is the template's.
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "选手姓名", "名字", "name"),
    "unit": ("单位", "参赛单位", "工作单位", "所在单位", "单位名称", "unit"),
    "id_number": ("身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码", "id_number"),
    "number": ("参赛号", "参赛编号", "编号", "number"),
}
HEADER_SEARCH_ROWS = 10  # a title row or two above the table is common
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Note:
    """A message about a row: a catalog message with %(name)s places and their values, so a
    page can show it in the reader's language; str() gives it in Chinese."""

    template: str
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.template % dict(self.params) if self.params else self.template


def _note(template: str, **params: object) -> Note:
    return Note(template, tuple((k, str(v)) for k, v in params.items()))


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

    @property
    def bad_rows(self) -> tuple[ImportRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def can_store(self) -> bool:
        return bool(self.rows) and not self.bad_rows


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACE.sub(" ", str(value)).strip()


def _heading_key(cell: Value) -> str | None:
    text = _text(cell).replace(" ", "").lower().rstrip("*＊")
    for key, names in HEADINGS.items():
        if text in names:
            return key
    return None


def _find_header(rows: Sequence[Sequence[Value]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = _heading_key(cell)
            if key is not None and key not in columns:
                columns[key] = position
        if "name" in columns and "unit" in columns:
            return index, columns
    raise Invalid(
        "找不到表头：文件的前几行中应有“姓名”和“单位”两列（“身份证号”“参赛号”两列可选）",
        {"file": ["缺少“姓名”或“单位”列"]},
    )


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
        problem = contest_service.check_id_number(id_number)
        if problem:
            problems.append(_note(problem))  # the service's own message (in the catalog)
    return problems


def preview(event: Event, data: bytes, filename: str, create_units: bool = False) -> ImportPreview:
    """Read the file and check every row against the event; nothing is stored."""
    if event.round(PRELIMINARY).published:
        raise Conflict("初赛成绩已发布，不能再登记选手")
    try:
        table = read_table(data, filename)
    except SpreadsheetError as error:
        raise Invalid(str(error), {"file": [str(error)]}) from error
    header_index, columns = _find_header(table)

    units = {u.name: u for u in event.contest.units}
    registered = list(
        db.session.scalars(
            select(Contestant).where(Contestant.event_id == event.id).order_by(Contestant.number)
        )
    )
    by_id_number = {c.id_number: c for c in registered if c.id_number}
    by_number = {c.number: c for c in registered}
    by_name_unit = {(c.name, c.unit_id): c for c in registered}

    drafts: list[_Draft] = []
    for offset, cells in enumerate(table[header_index + 1 :]):

        def cell(key: str, cells: Sequence[Value] = cells) -> Value:
            position = columns.get(key)
            return cells[position] if position is not None and position < len(cells) else None

        name, unit = _text(cell("name")), _text(cell("unit"))
        id_value, number_value = cell("id_number"), cell("number")
        if not name and not unit and not _text(id_value) and not _text(number_value):
            continue  # a blank line between blocks of rows
        draft = _Draft(line=header_index + offset + 2, name=name, unit=unit)
        draft.id_number = _text(id_value).replace(" ", "").upper() or None
        if isinstance(id_value, int | float) and not isinstance(id_value, bool):
            draft.problems.append(
                _note(
                    N_("身份证号被 Excel 存成了数字，后几位已经丢失；请把该列设为“文本”后重新填写")
                )
            )
            draft.id_number = None
        draft.number = _text(number_value) or None
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

    _mark_duplicates(drafts, "id_number", N_("身份证号与第 %(lines)s 行重复"))
    _mark_duplicates(drafts, "number", N_("参赛号与第 %(lines)s 行重复"))
    if not drafts:
        raise Invalid("文件里只有表头，没有选手", {"file": ["没有选手"]})
    missing = tuple(dict.fromkeys(d.unit for d in drafts if d.new_unit or _unknown(d, units)))
    return ImportPreview(
        rows=tuple(d.freeze() for d in drafts),
        missing_units=missing,
        create_units=create_units,
        columns=tuple(k for k in ("id_number", "number") if k in columns),
    )


def _unknown(draft: _Draft, units: dict[str, Unit]) -> bool:
    return bool(draft.unit) and draft.unit not in units and len(draft.unit) <= 200


@dataclass
class _Draft:
    line: int
    name: str
    unit: str
    id_number: str | None = None
    number: str | None = None
    problems: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
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


def _mark_duplicates(drafts: list[_Draft], key: str, template: str) -> None:
    lines: dict[str, list[int]] = defaultdict(list)
    for draft in drafts:
        value = getattr(draft, key)
        if value is not None:
            lines[value].append(draft.line)
    for draft in drafts:
        value = getattr(draft, key)
        others = [n for n in lines.get(value, []) if n != draft.line] if value else []
        if others:
            draft.problems.append(_note(template, lines="、".join(map(str, others))))


def store(event: Event, checked: ImportPreview, actor: User) -> list[Contestant]:
    """Register every row of a preview without a bad row, in one go (the caller commits).

    Rows with their own contest number go first, so numbers given automatically to the others
    continue after the highest one in the file instead of colliding with it.
    """
    if not checked.can_store:
        raise Invalid(
            f"还有 {len(checked.bad_rows)} 行有误，请改正后重新上传",
            {
                "rows": [
                    f"第 {r.line} 行：{'；'.join(map(str, r.problems))}" for r in checked.bad_rows
                ]
            },
        )
    units = {u.name: u for u in event.contest.units}
    if checked.create_units:
        for name in checked.missing_units:
            units[name] = contest_service.create_unit(event.contest, name)
    ordered = sorted(checked.rows, key=lambda r: r.number is None)
    contestants = [
        contest_service.register_contestant(
            event,
            name=row.name,
            unit_id=units[row.unit].id,
            id_number=row.id_number,
            number=row.number,
        )
        for row in ordered
    ]
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
    return [names[0] for names in HEADINGS.values()]
