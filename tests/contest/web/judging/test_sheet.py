"""The judge's start page and score sheet: what a judge sees, and that saving a row obeys
exactly the rules of the API's PUT."""

from __future__ import annotations

from tests.support.factories import make_user
from tests.support.pages import Session


def test_a_judge_sees_only_their_events_and_rounds(judging):
    other = judging.org.post(
        f"/contests/{judging.world.contest_id}/events", {"name": "焊工", "group": "职工组"}
    )
    chief = judging.session("chief")
    page = chief.get("/judging")
    assert "数控铣工" in page and "焊工" not in page
    assert "签字确认（裁判长）" in page
    assert chief.get(f"/judging/events/{other['id']}/preliminary/theory", status=403)

    unit1 = judging.session("unit1")
    page = unit1.get("/judging")
    assert "初赛" in page
    # The final lists the sheets a unit's judge may be asked to mark, their own unit left out.
    assert "本单位选手已回避" in page
    assert "签字确认" not in page
    # Their final sheet opens, without their own unit's people (none are finalists yet).
    assert "这张评分表还没有选手" in unit1.get(judging.sheet_url("final"))


def test_the_sheet_lists_contest_numbers_only_and_a_unit_committee_its_own_people(judging):
    world = judging.world
    unit1_ids, unit2_ids = world.contestants[world.units[0]], world.contestants[world.units[1]]
    page = judging.session("unit1").get(judging.sheet_url())
    assert page.count('class="mark"') == len(unit1_ids)
    for name in ("选手1-1", "选手2-1", "单位1", "单位2"):
        assert name not in page  # no names, no units before publication
    assert judging.mark_url(unit1_ids[0]) in page
    assert judging.mark_url(unit2_ids[0]) not in page

    page = judging.session("panel2").get(judging.sheet_url())
    assert page.count('class="mark"') == len(unit1_ids) + len(unit2_ids)
    assert 'id="empty-count">5<' in page


def test_saving_a_row_is_the_api_put_with_the_same_rules_and_messages(judging):
    world, event_id = judging.world, judging.event_id
    unit1_ids, unit2_ids = world.contestants[world.units[0]], world.contestants[world.units[1]]
    unit1 = judging.session("unit1")

    saved = unit1.put_json(judging.mark_url(unit1_ids[0]), {"value": "86.5"})
    assert saved == {"contestant_id": unit1_ids[0], "component": "theory", "value": "86.50"}
    listed = judging.apis["unit1"].get(f"/events/{event_id}/rounds/preliminary/marks")["marks"]
    assert [(m["contestant_id"], m["value"]) for m in listed] == [(unit1_ids[0], "86.50")]

    for value, status in (("101", 422), ("abc", 422), ("1.234", 422), ("-1", 422)):
        page = unit1.put_json(judging.mark_url(unit1_ids[1]), {"value": value}, status=status)
        api = judging.apis["unit1"].put(
            f"/events/{event_id}/rounds/preliminary/marks/{unit1_ids[1]}/theory",
            {"value": value},
            status=status,
        )
        assert page == api  # the same refusal, word for word
    assert page["error"]["fields"]["value"] == ["理论知识的分数应在 0 到 100 之间"]

    refused = unit1.put_json(judging.mark_url(unit2_ids[0]), {"value": 80}, status=403)
    assert refused["error"]["message"] == "只能为本单位的选手评分"
    unknown = unit1.put_json(judging.mark_url(unit1_ids[1], component="nope"), {"value": 80}, 422)
    assert unknown["error"]["fields"] == {"component": ["未知的评分项"]}
    listed = judging.apis["unit1"].get(f"/events/{event_id}/rounds/preliminary/marks")["marks"]
    assert len(listed) == 1  # nothing refused was stored


def test_saving_needs_a_session_and_the_csrf_token(judging, app):
    contestant = judging.world.all_contestants()[0]
    chief = judging.session("chief")
    response = chief.client.put(
        judging.mark_url(contestant), json={"value": 80}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    anonymous = app.test_client()
    token = Session._token(anonymous.get("/login").get_data(as_text=True))
    response = anonymous.put(
        judging.mark_url(contestant),
        json={"value": 80},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 401  # JSON for the script, not a redirect to a login page
    assert response.get_json()["error"]["code"] == "unauthorized"
    marks = judging.org.get(f"/events/{judging.event_id}/rounds/preliminary/marks")["marks"]
    assert marks == []


def test_organisers_and_strangers_have_no_score_sheet(judging, app):
    make_user(app, "stranger", "judge")
    assert "您不是该赛项的裁判" in judging.session("stranger").get(judging.sheet_url(), 403)
    make_user(app, "someone", "organiser")
    judging.session("someone").get(judging.sheet_url(), status=403)
    anonymous = app.test_client().get(judging.sheet_url())
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    judging.session("chief").get(f"/judging/events/{judging.event_id}/semi/theory", status=404)
    judging.session("chief").get(judging.sheet_url(component="nope"), status=404)


def test_after_publication_the_sheet_is_locked_and_shows_names_safely(judging, app, client):
    world = judging.world
    evil = world.org.post(
        f"/events/{judging.event_id}/contestants",
        {"name": "<script>alert(1)</script>", "unit_id": world.units[0]},
    )["id"]
    world.contestants[world.units[0]].append(evil)
    judging.complete_preliminary()
    world.org.post(f"/events/{judging.event_id}/rounds/preliminary/publish", status=200)

    unit1 = judging.session("unit1")
    page = unit1.get(judging.sheet_url())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "本轮成绩已发布" in page and "data-editable" not in page
    refused = unit1.put_json(judging.mark_url(evil), {"value": 99}, status=409)
    assert refused["error"]["message"] == "本轮成绩已发布并锁定，不能再修改"


def test_a_units_judge_marks_the_final_without_their_own_units_people(judging):
    """回避: unit 1's judge sees the final's other finalists only, and the progress expects
    that many rows of them once they start."""
    judging.org.call(
        "PATCH", f"/events/{judging.event_id}", {"min_finalists_per_unit": 2}, status=200
    )
    judging.complete_preliminary()
    world = judging.world
    for unit_id in world.units:
        judging.org.post(f"/events/{judging.event_id}/finalists", {"unit_id": unit_id, "count": 2})
    unit1 = judging.session("unit1")
    sheet = unit1.get(judging.sheet_url("final"))
    assert "004" in sheet and "005" in sheet
    assert "001" not in sheet and "002" not in sheet
    judging.fill("unit1", {world.contestants[world.units[1]][0]: 75}, round_="final")
    lines = judging.org.get(f"/events/{judging.event_id}/sheets")["sheets"]
    mine = [
        line for line in lines
        if line["judge_id"] == judging.users["unit1"] and line["round"] == "final"
    ]  # fmt: skip
    assert mine and all(line["counts"]["expected"] == 2 for line in mine)
