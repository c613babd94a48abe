"""Reading and writing the spreadsheets organisers live in: Excel (.xlsx) and CSV.

Reading is defensive because the files come from anyone's desktop: the size is bounded before
anything is unpacked (an .xlsx is a zip, and a small zip can unpack into gigabytes), rows and
columns are capped, and CSV is read as Excel in China writes it (UTF-8 with or without a BOM,
or GBK/GB18030). Writing neutralises formula injection: a text cell that starts with = + - @
(or a tab or carriage return) is stored as text, never as a formula, so a contestant named
"=HYPERLINK(…)" cannot run anything on the organiser's machine.

Nothing here knows about Flask or the database; the import service and the exports use it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

Value = str | int | float | Decimal | bool | date | datetime | None

MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads GBK and GB2312 too


class SpreadsheetError(ValueError):
    """The file cannot be read as a table; the message says why, for a person (in Chinese)."""


@dataclass(frozen=True)
class Sheet:
    """A table to write: a title, a header row, data rows, optional column widths."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    widths: Sequence[int] = field(default_factory=tuple)


def read_table(data: bytes, filename: str, max_rows: int = MAX_ROWS) -> list[list[Value]]:
    """The first worksheet of an .xlsx, or a CSV file, as rows of cell values.

    Excel cells keep their types (a number typed into an identity-number column stays a
    number, so the caller can tell the person that Excel has already dropped its last digits);
    CSV cells are text. Trailing empty cells and rows are dropped. More than `max_rows` rows
    is refused rather than cut short.
    """
    name = filename.lower()
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        rows = _read_xlsx(data, max_rows)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _read_csv(data, max_rows)
    elif name.endswith(".xls") or name.endswith(".et") or name.endswith(".wps"):
        raise SpreadsheetError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传")
    else:
        raise SpreadsheetError("只能上传 Excel（.xlsx）或 CSV 文件")
    while rows and not any(_filled(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError("文件里没有数据")
    return rows


def _filled(value: Value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _trim(row: Iterable[Value]) -> list[Value]:
    cells = list(row)[:MAX_COLUMNS]
    while cells and not _filled(cells[-1]):
        cells.pop()
    return cells


def _read_xlsx(data: bytes, max_rows: int) -> list[list[Value]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise SpreadsheetError("文件不是有效的 Excel（.xlsx）文件") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError("Excel 文件解压后过大，请只保留报名表")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError("文件不是有效的 Excel（.xlsx）文件") from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SpreadsheetError("Excel 文件里没有工作表")
        rows: list[list[Value]] = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            if len(rows) > max_rows:
                raise SpreadsheetError(f"行数过多，一次最多导入 {max_rows} 行")
            rows.append(_trim(row))
        return rows
    finally:
        workbook.close()


def decode_text(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM) or GB18030/GBK, as Excel in China saves CSV."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("无法识别文件编码，请以 UTF-8 或 GBK 编码保存 CSV 文件")


def _read_csv(data: bytes, max_rows: int) -> list[list[Value]]:
    text = decode_text(data)
    if "\x00" in text:
        raise SpreadsheetError("文件不是文本格式的 CSV 文件")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Value]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            if len(rows) > max_rows:
                raise SpreadsheetError(f"行数过多，一次最多导入 {max_rows} 行")
            rows.append(_trim(row))
    except csv.Error as error:
        raise SpreadsheetError(f"CSV 文件格式有误：{error}") from error
    return rows


def formula_safe(value: str) -> bool:
    """True when the text would be taken for a formula by a spreadsheet program."""
    return value.startswith(FORMULA_STARTS)


def csv_cell(value: Value) -> str:
    """A value for a CSV file: text that looks like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and formula_safe(text) else text


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx workbook with one worksheet per `Sheet`; text is never a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title))
        for column_index, heading in enumerate(spec.header, 1):
            _write(sheet, 1, column_index, heading)
        for row_index, row in enumerate(spec.rows, 2):
            for column_index, value in enumerate(row, 1):
                _write(sheet, row_index, column_index, value)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(spec.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title).strip("'") or "Sheet"
    return cleaned[:31]


def _write(sheet: Any, row: int, column: int, value: Value) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        if formula_safe(value):
            # Stored as a string cell with Excel's "quote prefix", so it stays text even when
            # someone edits the cell later.
            cell.data_type = "s"
            cell.quotePrefix = True
    elif isinstance(value, Decimal):
        cell.value = value
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        cell.number_format = "0." + "0" * places if places else "0"
    else:
        cell.value = value
