"""Reading and writing the spreadsheets organisers live in: Excel (.xlsx) and CSV.

Reading is defensive because the files come from anyone's desktop: the size is bounded before
anything is unpacked (an .xlsx is a zip, and a small zip can unpack into gigabytes), rows and
columns are capped, and CSV is read as Excel in China writes it (UTF-8 with or without a BOM,
GBK/GB18030, or Excel's "Unicode text", UTF-16). A file that is something else (a picture
renamed .xlsx, an old .xls, an empty or damaged file, text in another encoding) is refused with
a reason a person can act on.

Writing neutralises formula injection, for every export in one place (`write_cell`,
`csv_cell`): a text cell that starts like a formula (= + - @, their full-width forms, or a tab,
carriage return or line feed, also after leading spaces) is stored as text, never as a formula,
so a contestant named "=HYPERLINK(…)" cannot run anything on the organiser's machine.

Nothing here knows about Flask or the database; the import service and the exports use it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.xml.functions import iterparse

Value = str | int | float | Decimal | bool | date | datetime | None

MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# What makes a spreadsheet program take text for a formula (or for the start of one, after a
# cell or line break); Excel in Chinese also reads the full-width signs typed with an IME.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
LEADING_SPACE = " \u3000\u00a0"
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads GBK and GB2312 too
EMPTY_FILE = "上传的文件是空的"
NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件"
DAMAGED_XLSX = "Excel 文件已损坏或不完整，请在 Excel 中重新保存后再上传"
NOT_A_WORKBOOK = "文件不是 Excel 工作簿（可能是 Word 文档等其他文件），请上传 .xlsx 格式的表格"
UNKNOWN_ENCODING = "无法识别文件编码，请以 UTF-8 或 GBK 编码保存 CSV 文件"
# The first bytes of files that are often picked by mistake, and what to tell the person.
SIGNATURES = (
    (b"\x89PNG", "文件内容是 PNG 图片，不是表格文件"),
    (b"\xff\xd8\xff", "文件内容是 JPEG 图片，不是表格文件"),
    (b"GIF8", "文件内容是 GIF 图片，不是表格文件"),
    (b"%PDF", "文件内容是 PDF 文档，不是表格文件"),
    (
        b"\xd0\xcf\x11\xe0",
        "文件是旧版 Excel（.xls）或设了打开密码的工作簿，请另存为不加密的 .xlsx 或 CSV 后再上传",
    ),
    (b"Rar!", "文件是 RAR 压缩包，不是表格文件"),
    (b"7z\xbc\xaf", "文件是 7z 压缩包，不是表格文件"),
)


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
    """The first visible worksheet of an .xlsx, or a CSV file, as rows of cell values.

    Excel cells keep their types (a number typed into an identity-number column stays a
    number, so the caller can tell the person that Excel has already dropped its last digits);
    CSV cells are text. Trailing empty cells and rows are dropped. More than `max_rows` rows
    is refused rather than cut short. See `read_sheets` for what else is read as shown.
    """
    return read_sheets(data, filename, max_rows)[0]


def read_sheets(data: bytes, filename: str, max_rows: int = MAX_ROWS) -> list[list[list[Value]]]:
    """Every visible worksheet of an .xlsx (a CSV file is one), each as `read_table` reads it.

    Read as a person sees the workbook, since that is what they checked before sending it: a
    hidden sheet (a lookup list, an old version) is left out; a cell merged down over several
    rows (a unit written once for its block in a summary sheet) gives its value to every row
    it covers, in its first column; a whole number shown with leading zeros by its number
    format ("000" shows 1 as 001: a contest number typed as a number) is read as that text.
    Sheets with no data are left out; a file with none at all is refused.
    """
    name = filename.lower()
    known = name.endswith((".xlsx", ".xlsm", ".csv", ".txt"))
    if known and not data.strip(b" \t\r\n\x00"):
        raise SpreadsheetError(EMPTY_FILE)
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        sheets = _read_xlsx(data, max_rows)
    elif name.endswith(".csv") or name.endswith(".txt"):
        sheets = [_read_csv(data, max_rows)]
    elif name.endswith(".xls") or name.endswith(".et") or name.endswith(".wps"):
        raise SpreadsheetError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传")
    else:
        raise SpreadsheetError("只能上传 Excel（.xlsx）或 CSV 文件")
    for rows in sheets:
        while rows and not any(_filled(v) for v in rows[-1]):
            rows.pop()
    sheets = [rows for rows in sheets if rows]
    if not sheets:
        raise SpreadsheetError("文件里没有数据")
    return sheets


def _filled(value: Value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _trim(row: Iterable[Value]) -> list[Value]:
    cells = list(row)[:MAX_COLUMNS]
    while cells and not _filled(cells[-1]):
        cells.pop()
    return cells


def other_kind_of_file(data: bytes) -> str | None:
    """Why `data` is recognisably not a spreadsheet (a picture, a PDF, an old .xls), or None."""
    for signature, message in SIGNATURES:
        if data.startswith(signature):
            return message
    return None


def xlsx_problem(
    data: bytes, max_unpacked: int = MAX_UNPACKED_BYTES, too_big: str | None = None
) -> str | None:
    """Why `data` cannot be an .xlsx workbook, checked without unpacking it, or None.

    Shared by every .xlsx upload: empty, another kind of file, a damaged zip, a zip that holds
    no workbook (a .docx), or one that would unpack into more than `max_unpacked` bytes (a zip
    bomb; `too_big` is the message for that)."""
    if not data:
        return EMPTY_FILE
    other = other_kind_of_file(data)
    if other:
        return other
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return DAMAGED_XLSX if data.startswith(b"PK") else NOT_XLSX
    if unpacked > max_unpacked:
        return too_big or "Excel 文件解压后过大，请只保留报名表"
    if "xl/workbook.xml" not in names:
        return NOT_A_WORKBOOK
    return None


def _read_xlsx(data: bytes, max_rows: int) -> list[list[list[Value]]]:
    problem = xlsx_problem(data)
    if problem:
        raise SpreadsheetError(problem)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(DAMAGED_XLSX) from error
    try:
        visible = [
            s for s in workbook.worksheets if getattr(s, "sheet_state", "visible") == "visible"
        ]
        if not visible:
            raise SpreadsheetError("Excel 文件里没有工作表")
        sheets: list[list[list[Value]]] = []
        for sheet in visible:
            rows: list[list[Value]] = []
            for row in sheet.iter_rows(max_col=MAX_COLUMNS):
                if len(rows) > max_rows:
                    raise SpreadsheetError(f"行数过多，一次最多导入 {max_rows} 行")
                rows.append(_trim(_shown(cell) for cell in row))
            _fill_merged_down(rows, _merged_ranges(workbook, sheet))
            sheets.append(rows)
        return sheets
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged sheet inside a readable workbook
        raise SpreadsheetError(DAMAGED_XLSX) from error
    finally:
        workbook.close()


_ZEROS_FORMAT = re.compile(r"0{2,32}")


def _shown(cell: Any) -> Value:
    """The cell's value; a whole number whose format pads it with zeros, as the padded text."""
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        fmt = getattr(cell, "number_format", "") or ""
        if _ZEROS_FORMAT.fullmatch(fmt) and float(value).is_integer() and value >= 0:
            text = str(int(value))
            if len(text) < len(fmt):
                return text.zfill(len(fmt))
    return value


