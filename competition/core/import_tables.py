"""What every import of a list shares: finding the table in the workbook an office sent, and
reading its rows the way the rest of the system reads what people type.

Offices do not fill in our template. Their workbooks have a title and a date above the table,
a hidden sheet first, headings with notes in brackets ("身份证号码（18位）", "单位名称（盖章）"),
a 序号 or 编号 column that only counts rows, a unit merged over its block of rows, contest
numbers typed as numbers (001 becomes 1), full-width digits from an input method, and a
footer (填表人：…, 合计 8 人, the date, a note spread across the columns). This module finds
the header row by its headings, names the columns it found when it cannot, reports footer
rows as skipped rather than as bad rows, and reads identity numbers, contest numbers and
scores through `competition.core.normalise`, so a row is compared with what is stored in the form
it is stored in.

Each import (contestants, marks, judges, finalists) says which headings it knows and which it
needs; the checks of its own rows are its own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from competition.core import normalise
from competition.core.errors import Invalid
from competition.core.i18n import N_
from competition.core.id_numbers import check_id_number
from competition.core.spreadsheets import SpreadsheetError, Value, read_sheets

HEADER_SEARCH_ROWS = 10  # a title row or two (and a date, a note) above the table is common

#: Headings as offices write them, compared after `normalise.heading` (no spaces, no note in
#: brackets, no colon) and without a trailing "*" (a required column); the first of each is
#: the one our templates use.
NAME = ("姓名", "选手姓名", "参赛选手", "参赛人员", "参赛者", "考生姓名", "名字", "name")
UNIT = (
    "单位",
    "参赛单位",
    "工作单位",
    "所在单位",
    "所属单位",
    "单位名称",
    "推荐单位",
    "报送单位",
    "选送单位",
    "企业名称",
    "unit",
)
ID_NUMBER = (
    "身份证号",
    "身份证号码",
    "身份证",
    "公民身份号码",
    "公民身份证号",
    "公民身份证号码",
    "证件号码",
    "证件号",
    "id_number",
)
NUMBER = (
    "参赛号",
    "参赛编号",
    "参赛号码",
    "参赛证号",
    "准考证号",
    "准考证号码",
    "考号",
    "考生号",
    "选手编号",
    "number",
)
#: A heading that may be a contest number or only count the rows (1, 2, 3, …): the column is a
#: contest number only when its values are not such a count (`drop_counters`). 序号 is never one.
MAYBE_NUMBER = ("编号",)

FOOTER = re.compile(
    r"^(?:(?:填表人|填报人|制表人|审核人|审批人|复核人|负责人|联系人|经办人|联系电话|电话|手机"
    r"|填表日期|填报日期|制表日期|报送日期|日期|时间|备注|说明|注意|注|单位盖章|盖章|签字|签名"
    r"|单位负责人|主管领导)\s*[:：]"
    r"|(?:合计|总计|小计|共计)(?:\s|[:：\d（(]|$)"
    r"|共\s*\d+\s*(?:人|名)"
    r"|(?:单位)?[（(]\s*盖章\s*[)）]"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$)"
)
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_SPACE = re.compile(r"\s+")
EXCEL_ID_NUMBER = N_("身份证号被 Excel 存成了数字，后几位已经丢失；请把该列设为“文本”后重新填写")
DEFAULT_NUMBER_WIDTH = 3  # the width of the numbers registration gives ("001")


@dataclass(frozen=True)
class Note:
    """A message about a row: a catalog message with %(name)s places and their values, so a
    page can show it in the reader's language; str() gives it in Chinese."""

    template: str
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.template % dict(self.params) if self.params else self.template


def note(template: str, **params: object) -> Note:
    return Note(template, tuple((k, str(v)) for k, v in params.items()))


@dataclass(frozen=True)
class Skipped:
    """A row under (or among) the table that is not one of its rows: a footer, a total, a
    signature line; shown on the preview so nobody wonders where it went."""

    line: int
    text: str


@dataclass(frozen=True)
class Table:
    """The table found in the file: its rows (header excluded) with their line numbers, the
    position of each known column, and what the reader should know about how it was read."""

    rows: tuple[tuple[int, tuple[Value, ...]], ...]
    columns: Mapping[str, int]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[Note, ...] = ()

    def cell(self, cells: Sequence[Value], key: str) -> Value:
        position = self.columns.get(key)
        return cells[position] if position is not None and position < len(cells) else None


