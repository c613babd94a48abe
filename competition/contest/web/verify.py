"""The public verification page of a certificate: `/verify/<serial>`, the QR code's address.

Anyone holding a paper can check it: genuine (and what it certifies), revoked, superseded
by a corrected certificate (and by which serial, once printed), or unknown.
Unknown serials answer 404; the page never says more than the paper itself does.  The same
serial also downloads the certificate (`/verify/<serial>/certificate.pdf`): the serial is 80
random bits, so it works as the key the personal look-up hands its contestant, and the PDF
shows nothing the verification page does not.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.wrappers import Response

from competition.contest.documents import certificates as certificate_docs
from competition.contest.services import certificates as certificate_service
from competition.http import verification
from competition.http.responses import pdf_response

bp = Blueprint("documents_web", __name__)


@bp.get("/verify/<serial>")
def verify(serial: str) -> tuple[str, int]:
    found = certificate_docs.verify(serial)
    if found is None:
        # Another slice's honour (a station's plaque), by the look-ups registered with
        # `competition.http.verification`: one address on every QR code.
        other = verification.look_up(serial)
        if other is not None:
            return render_template(other.template, serial=serial[:64], **other.context), 200
    response = render_template("contest/verify.html", serial=serial[:64], certificate=found)
    return response, 200 if found is not None else 404


@bp.get("/verify/<serial>/certificate.pdf")
def certificate_pdf(serial: str) -> Response:
    found = certificate_service.find_certificate(serial)
    if found is None or found.revoked or found.superseded:
        abort(404)
    body = certificate_docs.certificate_pdf_by_serial(found)
    return pdf_response(body, f"certificate-{found.serial}.pdf")
