"""The venue board (赛场大屏): nothing of the results before publication, the reveal order of
the award ceremony, the organiser's steps, and the ETag that lets many screens poll it."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select

from competition.contest.services import board as board_service
from competition.core.errors import Conflict
from competition.extensions import db
from competition.models import AuditEntry, Event, Round, User
from tests.contest.documents.helpers import published_final
from tests.support.factories import mark
from tests.support.pages import organiser_pages, text_of

AWARDS = {
    "mode": "count",
    "tiers": [{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 2}],
}
NAMES = (("吕𠮷祥", "王堃", "赵喆", "钱燚"), ("张伟东", "刘晓燕", "陈静"))
EVERYONE = [name for unit in NAMES for name in unit]  # the final's order, best first


def _keys(value: Any) -> set[str]:
    """Every key of a JSON document, however deep."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _state(app: Any, event_id: int, kind: str = "final") -> dict[str, Any]:
    with app.app_context():
        event = db.session.get(Event, event_id)
        round_ = next(r for r in event.rounds if r.kind == kind)
        return board_service.state(event, round_)


def _move(app: Any, event_id: int, move: str, kind: str = "final") -> int:
    with app.app_context():
        event = db.session.get(Event, event_id)
        round_ = next(r for r in event.rounds if r.kind == kind)
        actor = db.session.scalar(select(User).where(User.role == "organiser"))
        step = board_service.advance(event, round_, move, actor)
        db.session.commit()
        return step


def _url(event_id: int, kind: str = "final") -> str:
    return f"/board/events/{event_id}/{kind}/state.json"


# ---------------------------------------------------------------- the service
def test_before_publication_the_board_shows_counts_and_nothing_of_the_results(app, client):
    final = published_final(app, client, names=NAMES, publish=False)
    state = _state(app, final.event_id)
    assert not state["published"] and "reveal" not in state
    keys = _keys(state)
    assert not keys & {"total", "score", "scores", "name", "names", "revealed", "place", "unit"}
    text = json.dumps(state, ensure_ascii=False)
    assert not any(name in text for name in EVERYONE)
    progress = state["progress"]
    assert (progress["contestants"], progress["contestants_marked"]) == (7, 7)
    theory = next(c for c in progress["components"] if c["key"] == "theory")
    # The chief judge's sheet is complete; the unit committee keeps none in the final.
    assert (theory["sheets"], theory["sheets_in"], theory["signed"]) == (1, 1, 0)
    assert (theory["marks"], theory["marks_expected"]) == (7, 7)
    with pytest.raises(Conflict):
        _move(app, final.event_id, board_service.NEXT)


def test_the_reveal_goes_from_the_lowest_tier_up_and_from_the_last_place_up(app, client):
    final = published_final(app, client, names=NAMES, publish=False)
    final.org.put(f"/events/{final.event_id}/award-rules", AWARDS)
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    assert _state(app, final.event_id)["reveal"] == {
        "step": 0,
        "steps": 3,
        "tiered": True,
        "revealed": [],
    }
    for step in (1, 2, 3):
        assert _move(app, final.event_id, board_service.NEXT) == step
    revealed = _state(app, final.event_id)["reveal"]["revealed"]
    assert [(e["tier"], e["place"], e["name"]) for e in revealed] == [
        ("二等奖", 3, EVERYONE[2]),
        ("二等奖", 2, EVERYONE[1]),
        ("一等奖", 1, EVERYONE[0]),
    ]
    assert revealed[-1]["total"] == "95.00" and revealed[-1]["unit"]
    with pytest.raises(Conflict):  # past the end: the step stays where it is
        _move(app, final.event_id, board_service.NEXT)
    assert _move(app, final.event_id, board_service.PREVIOUS) == 2
    assert _move(app, final.event_id, board_service.RESTART) == 0
    with pytest.raises(Conflict):  # before the start
        _move(app, final.event_id, board_service.PREVIOUS)
    with app.app_context():
        moves = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "board.step").order_by(AuditEntry.id)
        ).all()
        assert [(m.details["from"], m.details["to"]) for m in moves] == [
            (0, 1), (1, 2), (2, 3), (3, 2), (2, 0),
        ]  # fmt: skip


def test_without_tiers_every_place_is_revealed_from_the_last_to_the_first(app, client):
    final = published_final(app, client, names=NAMES)
    for _ in range(7):
        _move(app, final.event_id, board_service.NEXT)
    revealed = _state(app, final.event_id)["reveal"]["revealed"]
    assert [e["place"] for e in revealed] == [7, 6, 5, 4, 3, 2, 1]
    assert [e["name"] for e in revealed] == EVERYONE[::-1]
    assert all(e["tier"] is None for e in revealed)
    # The preliminary ranks unit by unit: every unit's last place first, then up.
    for _ in range(3):
        _move(app, final.event_id, board_service.NEXT, kind="preliminary")
    first = _state(app, final.event_id, "preliminary")["reveal"]
    assert first["steps"] == 7
    assert [(e["place"], e["name"]) for e in first["revealed"]] == [
        (4, "钱燚"), (3, "赵喆"), (3, "陈静"),
    ]  # fmt: skip


