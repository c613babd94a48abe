"""The organiser console for craftsman training classes (/console/cohorts): cohorts, their
rubric and bands, trainees (one by one or from Excel), the expert panel, the cohort table,
each trainee's full file and the results workbook.

Every form goes through the API's own input schema (competition.reviews.schemas) and then
the service the API calls (competition.reviews.services, craftsman_excel), so a page accepts
exactly what the API accepts and refuses with the same messages; access is the organiser rule
of competition.core.roles, applied by competition.http.pages.organiser_page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from competition.core import users as user_service
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _, lazy_gettext
from competition.core.spreadsheets import Sheet, write_xlsx
from competition.extensions import db
from competition.http.accounts import create_and_seat, free_accounts, seat_account
from competition.http.blueprints import web as bp
from competition.http.loading import load
from competition.http.pages import (
    current_organiser,
    form_status,
    organiser_page,
    refusal_messages,
    show_refusal,
)
from competition.http.responses import download_response
from competition.http.upload_stash import UploadStash
from competition.models import Cohort, CohortExpert, Role, Trainee, User
from competition.reviews import downloads, excel, policy, schemas
from competition.reviews import jobs as review_jobs
from competition.reviews import services as service
from competition.reviews.web.common import fix_marked, person_name, signed_line
from competition.scoring.review import MAX_RUBRIC_ITEMS
from competition.scoring.values import plain

RUBRIC_ROWS = 6
BAND_ROWS = 4


def _cohort(cohort_id: int) -> Cohort:
    return service.get_cohort(cohort_id)


def _status(cohort: Cohort) -> dict[str, Any]:
    """What every cohort page shows in its header: signed or not, rules open or fixed."""
    reviewed = service.has_reviews(cohort)
    return {
        "signed_line": signed_line(cohort),
        "rules_open": not cohort.locked and not reviewed,
        "reviewed": reviewed,
    }


def _render(template: str, cohort: Cohort | None = None, **context: Any) -> ResponseReturnValue:
    if cohort is not None:
        context = {"cohort": cohort, **_status(cohort), **context}
    return render_template(f"reviews/{template}", **context), form_status()


# ---------------------------------------------------------------- cohorts
class CohortForm(FlaskForm):
    name = StringField(
        lazy_gettext("研修班名称"),
        validators=[DataRequired(lazy_gettext("请填写研修班名称")), Length(max=200)],
    )
    year = StringField(lazy_gettext("年度"), validators=[Optional()])  # the schema checks it
    host = StringField(lazy_gettext("主办单位"), validators=[Optional(), Length(max=200)])


@bp.route("/console/cohorts", methods=["GET", "POST"])
@organiser_page
def console_cohorts() -> ResponseReturnValue:
    form = CohortForm()
    errors: list[str] = []
    if form.validate_on_submit():
        year = (form.year.data or "").strip()
        body = {
            "name": form.name.data.strip(),
            "year": int(year) if year.isdigit() else (year or None),
            "host": (form.host.data or "").strip(),
        }
        try:
            cohort = service.create_cohort(**load(schemas.CohortIn(), body))
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error, headline=fix_marked())
        else:
            flash(_("研修班已创建。下一步：设置评分细则，登记学员，组建专家组。"), "success")
            return redirect(url_for("web.console_cohort", cohort_id=cohort.id))
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.id.desc())).all()
    counts = {
        c.id: (len(c.trainees), len(c.experts)) for c in cohorts
    }  # a handful of classes a year: no need for a grouped count
    return _render("cohorts.html", cohorts=cohorts, counts=counts, form=form, errors=errors)


@bp.get("/console/cohorts/<int:cohort_id>")
@organiser_page
def console_cohort(cohort_id: int) -> ResponseReturnValue:
    """The cohort table: rank, trainee, unit, honours, reviews of the panel, score, band and
    recommendation, from the service's ranking; unreviewed trainees listed apart."""
    cohort = _cohort(cohort_id)
    results = service.cohort_results(cohort)
    seats = service.panel(cohort)
    return _render(
        "cohort.html",
        cohort,
        results=results,
        panel_size=len(seats),
        lead=next((s for s in seats if s.is_lead), None),
        rubric=cohort.rubric_items,
        jobs=review_jobs.recent_jobs(cohort),
    )


