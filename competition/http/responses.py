"""A PDF as an HTTP response, the same for the API and the pages."""

from __future__ import annotations

from flask import make_response
from flask.wrappers import Response


def pdf_response(body: bytes, filename: str, private: bool = True) -> Response:
    """Inline (the browser shows it, the user may save it). Certificates, files and unpublished
    lists carry personal data: no shared cache keeps them."""
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if private else "no-cache"
    return response
