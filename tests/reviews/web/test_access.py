"""Who may open which craftsman-class page: the same rules as the API (competition.contest.policy).

An expert works only in their own cohort (another cohort is 403, a cohort or trainee that does
not exist 404, in the API's order); a trainee reads only their own file, without who wrote
which comment; the organiser's pages are the organiser's; names are shown as text.
"""

from __future__ import annotations

import pytest

from tests.reviews.helpers import build_cohort
from tests.reviews.web.conftest import form_url, person
from tests.support.factories import make_user
from tests.support.pages import Pages, sign_in, text_of

XSS = "<script>alert(1)</script>"


@pytest.fixture
def two_cohorts(app, client):
    """Cohort A (2 trainees, 2 experts: expert1 leads) and cohort B (1 trainee, 1 expert)."""
    a = build_cohort(app, client, trainees=2, experts=2)
    b = build_cohort(app, client, trainees=1, experts=1, org=a.org, name="2022年职工工匠研修班")
    a.review(0, a.trainees[0], score=88, shortcomings="专家一的意见")
    a.review(1, a.trainees[0], score=78, shortcomings="专家二的意见")
    return a, b


def _pages(a, trainee_id: int) -> list[str]:
    return [
        "/review",
        f"/review/cohorts/{a.id}",
        form_url(a, trainee_id),
        f"/review/cohorts/{a.id}/sign-off",
    ]


def _console(a, trainee_id: int) -> list[str]:
    base = f"/console/cohorts/{a.id}"
    return [
        "/console/cohorts",
        base,
        f"{base}/rules",
        f"{base}/trainees",
        f"{base}/import",
        f"{base}/experts",
        f"{base}/trainees/{trainee_id}",
        f"{base}/results.xlsx",
        f"{base}/import/template.xlsx",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(app, client, two_cohorts):
    a, _ = two_cohorts
    for url in [*_pages(a, a.trainees[0]), *_console(a, a.trainees[0]), "/my/review"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    # The page's script, once the session has lapsed: a JSON 401, not the sign-in page.
    token = Pages(client).token("/login")
    for method, rest in (("PUT", "/review"), ("POST", "/score")):
        response = client.open(
            form_url(a, a.trainees[0], rest),
            method=method,
            json={"score": 80},
            headers={"Accept": "application/json", "X-CSRFToken": token},
        )
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_expert_works_only_in_their_own_cohort(app, client, two_cohorts):
    a, b = two_cohorts
    outsider = person(app, "c2_expert1")  # cohort B's only expert (and its lead)
    index = text_of(outsider.get("/review"))
    assert "2022年职工工匠研修班" in index and "2021年职工工匠研修班" not in index
    for url in _pages(a, a.trainees[0])[1:]:
        outsider.get(url, status=403)
    for method, rest in (("PUT", "/review"), ("POST", "/score")):
        outsider.json(method, form_url(a, a.trainees[0], rest), {"score": 80}, 403)
    before = a.snapshot()
    outsider.post(form_url(a, a.trainees[0]), {"score": "80", "shortcomings": "x"}, status=403)
    assert a.snapshot() == before
    # 404 before 403: a cohort that does not exist, a trainee of another cohort.
    outsider.get("/review/cohorts/999", status=404)
    outsider.get(form_url(a, 999), status=404)
    own = person(app, "expert1")
    own.get(form_url(a, b.trainees[0]), status=404)
    own.json("PUT", form_url(a, b.trainees[0], "/review"), {"score": 80}, 404)
    # Experts are not organisers.
    for url in _console(a, a.trainees[0]):
        own.get(url, status=403)


def test_a_trainee_reads_only_their_own_file(app, client, two_cohorts):
    a, _ = two_cohorts
    own = person(app, "trainee1")
    assert 'href="/my/review"' in own.get("/my/review")
    page = text_of(own.get("/my/review"))
    assert "学员1 单位1 · 市劳动模范" in page and "得分 83.00 合格 推荐聘任" in page
    assert "专家一的意见" in page and "专家二的意见" in page
    assert "暂定 评审结果尚未由专家组组长签署" in page
    assert "expert1" not in page.replace("trainee1", "") and "expert2" not in page
    assert "学员2" not in page
    other = text_of(person(app, "trainee2").get("/my/review"))
    assert "学员2" in other and "还没有专家评审。" in other and "专家一的意见" not in other
    for url in [*_pages(a, a.trainees[0]), *_console(a, a.trainees[0])]:
        own.get(url, status=403)
    make_user(app, "newcomer", "trainee")
    assert "您还没有研修班评审档案。" in text_of(person(app, "newcomer").get("/my/review"))


def test_organisers_and_judges_have_no_review_or_trainee_pages(app, client, two_cohorts):
    a, _ = two_cohorts
    org = sign_in(app.test_client(), "org")
    for url in [*_pages(a, a.trainees[0]), "/my/review"]:
        org.get(url, status=403)
    make_user(app, "a_judge", "judge")
    judge = person(app, "a_judge")
    for url in [*_pages(a, a.trainees[0]), "/my/review", *_console(a, a.trainees[0])]:
        judge.get(url, status=403)


def test_the_navigation_leads_each_role_to_its_pages(app, client, two_cohorts):
    assert 'href="/review"' in person(app, "expert2").get("/")
    assert 'href="/my/review"' in person(app, "trainee2").get("/")
    org_home = sign_in(app.test_client(), "org").get("/console")
    assert 'href="/console/cohorts"' in org_home and "研修班评审" in org_home


def test_names_are_shown_as_text_everywhere(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=1)
    user_id = make_user(app, "xss_trainee", "trainee")
    trainee = cohort.org.post(
        cohort.path("/trainees"), {"name": XSS, "unit": XSS, "title": XSS, "user_id": user_id}
    )
    cohort.review(0, trainee["id"], score=80, shortcomings=XSS, suggestions=XSS)
    org = sign_in(app.test_client(), "org")
    expert = person(app, "expert1")
    pages = [
        org.get(f"/console/cohorts/{cohort.id}"),
        org.get(f"/console/cohorts/{cohort.id}/trainees"),
        org.get(f"/console/cohorts/{cohort.id}/trainees/{trainee['id']}"),
        expert.get(f"/review/cohorts/{cohort.id}"),
        expert.get(form_url(cohort, trainee["id"])),
        expert.get(f"/review/cohorts/{cohort.id}/sign-off"),
        person(app, "xss_trainee").get("/my/review"),
    ]
    for html in pages:
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
