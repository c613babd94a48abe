"""A component's marking scheme (评分细则) from the organisers' 评分表 workbook: a preview of every
line, then the whole scheme or nothing.

The expert group writes the 评分表 in Excel long before anyone types it into a system: a title
row or two, a header (编号, 类型, 评分内容, 配分, 基本尺寸, 上偏差, 下偏差), sometimes over two rows
with cells merged, section rows ("一、尺寸精度") between blocks of items, a 合计 row, numbers
typed with a Chinese input method ("４０．０２", "－0.02") and tolerances written as on the
drawing ("40±0.02", "+0.02/-0.01"). This module reads such a workbook into `ItemSpec`s the way
`import_tables` reads the other lists, says per line what it could not read, and leaves the
rules of a scheme (codes unique, sizes with their deviations, the points adding up to the
component's maximum) to `scoring.schemes.scheme_problems`, so the file is judged by exactly
the rules typing the scheme on its page or sending it to the API is. Confirming calls
`services.schemes.set_scheme`, which checks everything again and refuses (409) once the
component has a mark.

The largest allowed spread of the judges' judgements (允许评价分差) may be given on the upload
form, in a setting row or cell of the workbook ("允许评价分差：1"), or in a column of that name;
the form wins over the file. Left out, there is no limit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from competition.contest.services import schemes as scheme_service
from competition.core import import_tables as tables
from competition.core import normalise
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.i18n import N_
from competition.core.import_tables import Draft, Note, Skipped, note
from competition.core.spreadsheets import SpreadsheetError, Value, read_sheets
from competition.models import Component, Event, MarkingScheme, User
from competition.scoring import schemes as rules

__all__ = [
    "HEADINGS",
    "SchemePreview",
    "SchemeRow",
    "parse_deviation",
    "parse_size",
    "preview",
    "store",
    "template_header",
    "template_rows",
]

#: The words of a 允许评价分差 setting, as a column heading or at the start of a cell.
SPREAD_WORDS = ("允许评价分差", "评价分差", "评价分允许差值", "允许分差")
#: Column headings as 评分表 workbooks write them, compared after `normalise.heading`.
HEADINGS: dict[str, tuple[str, ...]] = {
    "code": ("编号", "序号", "评分点", "评分点编号", "项目编号", "code"),
    "kind": ("类型", "评分类型", "评分方式", "类别", "kind", "type"),
    "name": ("名称", "评分内容", "考核内容", "检测项目", "评分项目", "考核项目", "项目", "name"),
    "points": ("配分", "分值", "分数", "points"),
    "nominal": ("基本尺寸", "公称尺寸", "尺寸", "nominal"),
    "upper": ("上偏差", "upper"),
    "lower": ("下偏差", "lower"),
    "tolerance": ("公差", "尺寸公差", "偏差", "尺寸要求", "tolerance"),
    # A description that holds the size for a measurement ("Φ40±0.02") and words for the
    # rest ("无划伤"): read as a size when it is one, else left alone.
    "requirement": ("技术要求", "考核要求", "requirement"),
    "spread": SPREAD_WORDS,
}
NO_HEADER = N_(
    "找不到表头：文件的前几行中应有“评分内容”（或“名称”）和“配分”（或“分值”）两列"
    "（“编号”“类型”“基本尺寸”“上偏差”“下偏差”“公差”可选）"
)
#: The words of a 类型 cell for each kind, compared without spaces, in lower case.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    rules.MEASUREMENT: ("测量", "测量项", "尺寸", "尺寸项", "客观", "客观评分", "measurement"),
    rules.JUDGEMENT: ("评价", "评价项", "主观", "主观评分", "judgement", "judgment"),
    rules.DEDUCTION: ("扣分", "扣分项", "安全文明生产", "安全文明", "deduction"),
}
#: What a section row ("一、尺寸精度（60分）") says about the kind of the items under it;
#: the first that its text contains decides.
SECTION_WORDS: tuple[tuple[str, str], ...] = (
    ("扣分", rules.DEDUCTION),
    ("安全文明", rules.DEDUCTION),
    ("评价", rules.JUDGEMENT),
    ("主观", rules.JUDGEMENT),
    ("尺寸", rules.MEASUREMENT),
    ("测量", rules.MEASUREMENT),
    ("客观", rules.MEASUREMENT),
)
CODE_PREFIX = {rules.MEASUREMENT: "M", rules.JUDGEMENT: "J", rules.DEDUCTION: "D"}
NO_LIMIT_WORDS = ("", "不限", "无", "无限制", "不设", "—", "-", "/")

# Signs typed for a minus and a range; full-width forms are NFKC's.
_SIGNS = str.maketrans({"−": "-", "–": "-", "—": "-", "～": "~", "〜": "~", "﹣": "-"})
_N = r"(?:\d+(?:\.\d+)?|\.\d+)"
_PLUS_MINUS = re.compile(rf"^±({_N})$")
_PAIR = re.compile(rf"^([+-]?{_N})(?:[/,、;~]([+-]?{_N})|([+-]{_N}))$")
_ONE = re.compile(rf"^([+-]{_N})$")
_SIZE_MARK = r"(?:[ΦφØø⌀∅]|SR|R)?"
_SIZE = re.compile(rf"^{_SIZE_MARK}({_N})(.*)$")
# A size written into an item's name, as on the drawing: 40±0.02, Φ40+0.02/-0.01, 深5-0.1.
_SIZE_IN_TEXT = re.compile(
    rf"(?<![\d.]){_SIZE_MARK}({_N})"
    rf"((?:[+-]{_N}|0)[/,、;~][+-]?{_N}|[+-]{_N}[+-]{_N}|±{_N}|[+-]{_N})(?![\d.])"
)
_NUMBER_IN_TEXT = re.compile(rf"(?<![\d.]){_N}(?![\d.])")
_UNIT_SUFFIX = re.compile(r"(?:分|mm|毫米)$", re.IGNORECASE)


# ---------------------------------------------------------------- reading sizes
def _clean(text: str) -> str:
    """A cell's text as compared: NFKC (full-width digits and signs), minus signs unified, no
    spaces, an ideographic full stop read as a decimal point."""
    return normalise.decimal_text(text).translate(_SIGNS)


def parse_deviation(text: str) -> tuple[Decimal, Decimal] | None:
    """(lower, upper) of a tolerance as a 公差 cell writes it: "±0.02", "+0.02/-0.01",
    "-0.01~+0.02", "+0.02-0.01", "0/-0.02", or one signed deviation ("+0.1": the other is 0).
    None when it is none of these (an unsigned "0.02" could be either side, and is not
    guessed)."""
    cleaned = _clean(text)
    found = _PLUS_MINUS.match(cleaned)
    if found:
        size = Decimal(found.group(1))
        return -size, size
    found = _PAIR.match(cleaned)
    if found:
        first, second = Decimal(found.group(1)), Decimal(found.group(2) or found.group(3))
        return min(first, second), max(first, second)
    found = _ONE.match(cleaned)
    if found:
        deviation = Decimal(found.group(1))
        return min(deviation, Decimal(0)), max(deviation, Decimal(0))
    return None


def parse_size(text: str) -> tuple[Decimal, Decimal | None, Decimal | None] | None:
    """(nominal, lower, upper) of a size as a cell writes it: "40", "Φ40", "40±0.02",
    "40+0.02/-0.01"; the deviations None when only the nominal size is given, and None for
    anything else."""
    found = _SIZE.match(_clean(text))
    if not found:
        return None
    nominal, rest = Decimal(found.group(1)), found.group(2)
    if not rest:
        return nominal, None, None
    deviation = parse_deviation(rest)
    if deviation is None:
        return None
    return nominal, *deviation


def size_in_text(text: str) -> tuple[Decimal, Decimal, Decimal] | None:
    """The size with its tolerance written into an item's name ("外径Φ40±0.02"), if any."""
    found = _SIZE_IN_TEXT.search(_clean(text))
    if not found:
        return None
    deviation = parse_deviation(found.group(2))
    if deviation is None:
        return None
    return Decimal(found.group(1)), *deviation


