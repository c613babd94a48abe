"""Two organisers editing the same settings at once: the later save is refused with a readable
page, nothing of it is stored, and the form then shows what is stored now. On both databases,
without sleeps: each organiser reads the form first, then both send it.
"""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select, update

from competition.contest.services import contests as contest_service
from competition.contest.services import setup
from competition.core import audit
from competition.extensions import db
from competition.models import AuditEntry, Contest, Event, User
from tests.support.factories import build_world, make_user
from tests.support.pages import Pages, sign_in, text_of


class _Form(HTMLParser):
    """The fields of the page's forms as a browser would send them, form by form."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and a.get("name") and self.forms:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1].append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            name, value = self.forms[-1][-1]
            self.forms[-1][-1] = (name, value + data)


def form_on(page: str, containing: str) -> dict[str, str]:
    """The first form of the page with a field named `containing`, as it would be sent."""
    parser = _Form()
    parser.feed(page)
    for fields in parser.forms:
        if any(name == containing for name, _value in fields):
            return dict(fields)
    raise AssertionError(f"no form with a field {containing!r}")


def send(pages: Pages, url: str, fields: dict[str, str], status: int) -> str:
    fields = {k: v for k, v in fields.items() if k != "csrf_token"}
    response = pages.post(url, fields, status=status)
    return response.get_data(as_text=True)


@pytest.fixture
def two_organisers(app, client) -> tuple[Any, Pages, Pages]:
    world = build_world(app, client, per_unit=(1,))
    make_user(app, "boss1", "organiser")
    make_user(app, "boss2", "organiser")
    return world, sign_in(app.test_client(), "boss1"), sign_in(app.test_client(), "boss2")


def _updates(app, action: str) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


# ---------------------------------------------------------------- the event set-up form
def test_the_later_of_two_event_edits_is_refused_and_nothing_of_it_is_stored(app, two_organisers):
    world, first, second = two_organisers
    url = f"/console/events/{world.event_id}/edit"
    mine = form_on(first.get(url), "version")
    theirs = form_on(second.get(url), "version")
    assert mine["version"] == theirs["version"]

    mine.update({"notice_working_days": "7", "components-0-weight": "0.4"})
    mine["components-1-weight"] = "0.6"
    send(first, url, mine, status=200)

    theirs["name"] = "数控车工"
    page = send(second, url, theirs, status=409)
    assert "赛项设置已被他人修改，您这次的修改没有保存" in text_of(page)
    shown = form_on(page, "version")  # what is stored now, ready to edit again
    assert shown["name"] == "数控铣工" and shown["notice_working_days"] == "7"
    assert shown["components-0-weight"] == "0.4"
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        assert event.name == "数控铣工" and event.notice_working_days == 7
        assert event.component("theory").weight == Decimal("0.4")
    assert _updates(app, "event.update") == 1

    # Made again from the page as it is now, the second organiser's change goes in.
    shown["name"] = "数控车工"
    send(second, url, shown, status=200)
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        assert event.name == "数控车工" and event.notice_working_days == 7


def test_an_event_form_without_its_version_saves_nothing(app, two_organisers):
    world, first, _second = two_organisers
    url = f"/console/events/{world.event_id}/edit"
    fields = form_on(first.get(url), "version")
    del fields["version"]
    fields["name"] = "数控车工"
    assert "已被他人修改" in text_of(send(first, url, fields, status=409))
    with app.app_context():
        assert db.session.get(Event, world.event_id).name == "数控铣工"


def test_an_edit_saved_between_reading_and_writing_is_not_overwritten(app):
    """The version check before writing passes (this session read version 1), but another
    session saves in between: the row's conditional UPDATE refuses the stale write."""
    with app.app_context():
        organiser = _organiser()
        contest = contest_service.create_contest("第五届职工职业技能竞赛", "总工会")
        event = contest_service.create_event(contest, "数控铣工")
        db.session.commit()
        event_id, read = event.id, event.version

        with app.app_context():  # another organiser, another session
            other = db.session.get(Event, event_id)
            rules = setup.rules_of(other)
            setup.update_event(
                other,
                db.session.get(User, organiser),
                name="数控车工",
                group="职工组",
                min_finalists_per_unit=rules[2],
                notice_working_days=3,
                components=rules[0],
                tie_breaks=rules[1],
                version=read,
            )
            db.session.commit()

        rules = setup.rules_of(event)
        with pytest.raises(setup.EditedMeanwhile):
            setup.update_event(
                event,
                db.session.get(User, organiser),
                name="焊工",
                group="职工组",
                min_finalists_per_unit=rules[2],
                notice_working_days=None,
                components=rules[0],
                tie_breaks=rules[1],
                version=read,
            )
        db.session.rollback()
        stored = db.session.get(Event, event_id)
        assert (stored.name, stored.notice_working_days) == ("数控车工", 3)


def _organiser() -> int:
    from competition.core import users

    user = users.create_user("boss", "correct-horse-battery", "organiser")
    db.session.flush()
    return user.id


# ---------------------------------------------------------------- the contest form
def test_the_later_of_two_contest_edits_is_refused(app, two_organisers):
    world, first, second = two_organisers
    url = f"/console/contests/{world.contest_id}"
    mine = form_on(first.get(url), "contest-version")
    theirs = form_on(second.get(url), "contest-version")

    mine["contest-theme"] = "匠心筑梦"
    send(first, url, mine, status=200)
    theirs["contest-host"] = "市总工会"
    page = send(second, url, theirs, status=409)
    assert "竞赛信息已被他人修改，您这次的修改没有保存" in text_of(page)
    shown = form_on(page, "contest-version")
    assert shown["contest-theme"] == "匠心筑梦" and shown["contest-host"] == "总工会"
    with app.app_context():
        contest = db.session.get(Contest, world.contest_id)
        assert (contest.host, contest.theme) == ("总工会", "匠心筑梦")
    assert _updates(app, "contest.update") == 1


# ---------------------------------------------------------------- any other write of a row
def test_a_write_overtaken_by_another_is_a_readable_409(app, two_organisers, monkeypatch):
    """Turning sign-off on while another organiser saves the event's set-up: the row changed
    under the request, which is refused (409) with a readable page, and nothing is written."""
    world, first, _second = two_organisers
    real = audit.record

    def record(*args: Any, **kwargs: Any) -> Any:
        with app.app_context():  # the other organiser's save lands first
            db.session.execute(update(Event).values(version=Event.version + 1))
            db.session.commit()
        monkeypatch.setattr(audit, "record", real)
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", record)
    response = first.post(
        f"/console/events/{world.event_id}/require-sign-off",
        {"value": "1"},
        token_from="/console/progress",
    )
    assert response.status_code == 409
    assert "数据已被他人修改，本次操作没有保存" in text_of(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Event, world.event_id).require_sign_off is False
