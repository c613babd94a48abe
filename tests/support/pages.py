"""Driving pages the way a browser would: read the CSRF token from the page, post the form,
read the answer as text. Shared by every page test, contest and reviews alike."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import PASSWORD, make_user

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


_SESSION_TOKEN = re.compile(r'name="csrf(?:_token|-token)"[^>]*(?:value|content)="([^"]+)"')


class Session:
    """One person's browser, reduced to what the tests need: their own cookie jar and CSRF
    token, a form post answered by a redirect, and the score sheet's JSON calls."""

    def __init__(self, app: Flask, username: str, password: str = PASSWORD) -> None:
        self.client: FlaskClient = app.test_client()
        self.token = self._token(self.client.get("/login").get_data(as_text=True))
        response = self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.token},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    @staticmethod
    def _token(html: str) -> str:
        found = _SESSION_TOKEN.search(html)
        assert found, "no CSRF token on the page"
        return found.group(1)

    def get(self, path: str, status: int | None = 200) -> str:
        response = self.client.get(path)
        if status is not None:
            assert response.status_code == status, (
                f"GET {path} -> {response.status_code}: {response.get_data(as_text=True)[:800]}"
            )
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict[str, Any] | None = None, status: int = 302) -> Any:
        response = self.client.post(path, data={"csrf_token": self.token, **(data or {})})
        assert response.status_code == status, (
            f"POST {path} -> {response.status_code}: {response.get_data(as_text=True)[:800]}"
        )
        return response

    def put_json(self, path: str, body: Any, status: int = 200, token: bool = True) -> Any:
        headers = {"Accept": "application/json"}
        if token:
            headers["X-CSRFToken"] = self.token
        response = self.client.put(path, json=body, headers=headers)
        assert response.status_code == status, (
            f"PUT {path} -> {response.status_code}: {response.get_data(as_text=True)[:800]}"
        )
        return response.get_json()
