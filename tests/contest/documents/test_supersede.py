"""Certificates that cannot go stale: a change after publication that moves a finalist's place,
total or tier supersedes the papers it affects; the next print issues replacements under new
serials; the old serials say so, on the verification page and through the API."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tests.contest.documents.helpers import Final, published_final
from tests.contest.documents.test_certificates import serials
from tests.support.pages import sign_in, text_of
from tests.support.pdf import page_count, pdf_text

# Twelve finalists in three units; the i-th of the whole list scores 95 - 2i on both parts,
# so the totals run 95, 93, …, 73 and nobody ties.
TWELVE = (
    ("甲一", "甲二", "甲三", "甲四"),
    ("乙一", "乙二", "乙三", "乙四"),
    ("丙一", "丙二", "丙三", "丙四"),
)
PLACES = "一二三四五六七八九十"
COUNTS = {
    "mode": "count",
    "tiers": [
        {"name": "一等奖", "count": 1},
        {"name": "二等奖", "count": 3},
        {"name": "三等奖", "count": 6},
    ],
}


def place_words(place: int) -> str:
    if place <= 10:
        return f"第{PLACES[place - 1]}名"
    return f"第十{PLACES[place - 11]}名"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _batch(final: Final) -> bytes:
    return final.org.call(
        "GET", f"/events/{final.event_id}/rounds/final/certificates.pdf", status=200
    ).data


def _listed(final: Final) -> dict[str, dict]:
    body = final.org.get(f"/events/{final.event_id}/certificates")
    return {c["serial"]: c for c in body["certificates"]}


def _uphold_theory(final: Final, contestant_id: int, theory: int) -> None:
    """An appeal filed and upheld through the API: the chief's theory mark becomes `theory`."""
    appeal = final.org.post(
        f"/events/{final.event_id}/rounds/final/appeals",
        {"contestant_id": contestant_id, "filed_by": "丙四", "subject": "理论成绩漏计一题"},
    )
    final.org.post(
        f"/appeals/{appeal['id']}/decision",
        {
            "outcome": "upheld",
            "reason": "复核答题卡，漏计 22 分",
            "changes": [{"judge_id": final.judge_id, "component": "theory", "value": theory}],
        },
        status=200,
    )


def _first_print(final: Final) -> dict[int, str]:
    """The batch printed once: contestant id -> serial, checked against the ranking."""
    pdf = _batch(final)
    assert page_count(pdf) == 12
    printed = serials(pdf_text(pdf))
    assert len(printed) == 12
    return {e["contestant_id"]: s for e, s in zip(final.ranked, printed, strict=True)}


