"""Importing contestants from a spreadsheet: upload, preview every row, confirm.

The flow is `competition.http.imports.ImportPage`, which the event's other imports (marks,
judges, finalists: `console_import_*`) use too, with `xlsx_download` for their templates and
`ListUploadForm` when the file is all they ask for. Upload size is bounded by
MAX_CONTENT_LENGTH; a larger file gets a readable answer on its import page instead of a bare
413 (`_too_large`).
"""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge

from competition.contest import jobs_imports
from competition.contest.services import imports as import_service
from competition.contest.web.console_common import event_or_404
from competition.core import roles
from competition.core.downloads import XLSX
from competition.core.errors import HTTP_CODES, error_page
from competition.core.i18n import _, lazy_gettext
from competition.core.spreadsheets import Sheet, write_xlsx
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.imports import ImportPage, limit_mb, page_for, plain_form
from competition.http.pages import organiser_page, signed_in_user
from competition.http.upload_stash import UploadStash
from competition.models import Contestant, Event


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


def _create_units() -> bool:
    """Whether the organiser asked to register the units the file names that are not yet."""
    return request.form.get("create_units") == "yes"


def _done(
    event: Event, _checked: import_service.ImportPreview, contestants: list[Contestant]
) -> ResponseReturnValue:
    flash(_("已导入 %(count)d 名选手。", count=len(contestants)), "success")
    return redirect(url_for("web.console_contestants", event_id=event.id))


PAGE = ImportPage(
    endpoint="web.console_import",
    # the file waits between the preview and the confirmation (`*.upload` in the folder)
    stash=UploadStash(session_key="contestant_imports", suffix=".upload", owner="event_id"),
    upload_template="contest/console/import.html",
    preview_template="contest/console/import_preview.html",
    form=plain_form(UploadForm),
    preview=lambda event, data, filename: import_service.preview(
        event, data, filename, _create_units()
    ),
    store=lambda event, checked, organiser, _filename: import_service.store(
        event, checked, organiser
    ),
    done=_done,
    # checked again with the units to create: the organiser sees the preview, nothing stored
    recheck=True,
    job=jobs_imports.start_contestants,  # a list of thousands: stored by a worker
)


@bp.route("/console/events/<int:event_id>/contestants/import", methods=["GET", "POST"])
@organiser_page
def console_import(event_id: int) -> ResponseReturnValue:
    return PAGE.upload(event_or_404(event_id))


@bp.post("/console/events/<int:event_id>/contestants/import/confirm")
@organiser_page
def console_import_confirm(event_id: int) -> ResponseReturnValue:
    return PAGE.confirm(event_or_404(event_id))


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
    message = _("文件过大：上传的文件不能超过 %(mb)d MB。", mb=limit_mb())
    page = page_for(request.endpoint)
    if page is None:
        return error_page(413, HTTP_CODES[413][1])
    if request.view_args and roles.is_organiser(signed_in_user()):
        event = db.session.get(Event, request.view_args.get("event_id"))
        if event is not None:
            return page.too_large(event, message)
    return error_page(413, message)
