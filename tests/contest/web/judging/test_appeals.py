"""The appeals log: an appeal is recorded as filed; an upheld appeal changes marks through the
mark service with its reason, even in a published round, and sends the sheet back to sign-off."""

from __future__ import annotations

import re

from sqlalchemy import select

from competition.extensions import db
from competition.models import Appeal, AuditEntry


def _published_and_signed(judging):
    """The preliminary complete, every started sheet signed, published with sign-off on."""
    org = judging.session("org")
    org.post(f"/console/events/{judging.event_id}/require-sign-off", {"value": "1"})
    judging.complete_preliminary()
    chief = judging.session("chief")
    for judge in ("unit1", "unit2"):
        for component in ("theory", "practical"):
            chief.post(judging.review_url(judge, component=component) + "/sign")
    judging.org.post(f"/events/{judging.event_id}/rounds/preliminary/publish", status=200)
    return org, chief


def _file(org, judging, contestant_id, status=302, **overrides):
    data = {
        "round": "preliminary",
        "contestant_id": str(contestant_id),
        "filed_by": "张伟东",
        "filed_at": "2026-05-20T15:30",
        "subject": "理论成绩登记有误，应为 91 分",
        **overrides,
    }
    return org.post(f"/console/events/{judging.event_id}/appeals/new", data, status)


def test_an_appeal_needs_a_real_name_a_time_and_a_subject(judging, app):
    org = judging.session("org")
    contestant = judging.world.all_contestants()[0]
    page = _file(org, judging, contestant, 422, filed_by=" ", subject="", filed_at="")
    page = page.get_data(as_text=True)
    # the page is re-shown (status 422) with a message at each field, nothing stored
    assert "申诉人姓名不能为空" in page and "申诉事项不能为空" in page and "请填写申诉时间" in page
    page = _file(org, judging, contestant, 422, filed_at="2099-01-01T00:00").get_data(as_text=True)
    assert "申诉时间不能晚于现在" in page
    page = _file(org, judging, contestant, 422, round="final").get_data(as_text=True)
    assert "该选手未进入决赛" in page
    with app.app_context():
        assert db.session.scalars(select(Appeal)).all() == []
    judging.session("chief").get("/console/appeals", status=403)


def test_an_upheld_appeal_changes_a_published_mark_and_sends_the_sheet_back(judging, app):
    org, chief = _published_and_signed(judging)
    contestant = judging.world.contestants[judging.world.units[0]][0]
    response = _file(org, judging, contestant)
    appeal_url = response.headers["Location"]
    assert re.fullmatch(r"/console/appeals/\d+", appeal_url)
    page = org.get(appeal_url)
    assert "张伟东" in page and "2026-05-20 15:30" in page and "待处理" in page

    # the API still refuses to change a published round
    judging.apis["unit1"].put(
        f"/events/{judging.event_id}/rounds/preliminary/marks/{contestant}/theory",
        {"value": 91},
        status=409,
    )
    field = f"mark-{judging.users['unit1']}-"
    theory_field = next(
        name for name in re.findall(r'name="(mark-\d+-\d+)"', page) if name.startswith(field)
    )
    refused = org.post(
        appeal_url + "/decide",
        {"outcome": "rejected", "reason": "查无错误", theory_field: "91"},
        422,
    )
    assert "申诉不成立时不能更改成绩" in refused.get_data(as_text=True)
    refused = org.post(
        appeal_url + "/decide",
        {"outcome": "upheld", "reason": "核对原始记录", theory_field: "abc"},
        422,
    )
    assert "应为数字" in refused.get_data(as_text=True)

    org.post(
        appeal_url + "/decide",
        {"outcome": "upheld", "reason": "核对原始记录，登记有误", theory_field: "91"},
    )
    page = org.get(appeal_url)
    assert "申诉成立" in page and "因申诉更改的评分" in page and "91.00" in page

    results = judging.org.get(f"/events/{judging.event_id}/rounds/preliminary/results")
    assert results["published"] is True
    scores = {e["contestant_id"]: e["scores"]["theory"] for e in results["ranking"]}
    assert scores[contestant] == "91.00"
    review = chief.get(judging.review_url("unit1"))
    assert "未签字" in review  # back through sign-off
    chief.post(judging.review_url("unit1") + "/sign")
    assert "已签字" in chief.get(judging.review_url("unit1"))

    with app.app_context():
        change = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "mark.set", AuditEntry.contestant_id == contestant)
            .order_by(AuditEntry.id.desc())
        ).first()
        assert change.new_value == 91 and change.old_value == 61
        assert change.reason == "申诉处理（张伟东，第 1 号）：核对原始记录，登记有误"
        assert change.details == {"appeal_id": 1}
        reopened = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "sheet.reopen")
        ).one()
        assert reopened.reason == change.reason

    again = org.post(appeal_url + "/decide", {"outcome": "rejected", "reason": "again"}, 422)
    assert "该申诉已有处理结果" in again.get_data(as_text=True)
    log = org.get("/console/appeals")
    assert "张伟东" in log and "申诉成立" in log


