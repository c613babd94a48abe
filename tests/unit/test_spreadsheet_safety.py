"""The one place exports neutralise formula injection, and what uploads that are not what they
claim to be are told (competition.core.spreadsheets)."""

from __future__ import annotations

import io
import struct
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from competition.core.spreadsheets import (
    Sheet,
    SpreadsheetError,
    csv_cell,
    looks_like_formula,
    read_table,
    write_cell,
    write_xlsx,
    xlsx_problem,
)
from competition.reviews import excel as craftsman_excel

# Everything a spreadsheet program may take for a formula, or the start of one.
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil.example","点我")',
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(1)",
]
HARMLESS = ["张三", "1+1", "a=b", "数控-铣工", "", "Ann"]


def workbook_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_could_be_a_formula_is_recognised(text):
    assert looks_like_formula(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text):
    assert not looks_like_formula(text)
    assert csv_cell(text) == text


def test_every_hostile_text_is_written_as_text_never_as_a_formula():
    texts = HOSTILE + [text for text in HARMLESS if text]
    data = write_xlsx([Sheet("名单", ["姓名"], [[text] for text in texts])])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    for row, text in enumerate(texts, 2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s", repr(text)
        assert bool(cell.quotePrefix) == (text in HOSTILE), repr(text)


def test_control_characters_do_not_break_an_export():
    """openpyxl refuses them; a name sent with one is written with a visible replacement."""
    book = Workbook()
    sheet = book.active
    cell = write_cell(sheet, 1, 1, "张\x01三")
    assert cell.value == "张\ufffd三"
    assert write_cell(sheet, 1, 2, "=\x07x").quotePrefix
    data = write_xlsx([Sheet("单位\x02名", ["姓名"], [["李\x0b四"], [Decimal("83.50")]])])
    loaded = load_workbook(io.BytesIO(data)).worksheets[0]
    assert loaded.title == "单位_名"
    assert loaded["A2"].value == "李\ufffd四" and loaded["A3"].number_format == "0.00"


def test_the_craftsman_export_writes_through_the_same_function():
    assert craftsman_excel.write_cell is write_cell
    assert not hasattr(craftsman_excel, "FORMULA_STARTS")


# ---------------------------------------------------------------- files that are not what they say
PNG = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\x00" * 40


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"", "名单.xlsx", "上传的文件是空的"),
        (b"", "名单.csv", "上传的文件是空的"),
        (b"\r\n \r\n", "名单.csv", "上传的文件是空的"),
        (PNG, "名单.xlsx", "PNG 图片"),
        (PNG, "名单.csv", "PNG 图片"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "名单.xlsx", "JPEG 图片"),
        (b"%PDF-1.7\n", "名单.xlsx", "PDF 文档"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "名单.xlsx", "旧版 Excel"),
        (workbook_bytes([["姓名"]])[:300], "名单.xlsx", "已损坏或不完整"),
        (_docx(), "名单.xlsx", "不是 Excel 工作簿"),
        (workbook_bytes([["姓名", "单位"]]), "名单.csv", "不是 CSV"),
        ("姓名,單位\r\n張三,甲\r\n".encode("big5"), "名单.csv", "无法识别文件编码"),
        ("Name,Unit\r\nJosé,Café\r\n".encode("latin-1"), "名单.csv", "无法识别文件编码"),
    ],
)
def test_a_wrong_or_broken_file_is_refused_with_a_reason(data, filename, reason):
    with pytest.raises(SpreadsheetError, match=reason):
        read_table(data, filename)


def test_excels_unicode_text_is_read():
    """Excel's "Unicode text" (UTF-16 with a BOM, tab-separated) is a CSV Excel writes too."""
    data = "姓名\t单位\r\n张三\t精工数控\r\n".encode("utf-16")
    assert read_table(data, "名单.txt") == [["姓名", "单位"], ["张三", "精工数控"]]


def test_the_xlsx_checks_come_before_anything_is_unpacked():
    assert xlsx_problem(workbook_bytes([["姓名"]])) is None
    assert xlsx_problem(b"") == "上传的文件是空的"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024 * 1024))
    assert xlsx_problem(bomb.getvalue(), max_unpacked=1024 * 1024, too_big="太大") == "太大"
