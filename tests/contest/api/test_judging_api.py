"""A sheet's whole life through the API, as the pages live it: marks, second entry required by
the organisers, a difference ruled on by the chief judge, the signature that locks the sheet, a
reopening with its reason, and the event's rule that only signed sheets are published."""

from __future__ import annotations

from tests.contest.api.test_access import SIMPLE_EVENT
from tests.support.errors import assert_error
from tests.support.factories import build_world, judge, mark


def _sheet_path(event_id: int, judge_id: int) -> str:
    return f"/events/{event_id}/rounds/preliminary/sheets/score/{judge_id}"


def test_a_sheet_from_marks_to_signature_and_back(app, client):
    world = build_world(app, client, per_unit=(2,), event=SIMPLE_EVENT)
    org, event_id = world.org, world.event_id
    first, second = world.contestants[world.units[0]]
    chief_id, chief = judge(app, client, org, event_id, "chief", chief=True)
    panel_id, panel = judge(app, client, org, event_id, "panel")
    mark(panel, event_id, "preliminary", first, "score", "81")
    mark(panel, event_id, "preliminary", second, "score", "77.5")
    sheet = _sheet_path(event_id, panel_id)

    # the board: the organisers see every sheet, the judge only his own
    everyone = org.get(f"/events/{event_id}/sheets")["sheets"]
    own = panel.get(f"/events/{event_id}/sheets")["sheets"]
    assert {(s["round"], s["judge_id"]) for s in everyone} >= {
        ("preliminary", panel_id),
        ("preliminary", chief_id),
    }
    assert {s["judge_id"] for s in own} == {panel_id}
    line = next(s for s in own if s["round"] == "preliminary" and s["component"] == "score")
    assert line["counts"]["expected"] == 2 and line["counts"]["entered"] == 2
    assert line["counts"]["signed"] is False and line["counts"]["sign_refusal"] is None

    # the judge never reads his sheet with the second entry beside it
    assert_error(panel.call("GET", sheet), 403)

    # second entry required: the chief cannot sign until it is done and agrees
    required = org.put(f"{sheet}/second-entry", {"required": True})
    assert required["counts"]["second_entry_required"] is True
    refused = assert_error(chief.call("POST", f"{sheet}/sign"), 409)
    assert "二次录入" in refused["message"]
    assert_error(panel.call("PUT", f"{sheet}/second-entry/{first}", {"value": "81"}), 403)
    chief.put(f"{sheet}/second-entry/{first}", {"value": "８１"}, status=204)  # full-width
    chief.put(f"{sheet}/second-entry/{second}", {"value": "75.5"}, status=204)
    rows = {r["contestant_id"]: r for r in chief.get(sheet)["rows"]}
    assert rows[first]["state"] == "match" and rows[first]["second"] == "81.00"
    assert rows[second]["state"] == "mismatch"
    assert "name" not in rows[second]  # by contest number, never by name

    # a ruling made on values that have changed since is refused, not applied
    stale = chief.call(
        "POST",
        f"{sheet}/settle/{second}",
        {"stands": "second", "first": "70", "second": "75.5"},
    )
    assert assert_error(stale, 409)["code"] == "stale"
    assert_error(
        chief.call("POST", f"{sheet}/settle/{second}", {"stands": "second", "first": "77.5"}),
        422,
        "second",
    )
    settled = chief.post(
        f"{sheet}/settle/{second}",
        {"stands": "second", "first": "77.5", "second": "75.5"},
        status=200,
    )
    row = next(r for r in settled["rows"] if r["contestant_id"] == second)
    # the judge's mark became the second entry, so the two now agree
    assert row["state"] == "match" and row["settled"] == "75.50" and row["mark"] == "75.50"
    marks = org.get(f"/events/{event_id}/rounds/preliminary/marks")["marks"]
    assert {m["value"] for m in marks if m["contestant_id"] == second} == {"75.50"}

    # the signature locks the sheet against its own judge
    signed = chief.post(f"{sheet}/sign", status=200)
    assert signed["counts"]["signed"] is True
    mark(panel, event_id, "preliminary", first, "score", "82", status=409)

    # reopening needs an organiser and a reason
    assert_error(chief.call("POST", f"{sheet}/reopen", {"reason": "更正"}), 403)
    assert_error(org.call("POST", f"{sheet}/reopen", {}), 422, "reason")
    reopened = org.post(f"{sheet}/reopen", {"reason": "裁判申请更正第 1 行"}, status=200)
    assert reopened["counts"]["signed"] is False
    mark(panel, event_id, "preliminary", first, "score", "82")

    # the event's rule: a round is published only with every sheet signed
    assert org.put(f"/events/{event_id}/sign-off", {"required": True}) == {"required": True}
    assert_error(org.call("POST", f"/events/{event_id}/rounds/preliminary/publish"), 409)

    actions = [e["action"] for e in org.get(f"/events/{event_id}/audit")["entries"]]
    for action in ("sheet.second_entry", "second_entry.settle", "sheet.sign", "sheet.reopen"):
        assert action in actions, actions


def test_the_sheet_routes_name_what_exists(app, client):
    world = build_world(app, client, per_unit=(1,), event=SIMPLE_EVENT)
    org, event_id = world.org, world.event_id
    panel_id, _panel = judge(app, client, org, event_id, "panel")
    assert_error(
        org.call("GET", f"/events/{event_id}/rounds/preliminary/sheets/nope/{panel_id}"), 404
    )
    assert_error(org.call("GET", _sheet_path(event_id, 999999)), 404)
    assert_error(org.call("GET", f"/events/{event_id}/rounds/semi/sheets/score/{panel_id}"), 404)
    assert_error(
        org.call("PUT", f"/events/{event_id}/sign-off", {"required": "maybe"}), 422, "required"
    )
    assert_error(
        org.call(
            "POST",
            f"{_sheet_path(event_id, panel_id)}/settle/{world.all_contestants()[0]}",
            {"stands": "third"},
        ),
        422,
        "stands",
    )
