"""The English pages: no Chinese left in what the pages themselves say.

Every page of the HTML face is rendered in English, over a world whose data (contest, units,
people, components, tiers, reasons) is written in ASCII, so any Chinese character, full-width
colon or bracket on a page can only come from the page's own text that the catalog does not
translate. The pages are read from the application's routes, so a new page is covered without
being listed here; a page whose address needs something the world does not have fails until
the world gets it.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import Contestant, Job
from tests.awards.english import EXPERT as AWARD_EXPERT
from tests.awards.english import english_programme
from tests.awards.english_nomination import UNION as AWARD_UNION
from tests.awards.english_nomination import english_nomination
from tests.support.factories import Api, build_world, judge, login, make_user, mark
from tests.support.pages import Pages, Session, sign_in, text_of

ZH = re.compile(r'<(\w+)[^>]*\blang="zh"[^>]*>.*?</\1>', re.S)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]")
# Han characters, and the punctuation of Chinese text: 、。「」【】 and the full-width forms
# (：（），) that read wrong in an English sentence.
CJK = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
_CJK_RUN = re.compile(f"(?:{CJK.pattern})+")
_ZH_TAG = re.compile(r'<[^>]*\blang="zh"[^>]*>')  # an element without content (an input)
_HIDDEN = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")
# What a reader also sees of an element: a placeholder, a tooltip, a label read aloud.
_SHOWN_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')

# Routes of the HTML face that are not pages, and why.
NOT_PAGES = {
    "static": "style sheets, scripts and images",
    "web.favicon": "an image",
    "web.switch_language": "sets the language cookie and redirects",
    # Generated from the OpenAPI description: the API's contract, whose operation summaries
    # are bilingual (Chinese name, English gloss) and whose import formats name the Chinese
    # column headings a file must have; it is not text of the pages' catalog.
    "web.api_docs": "the API reference, generated from the API's own bilingual description",
}
# Downloads: files to save or print, not pages (their words are the documents' own tests').
DOWNLOAD = re.compile(r"\.(pdf|xlsx|csv|json|js|ico|svg|png)$")
# Faces that are not HTML pages at all.
OTHER_FACES = ("api.", "ops.")


def visible_text(page: str) -> str:
    """What a reader sees or hears: the text (the title included, scripts and styles not) and
    the shown attributes; elements marked lang="zh" are Chinese on purpose (the switch back to
    中文, the column headings an import file must have, a field for the Chinese wording of a
    certificate with its example)."""
    page = _HIDDEN.sub(" ", _ZH_TAG.sub(" ", ZH.sub(" ", page)))
    shown = " ".join(_SHOWN_ATTRIBUTES.findall(page))
    return " ".join(html.unescape(_TAGS.sub(" ", page) + " " + shown).split())


@dataclass
class EnglishWorld:
    """Two events of one contest: Milling, published through the final (tiers, an appeal, a
    certificate), and Turning, still being marked (an open tie, missing marks, a unit without
    its own preliminary judge); a craftsman class with a review."""

    contest_id: int
    unit_id: int
    milling: int
    turning: int
    contestants: dict[int, int]  # event -> a contestant of it
    chief_id: int
    appeal_id: int
    serial: str
    cohort_id: int
    trainee_id: int
    codes: dict[str, str] = field(default_factory=dict)  # number -> access code (milling)
    job_id: int = 0  # a finished certificates job of Milling
    awards: dict[str, int] = field(default_factory=dict)  # ids of the award programme's pages

    def scenes(self) -> Iterator[dict[str, Any]]:
        """The values a page's address may need, one set per event."""
        for event_id in (self.milling, self.turning):
            for kind in ("preliminary", "final"):
                yield {
                    "contest_id": self.contest_id,
                    "unit_id": self.unit_id,
                    "event_id": event_id,
                    "contestant_id": self.contestants[event_id],
                    "kind": kind,
                    "round_kind": kind,
                    "component_key": "practical",
                    "judge_id": self.chief_id,
                    "appeal_id": self.appeal_id,
                    "serial": self.serial,
                    "cohort_id": self.cohort_id,
                    "trainee_id": self.trainee_id,
                    "job_id": self.job_id,
                    **self.awards,
                }


COMPONENTS = [
    {"key": "theory", "name": "Theory", "weight": "0.3", "max_score": "100"},
    {"key": "practical", "name": "Practical", "weight": "0.7", "max_score": "100"},
]
TIERS = {
    "mode": "count",
    "pass_line": "60",
    "tiers": [{"name": "Gold", "count": 1}, {"name": "Silver", "count": 2}],
}


