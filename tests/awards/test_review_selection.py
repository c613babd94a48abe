"""The award programme's review, selection, notice, objections, confirmation, grants and
honours, through the API (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, StationCertificate
from tests.awards.factories import add_station, judge, judge_by_all, make_programme
from tests.awards.test_review_pages import _browser


def _signed(world) -> None:
    world.callers["expert_a"].post(world.path("/review/sign-off"), status=200)


# ---------------------------------------------------------------- the expert's review
def test_an_expert_never_reviews_their_own_units_station(app, client) -> None:
    world = make_programme(app, client)
    own = add_station(app, world, "本单位站点", unit=0)
    other = add_station(app, world, "他单位站点", unit=1)
    worklist = world.callers["expert_c"].get(world.path("/review/stations"))
    assert [s["id"] for s in worklist["stations"]] == [other]
    refused = world.callers["expert_c"].call(
        "GET", f"/api/v1{world.path(f'/stations/{own}/review')}", status=403
    )
    assert refused.get_json()["error"]["code"] == "conflict_of_interest"
    put = judge(world, "expert_c", own, 10, 10, status=403)
    assert put["error"]["code"] == "conflict_of_interest"
    # the others review it, and it is complete without expert_c
    judge_by_all(world, own, 0, 10, 10)
    selection = world.org.get(world.path("/selection"))
    assert selection["incomplete"] == [other]


def test_values_are_checked_by_the_criterions_maximum(app, client) -> None:
    world = make_programme(app, client)
    station = add_station(app, world, "站点")
    api = world.callers["expert_a"]
    refused = api.put(
        world.path(f"/stations/{station}/review"),
        {"criteria": [{"criterion": "place", "points": "21"}, {"criterion": "rules", "points": 1}]},
        status=422,
    )
    assert set(refused["error"]["fields"]) == {"criteria.place.points", "criteria.rules.points"}
    saved = api.put(
        world.path(f"/stations/{station}/review"),
        {"criteria": [{"criterion": "place", "points": "１９．５", "comment": "临街"}]},
    )
    assert saved["criteria"][0]["points"] == "19.50"


def test_a_stale_version_is_refused_and_every_change_audited(app, client) -> None:
    world = make_programme(app, client)
    station = add_station(app, world, "站点")
    api = world.callers["expert_a"]
    path = world.path(f"/stations/{station}/review")
    first = api.call("GET", "/api/v1" + path, status=200)
    tag = first.headers["ETag"]
    body = {"criteria": [{"criterion": "place", "points": 12}]}
    ok = api.client.put("/api/v1" + path, json=body, headers={**api._headers(), "If-Match": tag})
    assert ok.status_code == 200
    again = api.client.put(
        "/api/v1" + path,
        json={"criteria": [{"criterion": "place", "points": 13}]},
        headers={**api._headers(), "If-Match": tag},
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "stale"
    assert again.headers["ETag"] == ok.headers["ETag"]
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "award.review.set")
        ).all()
        assert [(e.old_value, e.new_value) for e in entries] == [(None, Decimal("12.00"))]


def test_the_lead_signs_off_once_complete_and_that_locks(app, client) -> None:
    world = make_programme(app, client)
    station = add_station(app, world, "站点", unit=1)
    judge(world, "expert_a", station, 10, 10)
    refused = world.callers["expert_a"].post(world.path("/review/sign-off"), status=409)
    assert refused["error"]["fields"]["incomplete"] == [str(station)]
    world.callers["expert_b"].post(world.path("/review/sign-off"), status=403)
    judge(world, "expert_b", station, 10, 10)
    judge(world, "expert_c", station, 10, 10)
    _signed(world)
    judge(world, "expert_a", station, 11, 10, status=409)


# ---------------------------------------------------------------- selection
def test_a_tie_at_the_cut_refuses_publication_until_a_ruling(app, client) -> None:
    world = make_programme(app, client)
    a = add_station(app, world, "甲站", unit=1)
    b = add_station(app, world, "乙站", unit=2)
    c = add_station(app, world, "丙站", unit=1)
    for station in (a, b):
        judge_by_all(world, station, 1, 15, 25)
    judge_by_all(world, c, 1, 10, 10)
    _signed(world)
    selection = world.org.get(world.path("/selection"))
    national = selection["levels"][0]
    assert national["unresolved"]["station_ids"] == [a, b]
    assert selection["levels"][1]["blocked"]
    refused = world.org.post(world.path("/publish"), status=409)
    assert refused["error"]["code"] == "tie_unresolved"
    assert "甲站" in refused["error"]["message"] and "乙站" in refused["error"]["message"]
    assert refused["error"]["fields"]["unresolved"] == [str(a), str(b)]
    # a ruling that is no tie is refused; the one that is settles it
    world.org.post(
        world.path("/rulings"),
        {"level_id": world.levels["national"], "station_ids": [a, c], "reason": "抽签"},
        status=422,
    )
    world.org.post(
        world.path("/rulings"),
        {"level_id": world.levels["national"], "station_ids": [b, a], "reason": "现场复核"},
    )
    selection = world.org.get(world.path("/selection"))
    assert [p["station_id"] for p in selection["levels"][0]["ranking"] if p["selected"]] == [b]
    beijing = [p["station_id"] for p in selection["levels"][1]["ranking"] if p["selected"]]
    assert beijing == [a, c]  # the national runner-up moves to the Beijing list
    published = world.org.post(world.path("/publish"), status=200)
    assert published["notice_ends_on"] is not None


def test_a_pass_fail_failure_is_excluded(app, client) -> None:
    world = make_programme(app, client)
    good = add_station(app, world, "好站", unit=1)
    bad = add_station(app, world, "高分不合格站", unit=1)
    judge_by_all(world, good, 1, 5, 5)
    for expert, passed in (("expert_a", False), ("expert_b", False), ("expert_c", True)):
        judge(world, expert, bad, 20, 30, passed)
    selection = world.org.get(world.path("/selection"))
    assert selection["ineligible"] == [bad]
    ranked = [p["station_id"] for level in selection["levels"] for p in level["ranking"]]
    assert ranked == [good]


def _published(app, client, **kwargs):
    world = make_programme(app, client, **kwargs)
    ids = [
        add_station(app, world, "国家站", unit=1, district="朝阳区"),
        add_station(app, world, "市站一", unit=1, level="beijing", district="海淀区"),
        add_station(app, world, "市站二", unit=2, level="beijing", district="朝阳区"),
        add_station(app, world, "候补站", unit=2, level="beijing", district="东城区"),
    ]
    for station, points in zip(ids, (20, 15, 12, 8), strict=True):
        judge_by_all(world, station, 1, points, points)
    _signed(world)
    world.org.post(world.path("/publish"), status=200)
    return world, ids


def test_objections_during_the_notice_and_confirmation_after_it(app, client, monkeypatch) -> None:
    world, (national, city1, _city2, spare) = _published(app, client)
    notice = client.get(f"/api/v1{world.path('/notice')}").get_json()
    assert [s["name"] for s in notice["stations"]] == ["国家站", "市站一", "市站二"]
    assert notice["in_notice"]
    world.org.post(
        world.path("/objections"), {"station_id": national, "name": "", "text": "x"}, status=422
    )
    first = world.org.post(
        world.path("/objections"),
        {"station_id": city1, "name": "王  伟", "contact": "13800000000", "text": "站点长期关门"},
    )
    assert first["name"] == "王伟"
    second = world.org.post(
        world.path("/objections"), {"station_id": national, "name": "李四", "text": "无"}
    )
    world.org.post(world.path("/confirm"), status=409)  # the notice is still running
    world.org.post(
        world.path(f"/objections/{first['id']}/decision"),
        {"decision": "upheld", "reason": "经核实，站点已停用"},
        status=200,
    )
    world.org.post(
        world.path(f"/objections/{second['id']}/decision"),
        {"decision": "dismissed", "reason": "无具体事实"},
        status=200,
    )
    filled = world.org.post(world.path(f"/levels/{world.levels['beijing']}/fill"))
    assert filled["station_id"] == spare
    world.org.post(world.path(f"/levels/{world.levels['beijing']}/fill"), status=409)
    later = datetime.now(UTC) + timedelta(days=30)
    monkeypatch.setattr("competition.awards.selection.utcnow", lambda: later)
    world.org.post(
        world.path("/objections"),
        {"station_id": national, "name": "张三", "text": "迟到"},
        status=409,
    )
    confirmed = world.org.post(world.path("/confirm"), status=200)
    assert confirmed["confirmed_at"] is not None
    world.org.post(world.path("/confirm"), status=409)
    world.org.post(
        world.path(f"/objections/{second['id']}/decision"),
        {"decision": "upheld", "reason": "再议"},
        status=409,
    )
    public = client.get(f"/api/v1{world.path('/confirmed-stations')}?district=朝阳区").get_json()
    assert [s["name"] for s in public["stations"]] == ["国家站", "市站二"]
    assert public["stations"][0]["opening_hours"] == "全天24小时"
    by_name = client.get(f"/api/v1{world.path('/confirmed-stations')}?q=候补").get_json()
    assert [s["name"] for s in by_name["stations"]] == ["候补站"]


def test_a_tie_in_line_for_a_vacant_place_is_ruled_before_it_is_filled(app, client) -> None:
    world = make_programme(app, client)
    ids = [
        add_station(app, world, "国家站", unit=1),
        add_station(app, world, "市站一", unit=1, level="beijing"),
        add_station(app, world, "市站二", unit=2, level="beijing"),
        add_station(app, world, "候补甲", unit=2, level="beijing"),
        add_station(app, world, "候补乙", unit=1, level="beijing"),
    ]
    for station, points in zip(ids, (20, 15, 12, 8, 8), strict=True):
        judge_by_all(world, station, 1, points, points)
    _signed(world)
    world.org.post(world.path("/publish"), status=200)
    _national, city1, city2, spare_a, spare_b = ids
    objection = world.org.post(
        world.path("/objections"), {"station_id": city1, "name": "王伟", "text": "站点已停用"}
    )
    world.org.post(
        world.path(f"/objections/{objection['id']}/decision"),
        {"decision": "upheld", "reason": "经核实属实"},
        status=200,
    )
    # The two spares are equal by every rule: the station id must not decide the place.
    refused = world.org.post(world.path(f"/levels/{world.levels['beijing']}/fill"), status=409)
    assert refused["error"]["code"] == "tie_unresolved"
    # The organiser's page shows the tie with the ruling form instead of the fill button.
    browser, _token = _browser(app, "org")
    page = browser.get(f"/console/awards/{world.programme_id}/selection").get_data(as_text=True)
    assert "递补的站点并列" in page and f'value="{spare_a},{spare_b}"' in page
    assert refused["error"]["fields"]["unresolved"] == [str(spare_a), str(spare_b)]
    # A ruling may not reorder the published list, only the stations in line.
    world.org.post(
        world.path("/rulings"),
        {"level_id": world.levels["beijing"], "station_ids": [city2, city1], "reason": "x"},
        status=409,
    )
    world.org.post(
        world.path("/rulings"),
        {"level_id": world.levels["beijing"], "station_ids": [spare_b, spare_a], "reason": "复核"},
    )
    filled = world.org.post(world.path(f"/levels/{world.levels['beijing']}/fill"))
    assert filled["station_id"] == spare_b
    page = browser.get(f"/console/awards/{world.programme_id}/selection").get_data(as_text=True)
    assert "递补的站点并列" not in page


def _confirmed(app, client, monkeypatch):
    world, ids = _published(app, client)
    later = datetime.now(UTC) + timedelta(days=30)
    monkeypatch.setattr("competition.awards.selection.utcnow", lambda: later)
    world.org.post(world.path("/confirm"), status=200)
    return world, ids


def test_grant_totals_are_exact(app, client, monkeypatch) -> None:
    world, _ids = _confirmed(app, client, monkeypatch)
    grants = world.org.get(world.path("/grants"))
    assert grants["total"] == "90001.00"  # 50000.00 + 2 × 20000.50
    assert {u["unit"]: u["amount"] for u in grants["units"]} == {
        "第2基层工会": "70000.50",
        "第3基层工会": "20000.50",
    }
    response = world.org.call("GET", world.path("/grants.xlsx"), status=200)
    book = load_workbook(BytesIO(response.data))
    rows = list(book["按单位汇总"].iter_rows(values_only=True))
    assert rows[-1] == ("合计", 3, 90001.0)
    pdf = world.org.call("GET", world.path("/grants.pdf"), status=200)
    assert pdf.data.startswith(b"%PDF")


def test_certificates_verify_on_the_public_page(app, client, monkeypatch) -> None:
    world, (national, *_rest) = _confirmed(app, client, monkeypatch)
    with app.app_context():
        cert = db.session.scalars(
            select(StationCertificate).where(StationCertificate.station_id == national)
        ).one()
        serial = cert.serial
    page = client.get(f"/verify/{serial.lower().replace('-', '')}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "国家站" in text and "全国最美工会户外劳动者服务站点" in text and "真实有效" in text
    assert client.get("/verify/ABCD-EFGH-JKMN-PQRS").status_code == 404
    pdf = world.org.call("GET", world.path("/certificates.pdf"), status=200)
    assert pdf.data.startswith(b"%PDF")
    notice = world.org.call("GET", world.path("/notice.pdf"), status=200)
    assert notice.data.startswith(b"%PDF")
