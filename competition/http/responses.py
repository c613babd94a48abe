"""A download as an HTTP response, the same for the API and the pages."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import make_response
from flask.wrappers import Response
from werkzeug.http import quote_header_value

from competition.core.downloads import PDF, Download


def download_response(download: Download) -> Response:
    """A PDF inline (the browser shows it, the user may save it), a workbook as an attachment.
    Certificates, files and unpublished lists carry personal data: no shared cache keeps them.
    A file name beyond ASCII goes as RFC 6266's `filename*`, with an ASCII `filename` beside
    it for old clients."""
    response = make_response(download.body)
    response.headers["Content-Type"] = download.mimetype
    response.headers["Content-Disposition"] = _disposition(download)
    response.headers["Cache-Control"] = "private, no-store" if download.private else "no-cache"
    return response


def _disposition(download: Download) -> str:
    kind = "inline" if download.inline else "attachment"
    name = download.filename
    if name.isascii():
        return f"{kind}; filename={quote_header_value(name, allow_token=False)}"
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    encoded = quote(name, safe="!#$&+-.^_`|~")
    return (
        f"{kind}; filename={quote_header_value(plain, allow_token=False)}; "
        f"filename*=UTF-8''{encoded}"
    )


def pdf_response(body: bytes, filename: str, private: bool = True) -> Response:
    """One PDF made on its own (a certificate, by the API or by its serial): `download_response`
    of it."""
    return download_response(Download(body, filename, PDF, private))
