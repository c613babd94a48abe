"""The craftsman-class pages in English: no Chinese left in what the pages themselves say.

The data is written in English here (names, units, the rubric, the bands' labels are the
usual ones, which the catalog translates), so any Chinese character on a page can only come
from the page's own text that the catalog does not translate.
"""

from __future__ import annotations

import pytest

from tests.contest.web.console.test_english import HAN, ZH
from tests.reviews.web.conftest import person
from tests.support.factories import login, make_user, organiser
from tests.support.pages import text_of

RUBRIC = [
    {"key": "content", "name": "Content", "weight": "60"},
    {"key": "delivery", "name": "Delivery", "weight": "40"},
]


def _english_cohort(app, client):
    org = organiser(app, client)
    cohort = org.post("/cohorts", {"name": "Class of 2021", "year": 2021, "host": "Union"})
    org.put(f"/cohorts/{cohort['id']}/rubric", {"items": RUBRIC})
    trainees = []
    for n, name in enumerate(("Ann", "Bob", "Cy"), 1):
        user_id = make_user(app, f"trainee{n}", "trainee")
        trainees.append(
            org.post(
                f"/cohorts/{cohort['id']}/trainees",
                {"name": name, "unit": "Acme Works", "title": "Model worker", "user_id": user_id},
            )["id"]
        )
    user_id = make_user(app, "expert1", "expert")
    org.post(f"/cohorts/{cohort['id']}/experts", {"user_id": user_id, "lead": True})
    expert = login(client, "expert1")
    for trainee, score in zip(trainees[:2], (90, 50), strict=True):
        body = {
            "items": {"content": score, "delivery": score},
            "shortcomings": "Too fast.",
            "suggestions": "Slow down.",
        }
        expert.put(f"/cohorts/{cohort['id']}/trainees/{trainee}/review", body)
    return cohort["id"], trainees


PAGES = [
    ("org", "/console/cohorts"),
    ("org", "/console/cohorts/{c}"),
    ("org", "/console/cohorts/{c}/rules"),
    ("org", "/console/cohorts/{c}/trainees"),
    ("org", "/console/cohorts/{c}/import"),
    ("org", "/console/cohorts/{c}/experts"),
    ("org", "/console/cohorts/{c}/trainees/{t}"),
    ("org", "/console/cohorts/{c}/trainees/{u}"),
    ("expert1", "/review"),
    ("expert1", "/review/cohorts/{c}"),
    ("expert1", "/review/cohorts/{c}/trainees/{t}"),
    ("expert1", "/review/cohorts/{c}/trainees/{u}"),
    ("expert1", "/review/cohorts/{c}/sign-off"),
    ("trainee1", "/my/review"),
    ("trainee3", "/my/review"),
    ("expert1", "/review/cohorts/999"),
]


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_english_pages_have_no_chinese_of_their_own(app, client, who, path):
    cohort_id, trainees = _english_cohort(app, client)
    visitor = person(app, who)
    visitor.client.get("/lang/en")
    url = path.format(c=cohort_id, t=trainees[0], u=trainees[2])
    response = visitor.client.get(url)
    assert response.status_code in (200, 404)
    # Marked as Chinese on purpose: the switch back to 中文, the headings an import file needs.
    text = text_of(ZH.sub(" ", response.get_data(as_text=True)))
    found = HAN.findall(text)
    assert not found, f"{url}: {''.join(found)!r} in {text[:800]}"


def test_a_refused_review_reads_in_english(app, client):
    cohort_id, trainees = _english_cohort(app, client)
    expert = person(app, "expert1")
    expert.client.get("/lang/en")
    url = f"/review/cohorts/{cohort_id}/trainees/{trainees[2]}"
    response = expert.post(url, {"item-content": "105", "item-delivery": "", "suggestions": "x"})
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "Correct the marked problems; nothing was saved." in text
    assert "A score is between 0 and 100" in text and "This item has no score yet" in text
    assert "Shortcomings (required) required" in text
