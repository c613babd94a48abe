"""The printed documents from the organisers' pages: the same PDFs the API serves, with the
signed-in session instead of a bearer token."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from competition.documents import certificates as certificate_docs
from competition.documents import notices, sheets
from competition.documents.responses import pdf_response
from competition.errors import Invalid
from competition.extensions import db
from competition.services.results import round_results
from competition.web import bp
from competition.web.console_common import event_or_404, organiser_page, round_or_404
from competition.web.support import signed_in_user


@bp.get("/console/events/<int:event_id>/rounds/<kind>/results.pdf")
@organiser_page
def console_results_pdf(event_id: int, kind: str) -> ResponseReturnValue:
    """The result notice (成绩公示) for posting, ranked as on the page."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    body = notices.results_pdf(round_results(event, round_), True, None)
    return pdf_response(body, f"results-event-{event.id}-{round_.kind}.pdf")


@bp.get("/console/events/<int:event_id>/rounds/final/certificates.pdf")
@organiser_page
def console_certificates_pdf(event_id: int) -> ResponseReturnValue:
    """Every ranked finalist's certificate in rank order (issued on first print; 409 page
    before the final is published)."""
    event = event_or_404(event_id)
    body = certificate_docs.event_certificates_pdf(event, signed_in_user())
    db.session.commit()
    return pdf_response(body, f"certificates-event-{event.id}.pdf")


@bp.get("/console/events/<int:event_id>/rounds/<kind>/score-sheets.pdf")
@organiser_page
def console_score_sheets_pdf(event_id: int, kind: str) -> ResponseReturnValue:
    """Blank score sheets by contest number, one per component (or the one asked for)."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    key = request.args.get("component") or None
    components = list(event.components)
    if key is not None:
        component = event.component(key)
        if component is None:
            raise Invalid(f"没有评分项“{key}”")
        components = [component]
    body = sheets.score_sheets_pdf(event, round_, components, None)
    return pdf_response(body, f"score-sheets-event-{event.id}-{round_.kind}.pdf")