# ---------------------------------------------------------------- rubric and bands
class RubricRow(Form):
    key = StringField(lazy_gettext("代码"), validators=[Optional(), Length(max=32)])
    name = StringField(lazy_gettext("评分项"), validators=[Optional(), Length(max=100)])
    weight = StringField(lazy_gettext("权重（%）"), validators=[Optional(), Length(max=20)])

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.key, self.name, self.weight))


class RubricForm(FlaskForm):
    items = FieldList(FormField(RubricRow), min_entries=RUBRIC_ROWS, max_entries=MAX_RUBRIC_ITEMS)


class BandRow(Form):
    key = StringField(lazy_gettext("代码"), validators=[Optional(), Length(max=32)])
    label = StringField(lazy_gettext("名称"), validators=[Optional(), Length(max=20)])
    minimum = StringField(lazy_gettext("最低分"), validators=[Optional(), Length(max=20)])

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.key, self.label, self.minimum))


class BandsForm(FlaskForm):
    bands = FieldList(FormField(BandRow), min_entries=BAND_ROWS, max_entries=10)
    appointment_band = SelectField(lazy_gettext("推荐聘任的最低等次"), validate_choice=False)


def _fill_rubric(form: RubricForm, cohort: Cohort) -> None:
    rows = [(i.key, i.name, plain(i.weight)) for i in cohort.rubric_items]
    while len(form.items) < max(RUBRIC_ROWS, len(rows) + 2):
        form.items.append_entry()
    for index, row in enumerate(form.items):
        key, name, weight = rows[index] if index < len(rows) else ("", "", "")
        row.form.key.data, row.form.name.data, row.form.weight.data = key, name, weight


def _fill_bands(form: BandsForm, cohort: Cohort) -> None:
    rows = [(b["key"], b.get("label", ""), plain(Decimal(b["minimum"]))) for b in cohort.bands]
    while len(form.bands) < max(BAND_ROWS, len(rows) + 1):
        form.bands.append_entry()
    for index, row in enumerate(form.bands):
        key, label, minimum = rows[index] if index < len(rows) else ("", "", "")
        row.form.key.data, row.form.label.data, row.form.minimum.data = key, label, minimum
    form.appointment_band.data = cohort.appointment_band


def _band_choices(form: BandsForm, cohort: Cohort) -> None:
    """The bands to recommend from: those stored and those typed in the form."""
    labels = service.band_labels(cohort)
    keys: dict[str, str] = {}
    for row in form.bands:
        key = (row.form.key.data or "").strip()
        if key:
            keys[key] = (row.form.label.data or "").strip() or labels.get(key, key)
    for band in cohort.bands:
        keys.setdefault(band["key"], labels.get(band["key"], band["key"]))
    form.appointment_band.choices = [
        SelectChoice(key, _("%(label)s 及以上", label=_(label))) for key, label in keys.items()
    ]


def _row_errors(
    form_rows: Any,
    used: Sequence[int],
    fields: dict[str, list[str]],
    prefix: str,
    by_key: dict[str, int],
) -> dict[str, list[str]]:
    """Put `items.2.weight` (the 3rd non-blank row) or `items.content` (the row with that key)
    on the row's field; return what is about the whole table."""
    rest: dict[str, list[str]] = {}
    pattern = re.compile(rf"^{prefix}\.([^.]+)(?:\.(\w+))?$")
    for name, messages in fields.items():
        found = pattern.match(name)
        row_index: int | None = None
        field_name = None
        if found:
            where, field_name = found.group(1), found.group(2)
            if where.isdigit() and int(where) < len(used):
                row_index = used[int(where)]
            elif where in by_key:
                row_index = by_key[where]
                field_name = field_name or "key"
        if row_index is None:
            rest.setdefault(name, []).extend(messages)
            continue
        row = form_rows[row_index].form
        target = getattr(row, field_name or "", None) or row.key
        target.errors = [*list(target.errors), *messages]
    return rest


