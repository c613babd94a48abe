"""Importing a results sheet (the theory exam's) as one judge's marks: upload, preview, confirm.

The organiser chooses the round, the component and the judge whose marks these are on the
page; the choice travels with the preview and the confirmation checks everything again from
scratch (services.imports_marks), as the contestants' import does.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from competition.contest import jobs_imports
from competition.contest.services import imports_marks as marks_import
from competition.contest.web.console_common import event_or_404
from competition.contest.web.console_import import xlsx_download
from competition.contest.wording import round_label
from competition.core.i18n import _, lazy_gettext, paren
from competition.core.spreadsheets import Sheet
from competition.http.blueprints import web as bp
from competition.http.imports import ImportPage
from competition.http.pages import organiser_page
from competition.http.upload_stash import UploadStash
from competition.models import Event
from competition.models.contests import FINAL, PRELIMINARY


class MarksUploadForm(FlaskForm):
    round_kind = SelectField(lazy_gettext("轮次"))
    component = SelectField(lazy_gettext("评分项"))
    judge = SelectField(lazy_gettext("记在哪位裁判名下"), coerce=int)
    file = FileField(
        lazy_gettext("成绩单文件（.xlsx 或 .csv）"),
        validators=[FileRequired(lazy_gettext("请选择要上传的文件"))],
    )


def _form(event: Event, fresh: bool = False) -> MarksUploadForm:
    """The upload form with the event's choices; `fresh` ignores what was posted."""
    form = MarksUploadForm(formdata=None) if fresh else MarksUploadForm()
    form.round_kind.choices = [(r.kind, round_label(r.kind)) for r in event.rounds]
    form.component.choices = [(c.key, c.name) for c in event.components]
    form.judge.choices = [(a.user_id, _judge_label(a)) for a in marks_import.markers(event)]
    if fresh or request.method == "GET":
        keys = [c.key for c in event.components]
        form.component.data = "theory" if "theory" in keys else (keys[0] if keys else None)
        if form.judge.choices:
            form.judge.data = form.judge.choices[0][0]
        open_rounds = [r.kind for r in event.rounds if not r.published]
        form.round_kind.data = open_rounds[0] if open_rounds else PRELIMINARY
    return form


def _judge_label(assignment: object) -> str:
    user = assignment.user  # type: ignore[attr-defined]
    name = user.display_name + paren(user.username) if user.display_name else user.username
    if assignment.is_chief:  # type: ignore[attr-defined]
        name = _("%(name)s · 裁判长", name=name)
    if assignment.unit_id is not None:  # type: ignore[attr-defined]
        name = _("%(name)s · 单位初赛组委会", name=name)
    return name


def _choice() -> tuple[str, str, int]:
    """The round, component and judge the preview was made for (from either form)."""
    form = request.form
    try:
        judge = int(form.get("judge", ""))
    except ValueError:
        judge = 0
    return form.get("round_kind", ""), form.get("component", ""), judge


def _preview(event: Event, data: bytes, filename: str) -> marks_import.MarksPreview:
    round_kind, component, judge = _choice()
    return marks_import.preview(event, round_kind, component, judge, data, filename)


def _judge_of(event: Event, checked: marks_import.MarksPreview) -> dict[str, str]:
    judge = next((a for a in marks_import.markers(event) if a.user_id == checked.judge_id), None)
    return {"judge_label": _judge_label(judge) if judge else ""}


def _done(
    event: Event, checked: marks_import.MarksPreview, stored: marks_import.MarksStored
) -> ResponseReturnValue:
    flash(
        _(
            "已导入 %(marks)d 个成绩、%(absences)d 名缺考或弃权；%(blanks)d 行无成绩。",
            marks=stored.marks,
            absences=stored.absences,
            blanks=stored.blanks,
        ),
        "success",
    )
    kind = checked.round_kind if checked.round_kind in (PRELIMINARY, FINAL) else PRELIMINARY
    return redirect(url_for("web.console_ranking", event_id=event.id, kind=kind))


PAGE = ImportPage(
    endpoint="web.console_import_marks",
    stash=UploadStash(session_key="mark_imports", suffix=".marks-upload", owner="event_id"),
    upload_template="contest/console/import_marks.html",
    preview_template="contest/console/import_marks_preview.html",
    form=_form,
    preview=_preview,
    store=marks_import.store,
    done=_done,
    preview_context=_judge_of,
    form_refusals=True,
    job=jobs_imports.start_marks,  # a sheet of thousands: stored by a worker
)


@bp.route("/console/events/<int:event_id>/marks/import", methods=["GET", "POST"])
@organiser_page
def console_import_marks(event_id: int) -> ResponseReturnValue:
    return PAGE.upload(event_or_404(event_id))


@bp.post("/console/events/<int:event_id>/marks/import/confirm")
@organiser_page
def console_import_marks_confirm(event_id: int) -> ResponseReturnValue:
    return PAGE.confirm(event_or_404(event_id))


@bp.get("/console/events/<int:event_id>/marks/template.xlsx")
@organiser_page
def console_import_marks_template(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    sheet = Sheet(
        title=_("成绩单"),
        header=marks_import.template_header(),
        rows=marks_import.template_rows(),
        widths=(12, 22, 12, 12),
    )
    return xlsx_download(sheet, f"event-{event.id}-marks.xlsx")
