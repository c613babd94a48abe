"""The public verification page of a certificate: `/verify/<serial>`, the QR code's address.

Anyone holding a paper can check it: genuine (and what it certifies), revoked, or unknown.
Unknown serials answer 404; the page never says more than the paper itself does.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from competition.documents.certificates import verify as verify_serial

bp = Blueprint("documents_web", __name__)


@bp.get("/verify/<serial>")
def verify(serial: str) -> tuple[str, int]:
    found = verify_serial(serial)
    response = render_template("verify.html", serial=serial[:64], certificate=found)
    return response, 200 if found is not None else 404
