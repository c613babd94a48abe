"""Corrections on the console pages: a contestant's 更正 form (reached from the contestants
list) and a unit's page (reached from the contest page), with the same rules as the API."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contestant, Unit
from tests.contest.web.console.support import scored_preliminary
from tests.support.factories import build_world, judge, mark
from tests.support.pages import organiser_pages, text_of

FULL_WIDTH_ID_NUMBER = "１１０１０５１９９００３０７１２３９"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _correct(world, cid):
    return f"/console/events/{world.event_id}/contestants/{cid}/correct"


def _unit(world, unit_id, tail=""):
    return f"/console/contests/{world.contest_id}/units/{unit_id}{tail}"


def _fix(boss, world, cid, status=200, **values):
    stored = _stored(boss.client.application, cid)
    body = {
        "fix-name": stored.name,
        "fix-unit_id": stored.unit_id,
        "fix-number": stored.number,
        "fix-id_number": "",
        "fix-reason": "报名表笔误",
    }
    body.update({f"fix-{key}": value for key, value in values.items()})
    return boss.post(_correct(world, cid), body, token_from=_correct(world, cid), status=status)


def _stored(app, cid):
    with app.app_context():
        contestant = db.session.get(Contestant, cid)
        if contestant is not None:
            db.session.expunge(contestant)
        return contestant


def _entries(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_contestant_is_corrected_from_the_contestants_list(app, client):
    world = build_world(app, client, per_unit=(2,))
    cid = world.contestants[world.units[0]][0]
    boss = organiser_pages(app, client)
    listing = boss.get(f"/console/events/{world.event_id}/contestants")
    assert _correct(world, cid) in listing

    page = text_of(boss.get(_correct(world, cid)))
    assert "更正选手信息" in page and "删除登记错误的选手" in page

    done = _fix(boss, world, cid, name=" 王　 伟 ", id_number=FULL_WIDTH_ID_NUMBER)
    page = text_of(done.get_data(as_text=True))
    assert "已更正 001 王伟 的登记信息" in page
    assert "110***********1239" in page
    stored = _stored(app, cid)
    assert (stored.name, stored.id_number) == ("王伟", "110105199003071239")
    (entry,) = _entries(app, "contestant.correct")
    assert entry.reason == "报名表笔误"
    assert entry.details["changes"]["name"] == {"old": "选手1-1", "new": "王伟"}


def test_a_correction_without_a_reason_is_refused_on_the_page(app, client):
    world = build_world(app, client, per_unit=(1,))
    cid = world.contestants[world.units[0]][0]
    boss = organiser_pages(app, client)
    refused = _fix(boss, world, cid, status=422, name="王伟", reason=" ")
    assert "请填写更正原因" in text_of(refused.get_data(as_text=True))
    assert _stored(app, cid).name == "选手1-1"


def test_the_unit_is_changed_before_publication_and_refused_after(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(90, 90), (80, 80)], 1: [(70, 70)]})
    first_unit, second_unit = world.units
    mover = world.contestants[first_unit][1]
    boss = organiser_pages(app, client)
    _fix(boss, world, mover, unit_id=second_unit, reason="报名时选错单位")
    assert _stored(app, mover).unit_id == second_unit

    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    page = text_of(boss.get(_correct(world, mover)))
    assert "成绩已发布" in page and "请走申诉程序" in page
    assert "改换单位会改变已公布的单位内初赛排名" in page
    refused = _fix(boss, world, mover, status=409, unit_id=first_unit, reason="改回")
    assert "不能改换单位" in text_of(refused.get_data(as_text=True))
    assert _stored(app, mover).unit_id == second_unit
    # A spelling correction is still allowed, and says so.
    done = _fix(boss, world, mover, name="王  伟", reason="身份证上的姓名")
    assert "已更正" in text_of(done.get_data(as_text=True))


def test_a_mistaken_contestant_is_removed_and_one_with_marks_is_not(app, client):
    world = build_world(app, client, per_unit=(2,))
    marked, mistake = world.contestants[world.units[0]]
    _judge_id, panel = judge(app, client, world.org, world.event_id, "panel")
    mark(panel, world.event_id, "preliminary", marked, "theory", 80)
    boss = organiser_pages(app, client)

    page = text_of(boss.get(_correct(world, marked)))
    assert "不能删除" in page and "已有评分" in page
    remove = f"/console/events/{world.event_id}/contestants/{marked}/remove"
    refused = boss.post(remove, {"remove-reason": "误登记"}, token_from=_correct(world, marked))
    assert refused.status_code == 409
    assert "已有评分" in text_of(refused.get_data(as_text=True))
    assert _stored(app, marked) is not None

    remove = f"/console/events/{world.event_id}/contestants/{mistake}/remove"
    done = boss.post(
        remove, {"remove-reason": "重复报名"}, token_from=_correct(world, mistake), status=200
    )
    page = text_of(done.get_data(as_text=True))
    assert "已删除登记错误的选手 002 选手1-2" in page
    assert "选手1-2" not in page.replace("已删除登记错误的选手 002 选手1-2", "")
    assert _stored(app, mistake) is None
    (entry,) = _entries(app, "contestant.remove")
    assert (entry.contestant_id, entry.reason) == (mistake, "重复报名")
    assert entry.details["name"] == "选手1-2"


def test_a_unit_is_renamed_merged_and_removed_on_its_page(app, client):
    world = build_world(app, client, per_unit=(1, 0))
    peopled, empty = world.units
    with app.app_context():
        legacy = Unit(contest_id=world.contest_id, name="精雕(北京)")
        db.session.add(legacy)
        db.session.commit()
        legacy_id = legacy.id
    moved = world.org.post(
        f"/events/{world.event_id}/contestants", {"name": "乙", "unit_id": legacy_id}
    )["id"]
    boss = organiser_pages(app, client)
    contest_page = boss.get(f"/console/contests/{world.contest_id}")
    assert _unit(world, peopled) in contest_page

    # Renaming into what the legacy unit is, once normalised, points to merging.
    refused = boss.post(
        _unit(world, peopled, "/rename"),
        {"rename-name": "精雕（北京）", "rename-reason": "全称"},
        token_from=_unit(world, peopled),
    )
    assert refused.status_code == 409
    page = text_of(refused.get_data(as_text=True))
    assert "已有同名单位" in page and "合并" in page
    assert re.search(rf'<option selected value="{legacy_id}"', refused.get_data(as_text=True))

    # Typed with ASCII brackets and spaces: the same name.
    boss.post(
        _unit(world, peopled, "/rename"),
        {"rename-name": "精雕 ( 北京 ) ", "rename-reason": "按营业执照"},
        token_from=_unit(world, peopled),
        status=409,
    )
    done = boss.post(
        _unit(world, peopled, "/rename"),
        {"rename-name": " 精雕科技 ( 北京 ) ", "rename-reason": "按营业执照"},
        token_from=_unit(world, peopled),
        status=200,
    )
    assert "已将“单位1”更正为“精雕科技（北京）”" in text_of(done.get_data(as_text=True))

    done = boss.post(
        _unit(world, legacy_id, "/merge"),
        {"merge-into_unit_id": peopled, "merge-reason": "同一单位重复登记"},
        token_from=_unit(world, legacy_id),
        status=200,
    )
    assert "已将“精雕(北京)”并入“精雕科技（北京）”，移入 1 名选手" in text_of(
        done.get_data(as_text=True)
    )
    assert _stored(app, moved).unit_id == peopled
    with app.app_context():
        assert db.session.get(Unit, legacy_id) is None

    refused = boss.post(
        _unit(world, peopled, "/remove"),
        {"remove-reason": "误登记"},
        token_from=_unit(world, peopled),
    )
    assert refused.status_code == 409
    assert "该单位有选手" in text_of(refused.get_data(as_text=True))
    done = boss.post(
        _unit(world, empty, "/remove"),
        {"remove-reason": "误登记"},
        token_from=_unit(world, empty),
        status=200,
    )
    assert "已删除单位“单位2”" in text_of(done.get_data(as_text=True))
    assert [e.action for e in _entries(app, "unit.remove")] == ["unit.remove"]


def test_two_spellings_of_one_unit_are_pointed_out_on_its_page(app, client):
    world = build_world(app, client, per_unit=(0,))
    proper = world.org.post(f"/contests/{world.contest_id}/units", {"name": "精雕（北京）"})["id"]
    with app.app_context():
        legacy = Unit(contest_id=world.contest_id, name="精雕(北京)")
        db.session.add(legacy)
        db.session.commit()
        legacy_id = legacy.id
    boss = organiser_pages(app, client)
    page = boss.get(_unit(world, legacy_id))
    assert "可能是同一单位的不同写法" in text_of(page)
    assert _unit(world, proper) in page


def test_units_with_people_in_a_published_round_are_not_merged_on_the_page(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(90, 90)], 1: [(70, 70)]})
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    first_unit, second_unit = world.units
    boss = organiser_pages(app, client)
    refused = boss.post(
        _unit(world, first_unit, "/merge"),
        {"merge-into_unit_id": second_unit, "merge-reason": "x"},
        token_from=_unit(world, first_unit),
    )
    assert refused.status_code == 409
    page = text_of(refused.get_data(as_text=True))
    assert "合并会改变已发布或已确定的成绩" in page


@pytest.mark.parametrize("which", ["contestant", "unit"])
def test_the_correction_pages_read_in_english(app, client, which):
    world = build_world(app, client, per_unit=(0,))
    contest = world.org.post("/contests", {"name": "Skills Contest", "host": "Union"})
    unit = world.org.post(f"/contests/{contest['id']}/units", {"name": "Acme Works"})
    event = world.org.post(f"/contests/{contest['id']}/events", {"name": "Milling", "group": "W"})
    person = world.org.post(
        f"/events/{event['id']}/contestants", {"name": "Ann", "unit_id": unit["id"]}
    )
    boss = organiser_pages(app, client)
    client.get("/lang/en")
    if which == "contestant":
        url = f"/console/events/{event['id']}/contestants/{person['id']}/correct"
    else:
        url = f"/console/contests/{contest['id']}/units/{unit['id']}"
    text = text_of(re.sub(r'<(\w+)[^>]*\blang="zh"[^>]*>.*?</\1>', " ", boss.get(url), flags=re.S))
    for data in ("理论知识", "技能操作"):
        text = text.replace(data, "")
    assert not HAN.findall(text), text[:1500]
