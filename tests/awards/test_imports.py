"""Stations from a workbook: a messy office file (a title row, full-width digits, padded
names, a footer) is read as typed; every bad row is listed; nothing is stored until the file
is clean, and then every row is."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from tests.awards.helpers import setup_programme

HEADER = [
    "序号",
    "基层工会",
    "站点名称",
    "地址",
    "所在区",
    "联系人",
    "联系电话",
    "开放时间",
    "申报等级",
    "有场地",
    "有标识",
    "有设施",
    "有宣传",
    "有服务",
    "有制度",
    "有成效",
]
EVIDENCE = ["临街门面", "统一标识", "饮水、微波炉", "二维码", "服务台账", "专人负责", "满意度高"]


def _workbook(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _send(api, programme_id: int, data: bytes, dry_run: bool, status: int) -> Any:
    query = "?dry_run=1" if dry_run else ""
    return api.call(
        "POST",
        f"/award-programmes/{programme_id}/stations/import{query}",
        status=status,
        data={"file": (io.BytesIO(data), "站点.xlsx")},
        content_type="multipart/form-data",
    ).get_json()


def test_a_messy_file_is_read_as_typed_and_stored_whole(app, client) -> None:
    p = setup_programme(app, client)
    data = _workbook(
        ["2021年度最美工会户外劳动者服务站点推荐汇总表"],
        ["填报日期：2021年6月1日"],
        HEADER,
        [
            1,
            " 东城区环卫中心工会 ",
            "建国门 环卫驿站",
            "建国门内大街１８号",
            "东城 区",
            "李  红",
            "１３８００００００００",
            "24小时",
            "全国",
            *EVIDENCE,
        ],
        [
            2,
            "朝阳区快递行业工会",
            "望京快递小哥之家",
            "望京街 9 号",
            "朝阳区",
            "王伟",
            "13900000000",
            "8:00-20:00",
            "beijing",
            *EVIDENCE[:3],
            "",
            "",
            "",
            "",
        ],
        ["合计 2 个站点"],
    )
    preview = _send(p.org, p.id, data, True, 200)
    assert preview["valid"] is True
    assert [
        (r["line"], r["unit"], r["name"], r["district"], r["level"]) for r in preview["rows"]
    ] == [
        (4, "东城区环卫中心工会", "建国门 环卫驿站", "东城区", "national"),
        (5, "朝阳区快递行业工会", "望京快递小哥之家", "朝阳区", "beijing"),
    ]
    assert p.org.get(f"/award-programmes/{p.id}/stations")["stations"] == []  # nothing yet
    done = _send(p.org, p.id, data, False, 201)
    assert done["created"] == 2
    first = p.org.get(f"/stations/{done['stations'][0]['id']}")
    assert (first["address"], first["contact_name"], first["contact_phone"]) == (
        "建国门内大街18号",
        "李红",
        "13800000000",
    )
    assert first["missing"] == []
    second = p.org.get(f"/stations/{done['stations'][1]['id']}")
    assert second["missing"] == ["publicity", "service", "rules", "results"]
    # the same file again: each row names the station already nominated, nothing stored
    again = _send(p.org, p.id, data, False, 422)
    assert len(again["error"]["fields"]["rows"]) == 2
    assert len(p.org.get(f"/award-programmes/{p.id}/stations")["stations"]) == 2


def test_every_bad_row_is_listed_and_nothing_is_stored(app, client) -> None:
    p = setup_programme(app, client)
    data = _workbook(
        HEADER,
        [1, "东城区环卫中心工会", "甲驿站", "地址一", "东城区", "", "", "", "全国", *EVIDENCE],
        [2, "不存在的工会", "乙驿站", "地址二", "东城区", "", "", "", "全国", *EVIDENCE],
        [3, "东城区环卫中心工会", "丙驿站", "", "东城区", "", "", "", "省级", *EVIDENCE],
        [4, "东城区环卫中心工会", "甲驿站", "地址四", "东城区", "", "", "", "全国", *EVIDENCE],
    )
    preview = _send(p.org, p.id, data, True, 200)
    assert preview["valid"] is False
    problems = {r["line"]: r["problems"] for r in preview["rows"]}
    assert problems[2] == ["与第 5 行是同一站点"]
    assert problems[3] == ["没有登记基层工会“不存在的工会”"]
    assert problems[4] == [
        "缺少地址",
        "没有等级“省级”，应为 全国最美工会户外劳动者服务站点、"
        "北京市最美工会户外劳动者服务站点 之一",
    ]
    refused = _send(p.org, p.id, data, False, 422)
    assert refused["error"]["message"] == "还有 4 行有误，请改正后重新上传"
    assert p.org.get(f"/award-programmes/{p.id}/stations")["stations"] == []


def test_a_missing_column_is_named(app, client) -> None:
    p = setup_programme(app, client)
    no_address = [h for h in HEADER if h != "地址"]
    refused = _send(p.org, p.id, _workbook(no_address, ["1"] * len(no_address)), True, 422)
    assert "地址" in refused["error"]["message"]
    assert "站点名称" in refused["error"]["fields"]["file"][0]
    # a missing criterion column is not fatal: the preview says which to add on the page
    few = HEADER[:10]
    row = [1, "东城区环卫中心工会", "甲驿站", "地址一", "东城区", "", "", "", "全国", "临街"]
    preview = _send(p.org, p.id, _workbook(few, row), True, 200)
    assert preview["valid"] is True
    assert "有标识、有设施、有宣传、有服务、有制度、有成效" in preview["notes"][0]


def test_a_union_imports_for_its_own_unit_only(app, client) -> None:
    p = setup_programme(app, client)
    own = HEADER[2:]
    data = _workbook(own, ["自家驿站", "地址", "东城区", "", "", "", "北京市", *EVIDENCE])
    done = _send(p.unions["u1"], p.id, data, False, 201)
    assert done["stations"][0]["unit_id"] == p.unit_ids["u1"]
    other = _workbook(HEADER, [1, "朝阳区快递行业工会", "别家驿站", "地址", "朝阳区", "", "", "",
                               "全国", *EVIDENCE])  # fmt: skip
    preview = _send(p.unions["u1"], p.id, other, True, 200)
    assert preview["rows"][0]["problems"] == ["只能导入本单位（东城区环卫中心工会）的站点"]
    p.experts["e1"].call(
        "POST",
        f"/award-programmes/{p.id}/stations/import",
        status=403,
        data={"file": (io.BytesIO(data), "a.xlsx")},
        content_type="multipart/form-data",
    )
