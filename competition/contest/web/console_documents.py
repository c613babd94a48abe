"""The printed documents from the organisers' pages: the same PDFs the API serves, with the
signed-in session instead of a bearer token.

Certificates are offered once the final's notice period is over (成绩已确认): until then an
upheld appeal may still move places, and every paper it moves would have to be superseded
and printed again. Printing earlier stays possible, as an explicit choice after a warning
(the API, used by programs that know what they do, allows it from publication on).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.documents import certificates as certificate_docs
from competition.contest.documents import issuing, notices, sheets
from competition.contest.services import publication
from competition.contest.services.results import round_results
from competition.contest.web.console_common import event_or_404, organiser_page, round_or_404
from competition.core.errors import Invalid
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import signed_in_user
from competition.http.responses import pdf_response
from competition.models import Event
from competition.models.contests import FINAL

#: The query argument by which the organiser confirms printing during the notice period.
EARLY = "early"


@bp.get("/console/events/<int:event_id>/rounds/<kind>/results.pdf")
@organiser_page
def console_results_pdf(event_id: int, kind: str) -> ResponseReturnValue:
    """The result notice (成绩公示) for posting, ranked as on the page."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    body = notices.results_pdf(round_results(event, round_), True, None)
    return pdf_response(body, f"results-event-{event.id}-{round_.kind}.pdf")


def _needs_confirmation(event: Event) -> bool:
    """Published but still in its notice period, and the organiser has not confirmed."""
    notice = publication.notice_status(event, event.round(FINAL))
    return notice.in_notice and request.args.get(EARLY) != "yes"


def _ask_first(event: Event) -> ResponseReturnValue:
    flash(_("公示期未满：请先阅读提示并勾选确认，再提前打印证书。"), "warning")
    return redirect(url_for("web.console_certificates", event_id=event.id))


@bp.get("/console/events/<int:event_id>/certificates")
@organiser_page
def console_certificates(event_id: int) -> ResponseReturnValue:
    """The event's certificates: print them (once results are confirmed, or earlier by an
    explicit choice), what was issued with its status, and what is to be printed again."""
    event = event_or_404(event_id)
    final = event.round(FINAL)
    notice = publication.notice_status(event, final)
    user = signed_in_user()
    if final.published:
        # Shown as the record stands now: a stale paper is listed as superseded, not valid.
        issuing.supersede_stale(event, user, issuing.CHECK_BEFORE_PRINT)
        db.session.commit()
    certificates = certificate_docs.list_certificates(event)
    by_id = {c.id: c for c in certificates}
    return render_template(
        "contest/console/certificates.html",
        event=event,
        notice=notice,
        certificates=certificates,
        replacement={c.id: by_id.get(c.superseded_by_id) for c in certificates},
        pending=issuing.pending_replacements(event) if final.published else [],
        status_of=issuing.status_of,
        early=EARLY,
    )


@bp.get("/console/events/<int:event_id>/rounds/final/certificates.pdf")
@organiser_page
def console_certificates_pdf(event_id: int) -> ResponseReturnValue:
    """Every ranked finalist's certificate in rank order (issued on first print, replacing
    superseded ones; 409 page before the final is published). During the notice period only
    with `?early=yes`, which the certificates page's confirmation sends."""
    event = event_or_404(event_id)
    if _needs_confirmation(event):
        return _ask_first(event)
    body = certificate_docs.event_certificates_pdf(event, signed_in_user())
    db.session.commit()
    return pdf_response(body, f"certificates-event-{event.id}.pdf")


@bp.get("/console/events/<int:event_id>/rounds/final/replacements.pdf")
@organiser_page
def console_replacements_pdf(event_id: int) -> ResponseReturnValue:
    """Only the replacements of superseded certificates, under new serials (409 page when
    there is none, or before the final is published)."""
    event = event_or_404(event_id)
    if _needs_confirmation(event):
        return _ask_first(event)
    body = certificate_docs.replacements_pdf(event, signed_in_user())
    db.session.commit()
    return pdf_response(body, f"certificates-event-{event.id}-replacements.pdf")


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
