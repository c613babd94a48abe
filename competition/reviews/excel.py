"""Excel in and out for a craftsman class: trainees imported from .xlsx, results exported to it.

Import is all or nothing: every row is checked first and the report lists every bad row and
why; only a file without a single problem is stored, so an organiser never has to work out
which half of a file went in. Export writes every text cell as an explicit string, so a name
like ``=HYPERLINK(...)`` is shown as typed and never run as a formula (spreadsheet formula
injection).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from competition.core import audit
from competition.core.downloads import XLSX
from competition.core.errors import AppError, Conflict, Invalid
from competition.core.spreadsheets import write_cell, xlsx_problem
from competition.extensions import db
from competition.models import Cohort, Role, Trainee, User
from competition.reviews import services as craftsman_service
from competition.scoring.values import plain

#: An upload larger than this is refused before it is opened.
MAX_IMPORT_BYTES = 1024 * 1024
#: What the .xlsx (a zip) may expand to: a small file that inflates to gigabytes is a bomb.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
#: Trainee rows in one file; a class has dozens, so thousands are a wrong file.
MAX_IMPORT_ROWS = 1000

XLSX_MIME = XLSX

#: Column headings the import understands (the first non-empty row of the first sheet).
HEADINGS = {
    "name": ("姓名", "学员姓名"),
    "unit": ("工作单位", "单位", "所在单位"),
    "title": ("荣誉称号", "荣誉", "称号", "荣誉/称号"),
    "username": ("登录名", "用户名", "账号"),
}
REQUIRED_COLUMNS = ("name", "unit")
LIMITS = {"name": 100, "unit": 200, "title": 200, "username": 64}
COLUMN_NAMES = {"name": "姓名", "unit": "工作单位", "title": "荣誉称号", "username": "登录名"}


class FileTooLarge(AppError):
    status = 413


# ---------------------------------------------------------------- import
@dataclass(frozen=True)
class ImportRow:
    """One good row of the file (`row` is the spreadsheet's row number)."""

    row: int
    name: str
    unit: str
    title: str
    username: str
    user_id: int | None


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str | None
    message: str


@dataclass(frozen=True)
class ImportPreview:
    """What an import would store, and every problem that stops it."""

    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.rows)


def _bad_file(message: str) -> Invalid:
    return Invalid(message, {"file": [message]})


def _cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious '.0', dates as ISO dates, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The first sheet's non-blank rows as (row number, values), after the checks that keep a
    bad upload from costing memory: size, a real zip, its unpacked size, a workbook inside."""
    if len(data) > MAX_IMPORT_BYTES:
        raise FileTooLarge(f"文件过大：最大 {MAX_IMPORT_BYTES // 1024} KB", {"file": ["文件过大"]})
    problem = xlsx_problem(data, MAX_UNPACKED_BYTES, "文件解压后过大，请只保留学员名单")
    if problem:
        raise _bad_file(problem)
    rows: list[tuple[Any, ...]] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it ignores (data validation, other
            # programs' styles); they do not matter for reading a list of names.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not book.worksheets:
                    raise _bad_file("工作簿中没有工作表")
                for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
                    if not any(_cell_text(v) for v in values):
                        continue
                    if len(rows) > MAX_IMPORT_ROWS:  # the heading plus MAX_IMPORT_ROWS trainees
                        raise _bad_file(f"一次最多导入 {MAX_IMPORT_ROWS} 名学员")
                    rows.append((number, *values))
            finally:
                book.close()
    except AppError:
        raise
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
    ) as error:
        raise _bad_file("无法读取该 Excel 文件，文件可能已损坏") from error
    return rows


def _columns(heading: tuple[Any, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(heading):
        text = _cell_text(cell).replace(" ", "").replace("\u3000", "")
        for field, names in HEADINGS.items():
            if text in names and field not in found:
                found[field] = index
    missing = [COLUMN_NAMES[f] for f in REQUIRED_COLUMNS if f not in found]
    if missing:
        raise _bad_file(
            "第一行应为列标题，缺少：" + "、".join(missing) + "（可选列：荣誉称号、登录名）"
        )
    return found


def read_trainee_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's trainee rows as (spreadsheet row number, {field: text}); blank rows skipped.

    Raises `Invalid` (field `file`) for a file that is not a readable workbook or has no
    heading row, and `FileTooLarge` for one over the size limit.
    """
    rows = _sheet_rows(data)
    if not rows:
        raise _bad_file("文件中没有内容：第一行应为列标题（姓名、工作单位、荣誉称号、登录名）")
    columns = _columns(rows[0][1:])
    return [
        (
            number,
            {
                field: _cell_text(values[index]) if index < len(values) else ""
                for field, index in columns.items()
            },
        )
        for number, *values in rows[1:]
    ]


