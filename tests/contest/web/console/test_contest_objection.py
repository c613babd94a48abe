"""What the posted result notice says beyond the ranking, set where the contest and its events
are set up: how to object (the contest's objection contact, on its settings page and in the
API) and the unit each component's score is printed in (the event form and the API)."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, Event
from tests.support.factories import build_world, judge, mark
from tests.support.pages import organiser_pages, text_of
from tests.support.pdf import pdf_text

CONTACT = "如有异议，请于公示期内实名书面向大赛监督仲裁组反映，联系电话 010-67881234。"
DEFAULT = "如有异议，请于公示期内以书面形式实名向大赛组委会反映。"


def flat(text: str) -> str:
    return "".join(text.split())


def _contest_form(app, contest_id: int, **overrides: str) -> dict[str, str]:
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        form = {
            "contest-name": contest.name,
            "contest-edition": contest.edition,
            "contest-host": contest.host,
            "contest-co_hosts": contest.co_hosts,
            "contest-theme": contest.theme,
            "contest-notice_working_days": str(contest.notice_working_days),
            "contest-objection_contact": contest.objection_contact,
            "contest-version": str(contest.version),
        }
    return {**form, **{f"contest-{k}": v for k, v in overrides.items()}}


def _stored_contact(app, contest_id: int) -> str:
    with app.app_context():
        return db.session.get(Contest, contest_id).objection_contact


def test_the_objection_contact_is_set_on_the_contest_page_and_printed(app, client):
    world = build_world(app, client, per_unit=(2,))
    _, panel = judge(app, client, world.org, world.event_id, "panel")
    for n, cid in enumerate(world.all_contestants()):
        for key in ("theory", "practical"):
            mark(panel, world.event_id, "preliminary", cid, key, str(80 + n))
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    boss = organiser_pages(app, client)
    page_url = f"/console/contests/{world.contest_id}"
    pdf_url = f"/console/events/{world.event_id}/rounds/preliminary/results.pdf"

    assert "异议受理" in text_of(boss.get(page_url))
    assert DEFAULT in flat(pdf_text(client.get(pdf_url).data))

    page = boss.post(
        page_url, _contest_form(app, world.contest_id, objection_contact=f"  {CONTACT} ")
    )
    assert page.status_code == 200 and "竞赛信息已保存" in text_of(page.get_data(as_text=True))
    assert CONTACT in page.get_data(as_text=True)  # shown again in the form
    assert _stored_contact(app, world.contest_id) == CONTACT
    printed = flat(pdf_text(client.get(pdf_url).data))
    assert flat(CONTACT) in printed and DEFAULT not in printed

    refused = boss.post(
        page_url, _contest_form(app, world.contest_id, objection_contact="长" * 501)
    )
    assert refused.status_code == 422
    assert _stored_contact(app, world.contest_id) == CONTACT

    boss.post(page_url, _contest_form(app, world.contest_id, objection_contact=""), status=200)
    assert _stored_contact(app, world.contest_id) == ""
    assert DEFAULT in flat(pdf_text(client.get(pdf_url).data))


def test_the_objection_contact_through_the_api(app, client):
    world = build_world(app, client, per_unit=(0,))
    org = world.org
    assert org.get(f"/contests/{world.contest_id}")["objection_contact"] == ""
    created = org.post(
        "/contests", {"name": "竞赛", "host": "总工会", "objection_contact": CONTACT}
    )
    assert created["objection_contact"] == CONTACT
    assert org.get(f"/contests/{created['id']}")["objection_contact"] == CONTACT
    refused = org.post(
        "/contests", {"name": "竞赛", "host": "总工会", "objection_contact": "长" * 501}, 422
    )
    assert "objection_contact" in refused["error"]["fields"]


def test_a_component_unit_is_inferred_set_and_editable_once_rules_are_locked(app, client):
    boss = organiser_pages(app, client)
    boss.post("/console", {"name": "C", "host": "H", "notice_working_days": "5"}, status=200)
    with app.app_context():
        contest_id = db.session.scalars(select(Contest.id)).one()
    rows = {
        "name": "数控铣工",
        "group": "职工组",
        "min_finalists_per_unit": "3",
        "components-0-key": "theory",
        "components-0-name": "理论知识",
        "components-0-weight": "0.30",
        "components-0-max_score": "100",
        "components-1-key": "practical",
        "components-1-name": "技能操作",
        "components-1-weight": "0.70",
        "components-1-max_score": "100",
        "components-1-tie_break": "1",
        "components-2-key": "time_used",
        "components-2-name": "操作用时",
        "components-2-weight": "0",
        "components-2-max_score": "600",
        "components-2-direction": "lower",
        "components-2-tie_break": "2",
    }
    assert "计量单位" in text_of(boss.get(f"/console/contests/{contest_id}/events/new"))
    boss.post(f"/console/contests/{contest_id}/events/new", rows, status=200)
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert [c.unit_label for c in event.components] == ["", "", "分钟"]
        event_id, version = event.id, event.version

    # Once marked, the rules are locked, but the printed unit is not a rule.
    api = build_world(app, client, per_unit=(0,)).org  # an organiser's API, to mark with
    _uid, panel = judge(app, client, api, event_id, "panel")
    unit = api.post(f"/contests/{contest_id}/units", {"name": "甲公司"})
    cid = api.post(f"/events/{event_id}/contestants", {"name": "甲", "unit_id": unit["id"]})["id"]
    mark(panel, event_id, "preliminary", cid, "time_used", "170")
    edit = {
        **rows,
        "components-0-weight": "0.5",
        "components-2-unit": "秒",
        "version": str(version),
    }
    page = boss.post(f"/console/events/{event_id}/edit", edit, status=200)
    assert "赛项设置已保存" in text_of(page.get_data(as_text=True))
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert [c.unit_label for c in event.components] == ["", "", "秒"]
        assert str(event.component("theory").weight) in {"0.3", "0.30", "0.3000"}
    body = api.get(f"/events/{event_id}")
    assert [c["unit"] for c in body["components"]] == ["", "", "秒"]


def test_the_api_takes_a_component_unit_or_infers_it(app, client):
    world = build_world(app, client, per_unit=(0,))
    components = [
        {"key": "score", "name": "成绩", "weight": "1", "max_score": "100"},
        {"key": "duration", "name": "用时（分钟）", "weight": "0", "max_score": "600"},
        {"key": "time_used", "name": "用时", "weight": "0", "max_score": "600", "unit": ""},
        {"key": "length", "name": "长度", "weight": "0", "max_score": "600", "unit": "毫米"},
    ]
    event = world.org.post(
        f"/contests/{world.contest_id}/events",
        {"name": "测量", "components": components, "tie_breaks": []},
    )
    assert [c["unit"] for c in event["components"]] == ["", "分钟", "", "毫米"]
    refused = world.org.post(
        f"/contests/{world.contest_id}/events",
        {
            "name": "测量2",
            "components": [dict(components[0], unit="很长很长很长很长很长很长很长很长很长")],
        },
        status=422,
    )
    assert refused["error"]["fields"] == {"components.0.unit": ["最长 16 个字符"]}
