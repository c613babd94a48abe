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
from competition.contest.web.console_import import ListUploadForm, xlsx_download
from competition.core.i18n import _
from competition.core.spreadsheets import Sheet
from competition.http.blueprints import web as bp
from competition.http.imports import ImportPage, plain_form
from competition.http.pages import organiser_page
from competition.http.upload_stash import UploadStash
from competition.models import Event


def _done(
    event: Event, _checked: judges_import.JudgesPreview, credentials: list[judges_import.Credential]
) -> ResponseReturnValue:
    body = render_template(
        "contest/console/import_judges_done.html", event=event, credentials=credentials
    )
    return Response(body, status=200, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


PAGE = ImportPage(
    endpoint="web.console_import_judges",
    stash=UploadStash(session_key="judge_imports", suffix=".judges-upload", owner="event_id"),
    upload_template="contest/console/import_judges.html",
    preview_template="contest/console/import_judges_preview.html",
    form=plain_form(ListUploadForm),
    preview=judges_import.preview,
    store=lambda event, checked, organiser, _filename: judges_import.store(
        event, checked, organiser
    ),
    done=_done,
)


@bp.route("/console/events/<int:event_id>/judges/import", methods=["GET", "POST"])
@organiser_page
def console_import_judges(event_id: int) -> ResponseReturnValue:
    return PAGE.upload(event_or_404(event_id))


@bp.post("/console/events/<int:event_id>/judges/import/confirm")
@organiser_page
def console_import_judges_confirm(event_id: int) -> ResponseReturnValue:
    return PAGE.confirm(event_or_404(event_id))


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
