"""The expert's pages: the worklist, the review form (its JSON endpoints for saving as typed and
for the live score, and its plain post without a script), and the panel lead's sign-off."""

from __future__ import annotations

import re

import pytest

from tests.reviews.helpers import SHORTCOMINGS, SUGGESTIONS
from tests.reviews.web.conftest import form_url, person
from tests.support.pages import sign_in, text_of

ITEMS = {
    "objectives": "88",
    "content": "92.5",
    "organisation": "85",
    "delivery": "90",
    "aids": "80",
}


def _review(items=None, score=None, **changes):
    body = {"shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS, **changes}
    if items is not None:
        body["items"] = items
    if score is not None:
        body["score"] = score
    return body


def test_the_worklist_ticks_off_the_experts_own_reviews(app, client, direct_cohort):
    cohort = direct_cohort
    cohort.review(0, cohort.trainees[1], score=81.5)
    cohort.review(1, cohort.trainees[0], score=70)
    expert = person(app, "expert1")
    assert 'href="/review"' in expert.get("/review")
    index = text_of(expert.get("/review"))
    assert "2021年职工工匠研修班" in index and "已评 1 / 3 名学员 · 专家组组长" in index
    page = expert.get(f"/review/cohorts/{cohort.id}")
    assert "您已评审 1 / 3 名学员" in text_of(page)
    rows = re.findall(
        r'<li class="(done|todo)">.*?<strong class="name">([^<]+)</strong>', page, re.S
    )
    assert rows == [("todo", "学员1"), ("done", "学员2"), ("todo", "学员3")]
    assert "已评 81.50 分" in text_of(page) and "70.00" not in page  # not expert2's
    assert "核对并签署评审结果" in page
    other = person(app, "expert2").get(f"/review/cohorts/{cohort.id}")
    assert "您已评审 1 / 3 名学员" in text_of(other) and "核对并签署评审结果" not in other


def test_the_form_shows_the_rubric_and_the_experts_own_review(app, client, rubric_cohort):
    cohort = rubric_cohort
    cohort.review(0, cohort.trainees[0], items=ITEMS)
    cohort.review(1, cohort.trainees[0], items=dict.fromkeys(ITEMS, 60), shortcomings="别人的")
    page = person(app, "expert1").get(form_url(cohort, cohort.trainees[0]))
    for key, weight, shown in (("objectives", 20, "88.00"), ("content", 30, "92.50")):
        assert re.search(rf'id="item-{key}"[^>]*value="{shown}"', page)
        assert f"权重 {weight}%" in page
    assert SHORTCOMINGS in page and "别人的" not in page
    assert '<output id="live-score" for="review-form" aria-live="polite">88.35</output>' in page
    assert "review.js" in page and "data-editable" in page
    assert 'data-draft-key="review-draft:' in page
    # The next trainee is one tap away.
    assert f'href="{form_url(cohort, cohort.trainees[1])}"' in page


def test_saving_as_typed_goes_through_the_apis_rules(app, client, rubric_cohort):
    cohort = rubric_cohort
    expert = person(app, "expert1")
    url = form_url(cohort, cohort.trainees[0], "/review")
    saved = expert.json("PUT", url, _review(ITEMS), 200).get_json()
    assert saved["score"] == "88.35" and saved["items"]["content"] == "92.50"
    file = cohort.file(cohort.trainees[0])
    assert [(r["expert"], r["score"]) for r in file["reviews"]] == [("expert1", "88.35")]
    again = expert.json("PUT", url, _review(dict(ITEMS, aids="100")), 200).get_json()
    assert again["score"] == "90.35"  # replaced, not added
    assert [r["score"] for r in cohort.file(cohort.trainees[0])["reviews"]] == ["90.35"]
    audit = cohort.org.get(cohort.path("/audit"))["entries"]
    assert [(e["old_value"], e["new_value"]) for e in audit if e["action"] == "review.set"] == [
        (None, "88.35"),
        ("88.35", "90.35"),
    ]

    before = cohort.snapshot()
    for body, field, message in (
        (_review(dict(ITEMS, aids="105")), "items.aids", "分数应在 0 到 100 之间"),
        (_review(dict(ITEMS, aids="8x")), "items.aids", "应为数字"),
        (_review({k: v for k, v in ITEMS.items() if k != "aids"}), "items.aids", "缺少此项评分"),
        ({"items": ITEMS, "suggestions": SUGGESTIONS}, "shortcomings", "必填"),
        (_review(ITEMS, shortcomings="   "), "shortcomings", "长度应为 1-2000 个字符"),
        (_review(ITEMS, score=88), "score", "按评分细则评分时不能直接提交总分"),
    ):
        error = expert.json("PUT", url, body, 422).get_json()["error"]
        assert error["fields"][field] == [message], error
    assert cohort.snapshot() == before
    # The CSRF token is required, as for every form.
    response = expert.json("PUT", url, _review(ITEMS), token=False)
    assert response.status_code == 400
    assert cohort.snapshot() == before


@pytest.mark.parametrize(
    ("items", "score"),
    [
        (ITEMS, "88.35"),
        # 85.55 × 30 % = 25.665: rounded half-up (四舍五入), not to the even 25.66
        (
            {"objectives": 0, "content": "85.55", "organisation": 0, "delivery": 0, "aids": 0},
            "25.67",
        ),
        (dict.fromkeys(ITEMS, 100), "100.00"),
        (dict.fromkeys(ITEMS, "0.01"), "0.01"),
    ],
)
def test_the_live_score_is_the_services_rubric_arithmetic(app, client, rubric_cohort, items, score):
    cohort = rubric_cohort
    expert = person(app, "expert1")
    before = cohort.snapshot()
    answer = expert.json(
        "POST", form_url(cohort, cohort.trainees[0], "/score"), {"items": items}, 200
    )
    assert answer.get_json() == {"score": score}
    assert cohort.snapshot() == before  # a preview stores nothing


def test_the_live_score_names_every_item_that_is_missing_or_wrong(app, client, rubric_cohort):
    cohort = rubric_cohort
    url = form_url(cohort, cohort.trainees[0], "/score")
    expert = person(app, "expert1")
    error = expert.json("POST", url, {"items": {"objectives": "105", "content": "80"}}, 422)
    fields = error.get_json()["error"]["fields"]
    assert fields == {
        "items.objectives": ["分数应在 0 到 100 之间"],
        "items.organisation": ["缺少此项评分"],
        "items.delivery": ["缺少此项评分"],
        "items.aids": ["缺少此项评分"],
    }
    error = expert.json("POST", url, {"items": {**ITEMS, "content": "80.123"}}, 422)
    assert error.get_json()["error"]["fields"] == {"items.content": ["最多保留 2 位小数"]}


def test_a_direct_score_cohort_checks_the_score_live(app, client, direct_cohort):
    cohort = direct_cohort
    expert = person(app, "expert1")
    url = form_url(cohort, cohort.trainees[0], "/score")
    assert expert.json("POST", url, {"score": "79.5"}, 200).get_json() == {"score": "79.50"}
    error = expert.json("POST", url, {"score": "100.5"}, 422).get_json()["error"]
    assert error["fields"] == {"score": ["分数应在 0 到 100 之间"]}
    error = expert.json("POST", url, {"items": ITEMS}, 422).get_json()["error"]
    assert "items" in error["fields"]
    page = expert.get(form_url(cohort, cohort.trainees[0]))
    assert 'id="score"' in page and "评分细则" not in page


def test_the_form_posts_without_a_script(app, client, rubric_cohort):
    cohort = rubric_cohort
    expert = person(app, "expert1")
    url = form_url(cohort, cohort.trainees[0])
    fields = {f"item-{k}": v for k, v in ITEMS.items()}
    refused = expert.post(url, {**fields, "item-aids": "", "shortcomings": "", "suggestions": "好"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "请改正标出的问题；没有保存任何内容。" in html
    assert re.search(r'data-error-for="items.aids"[^>]*>缺少此项评分<', html)
    assert re.search(r'data-error-for="shortcomings"[^>]*>必填<', html)
    assert 'value="92.5"' in html and ">好</textarea>" in html  # what was typed stays
    assert cohort.file(cohort.trainees[0])["reviews"] == []
    done = expert.post(url, {**fields, "shortcomings": "不足", "suggestions": "建议"}, status=200)
    assert "已保存对 学员1 的评审：88.35 分。" in text_of(done.get_data(as_text=True))
    assert cohort.file(cohort.trainees[0])["score"] == "88.35"


def test_the_panel_lead_signs_after_confirming(app, client, direct_cohort):
    cohort = direct_cohort
    url = f"/review/cohorts/{cohort.id}/sign-off"
    person(app, "expert2").get(url, status=403)
    lead = person(app, "expert1")
    cohort.review(0, cohort.trainees[0], score=90)
    cohort.review(1, cohort.trainees[1], score=75)
    page = lead.get(url)
    assert "尚有 1 名学员未经评审，暂不能签署： 学员3" in text_of(page)
    assert re.search(r"<button type=\"submit\" disabled>签署评审结果", page)
    refused = lead.post(url, {"confirm": "y"}, status=409)
    assert "尚有 1 名学员未经评审：学员3" in text_of(refused.get_data(as_text=True))
    assert cohort.org.get(cohort.path())["signed"] is False

    cohort.review(2, cohort.trainees[2], score=55)
    page = text_of(lead.get(url))
    assert "1 学员1 单位1 1 / 3 90.00 优秀 推荐聘任" in page
    assert "3 学员3 单位3 1 / 3 55.00 不合格 暂不推荐" in page
    unconfirmed = lead.post(url, {}, status=422)
    assert "请勾选确认后再签署" in unconfirmed.get_data(as_text=True)
    assert cohort.org.get(cohort.path())["signed"] is False
    done = lead.post(url, {"confirm": "y"}, status=200)
    assert "评审结果已签署并锁定。" in text_of(done.get_data(as_text=True))
    assert cohort.org.get(cohort.path())["signed"] is True
    again = lead.post(url, {"confirm": "y"}, status=409)
    assert "评审结果已经签署" in text_of(again.get_data(as_text=True))
    assert "签署评审结果</button>" not in again.get_data(as_text=True)  # no form once signed


def test_after_sign_off_every_form_is_read_only(app, client, rubric_cohort):
    cohort = rubric_cohort
    for n, trainee in enumerate(cohort.trainees):
        cohort.review(n, trainee, items=ITEMS)
    cohort.lead.post(cohort.path("/sign-off"), status=200)
    expert = person(app, "expert2")
    worklist = text_of(expert.get(f"/review/cohorts/{cohort.id}"))
    assert "评审表只能查看，不能再修改" in worklist
    page = expert.get(form_url(cohort, cohort.trainees[1]))
    assert "评审表只能查看，不能再修改" in text_of(page)
    assert "data-editable" not in page and "review.js" not in page
    assert re.search(r'id="item-content"[^>]*disabled', page, re.S)
    assert re.search(r'<textarea id="shortcomings"[^>]*readonly', page, re.S)
    assert "保存评审</button>" not in page
    before = cohort.snapshot()
    url = form_url(cohort, cohort.trainees[1], "/review")
    error = expert.json("PUT", url, _review(ITEMS), 409).get_json()["error"]
    assert error["message"] == "评审结果已由专家组组长签署并锁定，不能再修改评审"
    fields = {f"item-{k}": v for k, v in ITEMS.items()}
    posted = expert.post(form_url(cohort, cohort.trainees[1]), {**fields, "shortcomings": "a",
                                                              "suggestions": "b"})  # fmt: skip
    assert posted.status_code == 409
    assert cohort.snapshot() == before


def test_an_organiser_does_not_sign_nor_review(app, client, direct_cohort):
    cohort = direct_cohort
    org = sign_in(app.test_client(), "org")
    org.get(f"/review/cohorts/{cohort.id}/sign-off", status=403)
    org.get(form_url(cohort, cohort.trainees[0]), status=403)
    org.get("/review", status=403)
