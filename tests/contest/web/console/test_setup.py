"""Setting a contest up through the forms: every refusal is a readable message next to what
caused it, and nothing of a refused form is stored."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, Contestant, Event, JudgeAssignment, User
from tests.support.factories import build_world, judge, mark
from tests.support.pages import organiser_pages, text_of

REFERENCE_ROWS = {
    "components-0-key": "theory",
    "components-0-name": "理论知识",
    "components-0-weight": "0.30",
    "components-0-max_score": "100",
    "components-0-direction": "higher",
    "components-0-tie_break": "",
    "components-1-key": "practical",
    "components-1-name": "技能操作",
    "components-1-weight": "0.70",
    "components-1-max_score": "100",
    "components-1-direction": "higher",
    "components-1-tie_break": "1",
    "components-2-key": "time_used",
    "components-2-name": "操作用时(分钟)",
    "components-2-weight": "0",
    "components-2-max_score": "600",
    "components-2-direction": "lower",
    "components-2-tie_break": "2",
}


def _event_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "数控铣工",
        "group": "职工组",
        "min_finalists_per_unit": "3",
        "notice_working_days": "",
        **REFERENCE_ROWS,
        **overrides,
    }


def _version(app, event_id: int) -> str:
    """The version the edit page carries in its hidden field."""
    with app.app_context():
        return str(db.session.get(Event, event_id).version)


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            len(db.session.scalars(select(Contest)).all()),
            len(db.session.scalars(select(Event)).all()),
        )


def test_an_organiser_sets_up_a_contest_units_and_an_event(app, client):
    boss = organiser_pages(app, client)
    page = boss.post(
        "/console",
        {
            "name": "职工职业技能竞赛",
            "edition": "第五届",
            "host": "总工会",
            "co_hosts": "",
            "theme": "",
            "notice_working_days": "7",
        },
        status=200,
    )
    assert "竞赛已创建" in text_of(page.get_data(as_text=True))
    with app.app_context():
        contest = db.session.scalars(select(Contest)).one()
        assert (contest.name, contest.edition, contest.notice_working_days) == (
            "职工职业技能竞赛",
            "第五届",
            7,
        )
        contest_id = contest.id

    page = boss.post(
        f"/console/contests/{contest_id}/units",
        {"units-names": "甲公司\n乙公司\n\n甲公司\n"},
        status=200,
    )
    assert "已登记 2 个单位" in text_of(page.get_data(as_text=True))
    refused = boss.post(f"/console/contests/{contest_id}/units", {"units-names": "乙公司"})
    assert refused.status_code == 409
    assert "单位“乙公司”已登记" in text_of(refused.get_data(as_text=True))

    page = boss.post(f"/console/contests/{contest_id}/events/new", _event_form(), status=200)
    assert "赛项已创建" in text_of(page.get_data(as_text=True))
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert [c.key for c in event.components] == ["theory", "practical", "time_used"]
        assert [c.key for c in event.tie_breaks] == ["practical", "time_used"]
        assert event.component("time_used").higher_is_better is False
        assert event.component("theory").weight == Decimal("0.30")
        assert event.notice_working_days is None


def test_event_rules_are_checked_as_the_api_checks_them(app, client):
    boss = organiser_pages(app, client)
    boss.post("/console", {"name": "C", "host": "H", "notice_working_days": "5"}, status=200)
    with app.app_context():
        contest_id = db.session.scalars(select(Contest.id)).one()
    url = f"/console/contests/{contest_id}/events/new"

    # weights: validate_event_rules' own message
    response = boss.post(url, _event_form(**{"components-1-weight": "0.60"}), status=422)
    assert "各评分项权重之和须为 1，现为 0.90" in text_of(response.get_data(as_text=True))
    # the API schema's message on the row's own field
    response = boss.post(url, _event_form(**{"components-0-key": "Theory!"}), status=422)
    page = response.get_data(as_text=True)
    assert "代码应为小写字母开头的字母、数字或下划线" in page
    assert 'class="has-error"' in page
    # two components in one tie-break place
    response = boss.post(url, _event_form(**{"components-2-tie_break": "1"}), status=422)
    assert "同分比较顺序重复" in text_of(response.get_data(as_text=True))
    # a maximum that is not a number
    response = boss.post(url, _event_form(**{"components-0-max_score": "一百"}), status=422)
    assert "应为数字" in text_of(response.get_data(as_text=True))
    # a notice period out of range
    response = boss.post(url, _event_form(notice_working_days="99"), status=422)
    assert "公示期应为 0 到 60 个工作日" in text_of(response.get_data(as_text=True))
    assert _counts(app) == (1, 0)

    boss.post(url, _event_form(), status=200)
    again = boss.post(url, _event_form())
    assert again.status_code == 409
    assert "已存在" in text_of(again.get_data(as_text=True))
    assert _counts(app) == (1, 1)


def test_rules_can_change_until_the_first_mark(app, client):
    world = build_world(app, client, per_unit=(1,))
    boss = organiser_pages(app, client)
    url = f"/console/events/{world.event_id}/edit"
    form = _event_form(notice_working_days="3", version=_version(app, world.event_id))
    boss.post(url, form, status=200)
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        assert [c.key for c in event.components] == ["theory", "practical", "time_used"]
        assert event.notice_working_days == 3

    _uid, panel = judge(app, client, world.org, world.event_id, "panel1")
    contestant = world.all_contestants()[0]
    mark(panel, world.event_id, "preliminary", contestant, "theory", "80")
    page = boss.get(url)
    assert "已经有评分或已发布成绩" in text_of(page)
    # A posted change of weights is ignored (the stored rules are kept); names still change.
    edit = {"components-0-weight": "0.5", "version": _version(app, world.event_id)}
    boss.post(url, _event_form(name="数控车工", **edit), status=200)
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        assert event.name == "数控车工"
        assert event.component("theory").weight == Decimal("0.30")


def test_registering_a_contestant_shows_the_masked_id_and_escapes_names(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    url = f"/console/events/{world.event_id}/contestants"
    unit = str(world.units[0])

    bad = boss.post(url, {"name": "王五", "unit_id": unit, "id_number": "110105194912310021"})
    assert bad.status_code == 422
    assert "身份证号校验位不正确" in text_of(bad.get_data(as_text=True))
    no_unit = boss.post(url, {"name": "王五", "unit_id": "0", "id_number": ""})
    assert no_unit.status_code == 422
    assert "请选择单位" in text_of(no_unit.get_data(as_text=True))
    bad_number = boss.post(url, {"name": "王五", "unit_id": unit, "number": "A/1"})
    assert bad_number.status_code == 422
    assert "参赛号应为 1-16 位字母、数字或连字符" in text_of(bad_number.get_data(as_text=True))

    name = "<script>alert(1)</script>"
    page = boss.post(
        url, {"name": name, "unit_id": unit, "id_number": "11010519491231002x"}, status=200
    )
    body = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "110***********002X" in body
    assert "11010519491231002X" not in body
    with app.app_context():
        stored = db.session.scalars(select(Contestant)).one()
        assert stored.name == name and stored.number == "001"
        assert stored.id_number == "11010519491231002X"
        assert len(stored.access_code) == 8


def test_judges_are_created_and_assigned_in_one_go(app, client):
    world = build_world(app, client, per_unit=(1,))
    boss = organiser_pages(app, client)
    url = f"/console/events/{world.event_id}/judges"
    page = boss.post(
        url,
        {
            "new-username": "chief",
            "new-display_name": "裁判长甲",
            "new-password": "long-enough-password",
            "new-unit_id": "0",
            "new-chief": "y",
        },
        status=200,
    )
    assert "已创建裁判账号 chief" in text_of(page.get_data(as_text=True))
    short = boss.post(
        url,
        {"new-username": "j2", "new-password": "short", "new-unit_id": str(world.units[0])},
    )
    assert short.status_code == 422
    assert "密码至少 8 位" in text_of(short.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "j2")) is None
        assignment = db.session.scalars(select(JudgeAssignment)).one()
        assert assignment.is_chief and assignment.unit_id is None

    # an existing judge account, for one unit's preliminary committee
    from tests.support.factories import make_user

    committee = make_user(app, "unit_judge", "judge")
    boss.post(
        f"{url}/assign",
        {"assign-user_id": str(committee), "assign-unit_id": str(world.units[0])},
        status=200,
    )
    with app.app_context():
        row = db.session.scalars(
            select(JudgeAssignment).where(JudgeAssignment.user_id == committee)
        ).one()
        assert row.unit_id == world.units[0] and not row.is_chief
