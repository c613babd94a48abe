"""The chief judge's sign-off: only complete sheets, only by the chief, locked for the API and
the pages alike, reopened only by an organiser with a reason, and (where the event asks for it)
required before publication."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry


def _unit1_theory(judging, values=(81, 82, 83)):
    ids = judging.world.contestants[judging.world.units[0]]
    judging.fill("unit1", dict(zip(ids, values, strict=True)))
    return ids


def test_the_chief_signs_a_complete_sheet_and_it_is_locked_everywhere(judging, app):
    ids = judging.world.contestants[judging.world.units[0]]
    chief = judging.session("chief")
    judging.fill("unit1", {ids[0]: 81})
    page = chief.get(judging.review_url("unit1"))
    assert "还有 2 行未评分，不能签字" in page
    chief.post(judging.review_url("unit1") + "/sign")
    assert "还有 2 行未评分，不能签字" in chief.get(judging.review_url("unit1"))  # flashed

    judging.fill("unit1", {ids[1]: 82, ids[2]: 83})
    judging.session("panel2").post(judging.review_url("unit1") + "/sign", status=403)
    judging.session("unit1").post(judging.review_url("unit1") + "/sign", status=403)
    chief.post(judging.review_url("unit1") + "/sign")
    assert "已签字确认，评分表已锁定" in chief.get(judging.review_url("unit1"))

    refused = judging.apis["unit1"].put(
        f"/events/{judging.event_id}/rounds/preliminary/marks/{ids[0]}/theory",
        {"value": 90},
        status=409,
    )
    assert "已由裁判长签字锁定" in refused["error"]["message"]
    unit1 = judging.session("unit1")
    unit1.put_json(judging.mark_url(ids[0]), {"value": 90}, status=409)
    page = unit1.get(judging.sheet_url())
    assert "裁判长已签字确认" in page and "data-editable" not in page
    # the practical sheet of the same judge is not locked by it
    unit1.put_json(judging.mark_url(ids[0], component="practical"), {"value": 70})

    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("sheet.sign") == 1


def test_reopening_needs_an_organiser_and_a_reason_and_is_audited(judging, app):
    ids = _unit1_theory(judging)
    judging.session("chief").post(judging.review_url("unit1") + "/sign")
    judging.session("chief").post(judging.review_url("unit1") + "/reopen", {"reason": "x"}, 403)

    org = judging.session("org")
    org.post(judging.review_url("unit1") + "/reopen", {"reason": "  "})
    assert "请填写重新开放的理由" in org.get(judging.review_url("unit1"))
    org.post(judging.review_url("unit1") + "/reopen", {"reason": "裁判发现 001 号抄写错误"})
    assert "评分表已重新开放" in org.get(judging.review_url("unit1"))

    judging.session("unit1").put_json(judging.mark_url(ids[0]), {"value": 80})
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "sheet.reopen")
        ).one()
        assert entry.reason == "裁判发现 001 号抄写错误"
        assert entry.judge_id == judging.users["unit1"]
    org.post(judging.review_url("unit1") + "/reopen", {"reason": "again"})
    assert "该评分表尚未签字" in org.get(judging.review_url("unit1"))


def test_an_event_that_requires_sign_off_publishes_only_signed_sheets(judging):
    org = judging.session("org")
    org.post(f"/console/events/{judging.event_id}/require-sign-off", {"value": "1"})
    judging.complete_preliminary()
    publish = f"/events/{judging.event_id}/rounds/preliminary/publish"
    refused = judging.org.post(publish, status=409)
    assert refused["error"]["fields"]["unsigned_sheets"] == [
        "未签字：理论知识 · unit1",
        "未签字：技能操作 · unit1",
        "未签字：理论知识 · unit2",
        "未签字：技能操作 · unit2",
    ]
    chief = judging.session("chief")
    for component in ("theory", "practical"):
        chief.post(judging.review_url("unit1", component=component) + "/sign")
    refused = judging.org.post(publish, status=409)
    assert refused["error"]["fields"]["unsigned_sheets"] == [
        "未签字：理论知识 · unit2",
        "未签字：技能操作 · unit2",
    ]
    # a panel judge's stray mark in the preliminary is a sheet too, and an incomplete one
    judging.fill("panel2", {judging.world.all_contestants()[0]: 50})
    assert "还有 4 行未评分，不能签字" in chief.get(judging.review_url("panel2"))
    for component in ("theory", "practical"):
        chief.post(judging.review_url("unit2", component=component) + "/sign")
    refused = judging.org.post(publish, status=409)
    assert refused["error"]["fields"]["unsigned_sheets"] == ["未签字：理论知识 · panel2"]

    org.post(f"/console/events/{judging.event_id}/require-sign-off", {"value": "0"})
    judging.org.post(publish, status=200)
