"""The mark entry's own path (`PUT …/marks/…`): it reads plain rows, not ORM objects, so these
check what that could get wrong: the refusals in the contract's order and words, the request
log naming the judge, the audit entry, and an ORM copy of a mark going stale under set_mark."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from sqlalchemy import select

from competition.contest import policy
from competition.contest.services import marks as mark_service
from competition.extensions import db
from competition.models import AuditEntry, Contestant, Event, Mark, User
from tests.contest.api.test_access import SIMPLE_EVENT
from tests.support.errors import assert_error
from tests.support.factories import build_world, judge


@pytest.fixture
def entry(app, client):
    world = build_world(app, client, per_unit=(2, 2), event=SIMPLE_EVENT)
    judge_id, panel = judge(app, client, world.org, world.event_id, "panel")
    _unit_judge_id, committee = judge(
        app, client, world.org, world.event_id, "committee", unit_id=world.units[0]
    )
    return world, judge_id, panel, committee


def _put(api, event_id, contestant, value="80", kind="preliminary", key="score"):
    return api.client.put(
        f"/api/v1/events/{event_id}/rounds/{kind}/marks/{contestant}/{key}",
        json={"value": value},
        headers={"Authorization": f"Bearer {api.token}"} if api.token else {},
    )


def test_refusals_come_in_the_contracts_order_with_the_usual_words(entry, client):
    world, _judge_id, panel, committee = entry
    own, other = world.contestants[world.units[0]][0], world.contestants[world.units[1]][0]
    event = world.event_id
    anonymous = type(panel)(client)
    assert_error(_put(anonymous, event, own), 401)
    assert assert_error(_put(panel, 999_999, own), 404)["message"] == "没有这个赛项"
    # An unknown round is named before an unknown contestant, as everywhere else.
    assert assert_error(_put(panel, event, 999_999, kind="semi"), 404)["message"] == (
        "没有这个轮次（应为 preliminary 或 final）"
    )
    assert assert_error(_put(panel, event, 999_999), 404)["message"] == "本赛项没有这名选手"
    assert assert_error(_put(committee, event, other), 403)["message"] == "只能为本单位的选手评分"
    own_unit = assert_error(_put(committee, event, own, kind="final"), 403)
    assert own_unit["message"] == "回避：决赛中裁判不能为本单位的选手评分"
    assert own_unit["code"] == "conflict_of_interest"
    assert assert_error(_put(world.org, event, own), 403)["message"] == (
        "您不是该赛项的裁判，不能评分"
    )
    # 403 before 400: a stranger learns nothing from a broken body or condition, though the
    # body is read before the round's lock.
    assert_error(_put(world.org, event, own, value="x"), 403)
    path = f"/api/v1/events/{event}/rounds/preliminary/marks/{own}/score"
    broken = {"data": "{", "content_type": "application/json"}
    assert_error(
        client.put(path, headers={"Authorization": f"Bearer {world.org.token}"}, **broken), 403
    )
    assert_error(
        client.put(
            path.replace(f"/{own}/", "/999999/"),
            headers={"Authorization": f"Bearer {panel.token}"},
            **broken,
        ),
        404,
    )
    assert_error(
        client.put(
            path,
            headers={"Authorization": f"Bearer {committee.token}", "If-Match": ""},
            json={"value": "1"},
        ),
        400,
        "If-Match",
    )
    assert_error(_put(panel, event, own, value="x"), 422, "value")
    error = assert_error(_put(panel, event, own, key="speed"), 422, "component")
    assert error["message"] == "没有评分项“speed”（本赛项的评分项：score）"
    assert_error(_put(panel, event, own, value="100.5"), 422, "value")
    assert_error(_put(panel, event, own, value="12.345"), 422, "value")
    error = assert_error(_put(panel, event, own, kind="final"), 422, "contestant")
    assert "未进入决赛" in error["message"]
    assert _put(committee, event, own).status_code == 200
    assert _put(panel, event, other, value="70.5").status_code == 200


@pytest.mark.parametrize("spoil", ["unknown", "revoked", "expired", "deactivated"])
def test_a_token_that_does_not_open_the_api_is_refused_before_anything_else(
    app, entry, client, spoil
):
    """The token is read with the mark, in one statement: a token that does not open the
    API is still a 401, before any 404 or 403, and writes nothing."""
    from datetime import timedelta

    from sqlalchemy import update

    from competition.models import ApiToken
    from competition.models.types import utcnow

    world, judge_id, panel, _committee = entry
    own = world.contestants[world.units[0]][0]
    if spoil == "unknown":
        panel = type(panel)(client, "not-a-token")
    with app.app_context():
        if spoil == "revoked":
            db.session.execute(update(ApiToken).values(revoked_at=utcnow()))
        elif spoil == "expired":
            db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(1)))
        elif spoil == "deactivated":
            db.session.get(User, judge_id).active = False
        db.session.commit()
    for event, contestant, kind in (
        (world.event_id, own, "preliminary"),
        (999_999, own, "preliminary"),
        (world.event_id, own, "semi"),
        (world.event_id, 999_999, "preliminary"),
    ):
        error = assert_error(_put(panel, event, contestant, kind=kind), 401)
        assert error["message"] == ("登录已失效或令牌无效，请重新登录"), (
            f"{spoil}: {event}/{kind}/{contestant}"
        )
    with app.app_context():
        assert db.session.scalars(select(Mark)).all() == []


def test_a_put_is_logged_under_its_judge_and_audited(app, entry, caplog):
    world, judge_id, panel, _committee = entry
    contestant = world.all_contestants()[0]
    with caplog.at_level(logging.INFO, logger="competition.requests"):
        first = _put(panel, world.event_id, contestant, "80")
        same = _put(panel, world.event_id, contestant, "80.00")
        changed = _put(panel, world.event_id, contestant, "81.5")
    logged = [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "competition.requests"
    ]
    assert [line["user"] for line in logged[-3:]] == [judge_id] * 3
    assert first.get_json() == {
        "contestant_id": contestant,
        "component": "score",
        "judge_id": judge_id,
        "value": "80.00",
    }
    assert first.headers["ETag"] == same.headers["ETag"] != changed.headers["ETag"]
    with app.app_context():
        mark = db.session.scalar(select(Mark))
        assert (mark.value, mark.version) == (Decimal("81.50"), 2)
        assert changed.headers["ETag"] == f'"{mark.etag}"'
        trail = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mark.set"))
        rows = [(e.actor_id, e.judge_id, e.old_value, e.new_value) for e in trail]
    # Sending the same value again writes nothing and audits nothing.
    assert rows == [
        (judge_id, judge_id, None, Decimal("80.00")),
        (judge_id, judge_id, Decimal("80.00"), Decimal("81.50")),
    ]


def test_set_mark_leaves_no_stale_copy_of_the_mark_in_the_session(app, entry):
    world, _judge_id, panel, _committee = entry
    contestant_id = world.all_contestants()[0]
    assert _put(panel, world.event_id, contestant_id, "60").status_code == 200
    with app.app_context():
        loaded = db.session.scalar(select(Mark))  # a caller read it before changing it
        event = db.session.get(Event, world.event_id)
        panel_user = db.session.scalar(select(User).where(User.username == "panel"))
        written = mark_service.set_mark(
            event,
            event.round("preliminary"),
            db.session.get(Contestant, contestant_id),
            "score",
            Decimal("65"),
            panel_user,
        )
        assert (loaded.value, loaded.version) == (Decimal("65.00"), 2)
        assert written.etag == loaded.etag
        db.session.commit()


@pytest.mark.parametrize(
    ("assigned", "kind", "contestant_unit", "refused"),
    [
        (policy.NOT_ASSIGNED, "preliminary", 1, True),
        (policy.NOT_ASSIGNED, "final", None, True),
        (None, "preliminary", 1, False),  # the contest's own panel marks everyone
        (None, "final", 2, False),
        (1, "preliminary", 1, False),  # a unit's committee: its own people …
        (1, "preliminary", 2, True),  # … not another unit's
        (1, "final", 1, True),  # … and never the final
    ],
)
def test_the_marking_rule_on_plain_values(assigned, kind, contestant_unit, refused):
    assert (policy.marking_refusal(assigned, kind, contestant_unit) is not None) is refused
