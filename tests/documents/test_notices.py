"""The result notice (results.pdf): who may print it, what it lists, and its page furniture."""

from __future__ import annotations

import re

from tests.api.test_access import assert_error
from tests.documents.helpers import page_count, pdf_text, published_final
from tests.factories import Api, build_world, judge, mark

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
        header = re.search(r"名次.*参赛号.*姓名.*单位.*成绩.*总成绩.*决定因素", text)
        assert header, text[:300]  # the table header repeats on every page
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
