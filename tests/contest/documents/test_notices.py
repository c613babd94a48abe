"""The result notice (results.pdf): who may print it, what it lists, and its page furniture."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tests.contest.documents.helpers import published_final
from tests.support.errors import assert_error
from tests.support.factories import Api, build_world, judge, mark, organiser
from tests.support.pdf import page_count, pdf_text

SIMPLE_EVENT = {
    "components": [{"key": "score", "name": "成绩", "weight": "1", "max_score": "100"}],
    "tie_breaks": [],
    "min_finalists_per_unit": 1,
}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_published_final_notice_lists_the_ranking(app, client):
    final = published_final(app, client)
    final.org.put(
        f"/events/{final.event_id}/award-rules",
        {"mode": "proportion", "tiers": [{"name": "一等奖", "share": "0.30"}]},
    )
    response = Api(client).call(
        "GET", f"/events/{final.event_id}/rounds/final/results.pdf", status=200
    )
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    lines = [line for line in text.splitlines() if re.match(r"\s*\d+\s+\d{3}\s", line)]
    assert len(lines) == len(final.ranked)
    for line, entry in zip(lines, final.ranked, strict=True):
        cells = line.split()
        assert cells[0] == str(entry["rank"]) and cells[1] == entry["number"]
        assert flat(entry["name"]) in flat(line)
        assert entry["total"] in cells
        assert entry["scores"]["theory"] in cells
    # Quota: 30 % of 7 = 2.1 → 2 places.
    assert [("一等奖" in line) for line in lines] == [True, True] + [False] * 5
    whole = flat(text)
    assert "决赛成绩" in whole and "成绩公示" in whole and "总成绩" in whole and "决定因素" in whole
    assert "第1页，共1页" in whole
    # One ranking with the unit column; the default way to object; the issuer and the seal.
    assert re.search(r"名次参赛号姓名单位理论知识技能操作总成绩决定因素奖项", whole)
    assert "公示期至" in whole and "如有异议，请于公示期内以书面形式实名向大赛组委会反映。" in whole
    assert re.search(r"总工会\d{4}年\d+月\d+日(盖章处)?第1页", whole) and "盖章处" in whole


def test_before_publication_judges_see_numbers_and_the_public_nothing(app, client):
    final = published_final(app, client, publish=False)
    path = f"/events/{final.event_id}/rounds/final/results.pdf"
    assert_error(Api(client).call("GET", path, status=404), 404)
    assert_error(Api(client, "bad-token").call("GET", path, status=401), 401)
    judged = flat(pdf_text(final.judge.call("GET", path, status=200).data))
    assert "未发布" in judged
    for entry in final.ranked:
        assert entry["number"] in judged
        assert flat(entry["name"]) not in judged
    organised = flat(pdf_text(final.org.call("GET", path, status=200).data))
    assert all(flat(entry["name"]) in organised for entry in final.ranked)


def test_a_long_list_has_a_header_and_page_numbers_on_every_page(app, client):
    world = build_world(app, client, per_unit=(0,), event=SIMPLE_EVENT)
    org, event_id, unit = world.org, world.event_id, world.units[0]
    _, panel = judge(app, client, org, event_id, "panel")
    count = 90
    for n in range(count):
        cid = org.post(
            f"/events/{event_id}/contestants", {"name": f"选手{n:02d}", "unit_id": unit}
        )["id"]
        mark(panel, event_id, "preliminary", cid, "score", str(10 + n))
    pdf = org.call(
        "GET", f"/events/{event_id}/rounds/preliminary/results.pdf?unit_id={unit}", status=200
    ).data
    pages = page_count(pdf)
    assert pages >= 2
    ranks = []
    for page in range(1, pages + 1):
        text = flat(pdf_text(pdf, page, page))
        assert "第五届职工职业技能竞赛数控铣工（职工组）初赛成绩" in text
        assert f"第{page}页，共{pages}页" in text
        # The table header, under the unit's name, repeats on every page.
        header = re.search(r"单位1名次参赛号姓名成绩总成绩决定因素", text)
        assert header, text[:300]
        ranks += [int(m) for m in re.findall(r"(?m)^\s*(\d+)\s+\d{3}\s", pdf_text(pdf, page, page))]
    assert ranks == list(range(1, count + 1))
    assert_error(
        org.call("GET", f"/events/{event_id}/rounds/preliminary/results.pdf?unit_id=999"), 404
    )
    assert_error(
        org.call("GET", f"/events/{event_id}/rounds/preliminary/results.pdf?unit_id=x"), 422
    )
    assert_error(org.call("GET", f"/events/{event_id}/rounds/semi/results.pdf"), 404)


def test_tie_rulings_are_printed(app, client):
    world = build_world(app, client, per_unit=(2,), event=SIMPLE_EVENT)
    org, event_id = world.org, world.event_id
    _, panel = judge(app, client, org, event_id, "panel")
    tied = world.contestants[world.units[0]]
    path = f"/events/{event_id}/rounds/preliminary/results.pdf"
    for cid in tied:
        mark(panel, event_id, "preliminary", cid, "score", "80")
    text = flat(pdf_text(org.call("GET", path).data))
    assert "同分未决" in text
    org.post(
        f"/events/{event_id}/rounds/preliminary/tie-resolutions",
        {"order": [tied[1], tied[0]], "reason": "经裁判长裁定"},
    )
    text = flat(pdf_text(org.call("GET", path).data))
    assert "同分名次裁定" in text and "经裁判长裁定" in text and "裁定" in text
    assert "同分未决" not in text


# ---------------------------------------------------------------- the notice as posted
CONTEST = {
    "name": "第五届职工职业技能竞赛",
    "host": "北京经济技术开发区总工会",
    "co_hosts": "北京经济技术开发区社会事业局",
    "objection_contact": (
        "如有异议，请于公示期内实名书面向大赛监督仲裁组反映，联系电话 010-67881234。"
    ),
}
TIME_EVENT = {
    "name": "数控铣工",
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "100"},
        # No "unit" sent: the key says it is a time, printed in minutes.
        {
            "key": "time_used",
            "name": "操作用时",
            "weight": "0",
            "max_score": "600",
            "higher_is_better": False,
        },
    ],
    "tie_breaks": ["practical", "time_used"],
}


def ranked_lines(text: str) -> dict[str, list[tuple[int, str]]]:
    """Each section's ranked rows as (rank, number), by the section's heading."""
    sections: dict[str, list[tuple[int, str]]] = {}
    current = None
    for line in text.splitlines():
        if line.strip() in {"单位甲", "单位乙"}:
            current = line.strip()
            sections.setdefault(current, [])
        found = re.match(r"\s*(\d+)\s+(\d{3})\s", line)
        if found and current is not None:
            sections[current].append((int(found[1]), found[2]))
    return sections


def test_preliminary_notice_ranks_each_unit_apart_and_reads_as_posted(app, client):
    org = organiser(app, client)
    contest = org.post("/contests", CONTEST)
    assert contest["objection_contact"] == CONTEST["objection_contact"]
    event = org.post(f"/contests/{contest['id']}/events", TIME_EVENT)
    assert [c["unit"] for c in event["components"]] == ["", "", "分钟"]
    event_id = event["id"]
    people: dict[str, list[dict[str, Any]]] = {}
    for unit_name, names in (
        ("单位甲", ("甲一", "甲二", "甲三")),
        ("单位乙", ("乙一", "乙二", "乙三")),
    ):
        unit = org.post(f"/contests/{contest['id']}/units", {"name": unit_name})
        people[unit_name] = [
            org.post(f"/events/{event_id}/contestants", {"name": n, "unit_id": unit["id"]})
            for n in names
        ]
    judge_id, panel = judge(app, client, org, event_id, "panel")
    # Overall the order would be 乙一, 甲一, 乙二, 甲二, 甲三; each unit ranks its own 1..n.
    marks = {
        "甲一": ("90", "88", "170"),
        "甲二": ("80", "80", "165"),
        "甲三": ("70", "75", "180"),
        "乙一": ("95", "92", "150"),
        "乙二": ("85", "82", "160"),
    }
    everyone = {p["name"]: p for group in people.values() for p in group}
    for name, values in marks.items():
        for key, value in zip(("theory", "practical", "time_used"), values, strict=True):
            mark(panel, event_id, "preliminary", everyone[name]["id"], key, value)
    absent = everyone["乙三"]
    mark(panel, event_id, "preliminary", absent["id"], "theory", "0")
    org.put(
        f"/events/{event_id}/rounds/preliminary/absences/{absent['id']}",
        {"status": "absent", "reason": "技能操作未到场"},
    )
    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=200)

    # An upheld appeal: 甲三's practical 75 → 85 moves them above 甲二 (0.3×70 + 0.7×85 = 80.50).
    appeal = org.post(
        f"/events/{event_id}/rounds/preliminary/appeals",
        {"contestant_id": everyone["甲三"]["id"], "filed_by": "甲三", "subject": "技能操作漏计"},
    )
    org.post(
        f"/appeals/{appeal['id']}/decision",
        {
            "outcome": "upheld",
            "reason": "复核确认漏计一项",
            "changes": [{"judge_id": judge_id, "component": "practical", "value": "85"}],
        },
        status=200,
    )
    rejected = org.post(
        f"/events/{event_id}/rounds/preliminary/appeals",
        {"contestant_id": everyone["甲一"]["id"], "filed_by": "甲一", "subject": "理论复核"},
    )
    org.post(
        f"/appeals/{rejected['id']}/decision",
        {"outcome": "rejected", "reason": "查无错误"},
        status=200,
    )

    pdf = (
        Api(client)
        .call("GET", f"/events/{event_id}/rounds/preliminary/results.pdf", status=200)
        .data
    )
    text = pdf_text(pdf)
    number = {name: p["number"] for name, p in everyone.items()}
    assert ranked_lines(text) == {
        "单位甲": [(1, number["甲一"]), (2, number["甲三"]), (3, number["甲二"])],
        "单位乙": [(1, number["乙一"]), (2, number["乙二"])],
    }
    with app.app_context():
        from competition.contest.services import publication
        from competition.extensions import db
        from competition.models import Event

        ev = db.session.get(Event, event_id)
        status = publication.notice_status(ev, ev.round("preliminary"))
        ends, published = status.ends_on, status.published_on
    day = f"{published.year}年{published.month}月{published.day}日"
    whole = flat(text)
    assert f"公示期至{ends.year}年{ends.month}月{ends.day}日" in whole
    assert f"发布日期：{day}" in whole
    assert flat(CONTEST["objection_contact"]) in whole
    assert "以书面形式实名向大赛组委会反映" not in whole  # the contest's own words replace it
    # The issuing bodies, the date and the place for the seal close the notice.
    closing = whole[whole.index("公示期自") :]
    assert "北京经济技术开发区总工会" in closing and "北京经济技术开发区社会事业局" in closing
    assert "盖章处" in closing
    assert re.search(f"总工会北京经济技术开发区社会事业局{day}(盖章处)?第1页", closing)
    # Times in their unit; scores with two places.
    assert "170分钟" in whole and "150分钟" in whole
    assert "170.00" not in whole and "90.00" in whole
    # The correction, under 单位甲's table.
    correction = (
        f"更正说明：{number['甲三']}号甲三经申诉复核，技能操作由75.00更正为85.00，"
        f"总成绩由73.50更正为80.50（{day}）。"
    )
    assert correction in whole
    assert whole.index(correction) < whole.index("单位乙")
    assert whole.count("更正说明") == 1  # the rejected appeal changes nothing on paper
    # The absent: after the ranked ones of their unit, as 缺考 with the reason, never 0.00.
    line = next(line for line in text.splitlines() if number["乙三"] in line)
    assert "缺考" in line and "技能操作未到场" in line and "0.00" not in line
    assert text.index(number["乙三"]) > text.index(f"{number['乙二']} ")
    assert "缺考、弃权者不排名次" in whole


def test_the_unit_notice_and_a_judge_before_publication(app, client):
    world = build_world(app, client, per_unit=(2, 2), event=SIMPLE_EVENT)
    org, event_id = world.org, world.event_id
    _, panel = judge(app, client, org, event_id, "panel")
    for n, cid in enumerate(world.all_contestants()):
        mark(panel, event_id, "preliminary", cid, "score", str(60 + n))
    path = f"/events/{event_id}/rounds/preliminary/results.pdf"
    own = flat(pdf_text(org.call("GET", f"{path}?unit_id={world.units[1]}").data))
    assert "单位2" in own and "单位1" not in own
    judged = pdf_text(panel.call("GET", path, status=200).data)
    # Sections without the units' names or anyone's name; nothing to seal before publication.
    assert "第1个参赛单位" in flat(judged) and "第2个参赛单位" in flat(judged)
    assert "单位1" not in flat(judged)
    assert "选手" not in judged and "盖章处" not in judged and "公示期至" not in judged
    assert [int(r) for r in re.findall(r"(?m)^\s*(\d+)\s+\d{3}\s", judged)] == [1, 2, 1, 2]


def test_the_excel_export_lists_absentees_and_minutes(app, client):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.support.pages import organiser_pages

    world = build_world(app, client, per_unit=(3,), event=TIME_EVENT)
    org, event_id = world.org, world.event_id
    first, second, gone = world.contestants[world.units[0]]
    _, panel = judge(app, client, org, event_id, "panel")
    for cid, values in ((first, ("90", "90", "170")), (second, ("80", "80", "165.5"))):
        for key, value in zip(("theory", "practical", "time_used"), values, strict=True):
            mark(panel, event_id, "preliminary", cid, key, value)
    org.put(
        f"/events/{event_id}/rounds/preliminary/absences/{gone}",
        {"status": "withdrawn", "reason": "本人书面申请退赛"},
    )
    organiser_pages(app, client)
    response = client.get(f"/console/events/{event_id}/rounds/preliminary/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    for sheet in book.worksheets[:2]:  # the round, then the unit's own
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][6] == "操作用时（分钟）"
        assert [r[6] for r in rows[1:3]] == [170, Decimal("165.5")]
        assert rows[3][0] == "弃权" and rows[3][-1] == "本人书面申请退赛"
        assert all(value is None for value in rows[3][4:8])
