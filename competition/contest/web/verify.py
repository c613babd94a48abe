"""The public verification page of a certificate: `/verify/<serial>`, the QR code's address.

Anyone holding a paper can check it: genuine (and what it certifies), revoked, superseded
by a corrected certificate (and by which serial, once printed), or unknown.
Unknown serials answer 404; the page never says more than the paper itself does.  The same
serial also downloads the certificate (`/verify/<serial>/certificate.pdf`): the serial is 80
random bits, so it works as the key the personal look-up hands its contestant, and the PDF
shows nothing the verification page does not.
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template
from flask.wrappers import Response
from sqlalchemy import select

from competition.contest.documents import certificates
from competition.contest.documents.certificates import verify as verify_serial
from competition.extensions import db
from competition.models import Certificate

bp = Blueprint("documents_web", __name__)


@bp.get("/verify/<serial>")
def verify(serial: str) -> tuple[str, int]:
    found = verify_serial(serial)
    response = render_template("contest/verify.html", serial=serial[:64], certificate=found)
    return response, 200 if found is not None else 404


@bp.get("/verify/<serial>/certificate.pdf")
def certificate_pdf(serial: str) -> Response:
    normalised = certificates.normalise_serial(serial)
    found = (
        None
        if normalised is None
        else db.session.scalar(select(Certificate).where(Certificate.serial == normalised))
    )
    if found is None or found.revoked or found.superseded:
        abort(404)
    response = make_response(certificates.certificate_pdf_by_serial(found))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{found.serial}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
