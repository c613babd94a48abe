"""Two people changing the same thing at once: the later one is refused (409), never a silent
overwrite. On both databases, without sleeps.

A mark's ETag (a version counter) comes with every PUT and every row of the marks list; a PUT
with If-Match is made only if the mark is still that version. To make a race deterministic, a
test runs the other person's whole request at the moment the first request reaches the round's
lock (`interleave`): what is checked before that lock can be overtaken, what is checked after
it cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import TieResolution
from tests.contest.api.test_access import SIMPLE_EVENT
from tests.support.errors import assert_error
from tests.support.factories import Api, World, build_world, judge


@pytest.fixture
def marking(app, client) -> tuple[World, Api, Api]:
    """One unit of three contestants, a judge, and the same judge signed in a second time (his
    tablet and his phone)."""
    world = build_world(app, client, per_unit=(3,), event=SIMPLE_EVENT)
    _uid, tablet = judge(app, client, world.org, world.event_id, "j1")
    phone = Api(client, tablet.token)
    return world, tablet, phone


def _path(world: World, contestant: int | None = None) -> str:
    contestant = contestant or world.all_contestants()[0]
    return f"/events/{world.event_id}/rounds/preliminary/marks/{contestant}/score"


def _put(
    api: Api, path: str, value: Any, if_match: str | None = None, if_none_match: str | None = None
) -> Any:
    headers = {"Authorization": f"Bearer {api.token}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    if if_none_match is not None:
        headers["If-None-Match"] = if_none_match
    return api.client.put("/api/v1" + path, json={"value": value}, headers=headers)


def _listed(api: Api, world: World) -> dict[int, dict[str, Any]]:
    rows = api.get(f"/events/{world.event_id}/rounds/preliminary/marks")["marks"]
    return {row["contestant_id"]: row for row in rows}


@contextmanager
def interleave(
    monkeypatch, module: str, other: Callable[[], Any], lock: str = "lock_round"
) -> Iterator[list[Any]]:
    """Run `other` (another person's whole request) when the next request reaches
    `module.<lock>` (the function that takes the round's lock), before that lock is taken;
    `other` runs in its own request, with its own database session, and commits before the
    first request goes on."""
    import importlib

    target = importlib.import_module(module)
    real = getattr(target, lock)
    results: list[Any] = []

    def locking(*args: Any, **kwargs: Any) -> Any:
        if not results:
            results.append(None)  # the other request's own lock goes straight through
            results[0] = other()
        return real(*args, **kwargs)

    monkeypatch.setattr(target, lock, locking)
    yield results
    monkeypatch.setattr(target, lock, real)


# ---------------------------------------------------------------- marks: ETag and If-Match
def test_a_put_gives_the_marks_etag_and_the_list_shows_it(marking):
    world, tablet, _phone = marking
    first = _put(tablet, _path(world), "80")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert _listed(tablet, world)[world.all_contestants()[0]]["etag"] == etag
    # Sending the same value again changes nothing, so the tag stays.
    assert _put(tablet, _path(world), "80.00", if_match=etag).headers["ETag"] == etag
    changed = _put(tablet, _path(world), "81", if_match=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_of_two_changes_from_one_reading_the_later_is_refused(marking):
    world, tablet, phone = marking
    _put(tablet, _path(world), "80")
    read = _listed(phone, world)[world.all_contestants()[0]]["etag"]  # both devices read it

    assert _put(tablet, _path(world), "85", if_match=read).status_code == 200
    refused = _put(phone, _path(world), "90", if_match=read)
    error = assert_error(refused, 409, "value")
    assert error["code"] == "stale"
    assert "评分已被他人修改" in error["message"] and "85.00" in error["message"]

    assert _listed(tablet, world)[world.all_contestants()[0]]["value"] == "85.00"
    trail = world.org.get(f"/events/{world.event_id}/audit")["entries"]
    assert [e["new_value"] for e in trail if e["action"] == "mark.set"] == ["80.00", "85.00"]


def test_without_if_match_a_put_replaces_the_mark_as_before(marking):
    world, tablet, phone = marking
    _put(tablet, _path(world), "80")
    assert _put(phone, _path(world), "70").status_code == 200
    assert _listed(tablet, world)[world.all_contestants()[0]]["value"] == "70.00"


def test_if_match_on_a_mark_not_entered_yet_and_the_star(marking):
    world, tablet, _phone = marking
    missing = _put(tablet, _path(world), "80", if_match='"1-1"')
    assert_error(missing, 409, "value")
    assert _listed(tablet, world) == {}
    assert_error(_put(tablet, _path(world), "80", if_match="*"), 409)  # * needs a mark
    _put(tablet, _path(world), "80")
    assert _put(tablet, _path(world), "82", if_match="*").status_code == 200


def test_if_none_match_makes_a_mark_only_if_there_is_none_yet(marking):
    """Both devices start from an empty row: the later one is refused and told the mark's
    value and ETag as they are now, so it can show them and replace the mark on purpose."""
    world, tablet, phone = marking
    made = _put(tablet, _path(world), "80", if_none_match="*")
    assert made.status_code == 200
    refused = _put(phone, _path(world), "85", if_none_match="*")
    error = assert_error(refused, 409, "value")
    assert error["code"] == "stale" and "现为 80.00" in error["message"]
    assert refused.headers["ETag"] == made.headers["ETag"]
    assert _listed(tablet, world)[world.all_contestants()[0]]["value"] == "80.00"
    replaced = _put(phone, _path(world), "85", if_match=refused.headers["ETag"])
    assert replaced.status_code == 200
    assert_error(_put(tablet, _path(world), "86", if_none_match='"1-1"'), 400, "If-None-Match")


def test_a_condition_failing_on_the_value_already_there_is_a_success(marking):
    """The tablet's answer was lost on the venue's Wi-Fi and it sends the same change again
    from its old reading: the change has been made, so 200 with the current ETag, and nothing
    is written twice."""
    world, tablet, _phone = marking
    first = _put(tablet, _path(world), "80", if_none_match="*")
    again = _put(tablet, _path(world), "80.0", if_none_match="*")
    assert again.status_code == 200 and again.headers["ETag"] == first.headers["ETag"]
    changed = _put(tablet, _path(world), "81", if_match=first.headers["ETag"])
    resent = _put(tablet, _path(world), "81.00", if_match=first.headers["ETag"])
    assert resent.status_code == 200 and resent.headers["ETag"] == changed.headers["ETag"]
    assert_error(_put(tablet, _path(world), "82", if_match=first.headers["ETag"]), 409, "value")
    trail = world.org.get(f"/events/{world.event_id}/audit")["entries"]
    assert [e["new_value"] for e in trail if e["action"] == "mark.set"] == ["80.00", "81.00"]


def test_an_etag_of_another_mark_or_a_weak_one_does_not_match(marking):
    world, tablet, _phone = marking
    one, two = world.all_contestants()[:2]
    tag_one = _put(tablet, _path(world, one), "80").headers["ETag"]
    _put(tablet, _path(world, two), "80")
    assert_error(_put(tablet, _path(world, two), "81", if_match=tag_one), 409)
    assert_error(_put(tablet, _path(world, one), "81", if_match=f"W/{tag_one}"), 409)
    listed = _listed(tablet, world)
    assert listed[one]["value"] == listed[two]["value"] == "80.00"


def test_an_empty_if_match_is_a_bad_request(marking):
    world, tablet, _phone = marking
    _put(tablet, _path(world), "80")
    assert_error(_put(tablet, _path(world), "81", if_match=""), 400, "If-Match")
    # The contract's order: a refusal of the value (422) before the state (409).
    assert_error(_put(tablet, _path(world), "101", if_match='"0-0"'), 422, "value")


def test_the_etag_is_checked_under_the_rounds_lock(marking, monkeypatch):
    """The phone's PUT reaches the lock; just then the tablet's change, made from the same
    reading, goes through. The phone's PUT must then be refused, not applied over it."""
    world, tablet, phone = marking
    read = _put(tablet, _path(world), "80").headers["ETag"]
    with interleave(
        monkeypatch,
        "competition.contest.services.marks",
        lambda: _put(tablet, _path(world), "85", if_match=read),
        lock="locked_target_for_token",
    ) as other:
        refused = _put(phone, _path(world), "90", if_match=read)
    assert other[0].status_code == 200
    assert_error(refused, 409, "value")
    assert _listed(tablet, world)[world.all_contestants()[0]]["value"] == "85.00"


def after_the_read(app, monkeypatch, other: Callable[[], Any]) -> AbstractContextManager[list[Any]]:
    """`interleave` at the write: run `other` (another whole request, committed) after the next
    mark request has read the mark under the round's lock and before it writes. Only
    PostgreSQL lets this happen: there the writers of one round share its lock and each write
    is made only to the mark as read; on SQLite the writer who read goes on alone until it
    commits."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's writers take turns from the read to the commit")
    return interleave(monkeypatch, "competition.contest.services.marks", other, lock="_write")


def _trail(world: World) -> list[tuple[str | None, str]]:
    entries = world.org.get(f"/events/{world.event_id}/audit")["entries"]
    return [(e["old_value"], e["new_value"]) for e in entries if e["action"] == "mark.set"]


def test_a_change_made_between_the_read_and_the_write_is_not_overwritten(app, marking, monkeypatch):
    world, tablet, phone = marking
    read = _put(tablet, _path(world), "80").headers["ETag"]
    with after_the_read(
        app, monkeypatch, lambda: _put(tablet, _path(world), "85", if_match=read)
    ) as other:
        refused = _put(phone, _path(world), "90", if_match=read)
    assert other[0].status_code == 200
    error = assert_error(refused, 409, "value")
    assert error["code"] == "stale" and "85.00" in error["message"]
    assert refused.headers["ETag"] == other[0].headers["ETag"]
    assert _listed(tablet, world)[world.all_contestants()[0]]["value"] == "85.00"
    assert _trail(world) == [(None, "80.00"), ("80.00", "85.00")]


def test_without_a_condition_the_later_change_goes_over_the_earlier_one_audited(
    app, marking, monkeypatch
):
    world, tablet, phone = marking
    _put(tablet, _path(world), "80")
    with after_the_read(app, monkeypatch, lambda: _put(tablet, _path(world), "85")) as other:
        later = _put(phone, _path(world), "90")
    assert other[0].status_code == 200 and later.status_code == 200
    assert later.headers["ETag"].endswith('-3"')  # the third version: 80, 85, 90
    assert _listed(tablet, world)[world.all_contestants()[0]]["value"] == "90.00"
    assert _trail(world) == [(None, "80.00"), ("80.00", "85.00"), ("85.00", "90.00")]


def test_a_mark_made_between_the_read_and_the_write_is_replaced_not_a_duplicate(
    app, marking, monkeypatch
):
    """A tablet resending a new mark while the first send is being written: the second send
    finds the mark made, and replaces it (200) instead of failing on the unique key (500)."""
    world, tablet, phone = marking
    with after_the_read(app, monkeypatch, lambda: _put(tablet, _path(world), "70")) as other:
        resent = _put(phone, _path(world), "75")
    assert other[0].status_code == 200
    assert resent.status_code == 200, resent.get_data(as_text=True)
    assert _listed(tablet, world)[world.all_contestants()[0]]["value"] == "75.00"
    assert _trail(world) == [(None, "70.00"), ("70.00", "75.00")]


def test_if_none_match_loses_to_a_mark_made_between_the_read_and_the_write(
    app, marking, monkeypatch
):
    world, tablet, phone = marking
    with after_the_read(app, monkeypatch, lambda: _put(tablet, _path(world), "70")) as other:
        refused = _put(phone, _path(world), "75", if_none_match="*")
    assert other[0].status_code == 200
    error = assert_error(refused, 409, "value")
    assert error["code"] == "stale" and "70.00" in error["message"]
    assert _trail(world) == [(None, "70.00")]


def test_a_mark_overtaken_at_every_try_is_refused_to_try_again(marking, monkeypatch):
    """Each try finds the mark changed again by someone else: after a few, the judge is told
    to try again (409) rather than kept waiting."""
    from competition.contest.services import marks as mark_service

    world, tablet, _phone = marking
    tries: list[Any] = []
    monkeypatch.setattr(mark_service, "_write", lambda *args: tries.append(args))
    error = assert_error(_put(tablet, _path(world), "80"), 409, None)
    assert error["message"] == "该评分正被同时修改，请稍后重试"
    assert len(tries) == mark_service._ATTEMPTS
    monkeypatch.undo()
    assert _put(tablet, _path(world), "80").status_code == 200


# ---------------------------------------------------------------- tie rulings
@pytest.fixture
def tied(app, client) -> tuple[World, list[int]]:
    world = build_world(app, client, per_unit=(3,), event=SIMPLE_EVENT)
    _uid, panel = judge(app, client, world.org, world.event_id, "j1")
    a, b, c = world.all_contestants()
    for contestant, value in ((a, "90"), (b, "80"), (c, "80")):
        assert _put(panel, _path(world, contestant), value).status_code == 200
    return world, [b, c]


def test_two_organisers_ruling_on_one_tie_at_once_record_one_ruling(app, client, tied, monkeypatch):
    world, (b, c) = tied
    second = Api(client, world.org.token)  # another organiser's session; same rights
    path = f"/events/{world.event_id}/rounds/preliminary/tie-resolutions"
    with interleave(
        monkeypatch,
        "competition.contest.services.results",
        lambda: world.org.call("POST", path, {"order": [b, c], "reason": "抽签决定"}),
    ) as other:
        refused = second.call("POST", path, {"order": [c, b], "reason": "按操作用时"})
    assert other[0].status_code == 201
    error = assert_error(refused, 422, "order")
    assert error["message"] == "这组同分已有裁定，不能重复裁定"
    with app.app_context():
        rulings = db.session.scalars(select(TieResolution)).all()
        assert [r.order for r in rulings] == [[b, c]]


def test_two_writers_of_one_new_mark_take_turns(app, marking):
    """A judge's tablet resends a mark while the first send is still being written: the second
    waits for the first, then replaces its value (200), never a duplicate-key error (500)."""
    import threading
    from decimal import Decimal

    from competition.contest.services import marks as mark_service
    from competition.models import Contestant, Event, User

    world, tablet, _phone = marking
    contestant_id = world.all_contestants()[0]
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with app.app_context():
                event = db.session.get(Event, world.event_id)
                judge = db.session.scalar(select(User).where(User.username == "j1"))
                mark_service.set_mark(
                    event,
                    event.round("preliminary"),
                    db.session.get(Contestant, contestant_id),
                    "score",
                    Decimal("70"),
                    judge,
                )
                written.set()
                release.wait(20)
                db.session.commit()
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
            written.set()

    responses: list[Any] = []
    holder = threading.Thread(target=first)
    holder.start()
    assert written.wait(20) and not failures
    second = threading.Thread(target=lambda: responses.append(_put(tablet, _path(world), "75")))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second writer went ahead while the first held the mark"
    release.set()
    holder.join(20)
    second.join(30)
    assert not failures
    assert responses[0].status_code == 200, responses[0].get_data(as_text=True)
    assert _listed(tablet, world)[contestant_id]["value"] == "75.00"
