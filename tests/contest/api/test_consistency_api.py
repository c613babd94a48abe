"""Judge consistency through the API (api-v1 "Judging in depth"): the contract's figures for the
panel of tests/support/consistency.py, the chief judge's notes, the sign-off they unblock, and
the event's `outlier_percent` on creation, in its JSON and on a change."""

from __future__ import annotations

from tests.support.consistency import build_panel
from tests.support.errors import assert_error
from tests.support.factories import build_world


def test_the_figures_as_the_contract_lists_them(app, client):
    panel = build_panel(app, client)
    body = panel.org.get(panel.consistency_path())
    assert set(body) == {"judges"}
    ids = panel.users
    assert [(j["component"], j["judge_id"]) for j in body["judges"]] == [
        ("theory", ids["chief"]),
        ("theory", ids["p2"]),
        ("theory", ids["p3"]),
        ("theory", ids["p4"]),
    ]
    p4 = body["judges"][3]
    assert p4 == {
        "judge_id": ids["p4"],
        "component": "theory",
        "marks": 6,
        "mean_difference": "4.38",
        "rank_correlation": "0.83",
        "flagged": [panel.outlier],
        "notes": {},
    }
    chief = body["judges"][0]
    assert (chief["mean_difference"], chief["rank_correlation"], chief["flagged"]) == (
        "-1.46",
        "0.94",
        [],
    )
    # the final has no marks yet: nobody to list
    assert panel.org.get(panel.consistency_path("final")) == {"judges": []}


def test_who_may_read_it(app, client):
    panel = build_panel(app, client)
    assert panel.apis["chief"].get(panel.consistency_path())["judges"]
    for name in ("p2", "p4"):
        assert_error(panel.apis[name].call("GET", panel.consistency_path()), 403)
    assert_error(client.get(f"/api/v1{panel.consistency_path()}"), 401)
    assert_error(panel.org.call("GET", panel.consistency_path("semi")), 404)
    assert_error(
        panel.org.call("GET", f"/events/{panel.event_id + 99}/rounds/final/consistency"), 404
    )


def test_the_chief_notes_a_flagged_mark_and_then_signs_the_sheet(app, client):
    panel = build_panel(app, client)
    chief = panel.apis["chief"]
    refused = assert_error(chief.call("POST", f"{panel.sheet_path('p4')}/sign"), 409, "flagged")
    assert "003" in refused["message"] and refused["fields"]["flagged"] == ["003"]

    noted = chief.put(panel.note_path(panel.outlier, "p4"), {"note": "复核：工件确有缺陷"})
    assert {k: v for k, v in noted.items() if k != "noted_at"} == {
        "contestant_id": panel.outlier,
        "component": "theory",
        "judge_id": panel.users["p4"],
        "mark": "95.00",
        "others_median": "70.00",
        "note": "复核：工件确有缺陷",
        "noted_by_id": panel.users["chief"],
    }
    assert noted["noted_at"]
    listed = panel.org.get(panel.consistency_path())["judges"][3]
    assert listed["notes"] == {str(panel.outlier): "复核：工件确有缺陷"}
    assert listed["flagged"] == [panel.outlier]  # still unusual; now explained

    again = panel.org.put(panel.note_path(panel.outlier, "p4"), {"note": "组委会复核无误"})
    assert again["noted_by_id"] != panel.users["chief"]
    listed = panel.org.get(panel.consistency_path())["judges"][3]
    assert listed["notes"] == {str(panel.outlier): "组委会复核无误"}

    signed = chief.post(f"{panel.sheet_path('p4')}/sign", status=200)
    assert signed["counts"]["signed"] is True


def test_a_note_is_refused_as_the_contract_orders_it(app, client):
    panel = build_panel(app, client)
    path = panel.note_path(panel.outlier, "p4")
    assert_error(client.put(f"/api/v1{path}", json={"note": "x"}), 401)
    # 404 before 403 before 422: a panel judge learns nothing, even with an empty note
    assert_error(panel.apis["p2"].call("PUT", path, {"note": ""}), 403)
    assert_error(panel.apis["p4"].call("PUT", path, {"note": "我确认"}), 403)
    assert_error(panel.apis["p2"].call("PUT", panel.note_path(panel.outlier, "p4", "x")), 404)
    assert_error(
        panel.org.call("PUT", panel.note_path(panel.outlier + 99, "p4"), {"note": "x"}), 404
    )
    chief = panel.apis["chief"]
    assert_error(chief.call("PUT", path, {"note": "   "}), 422, "note")
    assert_error(chief.call("PUT", path, {}), 422, "note")
    assert_error(chief.call("PUT", path, {"note": "长" * 2001}), 422, "note")
    not_flagged = panel.note_path(panel.people[0], "p4")
    assert "未被标记" in assert_error(chief.call("PUT", not_flagged, {"note": "x"}), 409)["message"]
    assert panel.org.get(panel.consistency_path())["judges"][3]["notes"] == {}


def test_the_distance_is_set_on_the_event(app, client):
    world = build_world(app, client, per_unit=(1,))
    org = world.org
    assert org.get(f"/events/{world.event_id}")["outlier_percent"] == 15
    events = f"/contests/{world.contest_id}/events"
    made = org.post(events, {"name": "车工", "outlier_percent": 30})
    assert made["outlier_percent"] == 30
    for wrong in (0, 101, "many", None, 12.5):
        assert_error(
            org.call("POST", events, {"name": f"钳工{wrong}", "outlier_percent": wrong}),
            422,
            "outlier_percent",
        )
    changed = org.call("PATCH", f"/events/{made['id']}", {"outlier_percent": 25}, status=200)
    assert changed.get_json()["outlier_percent"] == 25
    assert_error(org.call("PATCH", f"/events/{made['id']}", {"outlier_percent": 0}), 422)


def test_a_wider_distance_unflags_the_mark(app, client):
    panel = build_panel(app, client)
    panel.org.call("PATCH", f"/events/{panel.event_id}", {"outlier_percent": 25}, status=200)
    assert panel.org.get(panel.consistency_path())["judges"][3]["flagged"] == []
    panel.apis["chief"].post(f"{panel.sheet_path('p4')}/sign", status=200)
