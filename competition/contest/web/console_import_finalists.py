"""Importing the units' lists of finalists: upload, check against the rankings, confirm.

The list is checked, not trusted (services.imports_finalists): only a list that is each
unit's top N of its preliminary ranking can be confirmed, and confirming recommends those N
exactly as the finalists page does.
"""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.services import imports_finalists as finalists_import
from competition.contest.web.console_common import event_or_404
from competition.contest.web.console_import import (
    UPLOAD_PAGES,
    ListUploadForm,
    read_upload,
    stashed_upload,
    xlsx_download,
)
from competition.core.errors import AppError
from competition.core.i18n import _
from competition.core.spreadsheets import Sheet
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page, show_refusal
from competition.http.upload_stash import UploadStash
from competition.models import Event

STASH = UploadStash(session_key="finalist_imports", suffix=".finalists-upload", owner="event_id")


def _upload_page(event: Event, form: ListUploadForm, errors: list[str], status: int) -> Response:
    body = render_template(
        "contest/console/import_finalists.html",
        event=event,
        form=form,
        errors=errors,
        limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    )
    return Response(body, status=status)


UPLOAD_PAGES["web.console_import_finalists"] = lambda event, message: _upload_page(
    event, ListUploadForm(formdata=None), [message], 413
)


@bp.route("/console/events/<int:event_id>/finalists/import", methods=["GET", "POST"])
@organiser_page
def console_import_finalists(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = ListUploadForm()
    if not form.validate_on_submit():
        return _upload_page(event, form, [], 422 if request.method == "POST" else 200)
    data, filename = read_upload(form)
    try:
        checked = finalists_import.preview(event, data, filename)
    except AppError as error:
        return _upload_page(event, form, show_refusal(None, error), error.status)
    token = STASH.put(event.id, data, filename)
    return _preview_page(event, checked, token, filename)


def _preview_page(
    event: Event, checked: finalists_import.FinalistsPreview, token: str, filename: str
) -> Response:
    body = render_template(
        "contest/console/import_finalists_preview.html",
        event=event,
        preview=checked,
        token=token,
        filename=filename,
    )
    return Response(body, status=200 if checked.can_store else 422)


@bp.post("/console/events/<int:event_id>/finalists/import/confirm")
@organiser_page
def console_import_finalists_confirm(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    stashed = stashed_upload(STASH, event)
    if stashed is None:
        return redirect(url_for("web.console_import_finalists", event_id=event.id))
    data, filename, token = stashed
    try:
        checked = finalists_import.preview(event, data, filename)
        if not checked.can_store:
            return _preview_page(event, checked, token, filename)
        chosen = finalists_import.store(event, checked, current_organiser())
        db.session.commit()
    except AppError as error:
        return _upload_page(
            event, ListUploadForm(formdata=None), show_refusal(None, error), error.status
        )
    STASH.drop(token)
    flash(
        _(
            "已为 %(units)d 个单位推荐 %(count)d 名决赛选手。",
            units=len(chosen),
            count=sum(len(ids) for ids in chosen.values()),
        ),
        "success",
    )
    return redirect(url_for("web.console_finalists", event_id=event.id))


@bp.get("/console/events/<int:event_id>/finalists/template.xlsx")
@organiser_page
def console_import_finalists_template(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    sheet = Sheet(
        title=_("决赛名单"),
        header=finalists_import.template_header(),
        rows=finalists_import.template_rows(),
        widths=(10, 22, 12, 36),
    )
    return xlsx_download(sheet, f"event-{event.id}-finalists.xlsx")