def number_in_text(text: str) -> Decimal | None:
    """The one number of an item's name ("孔深 20"), the nominal size of a measurement whose
    tolerance has a column of its own; None when there is none, or more than one."""
    found = _NUMBER_IN_TEXT.findall(_clean(text))
    return Decimal(found[0]) if len(found) == 1 else None


# ---------------------------------------------------------------- the preview
@dataclass(frozen=True)
class SchemeRow:
    """One item of the file as it would be stored, with what stops it."""

    line: int
    code: str
    kind: str
    name: str
    points: Decimal | None
    nominal: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    problems: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def spec(self) -> scheme_service.ItemSpec:
        assert self.points is not None, "only a row without problems becomes an item"
        return scheme_service.ItemSpec(
            code=self.code,
            kind=self.kind,
            name=self.name,
            points=self.points,
            nominal=self.nominal,
            lower=self.lower,
            upper=self.upper,
        )


@dataclass(frozen=True)
class SchemePreview:
    """The file read for one component: its rows, the spread it gives, and what the rules of
    a scheme say about the whole (shown once every row reads)."""

    component_key: str
    component_name: str
    max_score: Decimal
    rows: tuple[SchemeRow, ...]
    max_judgement_spread: int | None
    spread_from: str | None  # "form", "file" or None (no limit)
    spread_typed: str  # as typed on the upload form, sent again with the confirmation
    scheme_problems: tuple[str, ...] = ()
    spread_problems: tuple[Note, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[Note, ...] = ()
    replaces: int = 0  # the items of the scheme this one replaces

    @property
    def bad_rows(self) -> tuple[SchemeRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def can_store(self) -> bool:
        return (
            bool(self.rows)
            and not self.bad_rows
            and not self.scheme_problems
            and not self.spread_problems
        )

    @property
    def counted_points(self) -> Decimal:
        """The points of the measurement and judgement items: the component's maximum."""
        return sum(
            (r.points for r in self.rows if r.points is not None and r.kind in _COUNTED),
            Decimal(0),
        )

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)


_COUNTED = (rules.MEASUREMENT, rules.JUDGEMENT)


@dataclass
class _Draft(Draft):
    code: str = ""
    kind: str = ""
    name: str = ""
    points: Decimal | None = None
    nominal: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    sizes: list[str] = field(default_factory=list)  # the size cells as typed, for the name
    requirement: str = ""  # a 技术要求 cell, as typed

    def freeze(self) -> SchemeRow:
        return SchemeRow(
            line=self.line,
            code=self.code,
            kind=self.kind,
            name=self.name,
            points=self.points,
            nominal=self.nominal,
            lower=self.lower,
            upper=self.upper,
            problems=tuple(self.problems),
            notes=tuple(self.notes),
        )


def _component(event: Event, key: str) -> Component:
    component = event.component(key)
    if component is None:
        raise NotFound(N_("本赛项没有这个评分项"))
    return component


def _word(value: Value) -> str:
    return normalise.plain(tables.text(value)).replace(" ", "").lower()


def _number(value: Value, refusal: str, draft: _Draft) -> Decimal | None:
    """A number cell ("４", "4分", "－0.02"); None when blank, or (with a problem) unreadable."""
    shown = tables.text(value)
    if not shown:
        return None
    if isinstance(value, str):
        value = _UNIT_SUFFIX.sub("", _clean(value))
    number = tables.decimal(value)
    if number is None:
        draft.problems.append(note(refusal, text=shown))
    return number


def _kind_of(value: Value) -> str | None:
    word = _word(value)
    for kind, words in KIND_WORDS.items():
        if word in words:
            return kind
    return None


def _section_kind(text: str) -> str | None:
    return next((kind for word, kind in SECTION_WORDS if word in text), None)


def _spread_setting(cells: Sequence[Value]) -> str | None:
    """The value of a 允许评价分差 setting in a row ("允许评价分差：1", or the words and then the
    value in the next cell), or None when the row holds none (a header naming the column)."""
    for position, value in enumerate(cells):
        text = normalise.plain(tables.text(value)).replace(" ", "")
        word = next((w for w in SPREAD_WORDS if text.startswith(w)), None)
        if word is None:
            continue
        rest = re.sub(r"^[（(][^)）]*[)）]", "", text[len(word) :]).lstrip(":：为是")
        if rest:
            return rest
        following = [tables.text(v) for v in cells[position + 1 :] if tables.text(v)]
        if following and (
            _clean(following[0]) in NO_LIMIT_WORDS
            or tables.decimal(_UNIT_SUFFIX.sub("", _clean(following[0]))) is not None
        ):
            return following[0]
    return None


def _spread_value(text: str) -> tuple[int | None, Note | None]:
    """A spread as written ("1", "１分", "不限"): 0..3, None for no limit, or why not."""
    cleaned = _UNIT_SUFFIX.sub("", _clean(text))
    if cleaned in NO_LIMIT_WORDS:
        return None, None
    number = tables.decimal(cleaned)
    if number is None or number != number.to_integral_value() or not 0 <= number <= 3:
        return None, note(N_("允许评价分差“%(text)s”应为 0 到 3 的整数，或留空表示不限"), text=text)
    return int(number), None


def _subheader(table: tables.Table) -> tuple[dict[str, int], int]:
    """A header over two rows (尺寸要求 merged over 基本尺寸 | 上偏差 | 下偏差): the columns with
    those the second row names, and how many rows of the body it takes (0 or 1). A heading of
    the second row replaces the first row's over the same column (the group's name)."""
    columns = dict(table.columns)
    if not table.rows:
        return columns, 0
    _line, cells = table.rows[0]
    found: dict[str, int] = {}
    for position, value in enumerate(cells):
        key = tables.heading_key(value, HEADINGS)
        if key is not None:
            found.setdefault(key, position)
        elif tables.text(value) and tables.decimal(value) is not None:
            return columns, 0  # a number: an item, not a heading
    if len(found) < 2:
        return columns, 0
    for key, position in found.items():
        for other in [k for k, p in columns.items() if p == position and k != key]:
            del columns[other]
        columns[key] = position
    return columns, 1


def _file_spread(data: bytes, filename: str) -> list[str]:
    """Every 允许评价分差 setting of the workbook's visible sheets, the title rows above the
    table included (they are not among `tables.read`'s rows)."""
    try:
        sheets = read_sheets(data, filename)
    except SpreadsheetError:
        return []  # `tables.read` has refused the file already
    return [
        setting for rows in sheets for row in rows if (setting := _spread_setting(row)) is not None
    ]


def preview(
    event: Event, component_key: str, data: bytes, filename: str, spread_typed: str = ""
) -> SchemePreview:
    """Read the workbook as the scheme of `component_key`, check every line and then the whole
    scheme by its rules; nothing is stored. 409 once the component has a mark, as storing
    would answer: the organiser learns it before mending a file for nothing."""
    component = _component(event, component_key)
    if scheme_service.has_marks(component):
        raise Conflict(N_("该评分项已有评分，评分细则不能再修改"))
    table = tables.read(data, filename, HEADINGS, (("name",), ("points",)), NO_HEADER)
    columns, header_rows = _subheader(table)
    cell = _Cells(columns)
    drafts: list[_Draft] = []
    skipped = list(table.skipped)
    notes = list(table.notes)
    section: str | None = None
    spread_cells: list[str] = []
    for line, cells in table.rows[header_rows:]:
        if _spread_setting(cells) is not None:
            skipped.append(Skipped(line, " ".join(tables.text(v) for v in cells if v)[:100]))
            continue
        spread_cell = tables.text(cell(cells, "spread"))
        if spread_cell:
            spread_cells.append(spread_cell)
        texts = list(dict.fromkeys(tables.text(v) for v in cells if tables.text(v)))
        if texts == [spread_cell]:
            continue  # only the setting's column is filled
        if (
            len(texts) == 1
            and not tables.text(cell(cells, "points"))
            and tables.decimal(_clean(texts[0])) is None
        ):
            section = _section_kind(texts[0])  # a section row: 一、尺寸精度（60分）
            skipped.append(Skipped(line, texts[0][:100]))
            continue
        drafts.append(_read_row(line, cells, cell, section))
    if not drafts:
        raise Invalid(N_("文件里只有表头，没有评分点"), {"file": [N_("没有评分点")]})
    if "kind" not in columns:
        notes.append(
            note(
                N_(
                    "文件没有“类型”列：有尺寸和偏差的评分点当作测量项，"
                    "安全文明生产当作扣分项，其余当作评价项"
                )
            )
        )
    if "code" not in columns:
        notes.append(note(N_("文件没有“编号”列：评分点按类型编为 M1、J1、D1……")))
    _number_codes(drafts, "code" in columns)
    spread, spread_from, spread_problems = _spread(
        spread_typed, spread_cells, _file_spread(data, filename), notes
    )
    rows = tuple(d.freeze() for d in drafts)
    problems: tuple[str, ...] = ()
    if all(r.ok for r in rows):
        problems = tuple(
            rules.scheme_problems(
                [r.spec() for r in rows],
                component.max_score,
                spread if not spread_problems else None,
            )
        )
    scheme: MarkingScheme | None = scheme_service.get_scheme(component)
    return SchemePreview(
        component_key=component.key,
        component_name=component.name,
        max_score=component.max_score,
        rows=rows,
        max_judgement_spread=spread,
        spread_from=spread_from,
        spread_typed=spread_typed,
        scheme_problems=problems,
        spread_problems=tuple(spread_problems),
        skipped=tuple(sorted(skipped, key=lambda s: s.line)),
        notes=tuple(notes),
        replaces=len(scheme.items) if scheme is not None else 0,
    )


@dataclass(frozen=True)
class _Cells:
    columns: dict[str, int]

    def __call__(self, cells: Sequence[Value], key: str) -> Value:
        position = self.columns.get(key)
        return cells[position] if position is not None and position < len(cells) else None


def _read_row(line: int, cells: Sequence[Value], cell: _Cells, section: str | None) -> _Draft:
    draft = _Draft(line=line)
    draft.code = normalise.contest_number(tables.text(cell(cells, "code")))
    draft.name = normalise.plain(tables.text(cell(cells, "name")))
    draft.points = _number(cell(cells, "points"), N_("配分“%(text)s”不是数字"), draft)
    if draft.points is None and not draft.problems:
        draft.problems.append(note(N_("缺少配分")))
    _read_sizes(draft, cells, cell)
    kind_cell = cell(cells, "kind")
    if tables.text(kind_cell):
        kind = _kind_of(kind_cell)
        if kind is None:
            draft.problems.append(
                note(N_("类型“%(text)s”应为 测量、评价 或 扣分"), text=tables.text(kind_cell))
            )
            kind = rules.MEASUREMENT if draft.sizes else rules.JUDGEMENT
    else:
        kind = _guess_kind(draft, section)
    draft.kind = kind
    if kind == rules.MEASUREMENT:
        _measurement(draft)
    elif draft.sizes:
        draft.nominal = draft.lower = draft.upper = None
        draft.problems.append(note(N_("只有测量项有尺寸和偏差")))
    if not draft.name:
        if draft.requirement:
            draft.name = normalise.plain(draft.requirement)
        elif kind == rules.MEASUREMENT and draft.sizes:
            draft.name = " ".join(draft.sizes)
        else:
            draft.problems.append(note(N_("缺少评分内容")))
    return draft


def _read_sizes(draft: _Draft, cells: Sequence[Value], cell: _Cells) -> None:
    """The nominal size and its deviations from their cells, or from a 公差 cell
    ("40±0.02", "±0.02"), as far as the row gives them; what is missing is `_measurement`'s."""
    nominal_text = tables.text(cell(cells, "nominal"))
    tolerance_text = tables.text(cell(cells, "tolerance"))
    draft.sizes = [t for t in (nominal_text, tolerance_text) if t]
    if nominal_text:
        size = parse_size(nominal_text)
        if size is None:
            draft.problems.append(
                note(N_("基本尺寸“%(text)s”不是尺寸（如 40 或 40±0.02）"), text=nominal_text)
            )
        else:
            draft.nominal, draft.lower, draft.upper = size
    for key, refusal in (
        ("upper", N_("上偏差“%(text)s”不是数字")),
        ("lower", N_("下偏差“%(text)s”不是数字")),
    ):
        value = cell(cells, key)
        if tables.text(value):
            draft.sizes.append(tables.text(value))
            setattr(draft, key, _number(value, refusal, draft))
    draft.requirement = tables.text(cell(cells, "requirement"))
    if draft.requirement and not draft.sizes:
        size = parse_size(draft.requirement) or size_in_text(draft.requirement)
        if size is not None and size[1] is not None:
            draft.nominal, draft.lower, draft.upper = size
            draft.sizes.append(draft.requirement)
    if tolerance_text and draft.lower is None and draft.upper is None:
        size = parse_size(tolerance_text)
        deviation = parse_deviation(tolerance_text)
        if deviation is not None:
            draft.lower, draft.upper = deviation
        elif size is not None and size[1] is not None and draft.nominal in (None, size[0]):
            draft.nominal, draft.lower, draft.upper = size
        else:
            draft.problems.append(
                note(
                    N_("公差“%(text)s”看不懂：请写成 ±0.02、+0.02/-0.01 或 40±0.02"),
                    text=tolerance_text,
                )
            )


def _guess_kind(draft: _Draft, section: str | None) -> str:
    """The kind of a row whose 类型 is blank (or of a file without the column): a size makes it
    a measurement; else the section it is in, else its name (安全文明生产 is a deduction)."""
    if draft.sizes or (section in (None, rules.MEASUREMENT) and size_in_text(draft.name)):
        return rules.MEASUREMENT
    if section is not None:
        return section
    kind = _section_kind(draft.name)
    # "尺寸" in a name without any size is no measurement: nothing to measure it against.
    return rules.DEDUCTION if kind == rules.DEDUCTION else rules.JUDGEMENT


def _measurement(draft: _Draft) -> None:
    """A measurement's size complete: from the name when the row has no size cells
    ("40±0.02"), a blank deviation beside a written one read as 0."""
    if draft.nominal is None and draft.lower is None and draft.upper is None:
        found = size_in_text(draft.name)
        if found is not None:
            draft.nominal, draft.lower, draft.upper = found
            draft.notes.append(note(N_("尺寸和偏差取自评分内容")))
    if draft.nominal is None and (draft.lower is not None or draft.upper is not None):
        draft.nominal = number_in_text(draft.name)  # 孔深 20 with its tolerance beside it
        if draft.nominal is not None:
            draft.notes.append(note(N_("基本尺寸取自评分内容")))
    if draft.nominal is None:
        if not draft.problems:
            draft.problems.append(note(N_("测量项缺少基本尺寸")))
        return
    if draft.lower is None and draft.upper is None:
        if not draft.problems:
            draft.problems.append(
                note(N_("测量项缺少偏差：请填写上偏差和下偏差，或在公差中写 ±0.02"))
            )
        return
    for side, blank in (
        ("lower", N_("下偏差空白，按 0 计")),
        ("upper", N_("上偏差空白，按 0 计")),
    ):
        if getattr(draft, side) is None:
            setattr(draft, side, Decimal(0))
            draft.notes.append(note(blank))


def _number_codes(drafts: list[_Draft], has_column: bool) -> None:
    """Codes for the rows without one, by kind (M1, M2, …, J1, …, D1), past any code the file
    uses; then codes written twice are named on both rows."""
    used = {d.code for d in drafts if d.code}
    counters = dict.fromkeys(CODE_PREFIX, 0)
    for draft in drafts:
        if draft.code or draft.kind not in CODE_PREFIX:
            continue
        while True:
            counters[draft.kind] += 1
            candidate = f"{CODE_PREFIX[draft.kind]}{counters[draft.kind]}"
            if candidate not in used:
                break
        draft.code = candidate
        used.add(candidate)
        if has_column:
            draft.notes.append(note(N_("未写编号，编为 %(code)s"), code=candidate))
    tables.mark_duplicates(drafts, "code", N_("编号与第 %(lines)s 行重复"))


def _spread(
    typed: str,
    column: list[str],
    settings: list[str],
    notes: list[Note],
) -> tuple[int | None, str | None, list[Note]]:
    """The largest allowed spread of judgements: the form's, else the workbook's (one value,
    however often it is written), else None (no limit)."""
    if typed.strip():
        value, problem = _spread_value(typed)
        return value, "form", [problem] if problem else []
    written = list(dict.fromkeys([*column, *settings]))
    if not written:
        return None, None, []
    values: dict[int | None, str] = {}
    problems = []
    for text in written:
        value, problem = _spread_value(text)
        if problem is not None:
            problems.append(problem)
        else:
            values.setdefault(value, text)
    if len(values) > 1:
        problems.append(
            note(N_("文件中的允许评价分差不一致：%(values)s"), values="、".join(values.values()))
        )
    if problems:
        return None, "file", problems
    (value,) = values
    if value is None:
        notes.append(note(N_("文件中的允许评价分差为不限")))
    else:
        notes.append(note(N_("允许评价分差取自文件：%(spread)s"), spread=value))
    return value, "file", []


def store(event: Event, checked: SchemePreview, actor: User) -> MarkingScheme:
    """Set the component's scheme from a preview without a problem, through the one service
    every face uses (`set_scheme`: all rules again, 409 once marked); the caller commits."""
    if checked.bad_rows:
        raise tables.rows_refusal(checked.bad_rows)
    if not checked.can_store:
        problems = [*checked.scheme_problems, *(str(p) for p in checked.spread_problems)]
        raise Invalid("评分细则有误：" + "；".join(problems), {"items": problems})
    return scheme_service.set_scheme(
        event,
        checked.component_key,
        [row.spec() for row in checked.rows],
        checked.max_judgement_spread,
        actor,
    )


def template_header() -> list[str]:
    return ["编号", "类型", "评分内容", "配分", "基本尺寸", "上偏差", "下偏差"]


def template_rows() -> list[list[str]]:
    return [
        ["M1", "测量", "外径 Φ40", "20", "40", "0", "-0.025"],
        ["M2", "测量", "长度 60±0.05", "20", "60", "+0.05", "-0.05"],
        ["J1", "评价", "表面质量", "30", "", "", ""],
        ["J2", "评价", "工艺规范", "30", "", "", ""],
        ["D1", "扣分", "安全文明生产", "10", "", "", ""],
    ]