def preview_import(cohort: Cohort, data: bytes) -> ImportPreview:
    """Check every row of an import against the same rules as enrolling one trainee, and
    against the other rows: nothing is stored."""
    existing = {(t.name, t.unit) for t in craftsman_service.trainees(cohort)}
    linked = {t.user_id for t in craftsman_service.trainees(cohort) if t.user_id is not None}
    seen: dict[tuple[str, str], int] = {}
    seen_logins: dict[str, int] = {}
    good: list[ImportRow] = []
    problems: list[RowProblem] = []
    for number, row in read_trainee_rows(data):
        row_problems: list[RowProblem] = []
        for field, limit in LIMITS.items():
            value = row.get(field, "")
            if field in REQUIRED_COLUMNS and not value:
                row_problems.append(RowProblem(number, field, f"{COLUMN_NAMES[field]}不能为空"))
            elif len(value) > limit:
                row_problems.append(
                    RowProblem(number, field, f"{COLUMN_NAMES[field]}最长 {limit} 个字符")
                )
        name, unit = row.get("name", ""), row.get("unit", "")
        if name and unit:
            key = (name, unit)
            if key in existing:
                row_problems.append(RowProblem(number, "name", f"本班已有{unit}的学员{name}"))
            elif key in seen:
                row_problems.append(RowProblem(number, "name", f"与第 {seen[key]} 行重复"))
            else:
                seen[key] = number
        username = row.get("username", "")
        user_id: int | None = None
        if username:
            user = db.session.scalar(select(User).where(User.username == username))
            if user is None:
                row_problems.append(
                    RowProblem(number, "username", f"没有登录名为“{username}”的用户")
                )
            elif user.role != Role.TRAINEE:
                row_problems.append(
                    RowProblem(number, "username", f"“{username}”不是学员角色的登录")
                )
            elif user.id in linked:
                row_problems.append(
                    RowProblem(number, "username", f"“{username}”已关联本班另一名学员")
                )
            elif username in seen_logins:
                row_problems.append(
                    RowProblem(number, "username", f"登录名与第 {seen_logins[username]} 行重复")
                )
            else:
                seen_logins[username] = number
                user_id = user.id
        if row_problems:
            problems.extend(row_problems)
        else:
            good.append(ImportRow(number, name, unit, row.get("title", ""), username, user_id))
    if not good and not problems:
        problems.append(RowProblem(0, None, "文件中只有列标题，没有学员"))
    return ImportPreview(rows=tuple(good), problems=tuple(problems))


def problem_fields(preview: ImportPreview) -> dict[str, list[str]]:
    """The report as the error shape's fields: `rows.7.name`: [...]."""
    fields: dict[str, list[str]] = {}
    for problem in preview.problems:
        name = f"rows.{problem.row}" + (f".{problem.field}" if problem.field else "")
        fields.setdefault(name, []).append(problem.message)
    return fields


def import_trainees(cohort: Cohort, data: bytes, actor: User) -> list[Trainee]:
    """Enrol every trainee of the file, or none: any bad row refuses the whole file (422 with
    every problem); a signed cohort takes no one (409)."""
    preview = preview_import(cohort, data)
    if preview.problems:
        raise Invalid(
            f"导入文件有 {len(preview.problems)} 处错误，未导入任何学员",
            problem_fields(preview),
        )
    cohort = craftsman_service.lock_cohort(cohort)
    if cohort.locked:
        raise Conflict("评审结果已由专家组组长签署并锁定，不能再增加学员")
    created = [
        Trainee(
            cohort_id=cohort.id,
            name=row.name,
            unit=row.unit,
            title=row.title,
            user_id=row.user_id,
        )
        for row in preview.rows
    ]
    db.session.add_all(created)
    audit.record("cohort.import", actor, details={"cohort_id": cohort.id, "trainees": len(created)})
    db.session.flush()
    return created


