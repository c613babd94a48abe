"""The papers of a component marked item by item, read back as a person reads them
(pdftotext): each judge's blank item sheet, and the marking records (评分记录表) with every
judge's entries, marks, the score, disputes and signature lines; who may print them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from competition.extensions import db
from competition.models import Finalist
from tests.support.factories import Api, World, build_world, judge
from tests.support.pages import Session
from tests.support.pdf import page_count, pdf_text

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "10"},
    ]
}
SCHEME = {
    "max_judgement_spread": 1,
    "items": [
        {"code": "M1", "kind": "measurement", "name": "外径", "points": "4",
         "nominal": "40", "lower": "-0.02", "upper": "0.02"},
        {"code": "M2", "kind": "measurement", "name": "孔深", "points": "0.5",
         "nominal": "20", "lower": "0", "upper": "0.1"},
        {"code": "J1", "kind": "judgement", "name": "表面质量", "points": "5.5"},
        {"code": "D1", "kind": "deduction", "name": "安全文明生产", "points": "5"},
    ],
}  # fmt: skip


@dataclass
class Papers:
    app: Any
    world: World
    judges: dict[str, tuple[int, Api]]

    @property
    def event_id(self) -> int:
        return self.world.event_id

    def people(self, unit: int = 0) -> list[int]:
        return self.world.contestants[self.world.units[unit]]

    def item(self, who: str, contestant: int, code: str, value: str) -> None:
        self.judges[who][1].put(
            f"/events/{self.event_id}/rounds/preliminary/marks/{contestant}/practical/items/{code}",
            {"value": value},
        )

    def console(self, name: str, kind: str = "preliminary", key: str = "practical") -> str:
        return f"/console/events/{self.event_id}/rounds/{kind}/components/{key}/{name}"

    def judging(self, name: str, kind: str = "preliminary", key: str = "practical") -> str:
        return f"/judging/events/{self.event_id}/{kind}/{key}/{name}"


@pytest.fixture
def papers(app, client) -> Papers:
    world = build_world(app, client, per_unit=(2, 2), event=EVENT)
    judges = {
        name: judge(app, client, world.org, world.event_id, name, unit, chief)
        for name, unit, chief in (
            ("chief", None, True),
            ("panel2", None, False),
            ("unit1", world.units[0], False),
            ("unitchief", world.units[1], True),
        )
    }
    world.org.put(f"/events/{world.event_id}/components/practical/scheme", SCHEME)
    return Papers(app, world, judges)


def pdf_of(session: Session, url: str) -> bytes:
    response = session.client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return response.data


def test_blank_item_sheets_one_per_judge_numbers_only(papers):
    sheets = pdf_of(Session(papers.app, "org"), papers.console("item-sheets.pdf"))
    text = pdf_text(sheets)
    # In the preliminary the unit's judges mark their own people only: chief and panel2
    # have all four, unitchief and unit1 their unit's two each; one page each.
    assert page_count(sheets) == 4
    for words in (
        "数控铣工（职工组）初赛逐项评分表",
        "技能操作（满分 10）",
        "外径",
        "40±0.02",
        "20 +0.1/0",
        "表面质量",
        "评价 0–3",
        "5.5 分",
        "安全文明生产",
        "扣 0–5 分",
        "裁判签名",
        "同一评价项各裁判的评价分相差超过 1 即为争议",
    ):
        assert words in text, words
    for name in ("chief", "panel2", "unit1", "unitchief"):
        assert f"裁判：{name}" in text
    first = pdf_text(sheets, 1, 1)
    assert all(number in first for number in ("001", "002", "003", "004"))
    unit1 = pdf_text(sheets, 4, 4)  # chief judges first, then in the order assigned
    assert "裁判：unit1" in unit1 and "单位初赛组委会：单位1" in unit1
    assert "001" in unit1 and "003" not in unit1
    assert "选手" not in text  # judges never see names


def test_the_marking_record_shows_every_judges_items_marks_score_and_disputes(papers):
    a1 = papers.people()[0]
    for code, value in (("M1", "40.01"), ("M2", "20.05"), ("J1", "2"), ("D1", "1")):
        papers.item("chief", a1, code, value)
    for code, value in (("M1", "40.03"), ("M2", "20"), ("J1", "0")):
        papers.item("panel2", a1, code, value)
    boss = Session(papers.app, "org")
    one = pdf_of(boss, papers.console("marking-records.pdf") + f"?contestant_id={a1}")
    assert page_count(one) == 1
    text = pdf_text(one)
    for words in (
        "数控铣工（职工组）初赛评分记录表",
        "参赛号：001",
        "40.010 / 4.00",  # inside the tolerance: the item's points
        "40.030 / 0.00",  # outside: none
        "2 / 3.67",  # a judgement of 2 on 5.5 points, shown rounded
        "1 / -1.00",  # the deduction
        "7.17",  # chief: 4 + 0.5 + 11/3 - 1 = 7.1666…
        "3.83",  # the component's score: the exact mean (43/6 + 1/2) / 2 = 3.8333…
        "【争议】",
        "争议：J1 表面质量",
        "chief签名",
        "panel2签名",
        "unit1签名",  # on a1's panel, not marked yet
        "裁判长确认（chief）",
    ):
        assert words in text, words
    assert "选手" not in text

    everyone = pdf_of(boss, papers.console("marking-records.pdf"))
    assert page_count(everyone) == 4
    assert "尚未评完" in pdf_text(everyone, 2, 2)


def test_a_component_without_a_scheme_has_papers_too(papers):
    boss = Session(papers.app, "org")
    sheets = pdf_text(pdf_of(boss, papers.console("item-sheets.pdf", key="theory")))
    assert "初赛裁判评分表" in sheets and "得分（满分 100）" in sheets and "M1" not in sheets
    records = pdf_text(pdf_of(boss, papers.console("marking-records.pdf", key="theory")))
    assert "裁判得分" in records and "理论知识（满分 100）" in records


def test_the_final_shows_the_drawn_numbers(papers):
    with papers.app.app_context():
        for n, contestant in enumerate(papers.people(0) + papers.people(1), start=1):
            unit = papers.world.units[0 if n <= 2 else 1]
            db.session.add(
                Finalist(
                    event_id=papers.event_id,
                    unit_id=unit,
                    contestant_id=contestant,
                    final_number=f"J0{5 - n}",
                )
            )
        db.session.commit()
    boss = Session(papers.app, "org")
    text = pdf_text(pdf_of(boss, papers.console("item-sheets.pdf", kind="final")))
    assert "决赛逐项评分表" in text
    assert text.index("J01") < text.index("J02") < text.index("J04")
    assert "001" not in text


def test_who_may_print(papers):
    a1, b1 = papers.people(0)[0], papers.people(1)[0]
    chief = Session(papers.app, "chief")
    assert "评分记录表" in pdf_text(pdf_of(chief, papers.judging("marking-records.pdf")))
    nobody = chief.client.get(papers.judging("item-sheets.pdf", kind="final"))
    assert nobody.status_code == 409  # no finalists yet
    for name in ("panel2", "unit1"):
        response = Session(papers.app, name).client.get(papers.judging("item-sheets.pdf"))
        assert response.status_code == 403
    # A unit committee's chief: their unit's preliminary, their own people only.
    unit_chief = Session(papers.app, "unitchief")
    own = pdf_text(pdf_of(unit_chief, papers.judging("marking-records.pdf")))
    assert "003" in own and "001" not in own
    url = papers.judging("marking-records.pdf") + f"?contestant_id={a1}"
    assert unit_chief.client.get(url).status_code == 403
    url = papers.judging("marking-records.pdf") + f"?contestant_id={b1}"
    assert unit_chief.client.get(url).status_code == 200
    final = unit_chief.client.get(papers.judging("item-sheets.pdf", kind="final"))
    assert final.status_code == 403
    # The organisers' door is theirs only; what is not there is 404.
    assert chief.client.get(papers.console("item-sheets.pdf")).status_code == 403
    boss = Session(papers.app, "org")
    assert boss.client.get(papers.console("item-sheets.pdf", key="welding")).status_code == 404
    missing = papers.console("marking-records.pdf", kind="final") + f"?contestant_id={a1}"
    assert boss.client.get(missing).status_code == 404  # not a finalist


def test_a_long_list_goes_on_over_pages_each_with_its_signature(papers, monkeypatch):
    monkeypatch.setattr("competition.contest.documents.scheme_sheets.ROWS_PER_PAGE", 3)
    sheets = pdf_of(Session(papers.app, "org"), papers.console("item-sheets.pdf"))
    assert page_count(sheets) == 6  # chief and panel2: 3 + 1 each; the unit judges: 2 each
    second = pdf_text(sheets, 2, 2)
    assert "裁判：chief" in second and "本裁判第 2 页，共 2 页" in second
    assert "004" in second and "001" not in second and "裁判签名" in second


def test_the_papers_are_offered_where_the_round_is(papers):
    boss = Session(papers.app, "org")
    ranking = boss.get(f"/console/events/{papers.event_id}/rounds/final")
    for key in ("theory", "practical"):
        for name in ("item-sheets.pdf", "marking-records.pdf"):
            assert papers.console(name, kind="final", key=key) in ranking
    home = Session(papers.app, "chief").get("/judging")
    assert papers.judging("marking-records.pdf", key="practical") in home
    assert papers.judging("item-sheets.pdf", kind="final", key="theory") in home
    assert "item-sheets.pdf" not in Session(papers.app, "panel2").get("/judging")
