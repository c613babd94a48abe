"""The personal look-up links a finalist to their own certificate once the final is published."""

from __future__ import annotations

import re

from sqlalchemy import select

from competition.contest.demo import load_demo_contest
from competition.extensions import db
from competition.models import Certificate, Contestant, Finalist
from tests.support.pages import Pages


def test_a_finalist_downloads_their_certificate_from_the_look_up(app, client):
    with app.app_context():
        load_demo_contest()
        db.session.commit()
        finalist = db.session.scalars(
            select(Contestant).join(Finalist, Finalist.contestant_id == Contestant.id)
        ).first()
        not_finalist = db.session.scalars(
            select(Contestant).where(~Contestant.id.in_(select(Finalist.contestant_id)))
        ).first()
        number, code, name = finalist.number, finalist.access_code, finalist.name
        other_number, other_code = not_finalist.number, not_finalist.access_code
        assert db.session.scalar(select(Certificate.id)) is None

    page = Pages(client).post("/lookup", {"number": number, "code": code}, status=200)
    html = page.get_data(as_text=True)
    link = re.search(r'href="(/verify/[^"]+/certificate\.pdf)"', html)
    assert link, "no certificate link on a published finalist's look-up"
    download = client.get(link.group(1))
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    with app.app_context():
        issued = db.session.scalars(select(Certificate)).all()
        assert [c.contestant_id for c in issued] == [finalist.id]
    assert name  # the PDF's text is checked in test_certificates; here the link and the issue

    other = Pages(client).post("/lookup", {"number": other_number, "code": other_code}, status=200)
    assert "/certificate.pdf" not in other.get_data(as_text=True)