# ---------------------------------------------------------------- the pages
def test_an_unchanged_board_is_a_304_and_every_change_a_new_etag(app, client):
    final = published_final(app, client, names=NAMES, publish=False)
    url = _url(final.event_id)
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/json"
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag

    # A mark changes the board (a new total of marks): 200 with a new tag.
    cid = final.ranked[-1]["contestant_id"]
    mark(final.judge, final.event_id, "final", cid, "theory", "50")
    after_mark = client.get(url, headers={"If-None-Match": etag})
    assert after_mark.status_code == 200 and after_mark.headers["ETag"] != etag
    etag = after_mark.headers["ETag"]

    # So does a signature, which changes no mark.
    final.judge.post(
        f"/events/{final.event_id}/rounds/final/sheets/theory/{final.judge_id}/sign", status=200
    )
    signed = client.get(url, headers={"If-None-Match": etag})
    assert signed.status_code == 200 and signed.headers["ETag"] != etag
    theory = next(c for c in signed.get_json()["progress"]["components"] if c["key"] == "theory")
    assert theory["signed"] == 1
    etag = signed.headers["ETag"]

    # Publication, then each step of the reveal.
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    published = client.get(url, headers={"If-None-Match": etag})
    assert published.status_code == 200 and published.get_json()["reveal"]["step"] == 0
    etag = published.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    _move(app, final.event_id, board_service.NEXT)
    stepped = client.get(url, headers={"If-None-Match": etag})
    assert stepped.status_code == 200
    assert [e["place"] for e in stepped.get_json()["reveal"]["revealed"]] == [7]


def test_the_304_computes_nothing_but_the_version(app, client, monkeypatch):
    final = published_final(app, client, names=NAMES)
    etag = client.get(_url(final.event_id)).headers["ETag"]

    def refuse(*_args: Any) -> None:
        raise AssertionError("the state was computed for an unchanged board")

    monkeypatch.setattr(board_service, "state", refuse)
    assert client.get(_url(final.event_id), headers={"If-None-Match": etag}).status_code == 304


def test_the_board_pages_are_public_and_unknown_rounds_are_404(app, client):
    final = published_final(app, client, names=NAMES, publish=False)
    page = client.get(f"/board/events/{final.event_id}/final")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "board.js" in html and "评分进行中" in text_of(html)
    assert not any(name in html for name in EVERYONE)
    assert client.get(f"/board/events/{final.event_id}/semifinal/state.json").status_code == 404
    assert client.get("/board/events/999999/final/state.json").status_code == 404


def test_the_organiser_steps_the_board_from_the_console(app, client):
    final = published_final(app, client, names=NAMES, publish=False)
    org = organiser_pages(app, app.test_client())
    control = f"/console/events/{final.event_id}/rounds/final/board"
    ranking = org.get(f"/console/events/{final.event_id}/rounds/final")
    assert control in ranking
    refused = org.post(control, {"move": "next"}, status=409, token_from=control)
    assert "尚未发布" in text_of(refused.get_data(as_text=True))
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    page = org.post(control, {"move": "next"}, status=200, token_from=control)
    assert EVERYONE[-1] in page.get_data(as_text=True)
    with app.app_context():
        round_ = db.session.scalar(
            select(Round).where(Round.event_id == final.event_id, Round.kind == "final")
        )
        assert round_.board_step == 1
    org.post(control, {"move": "restart"}, status=200, token_from=control)
    assert _state(app, final.event_id)["reveal"]["step"] == 0


def test_a_worker_answers_repeated_polls_before_flask_for_a_moment(app, client, monkeypatch):
    """`BoardPolls`: within its ttl a poll costs no query (304 for the tag, 200 with the same
    bytes for another); after it, the version is read again and a change is seen."""
    from competition.contest.web import board as board_web

    final = published_final(app, client, names=NAMES, publish=False)
    url = _url(final.event_id)
    monkeypatch.setattr(app, "wsgi_app", board_web.BoardPolls(app.wsgi_app, 0.5))
    first = client.get(url)
    etag, body = first.headers["ETag"], first.get_data()
    real_version = board_service.version

    def refuse(*_args: Any) -> None:
        raise AssertionError("the database was asked within the ttl")

    monkeypatch.setattr(board_service, "version", refuse)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    again = client.get(url, headers={"If-None-Match": '"older"'})
    assert again.status_code == 200 and again.get_data() == body
    assert again.headers["ETag"] == etag and again.mimetype == "application/json"
    monkeypatch.setattr(board_service, "version", real_version)

    mark(final.judge, final.event_id, "final", final.ranked[-1]["contestant_id"], "theory", "50")
    time.sleep(0.6)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
