from tests.support.factories import build_world


def test_world_builds(app, client):
    world = build_world(app, client)
    event = world.org.get(f"/events/{world.event_id}")
    assert [r["round"] for r in event["rounds"]] == ["preliminary", "final"]
    assert event["tie_breaks"] == ["practical"]
    assert [c["weight"] for c in event["components"]] == ["0.30", "0.70"]