def _english_world(app: Flask, client: FlaskClient) -> tuple[int, int]:
    """A small world for other pages' tests: an English contest with one event and three
    people beside the factories' Chinese one; (contest id, event id)."""
    org = build_world(app, client, per_unit=(0,)).org
    contest = org.post("/contests", {"name": "Skills Contest", "host": "Union"})
    unit = org.post(f"/contests/{contest['id']}/units", {"name": "Acme Works"})
    event = org.post(
        f"/contests/{contest['id']}/events",
        {"name": "Milling", "group": "Workers", "components": COMPONENTS},
    )
    for name in ("Ann", "Bob", "Cy"):
        org.post(f"/events/{event['id']}/contestants", {"name": name, "unit_id": unit["id"]})
    return contest["id"], event["id"]


def _everything_in_english(app: Flask, client: FlaskClient) -> EnglishWorld:
    world = build_world(
        app,
        client,
        per_unit=(3, 3),
        event={"name": "Milling", "group": "Workers", "components": COMPONENTS},
        contest={
            "name": "Skills Contest",
            "edition": "5th",
            "host": "Union",
            "co_hosts": "Labour Bureau",
            "theme": "Craft first",
            "objection_contact": "Write to the committee",
        },
        unit_name="Works {unit}",
        person_name="Person {unit}-{n}",
    )
    org, milling = world.org, world.event_id
    chief_id, chief = judge(app, client, org, milling, "chief", chief=True)
    _, committee = judge(app, client, org, milling, "committee", unit_id=world.units[0])
    people = world.all_contestants()
    for place, cid in enumerate(people):
        marker = committee if cid in world.contestants[world.units[0]] else chief
        for key in ("theory", "practical"):
            mark(marker, milling, "preliminary", cid, key, str(95 - 3 * place))
    for unit in world.units:
        org.post(f"/events/{milling}/finalists", {"unit_id": unit, "count": 3})
    org.post(f"/events/{milling}/rounds/preliminary/publish", status=200)
    org.post(f"/events/{milling}/rounds/final/draw")  # the final by drawn numbers (抽签)
    for place, cid in enumerate(people):
        for key in ("theory", "practical"):
            mark(chief, milling, "final", cid, key, str(94 - 3 * place))
    org.put(f"/events/{milling}/award-rules", TIERS)
    org.post(f"/events/{milling}/rounds/final/publish", status=200)
    appeal = org.post(
        f"/events/{milling}/rounds/final/appeals",
        {"contestant_id": people[1], "filed_by": "Person 1-2", "subject": "Recount please"},
    )
    printed = org.call("GET", f"/events/{milling}/rounds/final/certificates.pdf", status=200)
    serial = org.get(f"/events/{milling}/certificates")["certificates"][0]["serial"]

    turning = org.post(
        f"/contests/{world.contest_id}/events",
        {"name": "Turning", "group": "Workers", "components": COMPONENTS},
    )["id"]
    org.post(f"/events/{turning}/judges", {"user_id": chief_id, "unit_id": None, "chief": True})
    entered = [
        org.post(f"/events/{turning}/contestants", {"name": name, "unit_id": unit})["id"]
        for name, unit in (("Ann", world.units[0]), ("Bob", world.units[0]), ("Cy", world.units[1]))
    ]
    for cid in entered[:2]:  # equal on everything: a tie awaiting a ruling; Cy has no marks
        for key in ("theory", "practical"):
            mark(chief, turning, "preliminary", cid, key, "80")
    sheet = f"/events/{turning}/rounds/preliminary/sheets/practical/{chief_id}"
    org.put(f"{sheet}/second-entry", {"required": True})

    cohort_id, trainee_id = _english_cohort(app, client, org)
    awards = english_programme(app, client, org)
    awards |= english_nomination(app, awards["programme_id"])
    with app.app_context():
        codes = {
            c.number: c.access_code
            for c in db.session.scalars(select(Contestant).where(Contestant.event_id == milling))
        }
        # A finished certificates job, its file the batch just printed (no worker runs here).
        folder = Path(tempfile.mkdtemp(prefix="english-jobs-"))
        (folder / "job.pdf").write_bytes(printed.data)
        job = Job(
            kind="certificates",
            event_id=milling,
            status="done",
            progress=6,
            total=6,
            result_path=str(folder / "job.pdf"),
            result_name=f"certificates-event-{milling}.pdf",
            result_type="application/pdf",
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    return EnglishWorld(
        contest_id=world.contest_id,
        unit_id=world.units[0],
        milling=milling,
        turning=turning,
        contestants={milling: people[1], turning: entered[0]},
        chief_id=chief_id,
        appeal_id=appeal["id"],
        serial=serial,
        cohort_id=cohort_id,
        trainee_id=trainee_id,
        codes=codes,
        job_id=job_id,
        awards=awards,
    )


def _english_cohort(app: Flask, client: FlaskClient, org: Api) -> tuple[int, int]:
    cohort = org.post("/cohorts", {"name": "Class of 2021", "year": 2021, "host": "Union"})
    path = f"/cohorts/{cohort['id']}"
    org.put(
        f"{path}/rubric",
        {
            "items": [
                {"key": "content", "name": "Content", "weight": "60"},
                {"key": "delivery", "name": "Delivery", "weight": "40"},
            ]
        },
    )
    trainees = []
    for n, name in enumerate(("Dee", "Eve"), 1):
        user_id = make_user(app, f"trainee{n}", "trainee")
        body = {"name": name, "unit": "Works 1", "title": "Model worker", "user_id": user_id}
        trainees.append(org.post(f"{path}/trainees", body)["id"])
    org.post(f"{path}/experts", {"user_id": make_user(app, "expert1", "expert"), "lead": True})
    review = {
        "items": {"content": 90, "delivery": 80},
        "shortcomings": "Too fast.",
        "suggestions": "Slow down.",
    }
    login(client, "expert1").put(f"{path}/trainees/{trainees[0]}/review", review)
    return cohort["id"], trainees[0]


def _runs(text: str) -> list[str]:
    """Each stretch of Chinese on a page, with a few words around it to find it by."""
    return sorted({text[max(0, m.start() - 25) : m.end() + 25] for m in _CJK_RUN.finditer(text)})


def _visitor(app: Flask, username: str | None) -> FlaskClient:
    """A browser in English: signed in as `username`, or anonymous."""
    client = Session(app, username).client if username else app.test_client()
    client.get("/lang/en")
    return client


def _who(path: str) -> tuple[str | None, ...]:
    """Who opens the page, in turn until one may: the role it is for (anyone for the public
    pages); the judging pages are a judge's own (the chief judge's) or the organisers'."""
    if path.startswith("/console"):
        return ("org",)
    if path.startswith("/judging"):
        return ("chief", "org")
    if path.startswith("/review"):
        return ("expert1",)
    if path.startswith("/awards/review"):
        return (AWARD_EXPERT,)
    if path.startswith("/union"):
        return (AWARD_UNION,)
    if path.startswith(("/awards/stations", "/awards/files")):
        return (AWARD_UNION, "org")
    if path.startswith("/awards/programmes"):
        return (AWARD_UNION, "org")
    if path.startswith("/my/"):
        return ("trainee1",)
    return (None,)


def _pages(app: Flask, world: EnglishWorld) -> dict[str, list[str]]:
    """Every page of the HTML face, by endpoint: its addresses over the world's scenes."""
    pages: dict[str, list[str]] = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if (
                "GET" not in (rule.methods or ())
                or rule.endpoint in NOT_PAGES
                or rule.endpoint.startswith(OTHER_FACES)
                or DOWNLOAD.search(rule.rule)
            ):
                continue
            urls: list[str] = []
            for scene in world.scenes():
                missing = set(rule.arguments) - set(scene)
                assert not missing, (
                    f"{rule.rule} needs {sorted(missing)}: give the English world a value"
                )
                url = url_for(rule.endpoint, **{k: scene[k] for k in rule.arguments})
                if url not in urls:
                    urls.append(url)
            pages[rule.endpoint] = urls
    return pages


def test_every_page_reads_in_english_without_chinese_of_its_own(app, client):
    world = _everything_in_english(app, client)
    visitors: dict[str | None, FlaskClient] = {}
    problems: list[str] = []
    pages = _pages(app, world)
    assert len(pages) > 40  # the routes were read, not nothing
    for endpoint, urls in sorted(pages.items()):
        shown = answered = 0
        for url in urls:
            for who in _who(url):
                if who not in visitors:
                    visitors[who] = _visitor(app, who)
                response = visitors[who].get(url)
                if response.status_code == 200:
                    break
            if response.status_code >= 500:
                problems.append(f"{url} as {who}: {response.status_code}")
                continue
            if response.status_code != 200:
                continue
            answered += 1
            if response.mimetype != "text/html":
                continue  # a GET for the pages' scripts (JSON): not a page
            shown += 1
            text = visible_text(response.get_data(as_text=True))
            found = _runs(text)
            if found:
                problems.append(f"{url} as {who}: {found}")
        if not answered:
            problems.append(f"{endpoint}: no address of it showed a page ({urls})")
    # The personal look-up's answer is a page too (a POST, so not among the routes' GETs).
    anonymous = visitors.setdefault(None, _visitor(app, None))
    number, code = next(iter(world.codes.items()))
    answer = Pages(anonymous).post("/lookup", {"number": number, "code": code}, status=200)
    found = _runs(visible_text(answer.get_data(as_text=True)))
    if found:
        problems.append(f"POST /lookup: {found}")
    assert not problems, "\n".join(problems)


def test_a_refusal_page_reads_in_english_too(app, client):
    make_user(app, "judge1", "judge")
    sign_in(client, "judge1")
    client.get("/lang/en")
    text = text_of(Pages(client).get("/console", status=403))
    assert "Only the organising committee can do this" in text