def text(value: Value) -> str:
    """A cell as text: a whole float as an integer, white space collapsed and trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()[:10]
    return _SPACE.sub(" ", str(value)).strip()


def heading_key(cell: Value, headings: Mapping[str, Sequence[str]]) -> str | None:
    label = normalise.heading(text(cell)).rstrip("*").lower()
    if not label:
        return None
    for key, names in headings.items():
        if label in names:
            return key
    return None


def read(
    data: bytes,
    filename: str,
    headings: Mapping[str, Sequence[str]],
    required: Sequence[Sequence[str]],
    refusal: str,
    maybe_number: str | None = None,
) -> Table:
    """The table of the file: the first visible sheet whose first rows hold a header with one
    heading of each group in `required`; `refusal` is the message when none does, followed by
    the headings that were found, so the person sees what to rename.

    `maybe_number` is the key that a 编号 column stands for when the header has no clearer
    one (see `MAYBE_NUMBER`)."""
    try:
        sheets = read_sheets(data, filename)
    except SpreadsheetError as error:
        raise Invalid(str(error), {"file": [str(error)]}) from error
    known = dict(headings)
    if maybe_number is not None:
        known["_maybe_number"] = MAYBE_NUMBER
    best: tuple[int, int, int, list[str]] | None = None  # (recognised, filled, line, texts)
    for rows in sheets:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns: dict[str, int] = {}
            for position, value in enumerate(row):
                key = heading_key(value, known)
                if key is not None and key not in columns:
                    columns[key] = position
            if maybe_number is not None and "_maybe_number" in columns:
                position = columns.pop("_maybe_number")
                if maybe_number not in columns:
                    columns[maybe_number] = position
                    columns["_maybe_number"] = position
            if all(any(k in columns for k in group) for group in required):
                return _table(rows, index, columns)
            texts = [text(v) for v in row if text(v)]
            candidate = (len(columns), len(texts), index + 1, texts)
            if texts and (best is None or candidate[:2] > best[:2]):
                best = candidate
    found = (
        [note(N_("第 %(line)s 行的内容：%(cells)s"), line=best[2], cells="、".join(best[3][:20]))]
        if best
        else []
    )
    raise Invalid(refusal, {"file": [str(n) for n in found] or [N_("文件的前几行都是空的")]})


def _table(rows: list[list[Value]], header_index: int, columns: dict[str, int]) -> Table:
    body: list[tuple[int, tuple[Value, ...]]] = []
    skipped: list[Skipped] = []
    for offset, row in enumerate(rows[header_index + 1 :]):
        line = header_index + offset + 2
        if not any(text(v) for v in row):
            continue  # a blank line between blocks of rows
        footer = footer_text(row)
        if footer is not None:
            skipped.append(Skipped(line, footer))
            continue
        body.append((line, tuple(row)))
    notes: list[Note] = []
    position = columns.pop("_maybe_number", None)
    if position is not None:
        key = next(k for k, p in columns.items() if p == position)
        if is_counter([row[position] if position < len(row) else None for _, row in body]):
            del columns[key]
            notes.append(note(N_("“编号”列只是行的序号（1、2、3……），没有当作参赛号")))
    return Table(rows=tuple(body), columns=columns, skipped=tuple(skipped), notes=tuple(notes))


def footer_text(row: Iterable[Value]) -> str | None:
    """The text that makes a row a footer (填表人：…, 合计 8 人, a date, a note), or None."""
    texts = [text(v) for v in row if text(v)]
    for value in texts:
        if FOOTER.match(normalise.plain(value)):
            return " ".join(dict.fromkeys(texts))[:100]
    if texts and all(isinstance(v, datetime | date) for v in row if text(v)):
        return " ".join(texts)[:100]  # only a date: the day the list was signed
    return None


def _whole(value: Value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        digits = normalise.contest_number(value)
        if digits.isdigit() and not (len(digits) > 1 and digits.startswith("0")):
            return int(digits)
    return None


def is_counter(values: Sequence[Value]) -> bool:
    """True for a column that only counts the rows: whole numbers 1, 2, 3, … (or from any
    start) in the order of the rows, none shown with leading zeros."""
    numbers = [_whole(v) for v in values if text(v)]
    if len(numbers) < 2 or None in numbers:
        return False
    return all(b == a + 1 for a, b in pairwise(numbers))  # type: ignore[operator]


def contest_numbers(values: Sequence[Value], registered: Iterable[str] = ()) -> list[str | None]:
    """A column of contest numbers as registration stores them (`normalise.contest_number`).

    Excel drops the leading zeros of "001" typed into a number cell; such numbers are padded
    to the width the column's other cells show ("007" → 3), else to the width of the numbers
    already registered, else to the width registration gives. A number cell formatted "000"
    already arrives as its text (`spreadsheets.read_sheets`). In a CSV every cell is text: a
    "7" there is padded only when other cells of the column show their zeros ("007")."""
    texts = [normalise.contest_number(v) if isinstance(v, str) else None for v in values]
    digits = [t for t in texts if t and t.isdigit()]
    widths = Counter(len(t) for t in digits) or Counter(len(n) for n in registered if n.isdigit())
    width = widths.most_common(1)[0][0] if widths else DEFAULT_NUMBER_WIDTH
    zeros = Counter(len(t) for t in digits if len(t) > 1 and t.startswith("0"))
    shown_width = zeros.most_common(1)[0][0] if zeros else 0
    result: list[str | None] = []
    for value, shown in zip(values, texts, strict=True):
        if shown is not None:
            if shown.isdigit() and len(shown) < shown_width:
                shown = shown.zfill(shown_width)
            result.append(shown or None)
            continue
        whole = _whole(value)
        if whole is not None and whole >= 0:
            result.append(str(whole).zfill(width))
        else:
            result.append(normalise.contest_number(text(value)) or None)
    return result


def identity_number(value: Value) -> tuple[str | None, Note | None]:
    """An identity number cell in ASCII (`normalise.id_number`), or why it cannot be one.

    A number cell (an .xlsx) or a number in scientific notation ("3.70102E+17", the CSV Excel
    saved from such a cell) has lost its last digits: the person is told to retype it as
    text, and it is not compared with anything (two such rows are not duplicates)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return None, note(EXCEL_ID_NUMBER)
    shown = text(value)
    if not shown:
        return None, None
    if _SCIENTIFIC.match(normalise.decimal_text(shown)):
        return None, note(EXCEL_ID_NUMBER)
    return normalise.id_number(shown) or None, None


