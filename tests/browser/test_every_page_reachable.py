"""Every page is reachable by links: each role signs in and, following only the links and
GET buttons of the pages it is shown, reaches every page it may use.

The list of pages is not written here: it is read from the app's URL map, every GET route of
the page blueprints outside /api, grouped by the roles their decorator recorded on the view
(`competition.http.pages.page_roles`; none for a public page, which every role reaches from
the header). A new page without a door from its role's home fails this test; the answer is a
link on the right page, not an entry in `NOT_PAGES`, which is only for what is not a page.

The walk is breadth-first over <a href> and <form method=get> on the same origin. Ids of rows
(contestants, units, appeals, trainees, judges, certificates) are normalised, so one of each
kind is opened; ids of the containers (contest, event, cohort) are kept, since what a page
offers depends on the state of its event. A page counts as reached by its endpoint and its
words in the path (`kind`, `component_key`), filled from the world (tests/support/homes.py):
each round and each part. Downloads (.pdf, .xlsx) count as reached when a link to them is
shown; they are not fetched.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from itertools import product
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask, url_for
from playwright.sync_api import Browser, Page
from werkzeug.exceptions import HTTPException

from competition.contest.services.contests import get_event
from competition.http.pages import page_roles
from competition.models import Role
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import BACKENDS
from tests.support.factories import PASSWORD
from tests.support.homes import LOGINS, HomeWorld, build_home_world

ANONYMOUS = "anonymous"
#: The blueprints whose routes are pages (the API's and the health check's are not).
PAGE_BLUEPRINTS = {"web", "documents_web"}
#: GET routes that are not pages, each with the reason.
NOT_PAGES = {
    "static": "the pages' stylesheets, scripts and images",
    "web.favicon": "the icon browsers ask for on their own",
    "web.switch_language": "the language switch: sends the visitor back to the page it is on",
    "web.sheet_worker": "the score sheet's service worker, loaded by the sheet's script",
    "web.score_sheet_mark_now": "JSON for the score sheet's script (one mark as it stands now)",
    "web.board_state": "JSON for the venue board's script (the board as it stands, or a 304)",
}
#: Public pages that are not for every role, each with who has a door to it and why.
ONLY_FOR = {
    "web.login": ({ANONYMOUS}, "signed in, the header offers signing out instead"),
    "documents_web.certificate_pdf": (
        set(),
        "the contestant's own download: the personal look-up offers it once they typed their "
        "contest number and code (contestants have no login)",
    ),
    "documents_web.verify": (
        {Role.ORGANISER.value},
        "the public opens it from the QR code printed on a certificate; organisers from the "
        "list of certificates issued",
    ),
}
#: Pages that exist for some words of their path only, filled from the world: those words.
WORLD_WORDS = {
    # only a sheet an organiser asked to have re-entered has one: judge1's final theory sheet
    "web.second_entry": [{"round_kind": "final", "component_key": "theory"}],
}
DOWNLOADS = (".pdf", ".xlsx")
#: Path words that stand for a row, like an int id: one of each kind is enough.
ROW_WORDS = {"serial"}
#: Ids whose pages differ with the state of what they name, each one opened: a contest, an
#: event (being set up, being marked, published), a class, a judge's sheet, an award programme
#: (taking nominations, or confirmed), a nominated station (being filled in, or submitted with
#: its evidence files).
CONTAINERS = {"contest_id", "event_id", "cohort_id", "judge_id", "programme_id", "station_id"}
SECONDS_PER_ROLE = 60


@pytest.fixture(autouse=True)
def _first_database_only(database):
    if database[0] != BACKENDS[0]:
        pytest.skip(f"browser tests run on {BACKENDS[0]} only")


Node = tuple[str, tuple[tuple[str, str], ...]]  # endpoint, the words of its path


@dataclass
class Walk:
    reached: set[Node] = field(default_factory=set)
    opened: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # a link to a page that refused
    api: set[str] = field(default_factory=set)  # links to the API's documents


def _words(app: Flask, world: HomeWorld) -> dict[str, tuple[str, ...]]:
    """The values each word of a path takes in the world: each round, each part. (A route
    with a new word in its path needs its values here, or in `ROW_WORDS` if it names a row.)"""
    with app.app_context():
        event = get_event(world.ids["milling"])
        kinds = tuple(r.kind for r in event.rounds)
        parts = tuple(c.key for c in event.components)
    return {"kind": kinds, "round_kind": kinds, "component_key": parts}


def _params(world: HomeWorld) -> dict[str, Any]:
    """The world's ids by the names the routes give them, to show a page that was missed."""
    return {
        "contest_id": world.ids["contest"],
        "event_id": world.ids["milling"],
        "unit_id": world.ids["u1"],
        "contestant_id": world.ids["a1"],
        "appeal_id": world.ids["appeal"],
        "cohort_id": world.ids["cohort"],
        "trainee_id": world.ids["t1"],
        "judge_id": world.users["judge1"],
        "serial": "the-serial-on-a-certificate",
    }


