"""Importing contestants from a spreadsheet: upload, preview every row, confirm.

Between the preview and the confirmation the uploaded file waits in an `UploadStash` (shared
with the cohorts' import). Upload size is bounded by MAX_CONTENT_LENGTH; a larger file gets a
readable answer on this page instead of a bare 413.

The event's other imports (marks, judges, finalists: `console_import_*`) work the same way and
use the helpers here: `read_upload`, `stashed_upload`, `xlsx_download`, and `UPLOAD_PAGES`,
where each registers how its upload page says that a file was too large.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge

from competition.contest.services import imports as import_service
from competition.contest.web.console_common import event_or_404
from competition.core import roles
from competition.core.downloads import XLSX
from competition.core.errors import HTTP_CODES, AppError, error_page
from competition.core.i18n import _, lazy_gettext
from competition.core.spreadsheets import Sheet, write_xlsx
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page, show_refusal, signed_in_user
from competition.http.upload_stash import UploadStash
from competition.models import Event

#: The file waits between the preview and the confirmation (`*.upload` in the folder).
STASH = UploadStash(session_key="contestant_imports", suffix=".upload", owner="event_id")


#: Upload pages by endpoint: how each shows the event's upload page with a message (413).
UPLOAD_PAGES: dict[str, Callable[[Event, str], Response]] = {}


def read_upload(form: FlaskForm) -> tuple[bytes, str]:
    """The uploaded file of a validated form (its `file` field) and its bare name."""
    upload = form.file.data  # type: ignore[attr-defined]
    return upload.read(), os.path.basename(upload.filename or "upload")


def stashed_upload(stash: UploadStash, event: Event) -> tuple[bytes, str, str] | None:
    """The confirmation's file, name and token; None (with a message flashed) when the
    preview is no longer this session's to confirm."""
    token = request.form.get("token", "")
    stashed = stash.get(event.id, token)
    if stashed is None:
        flash(_("预览已过期，请重新上传文件。"), "error")
        return None
    return stashed[0], stashed[1], token


def xlsx_download(sheet: Sheet, filename: str) -> Response:
    """A template workbook as a download."""
    return Response(
        write_xlsx([sheet]),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class ListUploadForm(FlaskForm):
    """The upload of the imports that need no choice but the file (judges, finalists)."""

    file = FileField(
        lazy_gettext("名单文件（.xlsx 或 .csv）"),
        validators=[FileRequired(lazy_gettext("请选择要上传的文件"))],
    )


class UploadForm(FlaskForm):
    file = FileField(
        lazy_gettext("报名表文件（.xlsx 或 .csv）"),
        validators=[FileRequired(lazy_gettext("请选择要上传的文件"))],
    )


def _upload_page(event: Event, form: UploadForm, errors: list[str], status: int) -> Response:
    body = render_template(
        "contest/console/import.html",
        event=event,
        form=form,
        errors=errors,
        limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    )
    return Response(body, status=status)


@bp.route("/console/events/<int:event_id>/contestants/import", methods=["GET", "POST"])
@organiser_page
def console_import(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = UploadForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return _upload_page(event, form, [], status)
    data, filename = read_upload(form)
    create_units = request.form.get("create_units") == "yes"
    try:
        checked = import_service.preview(event, data, filename, create_units)
    except AppError as error:
        return _upload_page(event, form, show_refusal(None, error), error.status)
    token = STASH.put(event.id, data, filename)
    return _preview_page(event, checked, token, filename)


def _preview_page(
    event: Event, checked: import_service.ImportPreview, token: str, filename: str
) -> Response:
    body = render_template(
        "contest/console/import_preview.html",
        event=event,
        preview=checked,
        token=token,
        filename=filename,
    )
    return Response(body, status=200 if checked.can_store else 422)


@bp.post("/console/events/<int:event_id>/contestants/import/confirm")
@organiser_page
def console_import_confirm(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    stashed = stashed_upload(STASH, event)
    if stashed is None:
        return redirect(url_for("web.console_import", event_id=event.id))
    data, filename, token = stashed
    create_units = request.form.get("create_units") == "yes"
    try:
        checked = import_service.preview(event, data, filename, create_units)
        if request.form.get("recheck") == "yes" or not checked.can_store:
            # Checked again (with the units to create, or after someone else's changes):
            # the organiser sees the preview, nothing is stored yet.
            return _preview_page(event, checked, token, filename)
        contestants = import_service.store(event, checked, current_organiser())
        db.session.commit()
    except AppError as error:
        return _upload_page(event, UploadForm(), show_refusal(None, error), error.status)
    STASH.drop(token)
    flash(_("已导入 %(count)d 名选手。", count=len(contestants)), "success")
    return redirect(url_for("web.console_contestants", event_id=event.id))


@bp.get("/console/events/<int:event_id>/contestants/template.xlsx")
@organiser_page
def console_import_template(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    sheet = Sheet(
        title=_("报名表"),
        header=import_service.template_header(),
        rows=import_service.template_rows(),
        widths=(12, 36, 22, 10),
    )
    return xlsx_download(sheet, f"event-{event.id}-contestants.xlsx")


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """An upload over the limit: on an import page, say so there; elsewhere the usual page."""
    limit_mb = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    message = _("文件过大：上传的文件不能超过 %(mb)d MB。", mb=limit_mb)
    page = UPLOAD_PAGES.get(request.endpoint or "")
    if page is None:
        return error_page(413, HTTP_CODES[413][1])
    if request.view_args and roles.is_organiser(signed_in_user()):
        event = db.session.get(Event, request.view_args.get("event_id"))
        if event is not None:
            return page(event, message)
    return error_page(413, message)


UPLOAD_PAGES["web.console_import"] = lambda event, message: _upload_page(
    event, UploadForm(formdata=None), [message], 413
)
