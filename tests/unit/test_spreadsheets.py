"""Reading what organisers upload and writing what they download, safely."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from competition.core.spreadsheets import (
    Sheet,
    SpreadsheetError,
    csv_cell,
    read_table,
    write_xlsx,
)
from competition.models import access_codes


def _xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_keep_their_types_and_trailing_blanks_go():
    data = _xlsx([["姓名", "身份证号", None], ["张三", 110105194912310020, None], [None, None]])
    rows = read_table(data, "a.XLSX")
    assert rows[0] == ["姓名", "身份证号"] and rows[1][0] == "张三" and len(rows) == 2
    # Excel keeps numbers as binary floats: the identity number's last digits are gone, and the
    # reader says it was a number so the import can tell the organiser.
    assert isinstance(rows[1][1], float) and rows[1][1] != 110105194912310020


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_as_excel_in_china_writes_it(encoding):
    text = "姓名,单位\r\n张三,精工数控\r\n"
    assert read_table(text.encode(encoding), "x.csv") == [["姓名", "单位"], ["张三", "精工数控"]]


def test_tab_separated_text_is_read_too():
    assert read_table("姓名\t单位\n李四\t甲\n".encode(), "x.txt") == [
        ["姓名", "单位"],
        ["李四", "甲"],
    ]


def test_too_many_rows_are_refused_not_cut():
    data = ("姓名\n" + "张三\n" * 11).encode()
    with pytest.raises(SpreadsheetError, match="最多导入 10 行"):
        read_table(data, "x.csv", max_rows=10)
    with pytest.raises(SpreadsheetError, match="最多导入 10 行"):
        read_table(_xlsx([["姓名"]] + [["张三"]] * 11), "x.xlsx", max_rows=10)


def test_a_zip_that_unpacks_huge_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(SpreadsheetError, match="解压后过大"):
        read_table(buffer.getvalue(), "bomb.xlsx")


def test_text_that_looks_like_a_formula_is_written_as_text():
    hostile = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "普通"]
    data = write_xlsx(
        [
            Sheet(
                "名单[1]",
                ["=header", "分数", "日期"],
                [[h, Decimal("83.50"), date(2026, 1, 2)] for h in hostile],
            )
        ]
    )
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "名单_1_"
    assert sheet["A1"].value == "=header" and sheet["A1"].data_type == "s"
    for row, text in enumerate(hostile, 2):
        cell = sheet.cell(row=row, column=1)
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix == (text != "普通")
    assert sheet["B2"].value == 83.5 and sheet["B2"].number_format == "0.00"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    assert csv_cell("=1+1") == "'=1+1" and csv_cell(5) == "5" and csv_cell(None) == ""


def test_access_codes_read_well_and_compare_loosely_typed():
    code = access_codes.new_access_code()
    assert len(code) == 8 and set(code) <= set(access_codes.ALPHABET)
    assert not set("01IOL") & set(access_codes.ALPHABET)
    shown = access_codes.display(code)
    assert shown[4] == "-"
    assert access_codes.matches(code, f" {shown.lower()} ")
    assert not access_codes.matches(code, code[:-1])
    assert len({access_codes.new_access_code() for _ in range(1000)}) == 1000
