"""The award page: tiers previewed before they are saved, the certificates' wording, and a
change after certificates were issued superseding those whose tier moves."""

from __future__ import annotations

import re

from tests.contest.documents.helpers import published_final
from tests.contest.documents.test_certificates import serials
from tests.support.pages import sign_in, text_of
from tests.support.pdf import pdf_text


def _form(mode: str, tiers: list[tuple[str, str]], action: str, **extra: str) -> list:
    data: list[tuple[str, str]] = [("mode", mode), ("action", action)]
    for name, value in tiers:
        data += [("tier_name", name), ("tier_value", value)]
    data += [("tier_name", ""), ("tier_value", "")]  # a blank row, as the page sends it
    data += [(key, value) for key, value in extra.items()]
    data += [("rounding", extra.get("rounding", "half_up")), ("base", "ranked")]
    return data


def _certificate_text(final, place: int) -> str:
    pdf = final.org.call(
        "GET", f"/events/{final.event_id}/rounds/final/certificates.pdf", status=200
    ).data
    return re.sub(r"\s+", "", pdf_text(pdf, place, place))


def test_preview_then_save_then_the_certificates_say_it(app, client):
    final = published_final(app, client)  # 7 finalists, totals 95, 93, …, 83
    pages = sign_in(client, "org")
    url = f"/console/events/{final.event_id}/awards"
    shown = text_of(pages.get(url))
    assert "不设奖项等级" in shown and "证书措辞" in shown

    # Preview: 10 % / 20 % / 30 % of 7, rounded half up: 1 / 1 / 2; nothing saved.
    tiers = [("一等奖", "10"), ("二等奖", "20"), ("三等奖", "30")]
    response = pages.post(url, _form("proportion", tiers, "preview", pass_line="60"), 200)
    page = response.get_data(as_text=True)
    preview = text_of(page.split('id="preview"')[1])
    assert "一等奖 1 名" in preview and "二等奖 1 名" in preview and "三等奖 2 名" in preview
    rows = re.findall(r'<td class="tier">([^<]*)</td>', page)
    assert rows == ["一等奖", "二等奖", "三等奖", "三等奖", "—", "—", "—"]
    assert "决赛中荣获一等奖（第一名）" in preview.replace(" ", "")
    final.org.call("GET", f"/events/{final.event_id}/award-rules", status=404)

    # A bad rule is shown on the page, not saved.
    bad = pages.post(url, _form("proportion", [("一等奖", "80"), ("二等奖", "30")], "save"), 422)
    assert "比例之和不能超过 1" in text_of(bad.get_data(as_text=True))
    final.org.call("GET", f"/events/{final.event_id}/award-rules", status=404)

    # Save, with the organiser's wording.
    wording = "决赛中成绩优异，荣获"
    pages.post(url, _form("proportion", tiers, "save", pass_line="60", wording=wording), 200)
    rules = final.org.get(f"/events/{final.event_id}/award-rules")
    assert [(t["name"], t["share"]) for t in rules["tiers"]] == [
        ("一等奖", "0.10"),
        ("二等奖", "0.20"),
        ("三等奖", "0.30"),
    ]
    assert rules["pass_line"] == "60.00"
    assert f'value="{wording}"' in pages.get(url)
    first = _certificate_text(final, 1)
    assert "决赛中成绩优异，荣获一等奖（第一名）" in first
    seventh = _certificate_text(final, 7)
    assert "决赛中成绩优异，荣获第七名" in seventh and "等奖" not in seventh
    trail = final.org.get(f"/events/{final.event_id}/audit")["entries"]
    assert "contest.certificate_wording" in {e["action"] for e in trail}


def test_without_tiers_or_wording_a_certificate_reads_neutrally(app, client):
    final = published_final(app, client)
    text = _certificate_text(final, 2)
    assert "决赛中荣获第二名" in text
    assert "成绩优异" not in text and "等奖" not in text


def test_changing_tiers_after_printing_supersedes_the_moved_certificates(app, client):
    final = published_final(app, client)
    pages = sign_in(client, "org")
    url = f"/console/events/{final.event_id}/awards"
    pages.post(url, _form("count", [("一等奖", "1"), ("二等奖", "2")], "save"), 200)
    pdf = final.org.call(
        "GET", f"/events/{final.event_id}/rounds/final/certificates.pdf", status=200
    ).data
    old = serials(pdf_text(pdf))

    # The preview marks the certificates the change would supersede; nothing happens yet.
    changed = [("一等奖", "2"), ("二等奖", "1")]
    page = pages.post(url, _form("count", changed, "preview"), 200).get_data(as_text=True)
    rows = page.split('id="preview"')[1].split("<tr")[2:]
    marked = ["将作废" in row for row in rows]
    assert marked == [False, True, False, False, False, False, False]
    listed = final.org.get(f"/events/{final.event_id}/certificates")["certificates"]
    assert {c["status"] for c in listed} == {"valid"}

    # Saved: the 2nd place's certificate is superseded and listed for reprinting.
    response = pages.post(url, _form("count", changed, "save"), 200)
    landed = text_of(response.get_data(as_text=True))
    assert "1 张已颁发的证书因奖项变更已作废" in landed
    reprint = response.get_data(as_text=True).split('id="reprint"')[1].split("</section>")[0]
    assert old[1] in reprint and old[0] not in reprint
    status = client.get(f"/api/v1/certificates/{old[1]}").get_json()
    assert status["status"] == "superseded" and status["superseded_by"] is None

    # Places only from now on: the papers printed with a tier (1st and 3rd; the 2nd's is
    # superseded already, its replacement not printed) are superseded too.
    pages.post(url, _form("none", [], "save"), 200)
    final.org.call("GET", f"/events/{final.event_id}/award-rules", status=404)
    listed = final.org.get(f"/events/{final.event_id}/certificates")["certificates"]
    superseded = {c["serial"] for c in listed if c["status"] == "superseded"}
    assert superseded == {old[0], old[1], old[2]}
    # The replacements alone, in the console (during the notice period: confirmed).
    replacements = client.get(
        f"/console/events/{final.event_id}/rounds/final/replacements.pdf?early=yes"
    )
    assert replacements.status_code == 200
    text = pdf_text(replacements.data)
    assert len(serials(text)) == 3 and not set(serials(text)) & set(old)
    assert "第一名" in re.sub(r"\s+", "", text) and "等奖" not in text
    nothing = client.get(
        f"/console/events/{final.event_id}/rounds/final/replacements.pdf?early=yes"
    )
    assert nothing.status_code == 409


def test_the_award_page_is_for_organisers(app, client):
    from tests.support.factories import make_user

    final = published_final(app, client)
    make_user(app, "a-judge", "judge")
    sign_in(client, "a-judge")
    assert client.get(f"/console/events/{final.event_id}/awards").status_code == 403
