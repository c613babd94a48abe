"""Importing contestants from a spreadsheet: upload, preview every row, confirm.

Between the preview and the confirmation the uploaded file waits in an `UploadStash` (shared
with the cohorts' import). Upload size is bounded by MAX_CONTENT_LENGTH; a larger file gets a
readable answer on this page instead of a bare 413.

The event's other imports (marks, judges, finalists: `console_import_*`) work the same way:
each is an `ImportFlow` (upload → preview → confirm, the file stashed in between, checked again
from scratch on confirmation, a too-large file answered on its own page), given its service's
`preview` and `store` and what to show; only what differs is written in their modules.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class ImportFlow:
    """One office list's import on the console: its upload page, its preview and its
    confirmation. The service's `preview(event, data, filename)` checks every row and says
    whether the whole can be stored (`can_store`); `store(event, checked, filename)` stores it
    all or nothing; `finish(event, checked, stored)` answers once it is committed.

    The confirmation checks the stashed file again from scratch (someone may have changed the
    event meanwhile) and shows the preview instead of storing when it no longer can be stored,
    or when the organiser asked to check again (`recheck=yes`, after changing a choice)."""

    endpoint: str  # the upload page's, e.g. "web.console_import"
    stash: UploadStash
    upload_template: str
    preview_template: str
    make_form: Callable[[Event, bool], FlaskForm]  # (event, fresh): fresh ignores the request
    preview: Callable[[Event, bytes, str], Any]
    store: Callable[[Event, Any, str], Any]
    finish: Callable[[Event, Any, Any], ResponseReturnValue]
    preview_context: Callable[[Event, Any], dict[str, Any]] = field(default=lambda e, c: {})
    #: Whether a refusal of the upload names the form's own fields (the marks' choices).
    refusal_on_form: bool = False

    def register(self) -> ImportFlow:
        """Say on this flow's own page, not a bare 413, that a file was too large."""
        UPLOAD_PAGES[self.endpoint] = lambda event, message: self.upload_page(
            event, self.make_form(event, True), [message], 413
        )
        return self

    def upload_page(
        self, event: Event, form: FlaskForm, errors: list[str], status: int
    ) -> Response:
        body = render_template(
            self.upload_template,
            event=event,
            form=form,
            errors=errors,
            limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        )
        return Response(body, status=status)

    def preview_page(self, event: Event, checked: Any, token: str, filename: str) -> Response:
        body = render_template(
            self.preview_template,
            event=event,
            preview=checked,
            token=token,
            filename=filename,
            **self.preview_context(event, checked),
        )
        return Response(body, status=200 if checked.can_store else 422)

    def upload(self, event_id: int) -> ResponseReturnValue:
        """The upload page (GET), and the preview of a file sent to it (POST)."""
        event = event_or_404(event_id)
        form = self.make_form(event, False)
        if not form.validate_on_submit():
            return self.upload_page(event, form, [], 422 if request.method == "POST" else 200)
        data, filename = read_upload(form)
        try:
            checked = self.preview(event, data, filename)
        except AppError as error:
            refused = show_refusal(form if self.refusal_on_form else None, error)
            return self.upload_page(event, form, refused, error.status)
        token = self.stash.put(event.id, data, filename)
        return self.preview_page(event, checked, token, filename)

    def confirm(self, event_id: int) -> ResponseReturnValue:
        """The confirmation of a preview: everything checked again, then stored or shown."""
        event = event_or_404(event_id)
        stashed = stashed_upload(self.stash, event)
        if stashed is None:
            return redirect(url_for(self.endpoint, event_id=event.id))
        data, filename, token = stashed
        try:
            checked = self.preview(event, data, filename)
            if request.form.get("recheck") == "yes" or not checked.can_store:
                return self.preview_page(event, checked, token, filename)
            stored = self.store(event, checked, filename)
            db.session.commit()
        except AppError as error:
            form = self.make_form(event, True)
            return self.upload_page(event, form, show_refusal(None, error), error.status)
        self.stash.drop(token)
        return self.finish(event, checked, stored)


def _contestants_done(event: Event, checked: Any, contestants: Any) -> ResponseReturnValue:
    flash(_("已导入 %(count)d 名选手。", count=len(contestants)), "success")
    return redirect(url_for("web.console_contestants", event_id=event.id))


CONTESTANTS = ImportFlow(
    endpoint="web.console_import",
    stash=STASH,
    upload_template="contest/console/import.html",
    preview_template="contest/console/import_preview.html",
    make_form=lambda event, fresh: UploadForm(formdata=None) if fresh else UploadForm(),
    # The units named in the file may be created on the way, when the organiser says so.
    preview=lambda event, data, filename: import_service.preview(
        event, data, filename, request.form.get("create_units") == "yes"
    ),
    store=lambda event, checked, filename: import_service.store(
        event, checked, current_organiser()
    ),
    finish=_contestants_done,
).register()


@bp.route("/console/events/<int:event_id>/contestants/import", methods=["GET", "POST"])
@organiser_page
def console_import(event_id: int) -> ResponseReturnValue:
    return CONTESTANTS.upload(event_id)


@bp.post("/console/events/<int:event_id>/contestants/import/confirm")
@organiser_page
def console_import_confirm(event_id: int) -> ResponseReturnValue:
    return CONTESTANTS.confirm(event_id)


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
