"""Rankings, tie rulings, finalists, publication with its notice period, and the export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from competition.extensions import db
from competition.models import Finalist, Round, TieResolution
from tests.contest.web.console.support import scored_preliminary
from tests.support.factories import mark
from tests.support.pages import Pages, organiser_pages, text_of

# Unit 1: 90; 77 (practical 80) above 77 (practical 77); 50.  Unit 2: 80; 60 = 60 (a tie on
# everything); 40.
MARKS = {
    0: [(90, 90), (70, 80), (77, 77), (50, 50)],
    1: [(80, 80), (60, 60), (60, 60), (40, 40)],
}


def _url(world, kind="preliminary", tail=""):
    return f"/console/events/{world.event_id}/rounds/{kind}{tail}"


def test_the_ranking_says_what_decided_each_place_and_what_blocks_publication(app, client):
    world, _panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    unit1 = world.units[0]
    text = text_of(boss.get(_url(world) + f"?unit_id={unit1}"))
    # Both rows of the tie broken by practical say so, each in its own direction.
    assert "2 002 选手1-2" in text and "与第3名总分相同，技能操作成绩较高" in text
    assert "与第2名总分相同，技能操作成绩较低" in text
    overview = text_of(boss.get(_url(world)))
    assert "暂不能发布： 1 组同分未裁定" in overview
    assert "未裁定的同分" in overview and "单位2（单位内）" in overview

    refused = boss.post(_url(world, tail="/publish"), {"confirm": "yes"})
    assert refused.status_code == 409
    assert "单位内同分未决" in text_of(refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalars(select(Round.published_at)).all() == [None, None]


def test_a_tie_ruling_is_recorded_with_its_reason(app, client):
    world, _panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    first, second = world.contestants[world.units[1]][1:3]
    url = _url(world, tail="/ties")

    no_reason = boss.post(url, [("order", second), ("order", first), ("reason", "  ")])
    assert no_reason.status_code == 422
    assert "请填写裁定理由" in text_of(no_reason.get_data(as_text=True))
    not_a_tie = boss.post(
        url, [("order", first), ("order", world.contestants[world.units[1]][0]), ("reason", "x")]
    )
    assert not_a_tie.status_code == 422
    assert "恰好是一组未决的同分选手" in text_of(not_a_tie.get_data(as_text=True))
    twice = boss.post(url, [("order", first), ("order", first), ("reason", "x")])
    assert twice.status_code == 422
    garbage = boss.post(url, [("order", "x"), ("reason", "x")])
    assert garbage.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(TieResolution)).all() == []

    done = boss.post(url, [("order", second), ("order", first), ("reason", "抽签决定")], status=200)
    text = text_of(done.get_data(as_text=True))
    assert "裁定已记录" in text and "理由：抽签决定" in text
    assert "以下选手总成绩和各同分比较项都相同" not in text  # no tie form left
    ranking = text_of(boss.get(_url(world) + f"?unit_id={world.units[1]}"))
    assert "裁定" in ranking


def _publish(boss: Pages, world, kind="preliminary", status=200):
    return boss.post(_url(world, kind, "/publish"), {"confirm": "yes"}, status=status)


def _settle_tie(boss: Pages, world):
    first, second = world.contestants[world.units[1]][1:3]
    boss.post(_url(world, tail="/ties"), [("order", first), ("order", second), ("reason", "抽签")])


def test_publishing_needs_a_confirmation_and_starts_the_notice_period(app, client, monkeypatch):
    world, _panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    _settle_tie(boss, world)
    unconfirmed = boss.post(_url(world, tail="/publish"), {})
    assert unconfirmed.status_code == 422
    assert "请勾选确认" in text_of(unconfirmed.get_data(as_text=True))

    # Friday 2026-09-25, 10:00 in Beijing; the National Day holiday 2026-10-01..07 is set, and
    # Saturday 2026-10-10 is worked instead of it.
    published = datetime(2026, 9, 25, 2, 0, tzinfo=UTC)
    monkeypatch.setattr("competition.contest.services.results.utcnow", lambda: published)
    app.config["HOLIDAYS"] = frozenset(date(2026, 10, d) for d in range(1, 8))
    page = _publish(boss, world)
    # 5 working days after Friday: 28, 29, 30 September, (holidays), 8 October, 9 October.
    assert "公示期至 2026-10-09" in text_of(page.get_data(as_text=True))
    with app.app_context():
        round_ = db.session.scalars(select(Round).where(Round.kind == "preliminary")).one()
        assert round_.notice_ends_on == date(2026, 10, 9)

    monkeypatch.setattr(
        "competition.contest.services.publication.utcnow",
        lambda: datetime(2026, 10, 9, 15, tzinfo=UTC),
    )
    public = Pages(client).get(f"/results/events/{world.event_id}/preliminary")
    assert "公示期至 2026-10-09" in text_of(public)
    monkeypatch.setattr(
        "competition.contest.services.publication.utcnow",
        lambda: datetime(2026, 10, 9, 16, tzinfo=UTC),
    )  # midnight in Beijing: the notice period is over
    public = Pages(client).get(f"/results/events/{world.event_id}/preliminary")
    assert "成绩已确认" in text_of(public)

    again = _publish(boss, world, status=409)
    assert "本轮成绩已经发布" in text_of(again.get_data(as_text=True))


def test_the_api_publication_starts_the_notice_period_too(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(90, 90), (80, 80), (70, 70)]})
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    with app.app_context():
        round_ = db.session.scalars(select(Round).where(Round.kind == "preliminary")).one()
        assert round_.notice_ends_on is not None
        assert round_.notice_ends_on - round_.published_at.date() >= timedelta(days=5)


def test_the_finalist_recommendation_explains_the_cut(app, client):
    world, _panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    url = f"/console/events/{world.event_id}/finalists"
    text = text_of(boss.get(url))
    assert "差一名 总成绩比第 3 名低 27.00 分" in text
    assert "按此人数进入决赛" in text

    unit1 = world.units[0]
    too_few = boss.post(url, {"unit_id": unit1, f"count-{unit1}": "2"})
    assert too_few.status_code == 422
    assert "决赛人数不得少于 3 名，现为 2 名" in text_of(too_few.get_data(as_text=True))
    too_many = boss.post(url, {"unit_id": unit1, f"count-{unit1}": "5"})
    assert too_many.status_code == 422
    preview = boss.post(
        url, {"unit_id": unit1, f"count-{unit1}": "4", "preview": "yes"}, status=200
    )
    assert "差一名" not in text_of(preview.get_data(as_text=True)).split("单位2")[0]
    with app.app_context():
        assert db.session.scalars(select(Finalist)).all() == []

    done = boss.post(url, {"unit_id": unit1, f"count-{unit1}": "3"}, status=200)
    assert "单位1：已推荐 3 名决赛选手" in text_of(done.get_data(as_text=True))
    with app.app_context():
        chosen = db.session.scalars(select(Finalist.contestant_id).order_by(Finalist.id)).all()
    assert chosen == world.contestants[unit1][:3]


def test_a_cut_inside_a_tie_waits_for_a_ruling(app, client):
    marks = {0: [(80, 80), (60, 60), (60, 60), (40, 40)]}
    world, _panel = scored_preliminary(app, client, marks, event={"min_finalists_per_unit": 2})
    boss = organiser_pages(app, client)
    url = f"/console/events/{world.event_id}/finalists"
    unit = world.units[0]
    page = boss.post(url, {"unit_id": unit, f"count-{unit}": "2", "preview": "yes"}, status=200)
    text = text_of(page.get_data(as_text=True))
    assert "与第 2 名同分，须先在初赛排名页裁定" in text
    assert "请先裁定并列名次" in text
    refused = boss.post(url, {"unit_id": unit, f"count-{unit}": "2"})
    assert refused.status_code == 409


def test_the_export_is_a_workbook_whose_text_is_never_a_formula(app, client):
    hostile = '=HYPERLINK("http://evil.example","点我")'
    world, panel = scored_preliminary(app, client, {0: [(90, 90), (80, 80), (70, 70)]})
    extra = world.org.post(
        f"/events/{world.event_id}/contestants", {"name": hostile, "unit_id": world.units[0]}
    )
    mark(panel, world.event_id, "preliminary", extra["id"], "theory", "60")
    boss = organiser_pages(app, client)
    response = client.get(_url(world, tail="/results.xlsx"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    ranking = workbook.worksheets[0]
    rows = list(ranking.iter_rows(values_only=True))
    assert rows[0][:4] == ("名次", "参赛号", "姓名", "单位")
    assert rows[1][0] == 1 and rows[1][-2] == 90
    missing = workbook["成绩不全"]
    cell = missing["B2"]
    assert cell.value == hostile
    assert cell.data_type == "s" and cell.quotePrefix
    assert boss
