"""The venue board (赛场大屏): a public full-screen page, its state for the page's script, and
the organiser's reveal control.

Public without sign-in, because it shows only what is public: counts while the round is being
marked, results once published and only as far as the organiser has revealed them (see
`competition.contest.services.board`). The page's script polls `state.json` every second with
If-None-Match; an unchanged board costs one query and a 304 with no body, so one server holds
many screens and phones.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from threading import Lock
from typing import Any

from flask import Flask, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.http import parse_cookie, parse_etags

from competition.contest.services import board as board_service
from competition.contest.web.console_common import event_or_404, round_or_404
from competition.core.errors import AppError, NotFound
from competition.core.i18n import LANGUAGE_COOKIE, _, select_locale
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page, show_refusal

#: How often the page asks for news, in milliseconds: a change shows within this and a render.
POLL_MS = 1000
#: How long a worker answers 304 from the tag it last read, without asking the database:
#: a change shows at most this much later (1 s poll + 0.25 s stays within the 2 s promised).
VERSION_TTL = 0.25
_STATE_PATH = re.compile(r"^/board/events/(\d+)/(\w+)/state\.json$")


class _RecentTags:
    """The tags this worker answered lately, by (path, language), with when it read them."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = Lock()

    def put(self, key: tuple[str, str], tag: str) -> None:
        with self._lock:
            if len(self._items) > 1000:  # boards come and go; never let the memo grow
                self._items.clear()
            self._items[key] = (tag, time.monotonic())

    def fresh(self, key: tuple[str, str], ttl: float) -> str | None:
        found = self._items.get(key)
        if found is None or time.monotonic() - found[1] > ttl:
            return None
        return found[0]


_recent = _RecentTags()


class _Bodies:
    """The last few states this worker drew, by tag. Why: right after a change every screen
    asks at once, and the tag names the state exactly (version and language), so the first
    request draws it and the rest of the thousand are served the same bytes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[str, bytes] = {}
        self._lock = Lock()

    def get(self, tag: str) -> bytes | None:
        return self._items.get(tag)

    def put(self, tag: str, body: bytes) -> None:
        with self._lock:
            self._items[tag] = body
            while len(self._items) > self.size:
                del self._items[next(iter(self._items))]  # the oldest: dicts keep order


_bodies = _Bodies(16)


def _language(query: str, cookies: str) -> str:
    """`select_locale`'s choice, read from the raw request (the middleware has no request)."""
    for part in query.split("&"):
        if part.startswith("lang="):
            return part[5:]
    return parse_cookie(cookies).get(LANGUAGE_COOKIE, "")


class BoardPolls:
    """WSGI middleware: a poll of a board whose tag this worker read less than `ttl` ago is
    answered here, before Flask, its session and the request log: 304 when the viewer has
    that tag, else 200 with the state drawn for it. Why: a thousand screens and phones poll
    every second and all ask for the new state right after a change, and the app's own path
    costs a millisecond or more each; this one costs a dictionary look-up. Every poll once the
    tag is older than `ttl` goes through to `board_state`, which reads the version (one
    query) and refreshes the memo."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], ttl: float) -> None:
        self.wsgi_app = wsgi_app
        self.ttl = ttl

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if self.ttl > 0 and environ.get("REQUEST_METHOD") == "GET" and _STATE_PATH.match(path):
            key = (path, _language(environ.get("QUERY_STRING", ""), environ.get("HTTP_COOKIE", "")))
            tag = _recent.fresh(key, self.ttl)
            headers = [("ETag", f'"{tag}"'), ("Cache-Control", "no-cache")]
            if tag is not None and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(tag):
                start_response("304 NOT MODIFIED", headers)
                return []
            body = _bodies.get(tag) if tag is not None else None
            if body is not None:  # right after a change, every screen asks for the new state
                start_response(
                    "200 OK",
                    [
                        *headers,
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body))),
                        ("X-Content-Type-Options", "nosniff"),
                    ],
                )
                return [body]
        return self.wsgi_app(environ, start_response)


def install(app: Flask) -> None:
    """Put `BoardPolls` in front of the app (`BOARD_VERSION_TTL` seconds; 0 turns it off, as
    the tests do, which check every change at once)."""
    ttl = app.config.get("BOARD_VERSION_TTL", 0.0 if app.testing else VERSION_TTL)
    app.wsgi_app = BoardPolls(app.wsgi_app, float(ttl))  # type: ignore[method-assign]


def _tag(event_id: int, kind: str) -> str:
    """The board's strong ETag: its version, and the language (labels are translated)."""
    found = board_service.version(event_id, kind)
    if found is None:
        raise NotFound(_("没有这个赛项或轮次"))
    return f"{found.version}-{select_locale()}"


@bp.get("/board/events/<int:event_id>/<kind>/state.json")
def board_state(event_id: int, kind: str) -> ResponseReturnValue:
    """The state, or 304 with nothing computed when the viewer has it already."""
    tag = _tag(event_id, kind)
    language = _language(request.query_string.decode(), request.headers.get("Cookie", ""))
    _recent.put((request.path, language), tag)  # for `BoardPolls`, the next `ttl` seconds
    headers = {"ETag": f'"{tag}"', "Cache-Control": "no-cache"}
    if request.if_none_match.contains(tag):
        return Response(status=304, headers=headers)
    body = _bodies.get(tag)
    if body is None:
        event = event_or_404(event_id)
        round_ = round_or_404(event, kind)
        body = json.dumps(board_service.state(event, round_), ensure_ascii=False).encode()
        _bodies.put(tag, body)
    return Response(body, mimetype="application/json", headers=headers)


@bp.get("/board/events/<int:event_id>/<kind>")
def board_page(event_id: int, kind: str) -> ResponseReturnValue:
    """The full-screen page, drawn with the current state (readable without its script)."""
    tag = _tag(event_id, kind)
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    return (
        render_template(
            "contest/board/board.html",
            event=event,
            round=round_,
            state=board_service.state(event, round_),
            etag=tag,
            poll_ms=POLL_MS,
        ),
        200,
        {"Cache-Control": "no-cache"},
    )


# ---------------------------------------------------------------- the organiser's control
@bp.get("/console/events/<int:event_id>/rounds/<kind>/board")
@organiser_page
def console_board(event_id: int, kind: str) -> ResponseReturnValue:
    return _control_page(event_id, kind, [])


def _control_page(
    event_id: int, kind: str, errors: list[str], status: int = 200
) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    state = board_service.state(event, round_)
    return render_template(
        "contest/board/control.html", event=event, round=round_, state=state, errors=errors
    ), status


@bp.post("/console/events/<int:event_id>/rounds/<kind>/board")
@organiser_page
def console_board_move(event_id: int, kind: str) -> ResponseReturnValue:
    """下一步 / 上一步 / 重新开始: audited by the service, refused before publication."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    try:
        step = board_service.advance(
            event, round_, request.form.get("move", ""), current_organiser()
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        return _control_page(event_id, kind, show_refusal(None, error), error.status)
    flash(_("大屏已显示到第 %(step)d 步。", step=step), "success")
    return redirect(url_for("web.console_board", event_id=event.id, kind=round_.kind))