def decimal(value: Value) -> Decimal | None:
    """A score cell as a decimal ("８６．５" → 86.5), None when it is not a number; a binary
    float from Excel is read as it shows, not with its binary tail."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value else None
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(normalise.decimal_text(text(value)))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def find_contestant(
    number: str | None,
    id_number: str | None,
    by_number: Mapping[str, Any],
    by_id: Mapping[str, Any],
) -> tuple[Any | None, list[Note]]:
    """A row's registered contestant, found by contest number or identity number (both
    normalised as stored); when the row gives both, they must name the same person.

    Returns the contestant (or None) and what is wrong with the row's identification."""
    by_num = by_number.get(number) if number else None
    by_ident = by_id.get(id_number) if id_number else None
    problems: list[Note] = []
    if number and by_num is None:
        problems.append(note(N_("本赛项没有参赛号为 %(number)s 的选手"), number=number))
    if id_number and by_ident is None and by_num is None:
        problems.append(note(check_id_number(id_number) or N_("本赛项没有这个身份证号的选手")))
    if by_num is not None and by_ident is not None and by_num.id != by_ident.id:
        problems.append(
            note(N_("参赛号 %(number)s 与身份证号不是同一名选手"), number=by_num.number)
        )
        return None, problems
    if not number and not id_number:
        problems.append(note(N_("缺少参赛号或身份证号")))
    return by_num or by_ident, problems


def name_problem(name: str, contestant: Any) -> Note | None:
    """A name given in the file that is not the registered contestant's (both normalised)."""
    if name and normalise.person_name(name) != normalise.person_name(contestant.name):
        return note(
            N_("姓名“%(name)s”与参赛号 %(number)s 的选手（%(registered)s）不符"),
            name=name,
            number=contestant.number,
            registered=contestant.name,
        )
    return None


@dataclass
class Draft:
    """A row being checked: its line, what stops it, what the reader should know."""

    line: int
    problems: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def mark_duplicates(drafts: Sequence[Any], key: str, template: str) -> None:
    """Tell each row that shares `key`'s value with others which lines those are."""
    lines: dict[Any, list[int]] = defaultdict(list)
    for draft in drafts:
        value = getattr(draft, key)
        if value is not None:
            lines[value].append(draft.line)
    for draft in drafts:
        value = getattr(draft, key)
        others = [n for n in lines.get(value, []) if n != draft.line] if value is not None else []
        if others:
            draft.problems.append(note(template, lines="、".join(map(str, others))))


def rows_refusal(bad: Sequence[Any]) -> Invalid:
    """The refusal of a store asked for a preview with bad rows."""
    return Invalid(
        f"还有 {len(bad)} 行有误，请改正后重新上传",
        {"rows": [f"第 {r.line} 行：{'；'.join(map(str, r.problems))}" for r in bad]},
    )
