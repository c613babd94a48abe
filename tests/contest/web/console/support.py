"""Driving pages the way a browser would: read the CSRF token from the page, post the form,
read the answer as text. Shared by the console and public page tests."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from tests.factories import PASSWORD, Api, World, build_world, make_user, mark

_TOKEN = re.compile(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')
_TAGS = re.compile(r"<[^>]+>")
_HIDDEN = re.compile(r"<(script|style|title)[^>]*>.*?</\1>", re.S)


def text_of(page: str) -> str:
    """What a reader sees: tags gone, entities decoded, white space collapsed."""
    return " ".join(html.unescape(_TAGS.sub(" ", _HIDDEN.sub(" ", page))).split())


class Pages:
    """A signed-in (or anonymous) visitor of the HTML pages."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self, url: str = "/login") -> str:
        page = self.client.get(url).get_data(as_text=True)
        found = _TOKEN.search(page)
        assert found, f"no CSRF token on {url}"
        return found.group(1)

    def get(self, url: str, status: int = 200) -> str:
        """The page's HTML (or, for a download, its bytes as Latin-1 text)."""
        response = self.client.get(url)
        body = response.get_data()
        readable = body.decode() if response.mimetype == "text/html" else body.decode("latin-1")
        assert response.status_code == status, (
            f"GET {url} -> {response.status_code}, expected {status}: {text_of(readable)[:1500]}"
        )
        return readable

    def post(
        self,
        url: str,
        data: dict[str, Any] | list[tuple[str, Any]],
        status: int | None = None,
        token_from: str | None = None,
        follow: bool = True,
        **kwargs: Any,
    ) -> Any:
        token = self.token(token_from or "/lookup")
        if isinstance(data, dict):
            data = list(data.items())
        body = _multi([*data, ("csrf_token", token)])
        response = self.client.post(url, data=body, follow_redirects=follow, **kwargs)
        if status is not None:
            assert response.status_code == status, (
                f"POST {url} -> {response.status_code}, expected {status}: "
                f"{text_of(response.get_data(as_text=True))[:2000]}"
            )
        return response


def _multi(pairs: list[tuple[str, Any]]) -> Any:
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Pages:
    pages = Pages(client)
    response = pages.post(
        "/login", {"username": username, "password": password}, token_from="/login"
    )
    assert response.status_code == 200, text_of(response.get_data(as_text=True))[:500]
    return pages


def organiser_pages(app: Flask, client: FlaskClient, username: str = "boss") -> Pages:
    make_user(app, username, "organiser")
    return sign_in(client, username)


def scored_preliminary(
    app: Flask,
    client: FlaskClient,
    marks: dict[int, list[tuple[Any, Any]]],
    event: dict[str, Any] | None = None,
) -> tuple[World, Api]:
    """A contest with a unit per entry of `marks`, whose list gives each contestant's
    (theory, practical) in the preliminary, marked by one final-panel judge."""
    world = build_world(app, client, per_unit=[len(m) for m in marks.values()], event=event)
    _judge_id, judge_api = _judge(app, client, world.org, world.event_id)
    for index, unit_id in enumerate(world.units):
        for contestant_id, (theory, practical) in zip(
            world.contestants[unit_id], marks[index], strict=True
        ):
            mark(judge_api, world.event_id, "preliminary", contestant_id, "theory", theory)
            mark(judge_api, world.event_id, "preliminary", contestant_id, "practical", practical)
    return world, judge_api


def _judge(app: Flask, client: FlaskClient, org: Api, event_id: int) -> tuple[int, Api]:
    from tests.factories import judge

    return judge(app, client, org, event_id, "panel1")


def contestant_row(app: Flask, contestant_id: int) -> Any:
    from competition.models import Contestant

    with app.app_context():
        contestant = db.session.get(Contestant, contestant_id)
        db.session.expunge(contestant)
        return contestant
