"""Importing the units' lists of finalists: upload, check against the rankings, confirm.

The list is checked, not trusted (services.imports_finalists): only a list that is each
unit's top N of its preliminary ranking can be confirmed, and confirming recommends those N
exactly as the finalists page does.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue

from competition.contest.services import imports_finalists as finalists_import
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
    event: Event, _checked: finalists_import.FinalistsPreview, chosen: dict[int, list[int]]
) -> ResponseReturnValue:
    flash(
        _(
            "已为 %(units)d 个单位推荐 %(count)d 名决赛选手。",
            units=len(chosen),
            count=sum(len(ids) for ids in chosen.values()),
        ),
        "success",
    )
    return redirect(url_for("web.console_finalists", event_id=event.id))


PAGE = ImportPage(
    endpoint="web.console_import_finalists",
    stash=UploadStash(session_key="finalist_imports", suffix=".finalists-upload", owner="event_id"),
    upload_template="contest/console/import_finalists.html",
    preview_template="contest/console/import_finalists_preview.html",
    form=plain_form(ListUploadForm),
    preview=finalists_import.preview,
    store=lambda event, checked, organiser, _filename: finalists_import.store(
        event, checked, organiser
    ),
    done=_done,
)


@bp.route("/console/events/<int:event_id>/finalists/import", methods=["GET", "POST"])
@organiser_page
def console_import_finalists(event_id: int) -> ResponseReturnValue:
    return PAGE.upload(event_or_404(event_id))


@bp.post("/console/events/<int:event_id>/finalists/import/confirm")
@organiser_page
def console_import_finalists_confirm(event_id: int) -> ResponseReturnValue:
    return PAGE.confirm(event_or_404(event_id))


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
