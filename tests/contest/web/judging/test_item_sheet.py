"""Marking schemes on the pages: the organiser types a scheme (and sees every mistake at once,
keeping what was typed), the judge's sheet of that component becomes an item sheet, items are
saved one by one (full-width digits as typed by a Chinese input method), and disputes block
the chief judge's signature."""

from __future__ import annotations

from tests.support.pages import Session, text_of

SCHEME_FORM = {
    "code": ["M1", "J1", "D1", ""],
    "kind": ["measurement", "judgement", "deduction", "measurement"],
    "name": ["40±0.02", "表面质量", "安全文明生产", ""],
    "points": ["40", "６０", "5", ""],
    "nominal": ["40", "", "", ""],
    "lower": ["-0.02", "", "", ""],
    "upper": ["0.02", "", "", ""],
    "max_judgement_spread": "1",
    "action": "save",
}


def scheme_page(judging) -> str:
    return f"/console/events/{judging.event_id}/components/practical/scheme"


def test_the_organiser_types_a_scheme_and_sees_every_mistake_at_once(judging):
    boss = Session(judging.app, "org")
    page = boss.get(scheme_page(judging))
    assert "按总分评分" in page or "按总分评分" in text_of(page)
    wrong = dict(SCHEME_FORM, points=["40", "50", "5", ""], lower=["0.03", "", "", ""])
    refused = boss.post(scheme_page(judging), wrong, status=422).get_data(as_text=True)
    text = text_of(refused)
    assert "下偏差不能大于上偏差" in text
    assert 'value="安全文明生产"' in refused  # what was typed is kept
    boss.post(scheme_page(judging), SCHEME_FORM)
    saved = judging.org.get(f"/events/{judging.event_id}/components/practical/scheme")
    assert [(i["code"], i["points"]) for i in saved["items"]] == [
        ("M1", "40.00"), ("J1", "60.00"), ("D1", "5.00")
    ]  # fmt: skip
    assert saved["max_judgement_spread"] == 1
    event_page = text_of(boss.get(f"/console/events/{judging.event_id}"))
    assert "3 个评分点" in event_page


def test_a_judge_marks_items_with_full_width_digits_and_sees_the_mark(judging):
    boss = Session(judging.app, "org")
    boss.post(scheme_page(judging), SCHEME_FORM)
    contestant = judging.world.contestants[judging.world.units[0]][0]
    unit1 = judging.session("unit1")
    sheet = unit1.get(judging.sheet_url(component="practical"))
    assert "按评分细则逐项评分（3 个评分点）" in sheet and 'class="item-value"' in sheet
    base = f"{judging.mark_url(contestant, component='practical')}/items"
    answer = unit1.put_json(f"{base}/M1", {"value": "４０．０２"})
    assert answer == {
        "contestant_id": contestant, "item": "M1", "value": "40.02", "points": "40.00",
        "mark": None,
    }  # fmt: skip
    answer = unit1.put_json(f"{base}/J1", {"value": "２"})
    assert (answer["points"], answer["mark"]) == ("40.00", "80.00")
    refused = unit1.put_json(f"{base}/J1", {"value": "5"}, status=422)
    assert "0、1、2 或 3" in refused["error"]["message"]
    again = text_of(unit1.get(judging.sheet_url(component="practical")))
    assert "80.00" in again
    # A typed mark is refused on this component, on the pages as in the API.
    refused = unit1.put_json(judging.mark_url(contestant, component="practical"),
                             {"value": "80"}, status=409)  # fmt: skip
    assert "逐项录入" in refused["error"]["message"]
    # Once marked, the scheme is locked on the organiser's page.
    assert "评分细则已锁定" in text_of(boss.get(scheme_page(judging)))


def test_a_dispute_blocks_the_chiefs_signature_until_re_marked(judging):
    # The re-marked 60 and 80 are 20 % of the maximum apart, beyond the default 15 % of judge
    # consistency, whose flags would hold the signature too (test_consistency_pages): not the
    # subject here.
    judging.org.call("PATCH", f"/events/{judging.event_id}", {"outlier_percent": 25}, status=200)
    boss = Session(judging.app, "org")
    boss.post(scheme_page(judging), SCHEME_FORM)
    world = judging.world
    people = world.all_contestants()
    for judge_name, judged in (("chief", "0"), ("panel2", "2")):
        session = judging.session(judge_name)
        for contestant in people:
            base = f"{judging.mark_url(contestant, component='practical')}/items"
            session.put_json(f"{base}/M1", {"value": "40"})
            session.put_json(f"{base}/J1", {"value": judged})
    chief = judging.session("chief")
    sheet = chief.get(judging.sheet_url(component="practical"))
    assert "评价分差超限，请复核" in sheet
    home = text_of(chief.get("/judging"))
    assert "评分争议" in home and "初赛 · 001 · practical · J1：0 / 2" in home
    review = judging.review_url("panel2", component="practical")
    refused = chief.post(review + "/sign")
    assert "评价分差超过允许范围" in text_of(chief.get(refused.location))
    for contestant in people:
        base = f"{judging.mark_url(contestant, component='practical')}/items"
        chief.put_json(f"{base}/J1", {"value": "1"})
    assert "评价分差超限" not in chief.get(judging.sheet_url(component="practical"))
    assert "评分争议" not in chief.get("/judging")
    signed = chief.post(review + "/sign")
    page = text_of(chief.get(signed.location))
    assert "评价分差超过允许范围" not in page
