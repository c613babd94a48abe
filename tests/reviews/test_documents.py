"""The trainee's file (职工匠师档案) as a PDF: every expert's score and comments, the band, the
recommendation and signature lines; one per trainee or the whole cohort's."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Cohort, User
from competition.reviews import services as service
from competition.reviews.demo import TRAINEE_PASSWORD, load_demo_cohort
from tests.support.factories import login
from tests.support.pdf import pdf_text


def _demo(app):
    with app.app_context():
        load_demo_cohort()
        db.session.commit()
        cohort = db.session.scalars(select(Cohort)).one()
        own = db.session.scalar(select(User.id).where(User.username == "trainee1"))
        mine = next(t for t in service.trainees(cohort) if t.user_id == own)
        other = next(t for t in service.trainees(cohort) if t.user_id is None)
        results = service.cohort_results(cohort)
        entry = results.ranking.by_trainee[mine.id]
        reviews = results.reviews[mine.id]
        expert = reviews[0].expert.display_name or reviews[0].expert.username
        return {
            "cohort": cohort.id,
            "mine": mine.id,
            "name": mine.name,
            "other": other.id,
            "score": str(entry.score),
            "band": results.label(entry.band),
            "recommended": entry.recommended,
            "first_comment": reviews[0].shortcomings[:12],
            "expert": expert,
            "ranked": [e.trainee_id for e in results.ranking.ranked],
            "names": {t.id: t.name for t in service.trainees(cohort)},
        }


def test_the_trainee_reads_their_own_file_without_the_experts_names(app, client, tmp_path):
    demo = _demo(app)
    trainee = login(client, "trainee1", TRAINEE_PASSWORD)
    response = trainee.call("GET", f"/cohorts/{demo['cohort']}/trainees/{demo['mine']}/file.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    flat = "".join(text.split())
    assert demo["name"] in text and demo["score"] in text and demo["band"] in text
    assert ("建议聘任为职工匠师" if demo["recommended"] else "暂不建议聘任") in flat
    assert "".join(demo["first_comment"].split()) in flat
    assert "评审专家一" in text and demo["expert"] not in text
    assert "专家组组长签字" in text
    other = trainee.call("GET", f"/cohorts/{demo['cohort']}/trainees/{demo['other']}/file.pdf")
    assert other.status_code == 403
    assert trainee.call("GET", f"/cohorts/{demo['cohort']}/file.pdf").status_code == 403


def test_the_organiser_prints_the_whole_cohort_in_rank_order(app, client, tmp_path):
    demo = _demo(app)
    organiser = login(client, "organiser", "demo-organiser")
    response = organiser.call("GET", f"/cohorts/{demo['cohort']}/file.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert text.count("职工工匠研修班结业评审档案") == 32
    first, second = (demo["names"][t] for t in demo["ranked"][:2])
    assert text.index(first) < text.index(second)
    one = organiser.call("GET", f"/cohorts/{demo['cohort']}/trainees/{demo['mine']}/file.pdf")
    assert demo["expert"] in pdf_text(one.data)
    missing = organiser.call("GET", f"/cohorts/{demo['cohort']}/trainees/999999/file.pdf")
    assert missing.status_code == 404


def test_the_pages_link_each_file(app, client):
    from tests.support.pages import sign_in

    demo = _demo(app)
    pages = sign_in(client, "trainee1", TRAINEE_PASSWORD)
    own = pages.get("/my/review")
    link = f"/cohorts/{demo['cohort']}/trainees/{demo['mine']}/file.pdf"
    assert link in own
    assert client.get(link).mimetype == "application/pdf"
    other = f"/cohorts/{demo['cohort']}/trainees/{demo['other']}/file.pdf"
    assert client.get(other).status_code == 403
    assert client.get(f"/console/cohorts/{demo['cohort']}/file.pdf").status_code == 403

    client.post("/logout", data={"csrf_token": pages.token("/my/review")})
    organiser = sign_in(client, "organiser", "demo-organiser")
    cohort_page = organiser.get(f"/console/cohorts/{demo['cohort']}")
    assert f"/console/cohorts/{demo['cohort']}/file.pdf" in cohort_page
