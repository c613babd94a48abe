"""Blank score sheets: contest numbers only, a column and a signature line per judge."""

from __future__ import annotations

import re

from tests.contest.documents.helpers import published_final
from tests.support.errors import assert_error
from tests.support.factories import Api, login, make_user
from tests.support.pdf import pdf_text


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_final_sheets_show_numbers_never_names(app, client):
    final = published_final(app, client, publish=False)
    path = f"/events/{final.event_id}/rounds/final/score-sheets.pdf"
    pdf = final.org.call("GET", path, status=200).data
    text = flat(pdf_text(pdf))
    assert text.count("评分表") >= 2  # one sheet per component
    assert "评分项：理论知识" in text and "评分项：技能操作" in text
    for entry in final.ranked:
        assert entry["number"] in text
        assert flat(entry["name"]) not in text
        assert flat(entry["unit"]) not in text
    assert "chief签名：" in text and "裁判长确认（chief）签名：" in text
    # The panel judge prints them too, one component at a time.
    one = flat(pdf_text(final.judge.call("GET", path + "?component=theory", status=200).data))
    assert "评分项：理论知识" in one and "技能操作" not in one


def test_refusals(app, client):
    final = published_final(app, client, publish=False)
    base = f"/events/{final.event_id}/rounds"
    make_user(app, "stranger", "judge")
    stranger = login(client, "stranger")
    assert_error(Api(client).call("GET", f"{base}/final/score-sheets.pdf"), 401)
    assert_error(final.org.call("GET", "/events/999/rounds/final/score-sheets.pdf"), 404)
    assert_error(final.org.call("GET", f"{base}/semi/score-sheets.pdf"), 404)
    assert_error(stranger.call("GET", f"{base}/final/score-sheets.pdf"), 403)
    assert_error(final.unit_judge.call("GET", f"{base}/final/score-sheets.pdf"), 403)
    assert_error(
        final.org.call("GET", f"{base}/final/score-sheets.pdf?component=nope"), 422, "component"
    )


def test_a_unit_committee_prints_its_own_preliminary_sheets(app, client):
    final = published_final(app, client, publish=False)
    path = f"/events/{final.event_id}/rounds/preliminary/score-sheets.pdf?component=practical"
    own = flat(pdf_text(final.unit_judge.call("GET", path, status=200).data))
    everyone = flat(pdf_text(final.org.call("GET", path, status=200).data))
    numbers = [e["number"] for e in final.ranked]
    assert sum(n in own for n in numbers) == 4  # the first unit has four people
    assert all(n in everyone for n in numbers)
    assert "committee签名：" in own


def test_no_contestants_no_sheets(app, client):
    from tests.support.factories import build_world

    world = build_world(app, client, per_unit=(3,))
    assert_error(
        world.org.call("GET", f"/events/{world.event_id}/rounds/final/score-sheets.pdf"), 409
    )