def test_an_upheld_appeal_supersedes_the_moved_certificates_and_the_reprint_replaces_them(
    app, client
):
    final = published_final(app, client, names=TWELVE)
    final.org.put(f"/events/{final.event_id}/award-rules", COUNTS)
    before = [e["contestant_id"] for e in final.ranked]
    assert [e["total"] for e in final.ranked][-4:] == ["79.00", "77.00", "75.00", "73.00"]
    old = _first_print(final)
    last = before[-1]  # 丙四, 12th with 73.00

    # Theory 73 -> 95: 0.3 × 95 + 0.7 × 73 = 79.60, between the 8th (81) and the 9th (79).
    _uphold_theory(final, last, 95)
    ranked = final.org.get(f"/events/{final.event_id}/rounds/final/results")["ranking"]
    after = [e["contestant_id"] for e in ranked]
    assert after == [*before[:8], last, *before[8:11]]
    moved = set(before[8:])
    assert ranked[8]["total"] == "79.60"

    # Superseded now, before any reprint: kept, with the reason, the replacement to come.
    listed = _listed(final)
    assert len(listed) == 12
    for cid, serial in old.items():
        assert listed[serial]["status"] == ("superseded" if cid in moved else "valid"), cid
    status = client.get(f"/api/v1/certificates/{old[last]}").get_json()
    assert status == {
        "serial": old[last],
        "status": "superseded",
        "superseded_by": None,
        "contestant_id": last,
        "rank": 12,
    }
    assert client.get(f"/api/v1/certificates/{old[before[0]]}").get_json()["status"] == "valid"
    waiting = client.get(f"/verify/{old[last]}").get_data(as_text=True)
    assert "真实有效" not in waiting and "已作废" in text_of(waiting)
    assert "尚待打印" in text_of(waiting) and "申诉" in text_of(waiting)
    # The old paper cannot be printed or reissued again.
    final.org.call("GET", f"/certificates/{old[last]}.pdf", status=409)
    final.org.post(f"/certificates/{old[last]}/reissue", {"reason": "遗失"}, status=409)
    assert client.get(f"/verify/{old[last]}/certificate.pdf").status_code == 404

    # The console lists what is to be printed again.
    sign_in(client, "org")
    page = client.get(f"/console/events/{final.event_id}/certificates").get_data(as_text=True)
    reprint = page.split('id="reprint"')[1].split("</section>")[0]
    for cid in moved:
        assert old[cid] in reprint
    for cid in before[:8]:
        assert old[cid] not in reprint

    # The reprint: new serials for those who moved, in their new places; others unchanged.
    pdf = _batch(final)
    assert page_count(pdf) == 12
    new = {e["contestant_id"]: s for e, s in zip(ranked, serials(pdf_text(pdf)), strict=True)}
    for place, entry in enumerate(ranked, 1):
        cid = entry["contestant_id"]
        text = flat(pdf_text(pdf, place, place))
        assert entry["name"] in text and place_words(place) in text
        if cid in moved:
            assert new[cid] != old[cid]
        else:
            assert new[cid] == old[cid]
    nine = flat(pdf_text(pdf, 9, 9))
    assert "丙四" in nine and "三等奖（第九名）" in nine
    eleven = flat(pdf_text(pdf, 11, 11))
    assert "第十一名" in eleven and "等奖" not in eleven  # the old 10th lost his tier

    # The old serials now name their replacements, and never verify as genuine.
    for cid in moved:
        body = client.get(f"/api/v1/certificates/{old[cid]}").get_json()
        assert body["status"] == "superseded" and body["superseded_by"] == new[cid]
        assert client.get(f"/api/v1/certificates/{new[cid]}").get_json()["status"] == "valid"
    html = client.get(f"/verify/{old[last]}").get_data(as_text=True)
    assert "真实有效" not in html
    assert "已作废" in text_of(html) and new[last] in html and "第十二名" in text_of(html)
    fresh = client.get(f"/verify/{new[last]}").get_data(as_text=True)
    assert "此证书真实有效" in fresh and "第九名" in fresh

    # Nothing left to reprint; the console's list says so, the list shows every status.
    page = client.get(f"/console/events/{final.event_id}/certificates").get_data(as_text=True)
    assert 'id="reprint"' not in page
    assert text_of(page).count("已作废") == 4 and new[last] in page

    trail = final.org.get(f"/events/{final.event_id}/audit")["entries"]
    superseded = [e for e in trail if e["action"] == "certificate.supersede"]
    assert len(superseded) == 4
    by_serial = {e["details"]["serial"]: e for e in superseded}
    assert by_serial[old[last]]["details"]["before"] == {
        "place": 12,
        "total": "73.00",
        "tier": None,
    }
    assert by_serial[old[last]]["details"]["after"] == {
        "place": 9,
        "total": "79.60",
        "tier": "三等奖",
    }
    assert "申诉" in by_serial[old[last]]["reason"]
    issued = [e for e in trail if e["action"] == "certificate.issue"]
    assert len(issued) == 16
    assert any(e["details"]["replaces"] == [old[last]] for e in issued)


def test_a_change_of_total_alone_supersedes_and_the_own_download_gets_the_replacement(app, client):
    final = published_final(app, client, names=TWELVE)
    old = _first_print(final)
    first = final.ranked[0]["contestant_id"]
    # 95 -> 96 in theory: still first, but the total moves.
    _uphold_theory(final, first, 96)
    listed = _listed(final)
    assert listed[old[first]]["status"] == "superseded"
    assert sum(1 for c in listed.values() if c["status"] == "valid") == 11
    # The contestant's own certificate (organiser's or look-up download) is the replacement.
    pdf = final.org.call(
        "GET",
        f"/events/{final.event_id}/contestants/{first}/certificate.pdf",
        status=200,
    ).data
    (serial,) = serials(pdf_text(pdf))
    assert serial != old[first] and "第一名" in flat(pdf_text(pdf))
    status = client.get(f"/api/v1/certificates/{old[first]}").get_json()
    assert status["superseded_by"] == serial and status["rank"] == 1


def test_new_award_rules_supersede_only_the_certificates_whose_tier_moves(app, client):
    final = published_final(app, client, names=TWELVE)
    final.org.put(f"/events/{final.event_id}/award-rules", COUNTS)
    old = _first_print(final)
    ids = [e["contestant_id"] for e in final.ranked]
    # Two first prizes instead of one: only the 2nd place's tier moves.
    final.org.put(
        f"/events/{final.event_id}/award-rules",
        {
            "mode": "count",
            "tiers": [
                {"name": "一等奖", "count": 2},
                {"name": "二等奖", "count": 2},
                {"name": "三等奖", "count": 6},
            ],
        },
    )
    listed = _listed(final)
    superseded = {c["contestant_id"] for c in listed.values() if c["status"] == "superseded"}
    assert superseded == {ids[1]}
    trail = final.org.get(f"/events/{final.event_id}/audit")["entries"]
    (entry,) = [e for e in trail if e["action"] == "certificate.supersede"]
    assert entry["reason"] == "奖项规则变更"
    assert entry["details"]["before"]["tier"] == "二等奖"
    assert entry["details"]["after"]["tier"] == "一等奖"
    pdf = _batch(final)
    second = flat(pdf_text(pdf, 2, 2))
    assert "一等奖（第二名）" in second
    assert serials(pdf_text(pdf, 2, 2)) != [old[ids[1]]]
    assert serials(pdf_text(pdf, 1, 1)) == [old[ids[0]]]