def _merged_ranges(workbook: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only sheet (min_row, min_col, max_row, max_col), 1-based.

    A read-only worksheet does not read them, and a full one would hold the whole workbook in
    memory; the `mergeCell` elements are read from the sheet's XML as a stream instead."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if not path or archive is None:
        return []
    ranges: list[tuple[int, int, int, int]] = []
    with archive.open(path) as stream:
        for _event, element in iterparse(stream):
            if element.tag.endswith("}mergeCell") or element.tag == "mergeCell":
                ref = element.get("ref", "")
                if ":" in ref:
                    try:
                        min_col, min_row, max_col, max_row = range_boundaries(ref)
                    except ValueError:
                        continue
                    if None not in (min_col, min_row, max_col, max_row):
                        ranges.append((min_row, min_col, max_row, max_col))  # type: ignore[arg-type]
            if element.tag.endswith("}row") or element.tag.endswith("}c"):
                element.clear()  # keep memory flat through sheetData
    return ranges


def _fill_merged_down(rows: list[list[Value]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Copy the value of each range merged over several rows into its first column's cells
    (of the rows that have something else in them)."""
    for min_row, min_col, max_row, _max_col in ranges:
        if max_row <= min_row or min_col > MAX_COLUMNS or min_row > len(rows):
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        if not _filled(value):
            continue
        for index in range(min_row, min(max_row, len(rows))):
            row = rows[index]
            if not any(_filled(v) for v in row):
                continue  # an empty row the merge runs over is no row of the block
            while len(row) < min_col:
                row.append(None)
            if not _filled(row[min_col - 1]):
                row[min_col - 1] = value


def _implausible(text: str) -> bool:
    """Text decoded with the wrong encoding: GB18030 reads almost any bytes, Big5 or Latin-1
    among them, but what it makes of them is full of private-use characters."""
    return any("\ue000" <= ch <= "\uf8ff" for ch in text)


def decode_text(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 with its BOM (Excel's
    "Unicode text"), as Excel in China saves CSV; anything else is refused, not misread."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise SpreadsheetError(UNKNOWN_ENCODING) from error
        if "\x00" in text or _implausible(text):
            raise SpreadsheetError(UNKNOWN_ENCODING)
        return text
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _implausible(text):
            return text
    raise SpreadsheetError(UNKNOWN_ENCODING)


def _read_csv(data: bytes, max_rows: int) -> list[list[Value]]:
    other = other_kind_of_file(data)
    if other:
        raise SpreadsheetError(other)
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            "文件是 Excel（.xlsx）或其他压缩文件，不是 CSV；Excel 文件请以 .xlsx 上传"
        )
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


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet program could take the text for a formula: it starts with one of
    FORMULA_STARTS, also after leading spaces (some programs trim them when reading CSV)."""
    return text.startswith(FORMULA_STARTS) or text.lstrip(LEADING_SPACE).startswith(FORMULA_STARTS)


def csv_cell(value: Value) -> str:
    """A value for a CSV file: text that looks like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and looks_like_formula(text) else text


def write_cell(sheet: Any, row: int, column: int, value: Any) -> Cell:
    """Write one cell of an export: text is always a string cell, never a formula.

    openpyxl turns any string starting with "=" into a formula, and spreadsheet programs take
    text starting like one for a formula when it is edited or saved again as CSV. Text is
    therefore typed as a string explicitly and, when it looks like a formula, carries Excel's
    quote prefix (the stored form of a leading apostrophe): shown as typed, and it stays text.
    Decimals keep their places as the number format. Every export writes through here."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        # Control characters cannot be stored in a worksheet (openpyxl refuses them): a name
        # sent with one is written with a visible replacement instead of failing the export.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    elif isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        cell.number_format = "0." + "0" * places if places else "0"
    return cell


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx workbook with one worksheet per `Sheet`; text is never a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title))
        for column_index, heading in enumerate(spec.header, 1):
            write_cell(sheet, 1, column_index, heading)
        for row_index, row in enumerate(spec.rows, 2):
            for column_index, value in enumerate(row, 1):
                write_cell(sheet, row_index, column_index, value)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(spec.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    title = ILLEGAL_CHARACTERS_RE.sub("_", title)
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title).strip("'") or "Sheet"
    return cleaned[:31]