def test_no_score_changes_by_appeal_once_the_notice_period_is_over(judging, app):
    from datetime import date

    from competition.models import Round

    org, _chief = _published_and_signed(judging)
    contestant = judging.world.contestants[judging.world.units[0]][0]
    appeal_url = _file(org, judging, contestant).headers["Location"]
    with app.app_context():
        round_ = db.session.scalars(
            select(Round).where(Round.event_id == judging.event_id, Round.kind == "preliminary")
        ).one()
        round_.notice_ends_on = date(2000, 1, 7)  # long over: the results are final
        db.session.commit()
    page = org.get(appeal_url)
    field = f"mark-{judging.users['unit1']}-"
    theory_field = next(
        name for name in re.findall(r'name="(mark-\d+-\d+)"', page) if name.startswith(field)
    )
    refused = org.post(
        appeal_url + "/decide",
        {"outcome": "upheld", "reason": "核对原始记录", theory_field: "91"},
        422,  # the form is shown again with the refusal, as for any refused ruling
    )
    assert "公示期已满" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Appeal, int(appeal_url.rsplit("/", 1)[1])).outcome is None


def test_two_organisers_deciding_one_appeal_at_once_record_one_decision(judging, app, monkeypatch):
    """The other organiser's decision is made while this one's is on its way: this one is
    told the appeal has been decided, and changes nothing (never both applied)."""
    from tests.contest.api.test_concurrent_edits import interleave

    org, _chief = _published_and_signed(judging)
    contestant = judging.world.contestants[judging.world.units[0]][0]
    appeal_url = _file(org, judging, contestant).headers["Location"]
    other = judging.session("org")
    field = f"mark-{judging.users['unit1']}-"
    theory_field = next(
        name
        for name in re.findall(r'name="(mark-\d+-\d+)"', org.get(appeal_url))
        if name.startswith(field)
    )
    with interleave(
        monkeypatch,
        "competition.contest.services.marks",
        lambda: other.post(
            appeal_url + "/decide",
            {"outcome": "upheld", "reason": "核对原始记录", theory_field: "91"},
        ),
    ) as decided:
        later = org.post(
            appeal_url + "/decide",
            {"outcome": "upheld", "reason": "另一份处理意见", theory_field: "95"},
            422,
        )
    assert decided, "the other decision did not run in between"
    assert "该申诉已有处理结果" in later.get_data(as_text=True)
    with app.app_context():
        changes = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "mark.set", AuditEntry.contestant_id == contestant
            )
        ).all()
        by_appeal = [c for c in changes if c.details]
        assert [(c.new_value, c.reason) for c in by_appeal] == [
            (91, "申诉处理（张伟东，第 1 号）：核对原始记录")
        ]
        appeal = db.session.scalars(select(Appeal)).one()
        assert appeal.outcome_reason == "核对原始记录"
