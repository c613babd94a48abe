"""Importing judges from a spreadsheet: upload, preview the accounts, confirm, print passwords.

The confirmation answers with the list of accounts and their new passwords, once: it is the
sheet to print and hand out. The page is not kept by the browser (no-store), the passwords are
nowhere else, and reloading it imports nothing again (the upload is gone by then).
"""

from __future__ import annotations

from flask import Response, render_template
from flask.typing import ResponseReturnValue

from competition.contest.services import imports_judges as judges_import
from competition.contest.web.console_common import event_or_404
from competition.contest.web.console_import import ImportFlow, ListUploadForm, xlsx_download
from competition.core.i18n import _
from competition.core.spreadsheets import Sheet
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page
from competition.http.upload_stash import UploadStash
from competition.models import Event

STASH = UploadStash(session_key="judge_imports", suffix=".judges-upload", owner="event_id")


def _done(event: Event, checked: object, credentials: object) -> ResponseReturnValue:
    """The accounts and their passwords, once: the sheet to print; never kept by the browser."""
    body = render_template(
        "contest/console/import_judges_done.html", event=event, credentials=credentials
    )
    return Response(body, status=200, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


JUDGES = ImportFlow(
    endpoint="web.console_import_judges",
    stash=STASH,
    upload_template="contest/console/import_judges.html",
    preview_template="contest/console/import_judges_preview.html",
    make_form=lambda event, fresh: ListUploadForm(formdata=None) if fresh else ListUploadForm(),
    preview=judges_import.preview,
    store=lambda event, checked, filename: judges_import.store(event, checked, current_organiser()),
    finish=_done,
).register()


@bp.route("/console/events/<int:event_id>/judges/import", methods=["GET", "POST"])
@organiser_page
def console_import_judges(event_id: int) -> ResponseReturnValue:
    return JUDGES.upload(event_id)


@bp.post("/console/events/<int:event_id>/judges/import/confirm")
@organiser_page
def console_import_judges_confirm(event_id: int) -> ResponseReturnValue:
    return JUDGES.confirm(event_id)


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