def _change_behind_the_appeal(app, final, contestant_id: int) -> None:
    """The last finalist's theory mark raised to 95 straight through the mark service, as a
    path without the appeal's hook on certificates would: nothing supersedes their paper."""
    from decimal import Decimal

    from competition.contest.services import marks as mark_service
    from competition.extensions import db
    from competition.models import Contestant, Event, User

    with app.app_context():
        event = db.session.get(Event, final.event_id)
        judge = db.session.get(User, final.judge_id)
        mark_service.set_mark(
            event,
            event.round("final"),
            db.session.get(Contestant, contestant_id),
            "theory",
            Decimal(95),
            judge,
            reason="更正",
            actor=judge,
            by_appeal=True,
        )
        db.session.commit()


def test_the_safety_net_of_a_print_catches_a_change_made_by_another_path(app, client):
    """A mark changed without the appeal's hook (here: straight through the mark service) is
    still caught before paper goes out."""
    final = published_final(app, client, names=TWELVE)
    old = _first_print(final)
    last = final.ranked[-1]["contestant_id"]
    _change_behind_the_appeal(app, final, last)
    pdf = _batch(final)
    ninth = serials(pdf_text(pdf, 9, 9))
    assert ninth != [old[last]] and "丙四" in flat(pdf_text(pdf, 9, 9))
    trail = final.org.get(f"/events/{final.event_id}/audit")["entries"]
    reasons = {e["reason"] for e in trail if e["action"] == "certificate.supersede"}
    assert reasons == {"打印前核对：成绩、名次或奖项已与证书不符"}


def test_the_certificates_page_shows_a_stale_paper_and_writes_nothing(app, client):
    """A paper left out of step by a path without the appeal's hook is shown on the console's
    certificates page as superseded and to be printed again, yet the GET writes nothing: no
    supersede, no audit entry. The print supersedes it, as the safety net of every print."""
    final = published_final(app, client, names=TWELVE)
    old = _first_print(final)
    last = final.ranked[-1]["contestant_id"]
    _change_behind_the_appeal(app, final, last)

    sign_in(client, "org")
    url = f"/console/events/{final.event_id}/certificates"
    for _ in range(2):
        page = client.get(url).get_data(as_text=True)
        reprint = text_of(page.split('id="reprint"')[1].split("</section>")[0])
        assert old[last] in reprint and "打印前核对" in reprint
        assert old[final.ranked[0]["contestant_id"]] not in reprint
        assert "已作废" in text_of(page.split('id="issued"')[1])
    # Nothing was written: every paper is still valid in the record, the trail has no entry.
    assert {c["status"] for c in _listed(final).values()} == {"valid"}
    trail = final.org.get(f"/events/{final.event_id}/audit")["entries"]
    assert not [e for e in trail if e["action"] == "certificate.supersede"]

    pdf = final.org.call(
        "GET", f"/events/{final.event_id}/rounds/final/replacements.pdf", status=200
    ).data
    assert "丙四" in flat(pdf_text(pdf)) and old[last] not in serials(pdf_text(pdf))
    assert _listed(final)[old[last]]["status"] == "superseded"
    page = client.get(url).get_data(as_text=True)
    assert 'id="reprint"' not in page


def _end_notice(app, event_id: int) -> None:
    from competition.extensions import db
    from competition.models import Round

    with app.app_context():
        final = db.session.scalars(
            select(Round).where(Round.event_id == event_id, Round.kind == "final")
        ).one()
        final.notice_ends_on = date(2000, 1, 3)
        db.session.commit()


def test_the_console_offers_certificates_once_results_are_confirmed(app, client):
    final = published_final(app, client, names=TWELVE[:1])
    pages = sign_in(client, "org")
    url = f"/console/events/{final.event_id}/certificates"
    during = text_of(pages.get(url))
    assert "公示期未满" in during and "可能因申诉而变更" in during
    assert "还没有颁发证书" in during
    # Without the confirmation, the PDF link leads back to the warning.
    pdf_url = f"/console/events/{final.event_id}/rounds/final/certificates.pdf"
    asked = client.get(pdf_url)
    assert asked.status_code == 302 and asked.headers["Location"].endswith(url)
    early = client.get(pdf_url + "?early=yes")
    assert early.status_code == 200 and early.mimetype == "application/pdf"
    listed = text_of(pages.get(url))
    assert listed.count("有效") >= 4 and "甲一" in listed

    _end_notice(app, final.event_id)
    after = pages.get(url)
    assert "公示期未满" not in text_of(after) and "成绩已确认" in text_of(after)
    assert f'href="{pdf_url}"' in after
    assert client.get(pdf_url).status_code == 200
    # Appeals are over: the API refuses a new one.
    final.org.post(
        f"/events/{final.event_id}/rounds/final/appeals",
        {"contestant_id": final.ranked[0]["contestant_id"], "filed_by": "甲一", "subject": "x"},
        status=409,
    )
