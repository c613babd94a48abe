"""An evidence file as an HTTP response, the same for the API and the pages.

Only the types a file was checked to be on upload are ever sent (`uploads.detect`), never
sniffed (`nosniff`), under a policy that runs nothing; photos open in the browser, PDFs are
saved (a PDF's scripts and links are not this site's to vouch for); nothing is cached, since
a nomination's evidence is the unit's until it is published.
"""

from __future__ import annotations

from flask.wrappers import Response

from competition.awards import uploads
from competition.core.downloads import PDF, Download
from competition.http.responses import download_response
from competition.models import EvidenceFile


def file_response(file: EvidenceFile) -> Response:
    response = download_response(
        Download(uploads.read(file), file.filename, file.content_type, private=True)
    )
    disposition = response.headers["Content-Disposition"]
    if file.content_type == PDF:
        disposition = "attachment" + disposition.removeprefix("inline")
    else:
        disposition = "inline" + disposition.removeprefix("attachment")
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
