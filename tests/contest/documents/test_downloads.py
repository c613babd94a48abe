"""One implementation per download (`competition.contest.documents.downloads`): the page and
the API give the same file under the same name and refuse with the same words; the API's
twins of the page-only downloads (the replacement certificates, the results workbook)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.contest.documents.helpers import published_final
from tests.contest.documents.test_certificates import serials
from tests.contest.web.console.support import scored_preliminary
from tests.support.errors import assert_error
from tests.support.factories import Api
from tests.support.pages import sign_in, text_of
from tests.support.pdf import page_count, pdf_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(response: Any) -> str:
    disposition = response.headers["Content-Disposition"]
    return disposition.split("filename=", 1)[1].strip('"')


def _sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


# ---------------------------------------------------------------- score sheets
def test_score_sheets_page_and_api_give_one_file_name_and_one_refusal(app, client):
    final = published_final(app, client, publish=False)
    tail = f"/events/{final.event_id}/rounds/final/score-sheets.pdf"
    sign_in(client, "org")

    api = final.org.call("GET", tail + "?component=theory", status=200)
    page = client.get("/console" + tail + "?component=theory")
    assert page.status_code == 200
    assert (
        _filename(page) == _filename(api) == f"score-sheets-event-{final.event_id}-final-theory.pdf"
    )
    assert page.headers["Cache-Control"] == api.headers["Cache-Control"] == "private, no-store"
    everything = client.get("/console" + tail)
    assert _filename(everything) == f"score-sheets-event-{final.event_id}-final.pdf"

    error = assert_error(final.org.call("GET", tail + "?component=nope"), 422, "component")
    assert error["message"] == "没有评分项“nope”（本赛项的评分项：theory、practical）"
    assert error["fields"]["component"] == ["未知的评分项"]
    refused = client.get("/console" + tail + "?component=nope")
    assert refused.status_code == 422
    assert error["message"] in text_of(refused.get_data(as_text=True))


# ---------------------------------------------------------------- replacement certificates
def test_the_api_prints_the_replacements_the_page_prints(app, client):
    final = published_final(app, client)
    path = f"/events/{final.event_id}/rounds/final/replacements.pdf"
    # Nothing superseded yet: nothing to print, in the page's words too.
    nothing = assert_error(final.org.call("GET", path), 409)
    first = final.org.call(
        "GET", f"/events/{final.event_id}/rounds/final/certificates.pdf", status=200
    )
    old = serials(pdf_text(first.data))
    assert len(old) == len(final.ranked)
    assert assert_error(final.org.call("GET", path), 409)["message"] == nothing["message"]
    sign_in(client, "org")
    page = client.get(f"/console{path}?early=yes")
    assert page.status_code == 409 and nothing["message"] in text_of(page.get_data(as_text=True))

    # A tier the new rules give supersedes the first place's paper: its replacement alone.
    final.org.put(
        f"/events/{final.event_id}/award-rules",
        {"mode": "count", "tiers": [{"name": "一等奖", "count": 1}]},
    )
    assert_error(final.judge.call("GET", path), 403)
    assert_error(Api(client).call("GET", path), 401)
    assert_error(final.org.call("GET", "/events/999/rounds/final/replacements.pdf"), 404)
    response = final.org.call("GET", path, status=200)
    assert response.mimetype == "application/pdf"
    assert _filename(response) == f"certificates-event-{final.event_id}-replacements.pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert page_count(response.data) == 1
    text = pdf_text(response.data)
    assert "一等奖（第一名）" in "".join(text.split())
    (new,) = serials(text)
    assert new not in old
    # Printed means issued, and committed: the old serial names it, nothing is left to print.
    assert client.get(f"/api/v1/certificates/{old[0]}").get_json()["superseded_by"] == new
    assert_error(final.org.call("GET", path), 409)


# ---------------------------------------------------------------- the results workbook
def test_the_published_results_workbook_is_everyones_and_the_pages(app, client):
    final = published_final(app, client)
    path = f"/events/{final.event_id}/rounds/final/results.xlsx"
    response = Api(client).call("GET", path, status=200)
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert _filename(response) == f"event-{final.event_id}-final-results.xlsx"
    assert response.headers["Cache-Control"] == "no-cache"
    sheets = _sheets(response.data)
    assert list(sheets) == ["决赛"]
    rows = sheets["决赛"]
    assert rows[0][:4] == ("名次", "参赛号", "姓名", "单位")
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        (e["rank"], e["number"], e["name"], e["unit"]) for e in final.ranked
    ]
    # The console's export is the same workbook under the same name.
    sign_in(client, "org")
    page = client.get(f"/console{path}")
    assert page.status_code == 200 and _filename(page) == _filename(response)
    assert _sheets(page.data) == sheets


def test_before_publication_judges_get_the_workbook_without_names(app, client):
    world, panel = scored_preliminary(app, client, {0: [(90, 90), (80, 80)], 1: [(70, 70)]})
    path = f"/events/{world.event_id}/rounds/preliminary/results.xlsx"
    assert_error(Api(client).call("GET", path), 404)

    seen = panel.call("GET", path, status=200)
    assert seen.headers["Cache-Control"] == "private, no-store"
    sheets = _sheets(seen.data)
    assert list(sheets) == ["初赛", "第 1 个参赛单位", "第 2 个参赛单位"]
    for rows in sheets.values():
        assert all(row[2] is None and row[3] is None for row in rows[1:])
    assert [row[0] for row in sheets["初赛"][1:]] == [1, 2, 3]

    named = _sheets(world.org.call("GET", path, status=200).data)
    assert list(named) == ["初赛", "单位1", "单位2"]
    assert [row[2] for row in named["初赛"][1:]] == ["选手1-1", "选手1-2", "选手2-1"]

    # ?unit_id= narrows the workbook to that unit's own ranking, as it does the notice.
    unit = world.units[1]
    narrowed = _sheets(world.org.call("GET", f"{path}?unit_id={unit}", status=200).data)
    assert list(narrowed) == ["初赛"]
    assert [row[:3] for row in narrowed["初赛"][1:]] == [
        (1, row[1], "选手2-1") for row in named["单位2"][1:]
    ]
    assert_error(world.org.call("GET", f"{path}?unit_id=999"), 404)
