"""Appeals through the API (api-v1 "Appeals"): filed during the notice period, decided once,
marks changed only by an upheld appeal; refusals in the contract's order."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.contest.documents.helpers import published_final
from tests.support.errors import assert_error
from tests.support.factories import Api


def _file(api: Api, event_id: int, body: dict, status: int = 201, round_: str = "final"):
    return api.call("POST", f"/events/{event_id}/rounds/{round_}/appeals", body, status=status)


def _decide(api: Api, appeal_id: int, body: dict | None = None, status: int = 200, **kw):
    return api.call("POST", f"/appeals/{appeal_id}/decision", body, status=status, **kw)


def test_filing_refusals_in_the_contract_order_then_open(app, client):
    final = published_final(app, client, publish=False)
    event_id, org = final.event_id, final.org
    cid = final.ranked[0]["contestant_id"]
    body = {"contestant_id": cid, "filed_by": "吕𠮷祥", "subject": "理论成绩漏计"}
    assert_error(_file(Api(client), event_id, body, 401), 401)
    assert_error(_file(org, 999_999, body, 404), 404)
    assert_error(_file(org, event_id, body, 404, round_="semifinal"), 404)
    assert_error(_file(final.judge, event_id, body, 403), 403)
    assert_error(
        org.call("POST", f"/events/{event_id}/rounds/final/appeals", raw="{", status=400), 400
    )
    assert_error(_file(org, event_id, {**body, "filed_by": " "}, 422), 422, "filed_by")
    assert_error(_file(org, event_id, {"contestant_id": cid}, 422), 422)
    assert_error(
        _file(org, event_id, {**body, "contestant_id": 999_999}, 422), 422, "contestant_id"
    )
    # Valid, but the final is not published: nothing to appeal against yet.
    refused = assert_error(_file(org, event_id, body, 409), 409)
    assert "发布" in refused["message"]
    # 422 wins over 409.
    assert_error(_file(org, event_id, {**body, "subject": ""}, 422), 422, "subject")

    org.post(f"/events/{event_id}/rounds/final/publish", status=200)
    appeal = _file(org, event_id, body).get_json()
    assert appeal["contestant_id"] == cid and appeal["status"] == "open"
    assert appeal["filed_by"] == "吕𠮷祥" and appeal["round"] == "final"
    trail = org.get(f"/events/{event_id}/audit")["entries"]
    assert [e["details"]["appeal_id"] for e in trail if e["action"] == "appeal.file"] == [
        appeal["id"]
    ]


def test_no_appeal_once_the_notice_period_is_over(app, client):
    from competition.extensions import db
    from competition.models import Round

    final = published_final(app, client)
    with app.app_context():
        round_ = db.session.scalars(
            select(Round).where(Round.event_id == final.event_id, Round.kind == "final")
        ).one()
        round_.notice_ends_on = date(2000, 1, 3)
        db.session.commit()
    body = {
        "contestant_id": final.ranked[0]["contestant_id"],
        "filed_by": "王堃",
        "subject": "x",
    }
    refused = assert_error(_file(final.org, final.event_id, body, 409), 409)
    assert "公示期" in refused["message"]


def test_deciding_an_appeal(app, client):
    final = published_final(app, client)
    event_id, org = final.event_id, final.org
    second = final.ranked[1]
    cid = second["contestant_id"]
    appeal = _file(
        org, event_id, {"contestant_id": cid, "filed_by": "王堃", "subject": "技能操作漏计"}
    ).get_json()
    upheld = {
        "outcome": "upheld",
        "reason": "复核评分表，漏计一项",
        "changes": [{"judge_id": final.judge_id, "component": "practical", "value": "99"}],
    }
    assert_error(_decide(Api(client), appeal["id"], upheld, 401), 401)
    assert_error(_decide(org, 999_999, upheld, 404), 404)
    assert_error(_decide(final.judge, appeal["id"], upheld, 403), 403)
    assert_error(_decide(org, appeal["id"], raw="[", status=400), 400)
    assert_error(_decide(org, appeal["id"], {**upheld, "outcome": "maybe"}, 422), 422, "outcome")
    assert_error(_decide(org, appeal["id"], {**upheld, "reason": ""}, 422), 422, "reason")
    # Changes only with an upheld appeal.
    rejected_with_changes = {**upheld, "outcome": "rejected"}
    assert_error(_decide(org, appeal["id"], rejected_with_changes, 422), 422, "changes")
    unknown = {**upheld, "changes": [{"judge_id": final.judge_id, "component": "x", "value": 1}]}
    assert_error(_decide(org, appeal["id"], unknown, 422), 422, "changes")
    out_of_range = {
        **upheld,
        "changes": [{"judge_id": final.judge_id, "component": "practical", "value": 101}],
    }
    assert_error(_decide(org, appeal["id"], out_of_range, 422), 422)
    # Nothing of the refusals stuck.
    results = org.get(f"/events/{event_id}/rounds/final/results")["ranking"]
    assert results[1]["scores"]["practical"] == second["scores"]["practical"]

    decided = _decide(org, appeal["id"], upheld).get_json()
    assert decided["id"] == appeal["id"] and decided["status"] == "upheld"
    results = org.get(f"/events/{event_id}/rounds/final/results")["ranking"]
    changed = next(e for e in results if e["contestant_id"] == cid)
    assert changed["scores"]["practical"] == "99.00"
    trail = org.get(f"/events/{event_id}/audit?contestant_id={cid}")["entries"]
    marks = [e for e in trail if e["action"] == "mark.set" and e["details"]]
    assert [m["new_value"] for m in marks if m["details"].get("appeal_id")] == ["99.00"]

    # Decided once: 409, also for a rejection without changes; 422 still wins.
    assert_error(_decide(org, appeal["id"], upheld, 409), 409)
    assert_error(_decide(org, appeal["id"], {"outcome": "rejected", "reason": "x"}, 409), 409)
    assert_error(_decide(org, appeal["id"], rejected_with_changes, 422), 422)


def test_a_rejected_appeal_changes_nothing(app, client):
    final = published_final(app, client)
    cid = final.ranked[0]["contestant_id"]
    appeal = _file(
        final.org, final.event_id, {"contestant_id": cid, "filed_by": "甲", "subject": "复核"}
    ).get_json()
    body = _decide(final.org, appeal["id"], {"outcome": "rejected", "reason": "查无错误"})
    assert body.get_json()["status"] == "rejected"
    assert final.org.get(f"/events/{final.event_id}/rounds/final/results")["ranking"] == (
        final.ranked
    )