@bp.route("/console/cohorts/<int:cohort_id>/rules", methods=["GET"])
@organiser_page
def console_cohort_rules(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    rubric_form, bands_form = RubricForm(prefix="rubric"), BandsForm(prefix="bands")
    _fill_rubric(rubric_form, cohort)
    _fill_bands(bands_form, cohort)
    _band_choices(bands_form, cohort)
    return _rules_page(cohort, rubric_form, bands_form, [], [])


def _rules_page(
    cohort: Cohort,
    rubric_form: RubricForm,
    bands_form: BandsForm,
    rubric_errors: list[str],
    band_errors: list[str],
) -> ResponseReturnValue:
    return _render(
        "rules.html",
        cohort,
        rubric_form=rubric_form,
        bands_form=bands_form,
        rubric_errors=rubric_errors,
        band_errors=band_errors,
        labels=service.band_labels(cohort),
    )


@bp.post("/console/cohorts/<int:cohort_id>/rules/rubric")
@organiser_page
def console_cohort_rubric(cohort_id: int) -> ResponseReturnValue:
    """Set (or, with every row blank, remove) the rubric; a blank code becomes item1, item2…"""
    cohort = _cohort(cohort_id)
    form = RubricForm(prefix="rubric")
    bands_form = BandsForm(prefix="bands")
    _fill_bands(bands_form, cohort)
    _band_choices(bands_form, cohort)
    errors: list[str] = []
    if form.validate_on_submit():
        used = [i for i, row in enumerate(form.items) if not row.form.is_blank()]
        body = {
            "items": [
                {
                    "key": (form.items[i].form.key.data or "").strip() or f"item{n}",
                    "name": (form.items[i].form.name.data or "").strip(),
                    "weight": (form.items[i].form.weight.data or "").strip(),
                }
                for n, i in enumerate(used, 1)
            ]
        }
        by_key = {item["key"]: i for item, i in zip(body["items"], used, strict=True)}
        try:
            data = load(schemas.RubricIn(), body)
            items = [service.RubricItemSpec(**item) for item in data["items"]]
            service.set_rubric(cohort, items, current_organiser())
            db.session.commit()
        except AppError as error:
            headline, fields = refusal_messages(error, _("评分细则未保存，请改正标出的问题。"))
            rest = _row_errors(form.items, used, fields, "items", by_key)
            errors = [*headline, *(m for ms in rest.values() for m in ms if m not in headline)]
            cohort = _cohort(cohort_id)
        else:
            if items:
                message = _("评分细则已保存：专家按 %(count)d 项逐项评分。", count=len(items))
                flash(message, "success")
            else:
                flash(_("已取消评分细则：专家直接给出总分。"), "success")
            return redirect(url_for("web.console_cohort_rules", cohort_id=cohort.id))
    else:
        errors = [_("请检查填写的内容")]
    while len(form.items) < RUBRIC_ROWS:
        form.items.append_entry()
    return _rules_page(cohort, form, bands_form, errors, [])


@bp.post("/console/cohorts/<int:cohort_id>/rules/bands")
@organiser_page
def console_cohort_bands(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    form = BandsForm(prefix="bands")
    _band_choices(form, cohort)
    rubric_form = RubricForm(prefix="rubric")
    _fill_rubric(rubric_form, cohort)
    errors: list[str] = []
    if form.validate_on_submit():
        used = [i for i, row in enumerate(form.bands) if not row.form.is_blank()]
        body = {
            "bands": [
                {
                    "key": (form.bands[i].form.key.data or "").strip(),
                    "label": (form.bands[i].form.label.data or "").strip(),
                    "minimum": (form.bands[i].form.minimum.data or "").strip(),
                }
                for i in used
            ],
            "appointment_band": form.appointment_band.data or "",
        }
        by_key = {band["key"]: i for band, i in zip(body["bands"], used, strict=True)}
        try:
            data = load(schemas.BandsIn(), body)
            bands = [service.BandSpec(**band) for band in data["bands"]]
            service.set_bands(cohort, bands, data["appointment_band"], current_organiser())
            db.session.commit()
        except AppError as error:
            headline, fields = refusal_messages(error, _("等次设置未保存，请改正标出的问题。"))
            rest = _row_errors(form.bands, used, fields, "bands", by_key)
            appointment = rest.pop("appointment_band", [])
            form.appointment_band.errors = appointment
            errors = [*headline, *(m for ms in rest.values() for m in ms if m not in headline)]
            cohort = _cohort(cohort_id)
        else:
            flash(_("等次设置已保存。"), "success")
            return redirect(url_for("web.console_cohort_rules", cohort_id=cohort.id) + "#bands")
    else:
        errors = [_("请检查填写的内容")]
    return _rules_page(cohort, rubric_form, form, [], errors)


# ---------------------------------------------------------------- trainees
class TraineeForm(FlaskForm):
    name = StringField(
        lazy_gettext("姓名"), validators=[DataRequired(lazy_gettext("请填写姓名")), Length(max=100)]
    )
    unit = StringField(
        lazy_gettext("工作单位"),
        validators=[DataRequired(lazy_gettext("请填写工作单位")), Length(max=200)],
    )
    title = StringField(lazy_gettext("荣誉称号（可选）"), validators=[Optional(), Length(max=200)])
    user_id = SelectField(lazy_gettext("关联已有的学员登录"), coerce=int, validate_choice=False)
    new_username = StringField(
        lazy_gettext("或新建登录：登录名"), validators=[Optional(), Length(max=64)]
    )
    new_password = PasswordField(
        lazy_gettext("初始密码（至少 8 位）"), validators=[Optional(), Length(max=256)]
    )


def _trainee_form(cohort: Cohort) -> TraineeForm:
    form = TraineeForm()
    linked = select(Trainee.user_id).where(
        Trainee.cohort_id == cohort.id, Trainee.user_id.is_not(None)
    )
    form.user_id.choices = [
        SelectChoice(0, _("不关联（学员没有自己的登录）")),
        *free_accounts(Role.TRAINEE, linked),
    ]
    return form


@bp.route("/console/cohorts/<int:cohort_id>/trainees", methods=["GET", "POST"])
@organiser_page
def console_cohort_trainees(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    form = _trainee_form(cohort)
    errors: list[str] = []
    if form.validate_on_submit():
        new_username = (form.new_username.data or "").strip()
        try:
            if new_username and form.user_id.data:
                choose = _("请在“关联已有的学员登录”和“新建登录”中选择一项")
                raise Invalid(choose, {"new_username": [choose]})
            user_id = form.user_id.data or None
            body = {
                "name": form.name.data,
                "unit": form.unit.data,
                "title": form.title.data or "",
                "user_id": user_id,
            }
            data = load(schemas.TraineeIn(), body)
            if new_username:
                # A refusal below rolls the new login back with everything else.
                user = user_service.create_user(
                    new_username, form.new_password.data or "", Role.TRAINEE, data["name"]
                )
                data["user_id"] = user.id
            trainee = service.add_trainee(cohort, **data)
            db.session.commit()
        except AppError as error:
            errors = show_refusal(
                form,
                error,
                {"username": "new_username", "password": "new_password", "user_id": "user_id"},
                fix_marked(),
            )
        else:
            flash(_("已登记学员 %(name)s。", name=trainee.name), "success")
            return redirect(url_for("web.console_cohort_trainees", cohort_id=cohort.id))
    people = service.trainees(cohort)
    logins = {
        u.id: u.username
        for u in db.session.scalars(
            select(User).where(User.id.in_([t.user_id for t in people if t.user_id]))
        )
    }
    return _render("trainees.html", cohort, form=form, errors=errors, people=people, logins=logins)


# ---------------------------------------------------------------- import from Excel
#: The file waits between the preview and the confirmation (`*.cohort-upload`).
STASH = UploadStash(session_key="cohort_imports", suffix=".cohort-upload", owner="cohort_id")


class UploadForm(FlaskForm):
    file = FileField(
        lazy_gettext("学员名单（.xlsx）"),
        validators=[FileRequired(lazy_gettext("请选择要上传的文件"))],
    )


def _import_page(cohort: Cohort, form: UploadForm, errors: list[str]) -> ResponseReturnValue:
    return _render(
        "import.html",
        cohort,
        form=form,
        errors=errors,
        limit_kb=excel.MAX_IMPORT_BYTES // 1024,
        columns=excel.COLUMN_NAMES,
    )


@bp.route("/console/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@organiser_page
def console_cohort_import(cohort_id: int) -> ResponseReturnValue:
    """Upload, then a preview of every row (every bad row and why) before anything is stored."""
    cohort = _cohort(cohort_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return _import_page(cohort, form, [])
    upload = form.file.data
    data = upload.read(excel.MAX_IMPORT_BYTES + 1)
    filename = os.path.basename(upload.filename or "upload.xlsx")
    try:
        preview = excel.preview_import(cohort, data)
    except AppError as error:
        return _import_page(cohort, form, show_refusal(None, error, headline=fix_marked()))
    token = STASH.put(cohort.id, data, filename) if preview.valid else ""
    return _preview_page(cohort, preview, token, filename)


def _preview_page(
    cohort: Cohort, preview: excel.ImportPreview, token: str, filename: str
) -> ResponseReturnValue:
    rows: list[dict[str, Any]] = [
        {"row": r.row, "name": r.name, "unit": r.unit, "title": r.title, "username": r.username}
        for r in preview.rows
    ]
    by_row: dict[int, list[excel.RowProblem]] = {}
    for problem in preview.problems:
        by_row.setdefault(problem.row, []).append(problem)
    body = render_template(
        "reviews/import_preview.html",
        cohort=cohort,
        **_status(cohort),
        preview=preview,
        rows=rows,
        problems=by_row,
        token=token,
        filename=filename,
        columns=excel.COLUMN_NAMES,
    )
    return Response(body, status=200 if preview.valid else 422)


@bp.post("/console/cohorts/<int:cohort_id>/import/confirm")
@organiser_page
def console_cohort_import_confirm(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    token = request.form.get("token", "")
    stashed = STASH.get(cohort.id, token)
    if stashed is None:
        flash(_("预览已过期，请重新上传文件。"), "error")
        return redirect(url_for("web.console_cohort_import", cohort_id=cohort.id))
    data, filename = stashed
    try:
        created = excel.import_trainees(cohort, data, current_organiser())
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        if error.status == 422:  # someone enrolled people meanwhile: show the new preview
            return _preview_page(cohort, excel.preview_import(cohort, data), token, filename)
        return _import_page(
            cohort, UploadForm(formdata=None), show_refusal(None, error, headline=fix_marked())
        )
    STASH.drop(token)
    flash(_("已导入 %(count)d 名学员。", count=len(created)), "success")
    return redirect(url_for("web.console_cohort_trainees", cohort_id=cohort.id))


@bp.get("/console/cohorts/<int:cohort_id>/import/template.xlsx")
@organiser_page
def console_cohort_import_template(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    sheet = Sheet(
        title="学员名单",
        header=[excel.COLUMN_NAMES[c] for c in ("name", "unit", "title", "username")],
        rows=[["张海峰", "市地铁运营有限公司车辆中心", "全国劳动模范", ""]],
        widths=(12, 36, 24, 14),
    )
    return Response(
        write_xlsx([sheet]),
        mimetype=excel.XLSX_MIME,
        headers={"Content-Disposition": f'attachment; filename="cohort-{cohort.id}-trainees.xlsx"'},
    )


# ---------------------------------------------------------------- the panel
class NewExpertForm(FlaskForm):
    username = StringField(
        lazy_gettext("登录名"),
        validators=[DataRequired(lazy_gettext("请填写登录名")), Length(max=64)],
    )
    display_name = StringField(
        lazy_gettext("姓名"), validators=[DataRequired(lazy_gettext("请填写姓名")), Length(max=100)]
    )
    password = PasswordField(
        lazy_gettext("初始密码（至少 8 位）"),
        validators=[DataRequired(lazy_gettext("请设置初始密码")), Length(max=256)],
    )
    lead = BooleanField(lazy_gettext("专家组组长（签署评审结果）"))


class SeatExpertForm(FlaskForm):
    user_id = SelectField(lazy_gettext("已有的评审专家账号"), coerce=int, validate_choice=False)
    lead = BooleanField(lazy_gettext("专家组组长（签署评审结果）"))


class LeadForm(FlaskForm):
    user_id = HiddenField()


def _panel_forms(cohort: Cohort) -> tuple[NewExpertForm, SeatExpertForm]:
    seated = select(CohortExpert.user_id).where(CohortExpert.cohort_id == cohort.id)
    seat_form = SeatExpertForm(prefix="seat")
    seat_form.user_id.choices = free_accounts(Role.EXPERT, seated)
    return NewExpertForm(prefix="new"), seat_form


def _panel_page(
    cohort: Cohort, new_form: NewExpertForm, seat_form: SeatExpertForm, errors: list[str]
) -> ResponseReturnValue:
    return _render(
        "panel.html",
        cohort,
        seats=service.panel(cohort),
        new_form=new_form,
        seat_form=seat_form,
        lead_form=LeadForm(prefix="lead"),
        errors=errors,
    )


@bp.route("/console/cohorts/<int:cohort_id>/experts", methods=["GET", "POST"])
@organiser_page
def console_cohort_experts(cohort_id: int) -> ResponseReturnValue:
    """Create an expert's account and seat them on the panel in one step."""
    cohort = _cohort(cohort_id)
    new_form, seat_form = _panel_forms(cohort)
    errors: list[str] = []
    if request.method == "POST" and new_form.validate_on_submit():
        user, errors = create_and_seat(
            new_form,
            Role.EXPERT,
            lambda account: service.add_expert(
                cohort, account.id, current_organiser(), lead=new_form.lead.data
            ),
            headline=fix_marked(),
        )
        if user is not None:
            flash(_("已创建评审专家 %(name)s 并加入专家组。", name=person_name(user)), "success")
            return redirect(url_for("web.console_cohort_experts", cohort_id=cohort.id))
    return _panel_page(cohort, new_form, seat_form, errors)


@bp.post("/console/cohorts/<int:cohort_id>/experts/seat")
@organiser_page
def console_cohort_seat_expert(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    new_form, seat_form = _panel_forms(cohort)
    errors: list[str] = []
    if seat_form.validate_on_submit():
        errors = seat_account(
            seat_form,
            lambda: service.add_expert(
                cohort, seat_form.user_id.data, current_organiser(), lead=seat_form.lead.data
            ),
            headline=fix_marked(),
        )
        if not errors:
            flash(_("评审专家已加入专家组。"), "success")
            return redirect(url_for("web.console_cohort_experts", cohort_id=cohort.id))
    return _panel_page(cohort, new_form, seat_form, errors)


@bp.post("/console/cohorts/<int:cohort_id>/experts/lead")
@organiser_page
def console_cohort_lead(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    form = LeadForm(prefix="lead")
    new_form, seat_form = _panel_forms(cohort)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            user_id = int(form.user_id.data) if (form.user_id.data or "").isdigit() else 0
            seat = service.set_lead(cohort, user_id, current_organiser())
            db.session.commit()
        except AppError as error:
            errors = show_refusal(None, error, headline=fix_marked())
        else:
            flash(_("%(name)s 已任专家组组长。", name=person_name(seat.user)), "success")
            return redirect(url_for("web.console_cohort_experts", cohort_id=cohort.id))
    return _panel_page(cohort, new_form, seat_form, errors)


# ---------------------------------------------------------------- the trainee's file, export
@bp.get("/console/cohorts/<int:cohort_id>/trainees/<int:trainee_id>")
@organiser_page
def console_trainee_file(cohort_id: int, trainee_id: int) -> ResponseReturnValue:
    """The trainee's full file for the organiser: every expert's score (and item scores) and
    both comments, with who wrote which."""
    cohort = _cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    user = current_organiser()
    policy.require_trainee_file(user, trainee)
    found = service.trainee_file(cohort, trainee)
    login = db.session.get(User, trainee.user_id) if trainee.user_id else None
    return _render(
        "file.html",
        cohort,
        file=found,
        trainee=trainee,
        login=login,
        sees_reviewers=policy.sees_reviewers(user),
        panel_size=len(service.panel(cohort)),
        rubric=cohort.rubric_items,
        person_name=person_name,
    )


@bp.get("/console/cohorts/<int:cohort_id>/results.xlsx")
@organiser_page
def console_cohort_results_xlsx(cohort_id: int) -> ResponseReturnValue:
    """The results workbook the API exports (`competition.reviews.downloads.results_xlsx`), for
    a click on the page."""
    cohort = _cohort(cohort_id)
    return download_response(downloads.results_xlsx(cohort, current_organiser()))
