"""The organisers' pages print the same documents as the API."""

from __future__ import annotations

from competition.contest.demo import load_demo_contest
from competition.extensions import db
from tests.support.factories import make_user
from tests.support.pages import sign_in
from tests.support.pdf import pdf_text


def test_an_organiser_prints_notice_sheets_and_certificates(app, client, tmp_path):
    with app.app_context():
        load_demo_contest()
        db.session.commit()
    make_user(app, "printer", "organiser")
    pages = sign_in(client, "printer")
    ranking = pages.get("/console/events/1/rounds/final")
    for link in ("results.pdf", "score-sheets.pdf", "certificates.pdf"):
        assert f"/console/events/1/rounds/final/{link}" in ranking
    notice = client.get("/console/events/1/rounds/final/results.pdf")
    assert notice.mimetype == "application/pdf"
    assert "成绩" in pdf_text(notice.data)
    sheets = client.get("/console/events/1/rounds/final/score-sheets.pdf?component=theory")
    assert sheets.status_code == 200 and "裁判长" in pdf_text(sheets.data)
    # The demo's final is in its notice period: printing now is an explicit choice.
    asked = client.get("/console/events/1/rounds/final/certificates.pdf")
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/certificates")
    certificates = client.get("/console/events/1/rounds/final/certificates.pdf?early=yes")
    assert certificates.status_code == 200
    assert "荣 誉 证 书" in pdf_text(certificates.data)


def test_documents_pages_are_for_organisers(app, client):
    make_user(app, "a-judge", "judge")
    sign_in(client, "a-judge")
    assert client.get("/console/events/1/rounds/final/results.pdf").status_code == 403
