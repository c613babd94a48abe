"""The organiser console for award programmes (/console/awards): programmes, their rules
(levels with quota and grant, criteria with the 七有 in one click), the base-level unions with
their accounts, the panel, and every nominated station.

Every form goes through the API's input schema (competition.awards.schemas) and then the
service the API calls, so a page accepts what the API accepts and refuses with the same
messages; access is the organiser rule, applied by `organiser_page`.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
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
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from competition.awards import nominations, schemas
from competition.awards import programmes as service
from competition.core import clock, normalise
from competition.core import users as user_service
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _, lazy_gettext
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
from competition.models import AwardProgramme, AwardUnit, ProgrammeExpert, Role, Station

LEVEL_ROWS = 3
CRITERION_ROWS = 8


def fix_marked() -> str:
    return _("请改正标出的问题；没有保存任何内容。")


def _render(
    template: str, programme: AwardProgramme | None = None, **context: Any
) -> ResponseReturnValue:
    if programme is not None:
        context = {
            "programme": programme,
            "reviewing": service.reviewing_started(programme),
            "deadline": nominations.deadline_text(programme),
            "open": nominations.is_open(programme),
            **context,
        }
    return render_template(f"awards/{template}", **context), form_status()


def _local_input(programme: AwardProgramme) -> str:
    """The deadline as a datetime-local input shows it."""
    if programme.nomination_deadline is None:
        return ""
    return programme.nomination_deadline.astimezone(clock.local_zone()).strftime("%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------- programmes
class ProgrammeForm(FlaskForm):
    name = StringField(
        lazy_gettext("评选活动名称"),
        validators=[DataRequired(lazy_gettext("请填写评选活动名称")), Length(max=200)],
    )
    year = StringField(lazy_gettext("年度"), validators=[Optional(), Length(max=4)])
    host = StringField(lazy_gettext("主办单位"), validators=[Optional(), Length(max=200)])
    nomination_deadline = StringField(
        lazy_gettext("推荐截止时间"), validators=[Optional(), Length(max=30)]
    )
    notice_days = StringField(
        lazy_gettext("公示期（工作日）"), validators=[Optional(), Length(max=3)]
    )


def _programme_body(form: ProgrammeForm) -> dict[str, Any]:
    year = (form.year.data or "").strip()
    days = (form.notice_days.data or "").strip()
    deadline = (form.nomination_deadline.data or "").strip().replace(" ", "T")
    return {
        "name": form.name.data or "",
        "year": int(year) if year.isdigit() else (year or None),
        "host": form.host.data or "",
        "nomination_deadline": deadline or None,
        "notice_days": int(days) if days.isdigit() else (days or 5),
    }


@bp.route("/console/awards", methods=["GET", "POST"])
@organiser_page
def console_award_programmes() -> ResponseReturnValue:
    form = ProgrammeForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            data = load(schemas.ProgrammeIn(), _programme_body(form))
            programme = service.create_programme(**data, actor=current_organiser())
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error, headline=fix_marked())
        else:
            flash(
                _("评选活动已创建。下一步：设置等级与评审标准，登记基层工会，组建专家组。"),
                "success",
            )
            return redirect(url_for("web.console_award_rules", programme_id=programme.id))
    elif request.method == "POST":
        errors = [fix_marked()]
    programmes = db.session.scalars(select(AwardProgramme).order_by(AwardProgramme.id.desc())).all()
    counts = {
        p.id: (
            len(p.units),
            db.session.scalar(
                select(db.func.count(Station.id)).where(Station.programme_id == p.id)
            ),
        )
        for p in programmes
    }
    return _render(
        "console_programmes.html", programmes=programmes, counts=counts, form=form, errors=errors
    )


@bp.route("/console/awards/<int:programme_id>", methods=["GET", "POST"])
@organiser_page
def console_award_programme(programme_id: int) -> ResponseReturnValue:
    """The programme at a glance (units, stations submitted, the panel) and its settings."""
    programme = service.get_programme(programme_id)
    form = ProgrammeForm()
    errors: list[str] = []
    if request.method == "GET":
        form.name.data, form.host.data = programme.name, programme.host
        form.year.data = str(programme.year or "")
        form.nomination_deadline.data = _local_input(programme)
        form.notice_days.data = str(programme.notice_days)
    elif form.validate_on_submit():
        try:
            data = load(schemas.ProgrammePatch(), _programme_body(form))
            service.update_programme(programme, data, current_organiser())
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error, headline=fix_marked())
            programme = service.get_programme(programme_id)
        else:
            flash(_("评选活动设置已保存。"), "success")
            return redirect(url_for("web.console_award_programme", programme_id=programme.id))
    else:
        errors = [fix_marked()]
    found = nominations.stations(programme)
    return _render(
        "console_programme.html",
        programme,
        form=form,
        errors=errors,
        stations=found,
        submitted=sum(1 for s in found if s.submitted_at is not None),
        panel=service.panel(programme),
    )


# ---------------------------------------------------------------- rules: levels and criteria
class LevelRow(Form):
    key = StringField(lazy_gettext("代码"), validators=[Optional(), Length(max=32)])
    name = StringField(lazy_gettext("等级名称"), validators=[Optional(), Length(max=200)])
    quota = StringField(lazy_gettext("名额"), validators=[Optional(), Length(max=6)])
    grant_amount = StringField(
        lazy_gettext("每个站点奖补资金（元）"), validators=[Optional(), Length(max=15)]
    )

    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip() for f in (self.key, self.name, self.quota, self.grant_amount)
        )


class LevelsForm(FlaskForm):
    levels = FieldList(FormField(LevelRow), min_entries=LEVEL_ROWS, max_entries=10)


class CriterionRow(Form):
    key = StringField(lazy_gettext("代码"), validators=[Optional(), Length(max=32)])
    name = StringField(lazy_gettext("标准名称"), validators=[Optional(), Length(max=100)])
    kind = SelectField(
        lazy_gettext("评审方式"),
        choices=[
            SelectChoice("points", lazy_gettext("按分值")),
            SelectChoice("pass_fail", lazy_gettext("合格/不合格")),
        ],
    )
    max_points = StringField(lazy_gettext("满分"), validators=[Optional(), Length(max=10)])
    description = TextAreaField(lazy_gettext("说明"), validators=[Optional(), Length(max=4000)])
    preferred = TextAreaField(lazy_gettext("优先条件"), validators=[Optional(), Length(max=4000)])

    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip() for f in (self.key, self.name, self.max_points, self.description)
        )


class CriteriaForm(FlaskForm):
    criteria = FieldList(FormField(CriterionRow), min_entries=CRITERION_ROWS, max_entries=30)


class ReferenceForm(FlaskForm):
    pass


def _fill_levels(form: LevelsForm, programme: AwardProgramme) -> None:
    rows = [(lv.key, lv.name, str(lv.quota), str(lv.grant_amount)) for lv in programme.levels]
    while len(form.levels) < max(LEVEL_ROWS, len(rows) + 1):
        form.levels.append_entry()
    for index, row in enumerate(form.levels):
        values = rows[index] if index < len(rows) else ("", "", "", "")
        sub = row.form
        sub.key.data, sub.name.data, sub.quota.data, sub.grant_amount.data = values


def _fill_criteria(form: CriteriaForm, programme: AwardProgramme) -> None:
    rows = [
        (
            c.key,
            c.name,
            c.kind,
            str(c.max_points) if c.max_points is not None else "",
            c.description,
            c.preferred,
        )
        for c in programme.criteria
    ]
    while len(form.criteria) < max(CRITERION_ROWS, len(rows) + 1):
        form.criteria.append_entry()
    for index, row in enumerate(form.criteria):
        values = rows[index] if index < len(rows) else ("", "", "points", "", "", "")
        sub = row.form
        (sub.key.data, sub.name.data, sub.kind.data, sub.max_points.data, sub.description.data,
         sub.preferred.data) = values  # fmt: skip


def _rules_page(
    programme: AwardProgramme,
    levels_form: LevelsForm,
    criteria_form: CriteriaForm,
    level_errors: list[str],
    criteria_errors: list[str],
) -> ResponseReturnValue:
    return _render(
        "console_rules.html",
        programme,
        levels_form=levels_form,
        criteria_form=criteria_form,
        reference_form=ReferenceForm(prefix="reference"),
        level_errors=level_errors,
        criteria_errors=criteria_errors,
        seven=service.SEVEN,
    )


@bp.get("/console/awards/<int:programme_id>/rules")
@organiser_page
def console_award_rules(programme_id: int) -> ResponseReturnValue:
    programme = service.get_programme(programme_id)
    levels_form, criteria_form = LevelsForm(prefix="levels"), CriteriaForm(prefix="criteria")
    _fill_levels(levels_form, programme)
    _fill_criteria(criteria_form, programme)
    return _rules_page(programme, levels_form, criteria_form, [], [])


def _whole(value: str | None) -> int | str | None:
    """A typed whole number as one (full-width digits too), else as typed for the schema to
    refuse in its words."""
    text = normalise.decimal_text(value or "")
    return int(text) if re.fullmatch(r"-?[0-9]{1,9}", text) else (text or None)


def _rest(fields: dict[str, list[str]], headline: list[str]) -> list[str]:
    return [*headline, *(f"{name}：{m}" for name, ms in fields.items() for m in ms)]


@bp.post("/console/awards/<int:programme_id>/rules/levels")
@organiser_page
def console_award_levels(programme_id: int) -> ResponseReturnValue:
    programme = service.get_programme(programme_id)
    form = LevelsForm(prefix="levels")
    criteria_form = CriteriaForm(prefix="criteria")
    _fill_criteria(criteria_form, programme)
    errors: list[str] = []
    if form.validate_on_submit():
        rows = [row.form for row in form.levels if not row.form.is_blank()]
        body = {
            "levels": [
                {
                    "key": (r.key.data or "").strip(),
                    "name": r.name.data or "",
                    "quota": _whole(r.quota.data),
                    "grant_amount": (r.grant_amount.data or "").strip() or None,
                }
                for r in rows
            ]
        }
        try:
            data = load(schemas.AwardLevelsIn(), body)
            specs = [service.LevelSpec(**level) for level in data["levels"]]
            service.set_levels(programme, specs, current_organiser())
            db.session.commit()
        except AppError as error:
            headline, fields = refusal_messages(error, _("等级设置未保存，请改正标出的问题。"))
            errors = _rest(fields, headline)
            programme = service.get_programme(programme_id)
        else:
            flash(_("等级已保存。"), "success")
            return redirect(url_for("web.console_award_rules", programme_id=programme.id))
    else:
        errors = [fix_marked()]
    return _rules_page(programme, form, criteria_form, errors, [])


@bp.post("/console/awards/<int:programme_id>/rules/criteria")
@organiser_page
def console_award_criteria(programme_id: int) -> ResponseReturnValue:
    programme = service.get_programme(programme_id)
    form = CriteriaForm(prefix="criteria")
    levels_form = LevelsForm(prefix="levels")
    _fill_levels(levels_form, programme)
    errors: list[str] = []
    if form.validate_on_submit():
        rows = [row.form for row in form.criteria if not row.form.is_blank()]
        body = {
            "criteria": [
                {
                    "key": (r.key.data or "").strip() or f"c{n}",
                    "name": r.name.data or "",
                    "kind": r.kind.data or "points",
                    "max_points": (r.max_points.data or "").strip() or None,
                    "description": r.description.data or "",
                    "preferred": r.preferred.data or "",
                }
                for n, r in enumerate(rows, 1)
            ]
        }
        try:
            data = load(schemas.AwardCriteriaIn(), body)
            specs = [service.CriterionSpec(**c) for c in data["criteria"]]
            service.set_criteria(programme, specs, current_organiser())
            db.session.commit()
        except AppError as error:
            headline, fields = refusal_messages(error, _("评审标准未保存，请改正标出的问题。"))
            errors = _rest(fields, headline)
            programme = service.get_programme(programme_id)
        else:
            flash(_("评审标准已保存。"), "success")
            return redirect(
                url_for("web.console_award_rules", programme_id=programme.id) + "#criteria"
            )
    else:
        errors = [fix_marked()]
    return _rules_page(programme, levels_form, form, [], errors)


@bp.post("/console/awards/<int:programme_id>/rules/reference")
@organiser_page
def console_award_reference(programme_id: int) -> ResponseReturnValue:
    """The 七有 in one click."""
    programme = service.get_programme(programme_id)
    form = ReferenceForm(prefix="reference")
    if form.validate_on_submit():
        try:
            service.use_reference_criteria(programme, current_organiser())
            db.session.commit()
        except AppError as error:
            flash(_(error.message), "error")
            db.session.rollback()
        else:
            flash(_("已采用“七有”评审标准，可在下面调整分值和说明。"), "success")
    return redirect(url_for("web.console_award_rules", programme_id=programme_id) + "#criteria")


# ---------------------------------------------------------------- base-level unions
class UnitForm(FlaskForm):
    name = StringField(
        lazy_gettext("基层工会名称"),
        validators=[DataRequired(lazy_gettext("请填写基层工会名称")), Length(max=200)],
    )
    user_id = SelectField(lazy_gettext("关联已有的基层工会账号"), coerce=int, validate_choice=False)
    username = StringField(
        lazy_gettext("或新建账号：登录名"), validators=[Optional(), Length(max=64)]
    )
    password = PasswordField(
        lazy_gettext("初始密码（至少 8 位）"), validators=[Optional(), Length(max=256)]
    )


def _unit_form(programme: AwardProgramme) -> UnitForm:
    form = UnitForm()
    linked = select(AwardUnit.user_id).where(
        AwardUnit.programme_id == programme.id, AwardUnit.user_id.is_not(None)
    )
    form.user_id.choices = [
        SelectChoice(0, _("暂不关联账号")),
        *free_accounts(Role.UNION, linked),
    ]
    return form


@bp.route("/console/awards/<int:programme_id>/units", methods=["GET", "POST"])
@organiser_page
def console_award_units(programme_id: int) -> ResponseReturnValue:
    programme = service.get_programme(programme_id)
    form = _unit_form(programme)
    errors: list[str] = []
    if form.validate_on_submit():
        username = (form.username.data or "").strip()
        try:
            if username and form.user_id.data:
                choose = _("请在“关联已有的基层工会账号”和“新建账号”中选择一项")
                raise Invalid(choose, {"username": [choose]})
            data = load(
                schemas.AwardUnitIn(),
                {"name": form.name.data or "", "user_id": form.user_id.data or None},
            )
            if username:
                account = user_service.create_user(
                    username, form.password.data or "", Role.UNION.value, data["name"]
                )
                data["user_id"] = account.id
            unit = service.add_unit(programme, data["name"], data["user_id"], current_organiser())
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error, headline=fix_marked())
        else:
            flash(_("已登记基层工会 %(name)s。", name=unit.name), "success")
            return redirect(url_for("web.console_award_units", programme_id=programme.id))
    found = nominations.stations(programme)
    per_unit: dict[int, list[Station]] = {}
    for station in found:
        per_unit.setdefault(station.unit_id, []).append(station)
    return _render(
        "console_units.html", programme, form=form, errors=errors,
        units=service.units(programme), per_unit=per_unit,
    )  # fmt: skip


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
    unit_id = SelectField(
        lazy_gettext("所在基层工会（回避本单位站点）"), coerce=int, validate_choice=False
    )
    lead = BooleanField(lazy_gettext("专家组组长"))


class SeatExpertForm(FlaskForm):
    user_id = SelectField(lazy_gettext("已有的评审专家账号"), coerce=int, validate_choice=False)
    unit_id = SelectField(
        lazy_gettext("所在基层工会（回避本单位站点）"), coerce=int, validate_choice=False
    )
    lead = BooleanField(lazy_gettext("专家组组长"))


class LeadForm(FlaskForm):
    user_id = HiddenField()


def _panel_forms(programme: AwardProgramme) -> tuple[NewExpertForm, SeatExpertForm]:
    units = [
        SelectChoice(0, _("不属于任何参评单位")),
        *(SelectChoice(u.id, u.name) for u in service.units(programme)),
    ]
    new_form, seat_form = NewExpertForm(prefix="new"), SeatExpertForm(prefix="seat")
    new_form.unit_id.choices = units
    seat_form.unit_id.choices = units
    seated = select(ProgrammeExpert.user_id).where(ProgrammeExpert.programme_id == programme.id)
    seat_form.user_id.choices = free_accounts(Role.EXPERT, seated)
    return new_form, seat_form


def _panel_page(
    programme: AwardProgramme, new_form: NewExpertForm, seat_form: SeatExpertForm, errors: list[str]
) -> ResponseReturnValue:
    return _render(
        "console_panel.html", programme, seats=service.panel(programme), new_form=new_form,
        seat_form=seat_form, lead_form=LeadForm(prefix="lead"), errors=errors,
    )  # fmt: skip


@bp.route("/console/awards/<int:programme_id>/experts", methods=["GET", "POST"])
@organiser_page
def console_award_experts(programme_id: int) -> ResponseReturnValue:
    programme = service.get_programme(programme_id)
    new_form, seat_form = _panel_forms(programme)
    errors: list[str] = []
    if request.method == "POST" and new_form.validate_on_submit():
        user, errors = create_and_seat(
            new_form,
            Role.EXPERT.value,
            lambda account: service.add_expert(
                programme,
                account.id,
                current_organiser(),
                unit_id=new_form.unit_id.data or None,
                lead=new_form.lead.data,
            ),
            headline=fix_marked(),
        )
        if user is not None:
            flash(_("已创建评审专家 %(name)s 并加入专家组。", name=user.display_name), "success")
            return redirect(url_for("web.console_award_experts", programme_id=programme.id))
    return _panel_page(programme, new_form, seat_form, errors)


@bp.post("/console/awards/<int:programme_id>/experts/seat")
@organiser_page
def console_award_seat_expert(programme_id: int) -> ResponseReturnValue:
    programme = service.get_programme(programme_id)
    new_form, seat_form = _panel_forms(programme)
    errors: list[str] = []
    if seat_form.validate_on_submit():
        errors = seat_account(
            seat_form,
            lambda: service.add_expert(
                programme,
                seat_form.user_id.data,
                current_organiser(),
                unit_id=seat_form.unit_id.data or None,
                lead=seat_form.lead.data,
            ),
            headline=fix_marked(),
        )
        if not errors:
            flash(_("评审专家已加入专家组。"), "success")
            return redirect(url_for("web.console_award_experts", programme_id=programme.id))
    return _panel_page(programme, new_form, seat_form, errors)


@bp.post("/console/awards/<int:programme_id>/experts/lead")
@organiser_page
def console_award_lead(programme_id: int) -> ResponseReturnValue:
    programme = service.get_programme(programme_id)
    form = LeadForm(prefix="lead")
    new_form, seat_form = _panel_forms(programme)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            user_id = int(form.user_id.data) if (form.user_id.data or "").isdigit() else 0
            seat = service.set_lead(programme, user_id, current_organiser())
            db.session.commit()
        except AppError as error:
            errors = show_refusal(None, error, headline=fix_marked())
        else:
            name = seat.user.display_name or seat.user.username
            flash(_("%(name)s 已任专家组组长。", name=name), "success")
            return redirect(url_for("web.console_award_experts", programme_id=programme.id))
    return _panel_page(programme, new_form, seat_form, errors)
