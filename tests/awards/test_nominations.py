"""Nomination (基层推荐): complete evidence before submitting, the deadline, one unit never
seeing another's stations, and the limits on evidence files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from competition.extensions import db
from competition.models import AwardProgramme
from competition.models.types import utcnow
from tests.awards.helpers import EXE, JPEG, PDF, PNG, STATION, setup_programme, upload


def _close_nominations(app, programme_id: int) -> None:
    with app.app_context():
        db.session.execute(
            update(AwardProgramme)
            .where(AwardProgramme.id == programme_id)
            .values(nomination_deadline=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()


def test_a_union_nominates_for_its_own_unit_with_normalised_fields(app, client) -> None:
    p = setup_programme(app, client)
    station = p.station(name="  建国门环卫驿站（东城）", contact_phone="１３８ ０００ ０００００",
                        district="东城 区", contact_name="李  红")  # fmt: skip
    assert station["unit_id"] == p.unit_ids["u1"]
    assert station["name"] == "建国门环卫驿站（东城）"
    assert (station["contact_phone"], station["district"], station["contact_name"]) == (
        "13800000000",
        "东城区",
        "李红",
    )
    assert station["submitted"] is False and len(station["missing"]) == 7


def test_submitting_without_evidence_for_every_criterion_is_refused(app, client) -> None:
    p = setup_programme(app, client)
    sid = p.station()["id"]
    u1 = p.unions["u1"]
    for key in p.criteria[:-2]:
        u1.put(f"/stations/{sid}/evidence/{key}", {"text": "情况说明"})
    upload(u1, sid, p.criteria[-2], ("宣传.jpg", JPEG))
    refused = u1.post(f"/stations/{sid}/submit", status=409)["error"]
    assert refused["code"] == "incomplete"
    assert refused["fields"] == {"missing": [p.criteria[-1]]}
    assert "有成效" in refused["message"]
    u1.put(f"/stations/{sid}/evidence/{p.criteria[-1]}", {"text": "   "})  # blank is none
    u1.post(f"/stations/{sid}/submit", status=409)
    u1.put(f"/stations/{sid}/evidence/{p.criteria[-1]}", {"text": "满意度 98%"})
    done = u1.post(f"/stations/{sid}/submit", status=200)
    assert done["submitted"] is True and done["missing"] == []
    # submitted: the unit's word; changes wait for the organiser to hand it back
    u1.call("PATCH", f"/stations/{sid}", {"opening_hours": "8:00-20:00"}, status=409)
    p.org.post(f"/stations/{sid}/hand-back", {"reason": "照片不清晰"}, status=200)
    u1.call("PATCH", f"/stations/{sid}", {"opening_hours": "8:00-20:00"}, status=200)


def test_after_the_deadline_nothing_is_created_changed_or_submitted(app, client) -> None:
    p = setup_programme(app, client)
    sid = p.station()["id"]
    p.complete("u1", sid)
    _close_nominations(app, p.id)
    u1 = p.unions["u1"]
    for response in (
        p.station(name="另一个驿站")
        if False
        else u1.post(
            f"/award-programmes/{p.id}/stations", {**STATION, "name": "另一个驿站"}, status=409
        ),
        u1.call("PATCH", f"/stations/{sid}", {"name": "改名"}, status=409).get_json(),
        u1.put(f"/stations/{sid}/evidence/place", {"text": "补充"}, status=409),
        upload(u1, sid, "place", ("a.jpg", JPEG), status=409),
        u1.post(f"/stations/{sid}/submit", status=409),
        p.org.post(f"/stations/{sid}/submit", status=409),
    ):
        assert response["error"]["code"] == "deadline_passed"
        assert "截止时间" in response["error"]["message"]
    # reading is still fine
    assert u1.get(f"/stations/{sid}")["submitted"] is False


def test_a_union_never_sees_or_changes_another_units_stations(app, client) -> None:
    p = setup_programme(app, client)
    sid = p.station()["id"]
    fid = upload(p.unions["u1"], sid, "place", ("场地.jpg", JPEG))["files"][0]["id"]
    u2 = p.unions["u2"]
    u2.get(f"/stations/{sid}", status=404)
    u2.call("PATCH", f"/stations/{sid}", {"name": "抢注"}, status=404)
    u2.put(f"/stations/{sid}/evidence/place", {"text": "x"}, status=404)
    upload(u2, sid, "place", ("x.jpg", JPEG), status=404)
    u2.post(f"/stations/{sid}/submit", status=404)
    u2.get(f"/evidence-files/{fid}", status=404)
    u2.call("DELETE", f"/evidence-files/{fid}", status=404)
    u2.post(
        f"/award-programmes/{p.id}/stations",
        {**STATION, "unit_id": p.unit_ids["u1"]},
        status=403,
    )
    assert u2.get(f"/award-programmes/{p.id}/stations")["stations"] == []
    u2.get(f"/award-programmes/{p.id}/stations?unit_id={p.unit_ids['u1']}", status=403)
    # the organiser acts for any unit, naming it; the panel reads
    made = p.org.post(
        f"/award-programmes/{p.id}/stations", {**STATION, "unit_id": p.unit_ids["u2"]}
    )
    assert made["unit_id"] == p.unit_ids["u2"]
    p.org.post(f"/award-programmes/{p.id}/stations", STATION, status=422)
    p.experts["e2"].get(f"/stations/{sid}")
    p.experts["e2"].put(f"/stations/{sid}/evidence/place", {"text": "x"}, status=403)
    listed = p.experts["e2"].get(f"/award-programmes/{p.id}/stations")["stations"]
    assert len(listed) == 2


def test_a_renamed_program_is_refused_by_its_bytes(app, client) -> None:
    p = setup_programme(app, client)
    sid = p.station()["id"]
    refused = upload(p.unions["u1"], sid, "place", ("照片.jpg", EXE), status=415)["error"]
    assert refused["code"] == "unsupported_media_type"
    assert "照片.jpg" in refused["message"] and "JPEG" in refused["message"]
    station = p.unions["u1"].get(f"/stations/{sid}")
    assert all(not e["files"] for e in station["evidence"])


def test_an_oversized_file_is_refused_naming_the_file_and_the_limit(app, client) -> None:
    app.config["AWARD_FILE_MAX_BYTES"] = 1024
    p = setup_programme(app, client)
    sid = p.station()["id"]
    kept = upload(p.unions["u1"], sid, "place", ("小图.png", PNG))["files"]
    big = JPEG[:-2] + b"\x00" * 2048 + b"\xff\xd9"
    refused = upload(p.unions["u1"], sid, "place", ("ok.pdf", PDF), ("大图.jpg", big), status=413)[
        "error"
    ]
    assert refused["code"] == "too_large"
    assert "大图.jpg" in refused["message"] and "1 KB" in refused["message"]
    files = [
        f["id"] for e in p.unions["u1"].get(f"/stations/{sid}")["evidence"] for f in e["files"]
    ]
    assert files == [kept[0]["id"]]  # the batch stored nothing; what was there stays


def test_a_criterion_holds_at_most_the_allowed_number_of_files(app, client) -> None:
    app.config["AWARD_FILES_PER_CRITERION"] = 2
    p = setup_programme(app, client)
    sid = p.station()["id"]
    upload(p.unions["u1"], sid, "place", ("1.jpg", JPEG), ("2.png", PNG))
    refused = upload(p.unions["u1"], sid, "place", ("3.pdf", PDF), status=409)["error"]
    assert refused["code"] == "too_many_files" and "最多 2 个" in refused["message"]
    upload(p.unions["u1"], sid, "sign", ("3.pdf", PDF))
    upload(p.unions["u1"], sid, "sign", status=400)


def test_a_pdf_is_stored_by_its_hash_and_served_only_to_those_who_may(
    app, client, tmp_path
) -> None:
    app.config["AWARD_UPLOAD_FOLDER"] = str(tmp_path / "files")
    p = setup_programme(app, client)
    sid = p.station()["id"]
    stored = upload(p.unions["u1"], sid, "rules", ("../../制度.pdf", PDF))["files"][0]
    assert stored["content_type"] == "application/pdf" and stored["filename"] == "制度.pdf"
    on_disk = list(Path(tmp_path / "files").iterdir())
    assert [f.name for f in on_disk] == [stored["sha256"] + ".pdf"]
    for reader in (p.org, p.unions["u1"], p.experts["e1"]):
        response = reader.call("GET", f"/evidence-files/{stored['id']}", status=200)
        assert response.data == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    photo = upload(p.unions["u1"], sid, "place", ("p.png", PNG))["files"][0]
    shown = p.org.call("GET", f"/evidence-files/{photo['id']}", status=200)
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert client.get(f"/api/v1/evidence-files/{stored['id']}").status_code == 401
    # removing one leaves the nomination incomplete again
    p.unions["u1"].call("DELETE", f"/evidence-files/{stored['id']}", status=204)
    assert "rules" in p.unions["u1"].get(f"/stations/{sid}")["missing"]


def test_an_edit_made_on_an_old_version_is_refused(app, client) -> None:
    p = setup_programme(app, client)
    sid = p.station()["id"]
    first = p.unions["u1"].call("GET", f"/stations/{sid}", status=200).headers["ETag"]
    p.org.call("PATCH", f"/stations/{sid}", {"opening_hours": "7:00-22:00"}, status=200)
    stale = client.patch(
        f"/api/v1/stations/{sid}",
        json={"opening_hours": "全天"},
        headers={"If-Match": first, "Authorization": f"Bearer {p.unions['u1'].token}"},
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale"
    assert stale.headers["ETag"] != first


@pytest.mark.parametrize("level", ["nowhere", "NATIONAL"])
def test_an_unknown_level_is_refused(app, client, level: str) -> None:
    p = setup_programme(app, client)
    refused = p.unions["u1"].post(
        f"/award-programmes/{p.id}/stations", {**STATION, "level": level}, status=422
    )
    assert "level" in refused["error"]["fields"]
