"""Importing a component's marking scheme from the 评分表 workbook: upload, preview, confirm.

The shared import flow (`competition.http.imports.ImportPage`) with the event as the owner of
the upload, as the event's other imports; the component is the one the URL names, so the
upload, the preview and the confirmation all read it from there, and so does the largest
allowed spread of judgements typed on the upload form, which travels with the confirmation
(services.imports_schemes checks everything again from scratch).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from competition.contest.services import imports_schemes as scheme_import
from competition.contest.services import schemes as scheme_service
from competition.contest.web.console_common import event_or_404
from competition.contest.web.console_import import xlsx_download
from competition.core.errors import NotFound
from competition.core.i18n import _, lazy_gettext
from competition.core.spreadsheets import Sheet
from competition.http.blueprints import web as bp
from competition.http.imports import ImportPage, plain_form
from competition.http.pages import organiser_page
from competition.http.upload_stash import UploadStash
from competition.models import Component, Event, MarkingScheme

SPREAD_FIELD = "max_judgement_spread"


class SchemeUploadForm(FlaskForm):
    max_judgement_spread = StringField(
        lazy_gettext("允许评价分差（0–3；留空则用文件中的设置，都没有即不限）"),
        validators=[Optional(), Length(max=10)],
    )
    file = FileField(
        lazy_gettext("评分表文件（.xlsx 或 .csv）"),
        validators=[FileRequired(lazy_gettext("请选择要上传的文件"))],
    )


def _component(event: Event) -> Component:
    """The component the URL names (every view of this import has `component_key`)."""
    component = event.component(str((request.view_args or {}).get("component_key", "")))
    if component is None:
        raise NotFound(_("本赛项没有这个评分项"))
    return component


def _context(event: Event) -> dict[str, Any]:
    component = _component(event)
    return {"component": component, "locked": scheme_service.has_marks(component)}


def _preview(event: Event, data: bytes, filename: str) -> scheme_import.SchemePreview:
    spread = request.form.get(SPREAD_FIELD, "")
    return scheme_import.preview(event, _component(event).key, data, filename, spread)


def _done(
    event: Event, checked: scheme_import.SchemePreview, scheme: MarkingScheme
) -> ResponseReturnValue:
    flash(_("已导入评分细则：%(count)d 个评分点。", count=len(checked.rows)), "success")
    return redirect(
        url_for("web.console_scheme", event_id=event.id, component_key=checked.component_key)
    )


PAGE = ImportPage(
    endpoint="web.console_import_scheme",
    stash=UploadStash(session_key="scheme_imports", suffix=".scheme-upload", owner="event_id"),
    upload_template="contest/console/import_scheme.html",
    preview_template="contest/console/import_scheme_preview.html",
    form=plain_form(SchemeUploadForm),
    preview=_preview,
    store=lambda event, checked, organiser, _filename: scheme_import.store(
        event, checked, organiser
    ),
    done=_done,
    context=_context,
)


@bp.route(
    "/console/events/<int:event_id>/components/<component_key>/scheme/import",
    methods=["GET", "POST"],
)
@organiser_page
def console_import_scheme(event_id: int, component_key: str) -> ResponseReturnValue:
    """The upload page (GET) or the preview of the workbook it posted."""
    event = event_or_404(event_id)
    _component(event)
    return PAGE.upload(event)


@bp.post("/console/events/<int:event_id>/components/<component_key>/scheme/import/confirm")
@organiser_page
def console_import_scheme_confirm(event_id: int, component_key: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    _component(event)
    return PAGE.confirm(event)


@bp.get("/console/events/<int:event_id>/components/<component_key>/scheme/template.xlsx")
@organiser_page
def console_import_scheme_template(event_id: int, component_key: str) -> ResponseReturnValue:
    """A 评分表 to fill in, with an example of each kind of item."""
    event = event_or_404(event_id)
    component = _component(event)
    sheet = Sheet(
        title=_("评分表"),
        header=scheme_import.template_header(),
        rows=scheme_import.template_rows(),
        widths=(8, 8, 24, 8, 10, 10, 10),
    )
    return xlsx_download(sheet, f"event-{event.id}-{component.key}-scheme.xlsx")
