"""The printed documents from the organisers' pages: the same downloads the API serves
(`competition.contest.documents.downloads`, one implementation each), with the signed-in
session instead of a bearer token.

Certificates are offered once the final's notice period is over (成绩已确认): until then an
upheld appeal may still move places, and every paper it moves would have to be superseded
and printed again. Printing earlier stays possible, as an explicit choice after a warning
(the API, used by programs that know what they do, allows it from publication on).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest import jobs as contest_jobs
from competition.contest.documents import downloads
from competition.contest.services import certificates as certificate_service
from competition.contest.services import publication
from competition.contest.web.console_common import event_or_404, round_or_404
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page
from competition.http.responses import download_response
from competition.models import Certificate, Event
from competition.models.contests import FINAL

#: The query argument by which the organiser confirms printing during the notice period.
EARLY = "early"


@bp.get("/console/events/<int:event_id>/rounds/<kind>/results.pdf")
@organiser_page
def console_results_pdf(event_id: int, kind: str) -> ResponseReturnValue:
    """The result notice (成绩公示) for posting, ranked as on the page."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    return download_response(downloads.results_pdf(event, round_, current_organiser()))


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
    # Shown as the record stands now, and a GET writes nothing: a paper a change by some
    # other path left out of step (appeals and award rules supersede theirs when they change
    # something) is listed as superseded and to be printed again; the next print supersedes
    # it for good, with its audit entry (`supersede_stale`, the safety net of every print).
    stale = certificate_service.stale_certificates(event) if final.published else []
    stale_ids = {c.id for c in stale}

    def status_of(certificate: Certificate) -> str:
        if certificate.id in stale_ids:
            return certificate_service.SUPERSEDED
        return certificate_service.status_of(certificate)

    certificates = certificate_service.list_certificates(event)
    by_id = {c.id: c for c in certificates}
    return render_template(
        "contest/console/certificates.html",
        event=event,
        notice=notice,
        certificates=certificates,
        replacement={c.id: by_id.get(c.superseded_by_id) for c in certificates},
        pending=certificate_service.pending_replacements(event, stale) if final.published else [],
        status_of=status_of,
        stale_reason=certificate_service.CHECK_BEFORE_PRINT,
        early=EARLY,
        jobs=contest_jobs.recent_jobs(event),
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
    download = downloads.certificates_pdf(event, current_organiser())
    db.session.commit()
    return download_response(download)


@bp.get("/console/events/<int:event_id>/rounds/final/replacements.pdf")
@organiser_page
def console_replacements_pdf(event_id: int) -> ResponseReturnValue:
    """Only the replacements of superseded certificates, under new serials (409 page when
    there is none, or before the final is published)."""
    event = event_or_404(event_id)
    if _needs_confirmation(event):
        return _ask_first(event)
    download = downloads.replacements_pdf(event, current_organiser())
    db.session.commit()
    return download_response(download)


@bp.get("/console/events/<int:event_id>/rounds/<kind>/score-sheets.pdf")
@organiser_page
def console_score_sheets_pdf(event_id: int, kind: str) -> ResponseReturnValue:
    """Blank score sheets by contest number, one per component (or the one asked for);
    422 for a component the event does not have, in the API's words."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    key = request.args.get("component") or None
    download = downloads.score_sheets_pdf(event, round_, current_organiser(), key)
    return download_response(download)
