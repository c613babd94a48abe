"""The expert's review pages, the organiser's selection page and the public station list."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from tests.awards.factories import add_station, judge_by_all, make_programme
from tests.support.factories import PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ETAG = re.compile(r'name="etag" value="([^"]*)"')


def _browser(app: Flask, username: str) -> tuple[FlaskClient, str]:
    browser = app.test_client()
    token = CSRF.search(browser.get("/login").get_data(as_text=True))
    assert token
    response = browser.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    return browser, token.group(1)


def test_the_expert_fills_the_form_and_a_stale_one_is_refused(app, client) -> None:
    world = make_programme(app, client)
    station = add_station(app, world, "望京站", unit=1)
    own = add_station(app, world, "本单位站", unit=0)
    browser, csrf = _browser(app, "expert_c")
    index = browser.get("/awards/review").get_data(as_text=True)
    assert world.path("") and "2021年度最美工会户外劳动者服务站点" in index
    worklist = browser.get(f"/awards/review/{world.programme_id}").get_data(as_text=True)
    assert "望京站" in worklist and "本单位站" not in worklist
    assert browser.get(f"/awards/review/{world.programme_id}/stations/{own}").status_code == 403
    url = f"/awards/review/{world.programme_id}/stations/{station}"
    page = browser.get(url).get_data(as_text=True)
    etag = ETAG.search(page)
    assert etag and "有设施" in page
    form = {
        "csrf_token": csrf,
        "etag": etag.group(1),
        "points-place": "１８．５",
        "points-facilities": "31",
        "passed-rules": "yes",
        "comment-place": "临街",
    }
    refused = browser.post(url, data=form)
    assert refused.status_code == 422
    assert "30" in refused.get_data(as_text=True)
    saved = browser.post(url, data={**form, "points-facilities": "29"})
    assert saved.status_code == 302
    again = browser.get(url).get_data(as_text=True)
    assert 'value="18.50"' in again
    stale = browser.post(url, data={**form, "points-facilities": "28"})  # the old version
    assert stale.status_code == 409


def test_the_organiser_publishes_and_the_public_finds_a_station(app, client, monkeypatch) -> None:
    world = make_programme(app, client)
    a = add_station(app, world, "望京站", unit=1, district="朝阳区")
    b = add_station(app, world, "中关村站", unit=2, level="beijing", district="海淀区")
    judge_by_all(world, a, 1, 20, 30)
    judge_by_all(world, b, 2, 10, 10)
    lead, csrf = _browser(app, "expert_a")
    signed = lead.post(f"/awards/review/{world.programme_id}/sign-off", data={"csrf_token": csrf})
    assert signed.status_code == 422  # not confirmed
    signed = lead.post(
        f"/awards/review/{world.programme_id}/sign-off", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert signed.status_code == 302
    org, csrf = _browser(app, "org")
    base = f"/console/awards/{world.programme_id}"
    page = org.get(f"{base}/selection").get_data(as_text=True)
    assert "望京站" in page and "中关村站" in page
    assert org.get(f"/service-stations/{world.programme_id}").status_code == 404
    org.post(f"{base}/publish", data={"csrf_token": csrf})
    notice = client.get(f"/service-stations/{world.programme_id}").get_data(as_text=True)
    assert "望京站" in notice and "公示期至" in notice
    assert org.get(f"{base}/notice.pdf").data.startswith(b"%PDF")
    later = datetime.now(UTC) + timedelta(days=30)
    monkeypatch.setattr("competition.awards.selection.utcnow", lambda: later)
    org.post(f"{base}/confirm", data={"csrf_token": csrf})
    found = client.get(f"/service-stations/{world.programme_id}?district=海淀区")
    text = found.get_data(as_text=True)
    assert "中关村站" in text and "望京站" not in text and "全天24小时" in text
    assert "2021年度" in client.get("/service-stations").get_data(as_text=True)