# ---------------------------------------------------------------- export
def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a cell; text is always a string cell, never a formula (the one writer of every
    export, `competition.core.spreadsheets.write_cell`, neutralises formula injection)."""
    return write_cell(sheet, row, column, value)


def _score_cell(sheet: Worksheet, row: int, column: int, value: Decimal | None) -> None:
    cell = _put(sheet, row, column, value)
    cell.number_format = "0.00"


def export_results(cohort: Cohort) -> bytes:
    """The cohort's results as .xlsx: the ranking (rank, name, unit, honours, score, band,
    recommendation, number of reviews; unreviewed trainees last, without a rank) and, on a
    second sheet, every expert's review with both comments."""
    results = craftsman_service.cohort_results(cohort)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "评审结果"
    bold = Font(bold=True)
    _put(sheet, 1, 1, cohort.name).font = Font(bold=True, size=14)
    status = (
        f"已由专家组组长{cohort.signed_by.display_name or cohort.signed_by.username}"
        f"于 {cohort.signed_at:%Y-%m-%d %H:%M} (UTC) 签署"
        if cohort.signed_at is not None and cohort.signed_by is not None
        else "尚未签署，结果为暂定"
    )
    _put(sheet, 2, 1, status)
    headings = ("名次", "姓名", "工作单位", "荣誉称号", "得分", "等次", "推荐聘任", "评审人数")
    for column, heading in enumerate(headings, 1):
        _put(sheet, 4, column, heading).font = bold
    row = 5
    for entry in results.ranking.ranked:
        trainee = results.trainees[entry.trainee_id]
        _put(sheet, row, 1, entry.rank)
        _put(sheet, row, 2, trainee.name)
        _put(sheet, row, 3, trainee.unit)
        _put(sheet, row, 4, trainee.title)
        _score_cell(sheet, row, 5, entry.score)
        _put(sheet, row, 6, results.label(entry.band))
        _put(sheet, row, 7, "是" if entry.recommended else "否")
        _put(sheet, row, 8, entry.reviews)
        row += 1
    for trainee_id in results.ranking.unreviewed:
        trainee = results.trainees[trainee_id]
        _put(sheet, row, 2, trainee.name)
        _put(sheet, row, 3, trainee.unit)
        _put(sheet, row, 4, trainee.title)
        _put(sheet, row, 6, "未评审")
        _put(sheet, row, 8, 0)
        row += 1
    for column, width in zip("ABCDEFGH", (6, 10, 34, 26, 8, 8, 9, 9), strict=True):
        sheet.column_dimensions[column].width = width

    details = book.create_sheet("专家评审明细")
    rubric = craftsman_service.rubric_of(cohort)
    item_headings = tuple(f"{i.name}（{plain(i.weight)}%）" for i in rubric.items) if rubric else ()
    headings = ("学员", "工作单位", "评审专家", *item_headings, "得分", "不足之处", "改进建议")
    for column, heading in enumerate(headings, 1):
        _put(details, 1, column, heading).font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 2
    order = [e.trainee_id for e in results.ranking.ranked]
    for trainee_id in order:
        trainee = results.trainees[trainee_id]
        for review in results.reviews[trainee_id]:
            values: list[Any] = [
                trainee.name,
                trainee.unit,
                review.expert.display_name or review.expert.username,
            ]
            column = 1
            for value in values:
                _put(details, row, column, value)
                column += 1
            if rubric is not None:
                for item in rubric.items:
                    stored = (review.item_scores or {}).get(item.key)
                    _score_cell(details, row, column, Decimal(stored) if stored else None)
                    column += 1
            _score_cell(details, row, column, review.score)
            _put(details, row, column + 1, review.shortcomings).alignment = wrap
            _put(details, row, column + 2, review.suggestions).alignment = wrap
            row += 1
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
