"""缺考/弃权 on the pages: recorded with a reason on the ranking page, shown as such (never
0.00) on the console, the public ranking and the personal look-up, undone before publication,
and explained on the score sheet when typed in place of a score."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Absence, AuditEntry, Contestant
from tests.contest.web.console.support import scored_preliminary
from tests.support.factories import mark
from tests.support.pages import Pages, organiser_pages, text_of


def _url(world, tail=""):
    return f"/console/events/{world.event_id}/rounds/preliminary{tail}"


def test_an_absence_is_recorded_shown_and_undone_on_the_pages(app, client):
    world, panel = scored_preliminary(app, client, {0: [(90, 90), (70, 80), (77, 77)]})
    missing = world.org.post(
        f"/events/{world.event_id}/contestants", {"name": "孙丽", "unit_id": world.units[0]}
    )
    mark(panel, world.event_id, "preliminary", missing["id"], "practical", "0")
    boss = organiser_pages(app, client)

    page = text_of(boss.get(_url(world)))
    assert "1 名选手成绩不全" in page and "没有参加考核的选手请登记缺考或弃权" in page

    refused = boss.post(
        _url(world, "/absences"),
        {"contestant_id": missing["id"], "status": "absent", "reason": " "},
        token_from=_url(world),
    )
    assert refused.status_code == 422
    assert "请填写原因" in text_of(refused.get_data(as_text=True))

    recorded = boss.post(
        _url(world, "/absences"),
        {"contestant_id": missing["id"], "status": "absent", "reason": "理论考试未到场"},
        token_from=_url(world),
        status=200,
    )
    page = text_of(recorded.get_data(as_text=True))
    assert "已登记 004 孙丽 缺考" in page
    assert "缺考 004 孙丽（单位1）— 理论考试未到场" in page
    assert "成绩不全" not in page and "暂不能发布" not in page
    with app.app_context():
        absence = db.session.scalar(select(Absence))
        assert (absence.contestant_id, absence.status) == (missing["id"], "absent")
        assert db.session.scalar(
            select(AuditEntry.reason).where(AuditEntry.action == "absence.record")
        ) == ("理论考试未到场")

    undone = boss.post(
        _url(world, f"/absences/{missing['id']}/undo"), {}, token_from=_url(world), status=200
    )
    page = text_of(undone.get_data(as_text=True))
    assert "已撤销 004 孙丽 的缺考/弃权登记" in page and "1 名选手成绩不全" in page
    with app.app_context():
        assert db.session.scalar(select(Absence)) is None

    boss.post(
        _url(world, "/absences"),
        {"contestant_id": missing["id"], "status": "withdrawn", "reason": "本人书面申请"},
        token_from=_url(world),
        status=200,
    )
    boss.post(_url(world, "/publish"), {"confirm": "yes"}, token_from=_url(world), status=200)

    public = text_of(Pages(client).get(f"/results/events/{world.event_id}/preliminary"))
    assert "弃权 004 孙丽（单位1）" in public
    assert "本人书面申请" not in public  # the reason is the committee's, not the public's

    with app.app_context():
        code = db.session.get(Contestant, missing["id"]).access_code
    looked_up = Pages(client).post("/lookup", {"number": "004", "code": code}, status=200)
    text = text_of(looked_up.get_data(as_text=True))
    assert "弃权" in text and "本人书面申请" in text
    assert "0.00" not in text and "第 4 名" not in text


def test_the_score_sheet_says_how_to_record_an_absence(app, client):
    world, panel = scored_preliminary(app, client, {0: [(90, 90), (70, 80), (77, 77)]})
    cid = world.contestants[world.units[0]][0]
    answer = panel.put(
        f"/events/{world.event_id}/rounds/preliminary/marks/{cid}/theory",
        {"value": "缺考"},
        status=422,
    )
    assert answer["error"]["fields"]["value"] == [
        "缺考、弃权不作为分数录入：请由裁判长或组委会登记缺考/弃权，此处留空"
    ]
    full_width = panel.put(
        f"/events/{world.event_id}/rounds/preliminary/marks/{cid}/theory",
        {"value": "８６．５"},
    )
    assert full_width["value"] == "86.50"


def test_the_chief_judge_records_an_absence_by_number(app, client):
    from tests.support.factories import judge
    from tests.support.pages import sign_in

    world, _panel = scored_preliminary(app, client, {0: [(90, 90), (70, 80), (77, 77)]})
    missing = world.org.post(
        f"/events/{world.event_id}/contestants", {"name": "孙丽", "unit_id": world.units[0]}
    )
    judge(app, client, world.org, world.event_id, "chief", chief=True)
    url = f"/judging/events/{world.event_id}/preliminary/absences"

    plain_judge = sign_in(client, "panel1")
    plain_judge.get(url, status=403)
    chief = sign_in(client, "chief")
    assert url in chief.get("/judging")
    page = text_of(chief.get(url))
    assert "004" in page and "孙丽" not in page  # numbers only before publication

    chief.post(
        url,
        {"contestant_id": missing["id"], "status": "absent", "reason": "实操考试未到场"},
        token_from=url,
        status=200,
    )
    with app.app_context():
        absence = db.session.scalar(select(Absence))
        assert (absence.contestant_id, absence.reason) == (missing["id"], "实操考试未到场")
    results = world.org.get(f"/events/{world.event_id}/rounds/preliminary/results")
    assert results["incomplete"] == [] and len(results["absent"]) == 1

    chief.post(url, {"contestant_id": missing["id"], "undo": "yes"}, token_from=url, status=200)
    with app.app_context():
        assert db.session.scalar(select(Absence)) is None
