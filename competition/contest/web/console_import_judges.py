"""Importing judges from a spreadsheet: upload, preview the accounts, confirm, print passwords.

The confirmation answers with the list of accounts and their new passwords, once: it is the
sheet to print and hand out. The page is not kept by the browser (no-store), the passwords are
nowhere else, and reloading it imports nothing again (the upload is gone by then).
"""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.services import imports_judges as judges_import
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

STASH = UploadStash(session_key="judge_imports", suffix=".judges-upload", owner="event_id")


def _upload_page(event: Event, form: ListUploadForm, errors: list[str], status: int) -> Response:
    body = render_template(
        "contest/console/import_judges.html",
        event=event,
        form=form,
        errors=errors,
        limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    )
    return Response(body, status=status)


UPLOAD_PAGES["web.console_import_judges"] = lambda event, message: _upload_page(
    event, ListUploadForm(formdata=None), [message], 413
)


@bp.route("/console/events/<int:event_id>/judges/import", methods=["GET", "POST"])
@organiser_page
def console_import_judges(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = ListUploadForm()
    if not form.validate_on_submit():
        return _upload_page(event, form, [], 422 if request.method == "POST" else 200)
    data, filename = read_upload(form)
    try:
        checked = judges_import.preview(event, data, filename)
    except AppError as error:
        return _upload_page(event, form, show_refusal(None, error), error.status)
    token = STASH.put(event.id, data, filename)
    return _preview_page(event, checked, token, filename)


def _preview_page(
    event: Event, checked: judges_import.JudgesPreview, token: str, filename: str
) -> Response:
    body = render_template(
        "contest/console/import_judges_preview.html",
        event=event,
        preview=checked,
        token=token,
        filename=filename,
    )
    return Response(body, status=200 if checked.can_store else 422)


@bp.post("/console/events/<int:event_id>/judges/import/confirm")
@organiser_page
def console_import_judges_confirm(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    stashed = stashed_upload(STASH, event)
    if stashed is None:
        return redirect(url_for("web.console_import_judges", event_id=event.id))
    data, filename, token = stashed
    try:
        checked = judges_import.preview(event, data, filename)
        if not checked.can_store:
            return _preview_page(event, checked, token, filename)
        credentials = judges_import.store(event, checked, current_organiser())
        db.session.commit()
    except AppError as error:
        form = ListUploadForm(formdata=None)
        return _upload_page(event, form, show_refusal(None, error), error.status)
    STASH.drop(token)
    body = render_template(
        "contest/console/import_judges_done.html", event=event, credentials=credentials
    )
    return Response(body, status=200, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@bp.get("/console/events/<int:event_id>/judges/template.xlsx")
@organiser_page
def console_import_judges_template(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    sheet = Sheet(
        title=_("裁判名单"),
        header=judges_import.template_header(),
        rows=judges_import.template_rows(),
        widths=(12, 36, 10, 12),
    )
    return xlsx_download(sheet, f"event-{event.id}-judges.xlsx")