def required_pages(app: Flask, world: HomeWorld, role: str) -> dict[Node, str]:
    """Every page `role` may use, from the URL map: node -> an address of it in the world."""
    words = _words(app, world)
    params = _params(world)
    pages: dict[Node, str] = {}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        if blueprint not in PAGE_BLUEPRINTS or rule.rule.startswith("/api/"):
            continue
        roles = page_roles(app.view_functions[rule.endpoint])
        if roles is None:
            who = ONLY_FOR.get(rule.endpoint, (None, ""))[0]
            if who is not None and role not in who:
                continue
        elif role not in {r.value for r in roles}:
            continue
        named = sorted(a for a in rule.arguments if a in words)
        choices = WORLD_WORDS.get(rule.endpoint) or [
            dict(zip(named, values, strict=True)) for values in product(*(words[a] for a in named))
        ]
        for chosen in choices:
            values_of = {a: params.get(a, 0) for a in rule.arguments} | chosen
            with app.test_request_context():
                address = url_for(rule.endpoint, **values_of)
            pages[(rule.endpoint, tuple(sorted(chosen.items())))] = address
    return pages


def _match(app: Flask, base: str, link: str) -> tuple[str, dict[str, Any]] | None:
    """The endpoint and arguments of a link on this site, or None for anything else."""
    parts = urlsplit(link)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return None
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint, args


def _node(endpoint: str, args: dict[str, Any]) -> Node:
    words = {k: v for k, v in args.items() if isinstance(v, str) and k not in ROW_WORDS}
    return endpoint, tuple(sorted(words.items()))


def _visit_key(endpoint: str, args: dict[str, Any]) -> tuple[Any, ...]:
    kept = {
        k: v
        for k, v in args.items()
        if k in CONTAINERS or (isinstance(v, str) and k not in ROW_WORDS)
    }
    return endpoint, tuple(sorted(kept.items()))


LINKS = """() => [
  ...Array.from(document.querySelectorAll('a[href]'), a => a.href),
  ...Array.from(document.querySelectorAll('form'))
     .filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'get')
     .map(f => f.action),
]"""


def walk(app: Flask, page: Page, base: str) -> Walk:
    """From the page the browser is on, every page its links lead to, breadth first."""
    result = Walk()
    queue = deque([page.url])
    queued = set()
    first = _match(app, base, page.url)
    if first is not None:
        queued.add(_visit_key(*first))
    while queue:
        address = queue.popleft()
        response = page.goto(address, wait_until="domcontentloaded")
        result.opened.append(address)
        if response is None or response.status >= 400:
            result.broken.append(f"{address} -> {response.status if response else 'nothing'}")
            continue
        here = _match(app, base, page.url)
        if here is not None:
            result.reached.add(_node(*here))
        for link in page.evaluate(LINKS):
            link = urldefrag(link).url
            found = _match(app, base, link)
            if found is None or found[0] in NOT_PAGES:
                continue
            endpoint, args = found
            rule_path = urlsplit(link).path
            if rule_path.startswith("/api/"):
                result.api.add(rule_path)
                continue
            if rule_path.endswith(DOWNLOADS):
                result.reached.add(_node(endpoint, args))
                continue
            key = _visit_key(endpoint, args)
            if key not in queued:
                queued.add(key)
                queue.append(link)
    return result


def _start(browser: Browser, base: str, role: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    if role == ANONYMOUS:
        page.goto(f"{base}/")
    else:
        sign_in(page, base, LOGINS[role][0], PASSWORD)
        page.wait_for_load_state("domcontentloaded")
    return page


@pytest.mark.parametrize("role", [*(r.value for r in Role), ANONYMOUS])
def test_every_page_the_role_may_use_is_reachable_by_links(app, live_server, browser, role):
    world = build_home_world(app)
    required = required_pages(app, world, role)
    assert required, f"no pages found for {role}"
    page = _start(browser, live_server, role)
    if role == Role.ORGANISER:
        screenshot(page, "console-home")
    began = time.monotonic()
    result = walk(app, page, live_server)
    took = time.monotonic() - began
    page.context.close()

    missing = sorted(
        f"{address}  ({node[0]})"
        for node, address in required.items()
        if node not in result.reached
    )
    assert not result.broken, f"{role}: links to pages that refuse:\n" + "\n".join(result.broken)
    assert not missing, (
        f"{role}: pages without a link from the role's home ({len(result.opened)} pages "
        "opened):\n" + "\n".join(missing)
    )
    if role != Role.ORGANISER:  # the API's documentation is for the organisers' programmers
        assert not result.api, f"{role} is offered {sorted(result.api)}"
    assert took < SECONDS_PER_ROLE, f"{role}: the walk took {took:.0f} s"


def test_the_list_of_pages_is_read_from_the_routes(app):
    """A page added without a role decorator is public, one with a decorator is its role's:
    either way it is on someone's list, so it needs a door."""
    world = build_home_world(app)
    organiser = required_pages(app, world, Role.ORGANISER.value)
    judge = required_pages(app, world, Role.JUDGE.value)
    anonymous = required_pages(app, world, ANONYMOUS)
    endpoints = {node[0] for node in organiser}
    assert {"web.console_home", "web.progress_dashboard", "web.appeals_log"} <= endpoints
    assert "web.public_results" in endpoints  # public pages are everyone's
    assert ("web.score_sheet", (("component_key", "practical"), ("round_kind", "final"))) in judge
    assert not any(node[0].startswith("web.console") for node in judge)
    assert {node[0] for node in anonymous} >= {"web.index", "web.login", "web.lookup"}
    assert not any(page_roles(app.view_functions[node[0]]) for node in anonymous)
