"""What the score sheet's offline queue relies on (issue #24): a queued mark replayed with the
ETag the judge last saw is stored once, with one audit entry, however often it is sent; a
mark changed by someone else meanwhile refuses the replay (409) and its current value can be
read, so that the row shows both values; never a silent overwrite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEntry


def _put(session: Any, url: str, value: str, headers: dict[str, str]) -> Any:
    return session.client.put(
        url,
        json={"value": value},
        headers={"Accept": "application/json", "X-CSRFToken": session.token, **headers},
    )


def _mark_entries(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "mark.set")
        )


def test_a_replayed_mark_is_stored_once_with_one_audit_entry(judging, app):
    world = judging.world
    first = world.contestants[world.units[0]][0]
    unit1 = judging.session("unit1")
    url = judging.mark_url(first)

    before = _mark_entries(app)
    sent = [_put(unit1, url, "86.5", {"If-None-Match": "*"}) for _ in range(3)]
    assert [r.status_code for r in sent] == [200, 200, 200]
    assert {r.get_json()["value"] for r in sent} == {"86.50"}
    assert len({r.headers["ETag"] for r in sent}) == 1
    assert _mark_entries(app) == before + 1

    seen = sent[0].headers["ETag"]
    again = [_put(unit1, url, "88", {"If-Match": seen}) for _ in range(2)]
    assert [r.status_code for r in again] == [200, 200]
    assert _mark_entries(app) == before + 2

    now = unit1.client.get(url, headers={"Accept": "application/json"})
    assert now.status_code == 200 and now.headers["Cache-Control"] == "no-store"
    assert now.get_json() == {"contestant_id": first, "component": "theory", "value": "88.00"}
    assert now.headers["ETag"] == again[0].headers["ETag"]


def test_a_replay_over_a_change_made_meanwhile_is_refused_and_the_change_can_be_read(judging, app):
    world, event_id = judging.world, judging.event_id
    first, second = world.contestants[world.units[0]][:2]
    unit1 = judging.session("unit1")
    url = judging.mark_url(first)
    seen = _put(unit1, url, "80", {"If-None-Match": "*"}).headers["ETag"]

    # Meanwhile the same judge's other device changes it (an appeal would do the same).
    judging.apis["unit1"].put(
        f"/events/{event_id}/rounds/preliminary/marks/{first}/theory", {"value": "82"}
    )
    before = _mark_entries(app)
    refused = _put(unit1, url, "85", {"If-Match": seen})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "stale"
    now = unit1.client.get(url, headers={"Accept": "application/json"})
    assert now.get_json()["value"] == "82.00"
    assert _mark_entries(app) == before  # nothing written

    # The judge chooses their own value, knowingly: conditional on what they were shown.
    chosen = _put(unit1, url, "85", {"If-Match": now.headers["ETag"]})
    assert chosen.status_code == 200 and chosen.get_json()["value"] == "85.00"

    empty = unit1.client.get(judging.mark_url(second), headers={"Accept": "application/json"})
    assert empty.status_code == 200 and empty.get_json()["value"] is None
    assert "ETag" not in empty.headers
    other_unit = world.contestants[world.units[1]][0]
    # Only the judge's own sheet's rows: another unit's contestant is not on it.
    elsewhere = unit1.client.get(
        judging.mark_url(other_unit), headers={"Accept": "application/json"}
    )
    assert elsewhere.status_code == 404
    own = judging.session("chief").client.get(url, headers={"Accept": "application/json"})
    assert own.get_json()["value"] is None  # the chief's own mark, not unit1's
