"""Craftsman-class reviews in a real browser: an expert reviews trial lectures on a tablet with
the form saving itself as typed (a draft kept across a reload, a refused value shown on its
input, the live score from the server), the panel lead signs and every form turns read-only;
the organiser's pages on the demo class; a trainee reads only their own file on a phone.

These run on SQLite only (the `database` fixture is narrowed below): what they add over the
client-level tests in tests/web/craftsman is the page's script and layout, which do not depend
on the database; the rules and the access checks run on both databases there.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from competition.extensions import db
from competition.reviews.demo import TRAINEE_PASSWORD, load_demo_cohort
from tests.browser.conftest import screenshot, sign_in
from tests.reviews.helpers import LECTURE_RUBRIC
from tests.reviews.test_excel import xlsx
from tests.support.factories import PASSWORD, login, make_user, organiser

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)

XSS = "<script>alert(1)</script>"
ITEMS = {
    "objectives": "88",
    "content": "92.5",
    "organisation": "85",
    "delivery": "90",
    "aids": "80",
}
# 88×20 + 92.5×30 + 85×20 + 90×20 + 80×10 = 8835 → 88.35
EXPECTED = "88.35"


def _no_dialogs(page: Page, leaving: list[str] | None = None) -> list[str]:
    """Any alert() a name managed to run would land here. The form's own "leave page?" (a
    change the server does not have yet) is answered yes and counted in `leaving`."""
    seen: list[str] = []

    def answer(dialog) -> None:
        if dialog.type == "beforeunload":
            if leaving is not None:
                leaving.append(dialog.type)
            dialog.accept()
        else:
            seen.append(dialog.message)
            dialog.dismiss()

    page.on("dialog", answer)
    return seen


def _lecture_cohort(app, client):
    """A cohort with the lecture rubric, two trainees and two experts (expert1 leads); the
    second trainee is already reviewed by both experts through the API."""
    org = organiser(app, client)
    cohort = org.post("/cohorts", {"name": "2022年度职工工匠研修班", "year": 2022})
    org.put(f"/cohorts/{cohort['id']}/rubric", {"items": LECTURE_RUBRIC})
    first = org.post(
        f"/cohorts/{cohort['id']}/trainees",
        {"name": "王志刚", "unit": "市供电公司检修分公司", "title": "市级大工匠"},
    )
    second = org.post(
        f"/cohorts/{cohort['id']}/trainees",
        {"name": XSS, "unit": "市第一纺织有限公司", "title": "市劳动模范"},
    )
    experts = []
    for n in (1, 2):
        user_id = make_user(app, f"expert{n}", "expert")
        org.post(f"/cohorts/{cohort['id']}/experts", {"user_id": user_id, "lead": n == 1})
        experts.append(login(client, f"expert{n}"))
    for api, score in zip(experts, ("76.5", "81"), strict=True):
        body = {
            "items": dict.fromkeys(ITEMS, score),
            "shortcomings": "板书设计较乱。",
            "suggestions": "提前准备板书提纲。",
        }
        api.put(f"/cohorts/{cohort['id']}/trainees/{second['id']}/review", body)
    return org, cohort["id"], first["id"], second["id"]


def _item(page: Page, key: str):
    return page.locator(f"#item-{key}")


def test_an_expert_reviews_on_a_tablet_and_the_lead_signs(app, client, live_server, tablet):
    org, cohort_id, first, second = _lecture_cohort(app, client)
    leaving: list[str] = []
    dialogs = _no_dialogs(tablet, leaving)
    sign_in(tablet, live_server, "expert1", PASSWORD)
    tablet.goto(f"{live_server}/review")
    expect(tablet.locator("h1")).to_have_text("我的评审")
    screenshot(tablet, "craftsman-review-index")
    tablet.click("text=2022年度职工工匠研修班")
    expect(tablet.locator(".progress-line")).to_have_text("您已评审 1 / 2 名学员")
    expect(tablet.locator("ol.worklist li").nth(1).locator(".name")).to_have_text(XSS)
    tablet.click("text=王志刚")

    # Item scores: the live score waits for every item, then comes from the server.
    _item(tablet, "objectives").fill(ITEMS["objectives"])
    expect(tablet.locator("#live-note")).to_have_text("还缺 4 项评分")
    expect(tablet.locator("#save-state")).to_contain_text("草稿已暂存在本设备")
    for key in ("content", "organisation", "delivery", "aids"):
        _item(tablet, key).fill(ITEMS[key])
    expect(tablet.locator("#live-score")).to_have_text(EXPECTED)
    # Still a draft: the comments are missing, so nothing is sent and the page says what is.
    expect(tablet.locator("#save-state")).to_have_text(
        "草稿已暂存在本设备，尚未提交。还缺：不足之处、改进建议"
    )
    tablet.fill("#shortcomings", "重难点不够突出，示范环节偏快。")
    expect(tablet.locator("#save-state")).to_have_text(
        "草稿已暂存在本设备，尚未提交。还缺：改进建议"
    )
    screenshot(tablet, "craftsman-review-draft")

    # A reload (or a flat battery) does not lose the draft: it comes back from this device.
    # Leaving with a change the server does not have asks first.
    tablet.reload()
    assert leaving == ["beforeunload"]
    expect(tablet.locator(".restored")).to_be_visible()
    expect(_item(tablet, "content")).to_have_value("92.5")
    expect(tablet.locator("#shortcomings")).to_have_value("重难点不够突出，示范环节偏快。")
    expect(tablet.locator("#live-score")).to_have_text(EXPECTED)
    assert org.get(f"/cohorts/{cohort_id}/results")["unreviewed"] == [first]

    # An impossible item score is refused by the server, on its input, in its words.
    _item(tablet, "aids").fill("105")
    expect(tablet.locator('[data-error-for="items.aids"]')).to_have_text("分数应在 0 到 100 之间")
    expect(tablet.locator("#live-score")).to_have_text("—")
    tablet.fill("#suggestions", "建议放慢示范节奏，分步讲解关键操作。")
    expect(tablet.locator("#save-state")).to_have_text("未保存：教具使用：分数应在 0 到 100 之间")
    expect(_item(tablet, "aids")).to_have_attribute("aria-invalid", "true")
    screenshot(tablet, "craftsman-review-refused")
    assert org.get(f"/cohorts/{cohort_id}/results")["unreviewed"] == [first]

    _item(tablet, "aids").fill(ITEMS["aids"])
    expect(tablet.locator("#save-state")).to_have_text(re.compile(r"^已保存 \d\d:\d\d:\d\d$"))
    expect(tablet.locator("#live-score")).to_have_text(EXPECTED)
    expect(tablet.locator('[data-error-for="items.aids"]')).to_have_text("")
    stored = org.get(f"/cohorts/{cohort_id}/trainees/{first}")["reviews"]
    assert [(r["score"], r["suggestions"]) for r in stored] == [
        (EXPECTED, "建议放慢示范节奏，分步讲解关键操作。")
    ]
    assert tablet.evaluate("Object.keys(localStorage).length") == 0  # the draft went
    width = tablet.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, f"the form is {width}px wide on an 820px tablet"
    screenshot(tablet, "craftsman-review-form")

    # The worklist ticks the trainee off.
    tablet.click("text=← 学员名单")
    expect(tablet.locator(".progress-line")).to_have_text("您已评审 2 / 2 名学员")
    expect(tablet.locator("ol.worklist li.done")).to_have_count(2)
    screenshot(tablet, "craftsman-worklist")

    # A second form stays open while the lead signs in another tab.
    other = tablet.context.new_page()
    other.goto(f"{live_server}/review/cohorts/{cohort_id}/trainees/{second}")
    expect(other.locator("h1 .name")).to_have_text(XSS)

    tablet.click("text=核对并签署评审结果")
    expect(tablet.locator("table.cohort-table tbody tr")).to_have_count(2)
    tablet.click("button:text('签署评审结果')")  # without ticking the confirmation
    expect(tablet.locator(".field-error")).to_have_text("请勾选确认后再签署")
    assert org.get(f"/cohorts/{cohort_id}")["signed"] is False
    tablet.check("input[name=confirm]")
    screenshot(tablet, "craftsman-sign-off")
    tablet.click("button:text('签署评审结果')")
    expect(tablet.locator(".flash.success")).to_have_text("评审结果已签署并锁定。")
    expect(tablet.locator(".flash.error")).to_contain_text("评审表只能查看，不能再修改")
    assert org.get(f"/cohorts/{cohort_id}")["signed"] is True

    # The form opened before the signature: the server refuses the change, the form locks.
    other.fill("#shortcomings", "改一下")
    expect(other.locator("#save-state")).to_have_text(
        "评审结果已由专家组组长签署并锁定，不能再修改评审"
    )
    expect(other.locator("#shortcomings")).to_be_disabled()
    # Opened now, every form is read-only, with the notice and no save button.
    tablet.goto(f"{live_server}/review/cohorts/{cohort_id}/trainees/{first}")
    expect(tablet.locator(".locked-notice")).to_contain_text("签署并锁定")
    expect(_item(tablet, "content")).to_be_disabled()
    expect(tablet.locator("#shortcomings")).to_have_attribute("readonly", "")
    expect(tablet.locator(".review-bar button")).to_have_count(0)
    screenshot(tablet, "craftsman-review-signed")
    assert dialogs == []


def test_the_demo_class_for_its_organiser_and_a_trainee(app, live_server, page, phone):
    with app.app_context():
        load_demo_cohort()
        db.session.commit()
    sign_in(page, live_server, "organiser", "demo-organiser")
    page.goto(f"{live_server}/console")
    page.click("text=研修班评审")
    page.click("text=2021年度职工工匠研修班")
    table = page.locator("table.cohort-table tbody tr")
    expect(table).to_have_count(32)
    expect(table.first.locator("td").nth(4)).to_have_text("5 / 5")
    expect(page.locator(".cohort-status")).to_contain_text("已由专家组组长 周立新")
    screenshot(page, "craftsman-cohort")

    table.first.locator("a").click()
    expect(page.locator("article.review")).to_have_count(5)
    expect(page.locator("article.review header strong").first).to_have_text("周立新")
    screenshot(page, "craftsman-trainee-file")

    cohort_url = page.url.rsplit("/trainees/", 1)[0]
    page.goto(cohort_url + "/trainees")
    expect(page.locator("table tbody tr")).to_have_count(32)
    screenshot(page, "craftsman-trainees")
    page.goto(cohort_url + "/experts")
    expect(page.locator("table tbody tr")).to_have_count(5)
    screenshot(page, "craftsman-panel")
    page.goto(cohort_url + "/rules")
    expect(page.locator(".notice-box")).to_contain_text("不能再修改")
    expect(page.locator("input[name='rubric-items-0-name']")).to_be_disabled()
    screenshot(page, "craftsman-rules")

    # The demo's first trainee reads their signed file on a phone, without the experts' names.
    sign_in(phone, live_server, "trainee1", TRAINEE_PASSWORD)
    expect(phone.locator("header.site nav")).to_contain_text("我的评审档案")
    phone.click("header.site >> text=我的评审档案")
    expect(phone.locator(".my-file .name")).to_have_text("张海峰")
    expect(phone.locator(".cohort-status")).to_contain_text("最终结果")
    expect(phone.locator("article.review")).to_have_count(5)
    assert "周立新" not in phone.content()
    screenshot(phone, "craftsman-my-review-demo")


def test_a_new_cohort_refuses_a_bad_rubric_and_a_bad_import(app, client, live_server, page):
    organiser(app, client, "boss")
    sign_in(page, live_server, "boss", PASSWORD)
    page.goto(f"{live_server}/console/cohorts")
    page.fill("input[name=name]", "2023年度职工工匠研修班")
    screenshot(page, "craftsman-cohorts")
    page.fill("input[name=year]", "2023")
    page.click("button:text('创建研修班')")
    expect(page.locator("h1")).to_have_text("2023年度职工工匠研修班")

    page.click("nav.tabs >> text=评分细则与等次")
    rows = (("教学目标", "20"), ("教学内容", "30"), ("语言表达", "40"))
    for row, (name, weight) in enumerate(rows):
        page.fill(f"input[name='rubric-items-{row}-name']", name)
        page.fill(f"input[name='rubric-items-{row}-weight']", weight)
    page.click("button:text('保存评分细则')")
    expect(page.locator(".problems")).to_contain_text("各项权重之和应为 100，现为 90.00")
    screenshot(page, "craftsman-rubric-refused")
    page.fill("input[name='rubric-items-2-weight']", "50")
    page.click("button:text('保存评分细则')")
    expect(page.locator(".flash.success")).to_have_text("评分细则已保存：专家按 3 项逐项评分。")

    bad = xlsx(
        [
            ("张海峰", "市地铁运营有限公司车辆中心", "全国劳动模范", None),
            (None, "市第一纺织有限公司", "市劳动模范", None),
            ("张海峰", "市地铁运营有限公司车辆中心", None, None),
        ]
    )
    page.click("nav.tabs >> text=导入")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "学员名单.xlsx", "mimeType": "application/octet-stream", "buffer": bad}],
    )
    page.click("button:text('上传并预览')")
    expect(page.locator(".problems li")).to_have_count(2)
    expect(page.locator(".problems")).to_contain_text("第 3 行 · 姓名：姓名不能为空")
    expect(page.locator(".problems")).to_contain_text("第 4 行 · 姓名：与第 2 行重复")
    expect(page.locator("button:text('确认导入')")).to_have_count(0)
    screenshot(page, "craftsman-import-refused")


def test_a_trainee_sees_only_their_own_file_on_a_phone(app, client, live_server, phone):
    _org, cohort_id, first, second = _lecture_cohort(app, client)
    user_id = make_user(app, "trainee_x", "trainee")
    with app.app_context():
        from competition.models import Trainee

        db.session.get(Trainee, second).user_id = user_id
        db.session.commit()
    dialogs = _no_dialogs(phone)
    sign_in(phone, live_server, "trainee_x", PASSWORD)
    phone.goto(f"{live_server}/my/review")
    expect(phone.locator(".my-file .name")).to_have_text(XSS)  # shown as text, never run
    expect(phone.locator(".big-score strong")).to_have_text("78.75")
    expect(phone.locator("article.review")).to_have_count(2)
    assert "expert1" not in phone.content() and "expert2" not in phone.content()
    expect(phone.locator(".cohort-status")).to_contain_text("暂定")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the file is {width}px wide on a 390px screen"
    screenshot(phone, "craftsman-my-review")
    # Anything else is not theirs: the organiser's copy of a file, the review pages.
    response = phone.goto(f"{live_server}/console/cohorts/{cohort_id}/trainees/{first}")
    assert response is not None and response.status == 403
    response = phone.goto(f"{live_server}/review/cohorts/{cohort_id}")
    assert response is not None and response.status == 403
    assert dialogs == []


def test_a_review_typed_offline_is_saved_on_its_own_when_the_network_returns(
    app, client, live_server, tablet
):
    """The expert's form on a flaky network (issue #24, where it applies): typed offline, the
    review waits as a draft on the device and says so; back online, it is saved without a
    touch; leaving meanwhile asks first."""
    org, cohort_id, first, _second = _lecture_cohort(app, client)
    leaving: list[str] = []
    dialogs = _no_dialogs(tablet, leaving)
    sign_in(tablet, live_server, "expert1", PASSWORD)
    tablet.goto(f"{live_server}/review/cohorts/{cohort_id}/trainees/{first}")
    tablet.context.set_offline(True)
    for key, value in ITEMS.items():
        _item(tablet, key).fill(value)
    tablet.fill("#shortcomings", "重难点不够突出，示范环节偏快。")
    tablet.fill("#suggestions", "建议放慢示范节奏，分步讲解关键操作。")
    tablet.locator("#suggestions").blur()
    expect(tablet.locator("#save-state")).to_contain_text("网络不通")
    assert org.get(f"/cohorts/{cohort_id}/results")["unreviewed"] == [first]

    tablet.context.set_offline(False)
    expect(tablet.locator("#save-state")).to_have_text(re.compile(r"^已保存 \d\d:\d\d:\d\d$"))
    stored = org.get(f"/cohorts/{cohort_id}/trainees/{first}")["reviews"]
    assert [r["score"] for r in stored] == [EXPECTED]
    assert tablet.evaluate("Object.keys(localStorage).length") == 0
    tablet.goto(f"{live_server}/review")  # nothing unsaved: no question on leaving
    assert leaving == [] and dialogs == []
