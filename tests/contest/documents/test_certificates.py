"""Honour certificates through the API: access, text, serials, award tiers, QR codes,
reissue and revocation in the audit trail, and the public verification page."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image

from tests.contest.documents.helpers import published_final
from tests.support.errors import assert_error
from tests.support.factories import Api
from tests.support.pdf import fonts_with, page_count, page_png, pdf_text

SERIAL = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}")
AWARDS = {
    "mode": "count",
    "pass_line": "60",
    "tiers": [
        {"name": "一等奖", "count": 1},
        {"name": "二等奖", "count": 2},
        {"name": "三等奖", "count": 3},
    ],
}


def serials(text: str) -> list[str]:
    """Serials in the order printed; each paper prints its own twice (number and address)."""
    return list(dict.fromkeys(SERIAL.findall(text)))


def _certificates(api: Api, event_id: int, status: int = 200):
    return api.call("GET", f"/events/{event_id}/rounds/final/certificates.pdf", status=status)


def test_refusals_in_the_contract_order(app, client):
    final = published_final(app, client, publish=False)
    event_id = final.event_id
    assert_error(_certificates(Api(client), event_id, status=401), 401)
    assert_error(_certificates(final.org, 999_999, status=404), 404)
    assert_error(_certificates(final.judge, event_id, status=403), 403)
    refused = assert_error(_certificates(final.org, event_id, status=409), 409)
    assert "发布" in refused["message"]
    # Nothing was issued by the refusals.
    assert final.org.get(f"/events/{event_id}/certificates")["certificates"] == []


def test_one_page_per_finalist_in_rank_order_with_fixed_serials(app, client):
    final = published_final(app, client)
    final.org.put(f"/events/{final.event_id}/award-rules", AWARDS)
    response = _certificates(final.org, final.event_id)
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    pdf = response.data
    assert page_count(pdf) == len(final.ranked) == 7

    issued = final.org.get(f"/events/{final.event_id}/certificates")["certificates"]
    by_contestant = {c["contestant_id"]: c for c in issued}
    expected_tiers = ["一等奖", "二等奖", "二等奖", "三等奖", "三等奖", "三等奖", None]
    for page, (entry, tier) in enumerate(zip(final.ranked, expected_tiers, strict=True), 1):
        text = pdf_text(pdf, page, page)
        flat = re.sub(r"\s+", "", text)
        certificate = by_contestant[entry["contestant_id"]]
        assert entry["name"] in flat
        assert f"工作单位：{entry['unit']}" in flat
        assert "荣誉证书" in text.replace(" ", "")
        assert "第五届职工职业技能竞赛数控铣工（职工组）决赛" in flat
        place = ["第一名", "第二名", "第三名", "第四名", "第五名", "第六名", "第七名"][page - 1]
        assert place in flat
        assert certificate["place"] == page and certificate["tier"] == tier
        if tier:
            assert tier in flat
        else:
            assert "等奖" not in flat
        assert serials(text) == [certificate["serial"]]
        assert f"/verify/{certificate['serial']}" in flat
        assert "总工会" in flat  # the issuing body
        assert re.search(r"二〇[〇一二三四五六七八九]{2}年", flat)  # the date, in numerals
    assert "83.00" not in pdf_text(pdf)  # scores are not printed on certificates

    # Printing again prints the same certificates under the same serials.
    again = pdf_text(_certificates(final.org, final.event_id).data)
    assert serials(again) == [by_contestant[e["contestant_id"]]["serial"] for e in final.ranked]
    assert len(final.org.get(f"/events/{final.event_id}/certificates")["certificates"]) == 7
    # The same rules again move nobody: nothing is superseded, every serial stays valid.
    final.org.put(f"/events/{final.event_id}/award-rules", AWARDS, status=200)
    listed = final.org.get(f"/events/{final.event_id}/certificates")["certificates"]
    assert {c["status"] for c in listed} == {"valid"} and len(listed) == 7
    assert [c["total"] for c in sorted(listed, key=lambda c: c["place"])] == [
        e["total"] for e in final.ranked
    ]
    trail = final.org.get(f"/events/{final.event_id}/audit")["entries"]
    assert sum(1 for e in trail if e["action"] == "certificate.issue") == 7
    assert not any(e["action"] == "certificate.supersede" for e in trail)


def test_rare_name_characters_are_drawn_not_boxed(app, client):
    final = published_final(app, client)
    pdf = final.org.call(
        "GET",
        f"/events/{final.event_id}/contestants/{final.ranked[0]['contestant_id']}/certificate.pdf",
        status=200,
    ).data
    assert final.ranked[0]["name"] == "吕𠮷祥"
    text = pdf_text(pdf)
    assert "吕𠮷祥" in re.sub(r"\s+", "", text)
    assert fonts_with(pdf, "𠮷"), "no embedded font maps U+20BB7"
    second = final.org.call(
        "GET",
        f"/events/{final.event_id}/contestants/{final.ranked[1]['contestant_id']}/certificate.pdf",
        status=200,
    ).data
    assert "王堃" in re.sub(r"\s+", "", pdf_text(second))
    assert fonts_with(second, "堃")


def test_the_qr_code_carries_the_verification_address(app, client):
    final = published_final(app, client)
    cid = final.ranked[0]["contestant_id"]
    pdf = final.org.call(
        "GET", f"/events/{final.event_id}/contestants/{cid}/certificate.pdf", status=200
    ).data
    (serial,) = serials(pdf_text(pdf))
    image = Image.open(__import__("io").BytesIO(page_png(pdf, dpi=200))).convert("L")
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == [f"http://localhost/verify/{serial}"]
    page = client.get(f"/verify/{serial}")
    assert page.status_code == 200


def test_single_certificate_rules(app, client):
    final = published_final(app, client, publish=False)
    cid = final.ranked[0]["contestant_id"]
    path = f"/events/{final.event_id}/contestants/{cid}/certificate.pdf"
    assert_error(final.org.call("GET", path, status=409), 409)
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    assert_error(final.judge.call("GET", path, status=403), 403)
    assert_error(
        final.org.call("GET", f"/events/{final.event_id}/contestants/999/certificate.pdf"), 404
    )
    # A contestant registered but not in the final has no certificate.
    other = final.org.post(
        f"/events/{final.event_id}/contestants",
        {"name": "未入围", "unit_id": final.units[0]},
        status=409,  # the preliminary is published: nobody new can register
    )
    assert other["error"]["code"] == "conflict"
    assert final.org.call("GET", path, status=200).mimetype == "application/pdf"


def test_reissue_and_revocation_are_audited_and_verified(app, client):
    final = published_final(app, client)
    first, second = final.ranked[0], final.ranked[1]
    _certificates(final.org, final.event_id)
    issued = {
        c["contestant_id"]: c
        for c in final.org.get(f"/events/{final.event_id}/certificates")["certificates"]
    }
    serial_1, serial_2 = (
        issued[first["contestant_id"]]["serial"],
        issued[second["contestant_id"]]["serial"],
    )

    # The public page: genuine, with what the certificate says; lower case and no hyphens work.
    page = client.get(f"/verify/{serial_1.lower().replace('-', '')}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "此证书真实有效" in html and first["name"] in html and "第一名" in html
    assert serial_1 in html
    unknown = client.get("/verify/0000-0000-0000-0000")
    assert unknown.status_code == 404
    assert "未找到此编号的证书" in unknown.get_data(as_text=True)
    garbage = client.get("/verify/<script>alert(1)</script>")
    assert garbage.status_code == 404 and "<script>" not in garbage.get_data(as_text=True)

    # Reissue: same serial, audited, marked on the paper.
    path = f"/certificates/{serial_1}/reissue"
    assert_error(Api(client).call("POST", path, {"reason": "遗失补发"}, status=401), 401)
    assert_error(
        final.org.call(
            "POST", "/certificates/0000-0000-0000-0000/reissue", {"reason": "x"}, status=404
        ),
        404,
    )
    assert_error(final.judge.call("POST", path, {"reason": "遗失补发"}, status=403), 403)
    assert_error(final.org.call("POST", path, raw="{", status=400), 400)
    assert_error(final.org.call("POST", path, {"reason": "  "}, status=422), 422, "reason")
    body = final.org.post(path, {"reason": "遗失补发"}, status=200)
    assert body["serial"] == serial_1 and body["reissue_count"] == 1
    reprint = final.org.call("GET", f"/certificates/{serial_1}.pdf", status=200).data
    assert serials(pdf_text(reprint)) == [serial_1]
    assert "补发日期" in pdf_text(reprint)
    assert "补发日期" in client.get(f"/verify/{serial_1}").get_data(as_text=True)

    # Revocation: final; the page says so; the batch leaves the paper out.
    revoked = final.org.post(f"/certificates/{serial_2}/revoke", {"reason": "成绩作废"}, status=200)
    assert revoked["revoked"] is True and revoked["revoke_reason"] == "成绩作废"
    final.org.post(f"/certificates/{serial_2}/revoke", {"reason": "再次"}, status=409)
    final.org.post(f"/certificates/{serial_2}/reissue", {"reason": "补发"}, status=409)
    final.org.call("GET", f"/certificates/{serial_2}.pdf", status=409)
    page = client.get(f"/verify/{serial_2}")
    assert page.status_code == 200
    assert "此证书已被吊销" in page.get_data(as_text=True)
    assert "真实有效" not in page.get_data(as_text=True)
    batch = pdf_text(_certificates(final.org, final.event_id).data)
    assert serial_2 not in batch and serial_1 in batch
    final.org.call(
        "GET",
        f"/events/{final.event_id}/contestants/{second['contestant_id']}/certificate.pdf",
        status=409,
    )

    trail = final.org.get(f"/events/{final.event_id}/audit")["entries"]
    reissues = [e for e in trail if e["action"] == "certificate.reissue"]
    assert len(reissues) == 1 and reissues[0]["reason"] == "遗失补发"
    assert reissues[0]["details"]["serial"] == serial_1
    revocations = [e for e in trail if e["action"] == "certificate.revoke"]
    assert [e["reason"] for e in revocations] == ["成绩作废"]


@pytest.mark.parametrize("serial", ["ABCD", "ABCD-EFGH-JKMN-PQRU", ""])
def test_malformed_serials_are_unknown(app, client, serial):
    assert client.get(f"/verify/{serial}x").status_code == 404


def test_the_personal_look_up_gets_a_download_by_serial(app, client):
    from competition.contest.services.certificates import contestant_certificate
    from competition.extensions import db

    final = published_final(app, client, publish=False)
    first = final.ranked[0]["contestant_id"]
    with app.app_context():
        assert contestant_certificate(first) is None  # the final is not published yet
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    with app.app_context():
        certificate = contestant_certificate(first)
        assert certificate is not None
        serial = certificate.serial
        db.session.commit()
        assert contestant_certificate(first).serial == serial  # issued once
        assert contestant_certificate(999_999) is None
    response = client.get(f"/verify/{serial}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert serials(pdf_text(response.data)) == [serial]
    assert client.get("/verify/0000-0000-0000-0000/certificate.pdf").status_code == 404
    final.org.post(f"/certificates/{serial}/revoke", {"reason": "作废"}, status=200)
    assert client.get(f"/verify/{serial}/certificate.pdf").status_code == 404
    with app.app_context():
        assert contestant_certificate(first) is None
