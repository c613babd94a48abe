"""The award tier beside the place (web ranking, console ranking, personal look-up), as the
certificate prints it and only once the final is published; and the look-up's reading of a
contest number typed without its leading zeros."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from competition.contest.services import lookup as lookup_service
from competition.contest.services.certificates import standings
from competition.extensions import db
from competition.models import Contestant, Event, access_codes
from tests.contest.documents.helpers import published_final
from tests.contest.web.console.support import contestant_row
from tests.support.factories import build_world
from tests.support.pages import Pages, organiser_pages, text_of

AWARDS = {
    "mode": "count",
    "pass_line": "60",
    "tiers": [{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 2}],
}


def _look_up(client, number: str, code: str, status: int = 200) -> str:
    response = Pages(client).post("/lookup", {"number": number, "code": code}, status=status)
    return text_of(response.get_data(as_text=True))


def _tier_cells(page: str) -> list[str]:
    """The award tier column of a ranking table, row by row ("" for no award)."""
    return [
        text_of(cell)
        for cell in re.findall(r'<td class="tier">(.*?)</td>', page, re.S)  # the column only
    ]


def test_the_tier_shows_beside_the_place_once_the_final_is_published(app, client):
    final = published_final(app, client, publish=False)
    event_id = final.event_id
    final.org.put(f"/events/{event_id}/award-rules", AWARDS)
    first, fourth = final.ranked[0], final.ranked[3]
    first_row = contestant_row(app, first["contestant_id"])
    fourth_row = contestant_row(app, fourth["contestant_id"])
    org = organiser_pages(app, app.test_client())

    # Before publication: nothing public, no tier on the console's ranking, none looked up.
    assert client.get(f"/results/events/{event_id}/final").status_code == 404
    console = org.get(f"/console/events/{event_id}/rounds/final")
    assert "一等奖" not in text_of(console) and not _tier_cells(console)
    before = _look_up(client, first_row.number, first_row.access_code)
    assert "成绩尚未公布" in before and "一等奖" not in before

    final.org.post(f"/events/{event_id}/rounds/final/publish", status=200)

    public = Pages(client).get(f"/results/events/{event_id}/final")
    assert "奖项" in text_of(public)
    tiers = ["一等奖", "二等奖", "二等奖", "", "", "", ""]
    assert _tier_cells(public) == tiers
    assert re.search(
        r'<td class="num rank">1</td>\s*<td class="tier"><span class="badge tier">'
        r"一等奖</span></td>",
        public,
    )
    assert _tier_cells(org.get(f"/console/events/{event_id}/rounds/final")) == tiers
    # The preliminary has no tiers: awards are the final's.
    assert not _tier_cells(Pages(client).get(f"/results/events/{event_id}/preliminary"))

    winner = _look_up(client, first_row.number, first_row.access_code)
    assert re.search(r"名次 第 1 名 （共 7 人） 奖项 一等奖", winner)
    no_award = _look_up(client, fourth_row.number, fourth_row.access_code)
    assert "第 4 名" in no_award and "奖项" not in no_award

    # What the pages say is what the certificates say: one rule decides the tier.
    final.org.call("GET", f"/events/{event_id}/rounds/final/certificates.pdf", status=200)
    printed = final.org.get(f"/events/{event_id}/certificates")["certificates"]
    assert [c["tier"] or "" for c in printed] == tiers
    with app.app_context():
        now = standings(db.session.get(Event, event_id))
        assert [now[e["contestant_id"]].tier or "" for e in final.ranked] == tiers


def test_the_phone_view_keeps_the_tier_beside_the_place(app):
    """Narrow screens lay each row out as a block: the tier stays next to the place, and an
    empty tier cell takes no room."""
    css = (Path(app.static_folder) / "console.css").read_text(encoding="utf-8")
    phone = css[css.index("@media (max-width: 40rem)") :]
    assert "table.ranking td.tier { flex: 0 0 auto; }" in phone
    assert "table.ranking td.tier:empty { display: none; }" in phone
    assert "td.first-score" in phone and "nth-child(5)" not in phone


# ---------------------------------------------------------------- numbers without zeros
def _numbered(app, client, numbers: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Contestants named after their contest numbers, in two events of one contest."""
    world = build_world(app, client, per_unit=(0,))
    other = world.org.post(f"/contests/{world.contest_id}/events", {"name": "数控车工"})["id"]
    for name, number in numbers.items():
        event_id = other if name.startswith("车") else world.event_id
        world.org.post(
            f"/events/{event_id}/contestants",
            {"name": name, "unit_id": world.units[0], "number": number},
        )
    with app.app_context():
        return {c.name: (c.id, c.access_code) for c in db.session.scalars(select(Contestant))}


def test_a_number_without_its_leading_zeros_finds_the_one_it_can_mean(app, client):
    people = _numbered(app, client, {"零二七": "027", "一零五": "105", "车零二七": "0027"})
    with app.test_request_context():
        # "27" is 027 in one event and 0027 in the other: the personal code tells them apart.
        for typed in ("27", "２７", " 027 ", "０２７"):
            found = lookup_service.find_contestant(typed, people["零二七"][1])
            assert found is not None and found.id == people["零二七"][0], typed
        found = lookup_service.find_contestant("27", people["车零二七"][1])
        assert found is not None and found.id == people["车零二七"][0]
        # Only leading zeros may be left out; nothing else is guessed.
        assert lookup_service.find_contestant("15", people["一零五"][1]) is None
        assert lookup_service.find_contestant("1050", people["一零五"][1]) is None
        assert lookup_service.find_contestant("0", people["一零五"][1]) is None
        # A wrong code finds nobody, whatever the number.
        assert lookup_service.find_contestant("27", "AAAA-AAAA") is None


def test_an_exact_number_wins_over_one_that_differs_by_zeros(app, client):
    people = _numbered(app, client, {"二七": "27", "零二七": "027"})
    with app.test_request_context():
        assert lookup_service.find_contestant("27", people["二七"][1]).id == people["二七"][0]
        # "27" means the contestant whose number is 27: 027's code does not open it.
        assert lookup_service.find_contestant("27", people["零二七"][1]) is None
        assert lookup_service.find_contestant("027", people["零二七"][1]).id == people["零二七"][0]


@pytest.mark.parametrize(
    ("typed", "compared"),
    [("027", 1), ("27", 2), ("００２７", 1), ("99", 1), ("", 1)],
)
def test_every_candidate_code_is_compared_and_a_dummy_when_none(
    app, client, monkeypatch, typed, compared
):
    """As slow either way: each candidate's code is compared in constant time (no early exit
    on a match), and one dummy comparison is made when the number matches nobody."""
    _numbered(app, client, {"零二七": "027", "车零二七": "0027"})
    calls: list[str] = []
    real = access_codes.matches

    def counting(stored: str, given: str) -> bool:
        calls.append(stored)
        return real(stored, given)

    monkeypatch.setattr(access_codes, "matches", counting)
    with app.test_request_context():
        lookup_service.find_contestant(typed, "AAAA-AAAA")
    assert len(calls) == compared
