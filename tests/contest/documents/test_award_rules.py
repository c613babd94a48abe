"""Award rules and contest colours through the API: validation, access, and their effect."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.contest.documents.helpers import published_final
from tests.support.errors import assert_error
from tests.support.factories import Api, build_world, judge
from tests.support.pdf import page_png

PROPORTION = {
    "mode": "proportion",
    "pass_line": 60,
    "rounding": "floor",
    "tiers": [
        {"name": "一等奖", "share": "0.10"},
        {"name": "二等奖", "share": 0.2},
        {"name": "三等奖", "share": "0.3"},
    ],
}


ONE = [{"name": "一等奖", "count": 1}]


def share(value: str, name: str = "一等奖") -> dict[str, str]:
    return {"name": name, "share": value}


def test_set_and_read_award_rules(app, client):
    world = build_world(app, client, per_unit=(3,))
    path = f"/events/{world.event_id}/award-rules"
    assert_error(Api(client).call("GET", path), 404)
    body = world.org.put(path, PROPORTION)
    assert body == {
        "event_id": world.event_id,
        "mode": "proportion",
        "tiers": [
            {"name": "一等奖", "share": "0.10", "count": None},
            {"name": "二等奖", "share": "0.20", "count": None},
            {"name": "三等奖", "share": "0.30", "count": None},
        ],
        "pass_line": "60.00",
        "rounding": "floor",
        "base": "ranked",
    }
    assert Api(client).get(path) == body
    counts = world.org.put(path, {"mode": "count", "tiers": [{"name": "技术能手", "count": 5}]})
    assert counts["rounding"] == "half_up" and counts["pass_line"] is None
    trail = world.org.get(f"/events/{world.event_id}/audit")["entries"]
    assert [e["action"] for e in trail if e["action"].startswith("award")] == [
        "award_rules.set",
        "award_rules.set",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mode": "lottery", "tiers": [{"name": "一等奖", "count": 1}]}, "mode"),
        ({"mode": "count"}, "tiers"),
        ({"mode": "count", "tiers": []}, "tiers"),
        ({"mode": "count", "tiers": [{"name": "一等奖", "count": -1}]}, "tiers"),
        ({"mode": "count", "tiers": [{"name": "一等奖", "count": True}]}, "tiers.0.count"),
        ({"mode": "count", "tiers": [{"name": "一等奖", "share": "0.1"}]}, "tiers"),
        ({"mode": "proportion", "tiers": [{"name": "一等奖", "share": "abc"}]}, "tiers.0.share"),
        (
            {"mode": "proportion", "tiers": [{"name": "一等奖", "share": "0.12345"}]},
            "tiers.0.share",
        ),
        (
            {
                "mode": "proportion",
                "tiers": [{"name": "a", "share": "0.6"}, {"name": "b", "share": "0.5"}],
            },
            "tiers",
        ),
        (
            {"mode": "count", "tiers": [{"name": "一等奖", "count": 1}], "pass_line": "NaN"},
            "pass_line",
        ),
        (
            {"mode": "count", "tiers": [{"name": "一等奖", "count": 1}], "rounding": "up"},
            "rounding",
        ),
        ({"mode": "count", "tiers": [{"name": "一等奖", "count": 1}], "extra": 1}, "extra"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_stored(app, client, body, field):
    world = build_world(app, client, per_unit=(3,))
    path = f"/events/{world.event_id}/award-rules"
    assert_error(world.org.call("PUT", path, body), 422, field)
    assert_error(world.org.call("GET", path), 404)


def test_award_rules_access_in_the_contract_order(app, client):
    world = build_world(app, client, per_unit=(3,))
    _, panel = judge(app, client, world.org, world.event_id, "panel")
    path = f"/events/{world.event_id}/award-rules"
    assert_error(Api(client).call("PUT", path, PROPORTION), 401)
    assert_error(world.org.call("PUT", "/events/999/award-rules", PROPORTION), 404)
    assert_error(panel.call("PUT", path, PROPORTION), 403)
    assert_error(world.org.call("PUT", path, raw="{"), 400)


def test_contest_colours(app, client):
    final = published_final(app, client)
    path = f"/contests/{final.contest_id}/colours"
    assert Api(client).get(path) == {
        "contest_id": final.contest_id,
        "primary": "#a3161a",
        "accent": "#b8860b",
    }
    assert_error(final.judge.call("PUT", path, {"primary": "#123456", "accent": "#654321"}), 403)
    assert_error(
        final.org.call("PUT", path, {"primary": "red", "accent": "#654321"}), 422, "primary"
    )
    assert_error(
        final.org.call("PUT", path, {"primary": "#123456", "accent": "#65432"}), 422, "accent"
    )
    assert Api(client).get(path)["primary"] == "#a3161a"
    body = final.org.put(path, {"primary": "#1D4E89", "accent": "#C9A227"})
    assert (body["primary"], body["accent"]) == ("#1d4e89", "#c9a227")
    # The certificate's frame band is printed in the contest's primary colour.
    cid = final.ranked[0]["contestant_id"]
    pdf = final.org.call(
        "GET", f"/events/{final.event_id}/contestants/{cid}/certificate.pdf", status=200
    ).data
    image = Image.open(io.BytesIO(page_png(pdf, dpi=50))).convert("RGB")
    band = image.getpixel((int(50 / 25.4 * 9), image.height // 2))  # 9 mm in: the band
    assert band == pytest.approx((0x1D, 0x4E, 0x89), abs=12)
