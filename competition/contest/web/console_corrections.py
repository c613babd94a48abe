"""The organiser console, correcting what was registered wrong: a contestant's name, unit,
identity number or contest number, a contestant registered by mistake (更正选手), a unit's
name, two units that are one, an empty unit (单位更正).

The rules are `competition.contest.services.corrections`, the ones the API applies; the pages show
beforehand what can no longer be corrected and why, so that nobody fills in a form only to be
told that the results are published.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from competition.contest.services import contests as contest_service
from competition.contest.services import corrections
from competition.contest.services.corrections import KEEP, Keep
from competition.contest.web.console_common import contest_or_404, event_or_404
from competition.core.errors import AppError, NotFound
from competition.core.i18n import _, lazy_gettext
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, form_status, organiser_page, show_refusal
from competition.models import Certificate, Contest, Contestant, Event, JudgeAssignment, Unit

REASON_REQUIRED = lazy_gettext("请填写更正原因")
REASON_LENGTH = Length(max=corrections.MAX_REASON, message=lazy_gettext("原因最多 500 字"))


def _reason_field(label: Any) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(REASON_REQUIRED), REASON_LENGTH])


# ---------------------------------------------------------------- a contestant
class ContestantCorrectionForm(FlaskForm):
    name = StringField(
        lazy_gettext("姓名"),
        validators=[DataRequired(lazy_gettext("姓名不能为空")), Length(max=100)],
    )
    unit_id = SelectField(lazy_gettext("单位"), coerce=int)
    id_number = StringField(
        lazy_gettext("身份证号（不改请留空）"), validators=[Optional(), Length(max=40)]
    )
    clear_id_number = BooleanField(lazy_gettext("删除已登记的身份证号"))
    number = StringField(
        lazy_gettext("参赛号"),
        validators=[DataRequired(lazy_gettext("参赛号不能为空")), Length(max=32)],
    )
    reason = _reason_field(lazy_gettext("更正原因"))


class ContestantRemovalForm(FlaskForm):
    reason = _reason_field(lazy_gettext("删除原因"))


def _contestant_or_404(event: Event, contestant_id: int) -> Contestant:
    return contest_service.get_contestant(event, contestant_id)


def _correction_form(event: Event, contestant: Contestant) -> ContestantCorrectionForm:
    form = ContestantCorrectionForm(
        prefix="fix",
        data={"name": contestant.name, "unit_id": contestant.unit_id, "number": contestant.number},
    )
    form.unit_id.choices = [SelectChoice(u.id, u.name) for u in event.contest.units]
    return form


def _contestant_page(
    event: Event,
    contestant: Contestant,
    form: ContestantCorrectionForm,
    removal: ContestantRemovalForm,
    errors: list[str],
    removal_errors: list[str],
) -> ResponseReturnValue:
    certificates = db.session.scalars(
        select(Certificate)
        .where(
            Certificate.contestant_id == contestant.id,
            Certificate.superseded_at.is_(None),
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.id)
    ).all()
    return render_template(
        "contest/console/correct_contestant.html",
        event=event,
        contestant=contestant,
        form=form,
        removal=removal,
        errors=errors,
        removal_errors=removal_errors,
        limits=corrections.correction_limits(contestant),
        blockers=corrections.removal_blockers(contestant),
        published=[r for r in event.rounds if r.published],
        certificates=certificates,
    ), form_status()


@bp.route(
    "/console/events/<int:event_id>/contestants/<int:contestant_id>/correct",
    methods=["GET", "POST"],
)
@organiser_page
def console_correct_contestant(event_id: int, contestant_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    contestant = _contestant_or_404(event, contestant_id)
    form = _correction_form(event, contestant)
    errors: list[str] = []
    if form.validate_on_submit():
        if form.clear_id_number.data:
            id_number: str | Keep | None = None
        else:
            id_number = (form.id_number.data or "").strip() or KEEP
        try:
            done = corrections.correct_contestant(
                contestant,
                current_organiser(),
                form.reason.data,
                name=form.name.data,
                unit_id=form.unit_id.data,
                id_number=id_number,
                number=form.number.data,
            )
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error, {"_schema": ""})
            event = event_or_404(event_id)
            contestant = _contestant_or_404(event, contestant_id)
        else:
            if not done.changes:
                flash(_("填写的内容与登记的相同，没有更改。"), "info")
            else:
                flash(
                    _(
                        "已更正 %(number)s %(name)s 的登记信息。",
                        number=done.contestant.number,
                        name=done.contestant.name,
                    ),
                    "success",
                )
            _flash_reissue(done.reissue)
            return redirect(url_for("web.console_contestants", event_id=event.id))
    return _contestant_page(
        event, contestant, form, ContestantRemovalForm(prefix="remove"), errors, []
    )


@bp.post("/console/events/<int:event_id>/contestants/<int:contestant_id>/remove")
@organiser_page
def console_remove_contestant(event_id: int, contestant_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    contestant = _contestant_or_404(event, contestant_id)
    removal = ContestantRemovalForm(prefix="remove")
    errors: list[str] = []
    if removal.validate_on_submit():
        number, name = contestant.number, contestant.name
        try:
            corrections.remove_contestant(contestant, current_organiser(), removal.reason.data)
            db.session.commit()
        except AppError as error:
            errors = show_refusal(removal, error, _BLOCKER_FIELDS)
            event = event_or_404(event_id)
            contestant = _contestant_or_404(event, contestant_id)
        else:
            flash(
                _("已删除登记错误的选手 %(number)s %(name)s。", number=number, name=name), "success"
            )
            return redirect(url_for("web.console_contestants", event_id=event.id))
    return _contestant_page(
        event, contestant, _correction_form(event, contestant), removal, [], errors
    )


# The blockers of a removal are listed with the headline, not under a field.
_BLOCKER_FIELDS = {
    key: ""
    for key in (
        "marks",
        "finalist",
        "certificates",
        "appeals",
        "absences",
        "second_entries",
        "published",
        "contestants",
        "judges",
        "records",
        "finalists",
        "avoidance",
        "events",
    )
}


# ---------------------------------------------------------------- a unit
class UnitRenameForm(FlaskForm):
    name = StringField(
        lazy_gettext("单位名称"),
        validators=[DataRequired(lazy_gettext("请填写单位名称")), Length(max=200)],
    )
    reason = _reason_field(lazy_gettext("更正原因"))


class UnitMergeForm(FlaskForm):
    into_unit_id = SelectField(lazy_gettext("并入单位"), coerce=int)
    reason = _reason_field(lazy_gettext("合并原因"))


class UnitRemovalForm(FlaskForm):
    reason = _reason_field(lazy_gettext("删除原因"))


def _unit_or_404(contest: Contest, unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.contest_id != contest.id:
        raise NotFound(_("本竞赛没有这个单位"))
    return unit


def _unit_forms(
    contest: Contest, unit: Unit
) -> tuple[UnitRenameForm, UnitMergeForm, UnitRemovalForm]:
    rename = UnitRenameForm(prefix="rename", data={"name": unit.name})
    merge = UnitMergeForm(prefix="merge")
    merge.into_unit_id.choices = [SelectChoice(0, _("请选择单位"))] + [
        SelectChoice(u.id, u.name) for u in contest.units if u.id != unit.id
    ]
    return rename, merge, UnitRemovalForm(prefix="remove")


def _unit_page(
    contest: Contest,
    unit: Unit,
    forms: tuple[UnitRenameForm, UnitMergeForm, UnitRemovalForm],
    errors: dict[str, list[str]] | None = None,
) -> ResponseReturnValue:
    people = dict(
        db.session.execute(
            select(Contestant.event_id, func.count(Contestant.id))
            .where(Contestant.unit_id == unit.id)
            .group_by(Contestant.event_id)
        ).all()
    )
    judges = (
        db.session.scalar(
            select(func.count(JudgeAssignment.id)).where(JudgeAssignment.unit_id == unit.id)
        )
        or 0
    )
    rename, merge, removal = forms
    return render_template(
        "contest/console/unit.html",
        contest=contest,
        unit=unit,
        rename=rename,
        merge=merge,
        removal=removal,
        errors=errors or {},
        people=[(event, people.get(event.id, 0)) for event in contest.events],
        judges=judges,
        duplicates=corrections.same_name_units(unit),
        blockers=corrections.unit_removal_blockers(unit),
        published=[e for e in contest.events if any(r.published for r in e.rounds)],
    ), form_status()


@bp.get("/console/contests/<int:contest_id>/units/<int:unit_id>")
@organiser_page
def console_unit(contest_id: int, unit_id: int) -> ResponseReturnValue:
    contest = contest_or_404(contest_id)
    unit = _unit_or_404(contest, unit_id)
    return _unit_page(contest, unit, _unit_forms(contest, unit))


def _refused_again(contest_id: int, unit_id: int) -> tuple[Contest, Unit]:
    """The contest and unit re-read after a refusal rolled the session back."""
    contest = contest_or_404(contest_id)
    return contest, _unit_or_404(contest, unit_id)


@bp.post("/console/contests/<int:contest_id>/units/<int:unit_id>/rename")
@organiser_page
def console_rename_unit(contest_id: int, unit_id: int) -> ResponseReturnValue:
    contest = contest_or_404(contest_id)
    unit = _unit_or_404(contest, unit_id)
    forms = _unit_forms(contest, unit)
    rename, merge, _removal = forms
    errors: list[str] = []
    if rename.validate_on_submit():
        try:
            done = corrections.rename_unit(
                unit, rename.name.data, rename.reason.data, current_organiser()
            )
            db.session.commit()
        except AppError as error:
            into = error.fields.pop("into_unit_id", None)
            errors = show_refusal(rename, error)
            contest, unit = _refused_again(contest_id, unit_id)
            if into:
                # The same enterprise registered twice: the merge form, ready to send.
                merge.into_unit_id.data = int(into[0])
        else:
            if done.old_name is None:
                flash(_("名称与登记的相同，没有更改。"), "info")
            else:
                flash(
                    _("已将“%(old)s”更正为“%(new)s”。", old=done.old_name, new=done.unit.name),
                    "success",
                )
            _flash_reissue(done.reissue)
            return redirect(url_for("web.console_unit", contest_id=contest.id, unit_id=unit.id))
    return _unit_page(contest, unit, forms, {"rename": errors})


@bp.post("/console/contests/<int:contest_id>/units/<int:unit_id>/merge")
@organiser_page
def console_merge_unit(contest_id: int, unit_id: int) -> ResponseReturnValue:
    contest = contest_or_404(contest_id)
    unit = _unit_or_404(contest, unit_id)
    forms = _unit_forms(contest, unit)
    merge = forms[1]
    errors: list[str] = []
    if merge.validate_on_submit():
        into = db.session.get(Unit, merge.into_unit_id.data) if merge.into_unit_id.data else None
        if into is None or into.contest_id != contest.id:
            merge.into_unit_id.errors = [_("请选择要并入的单位")]
        else:
            name = unit.name
            try:
                done = corrections.merge_units(unit, into, merge.reason.data, current_organiser())
                db.session.commit()
            except AppError as error:
                errors = show_refusal(merge, error, _BLOCKER_FIELDS)
                contest, unit = _refused_again(contest_id, unit_id)
            else:
                flash(
                    _(
                        "已将“%(old)s”并入“%(new)s”，移入 %(count)d 名选手。",
                        old=name,
                        new=done.unit.name,
                        count=len(done.moved),
                    ),
                    "success",
                )
                _flash_reissue(done.reissue)
                return redirect(
                    url_for("web.console_unit", contest_id=contest.id, unit_id=done.unit.id)
                )
    return _unit_page(contest, unit, forms, {"merge": errors})


@bp.post("/console/contests/<int:contest_id>/units/<int:unit_id>/remove")
@organiser_page
def console_remove_unit(contest_id: int, unit_id: int) -> ResponseReturnValue:
    contest = contest_or_404(contest_id)
    unit = _unit_or_404(contest, unit_id)
    forms = _unit_forms(contest, unit)
    removal = forms[2]
    errors: list[str] = []
    if removal.validate_on_submit():
        name = unit.name
        try:
            corrections.remove_unit(unit, removal.reason.data, current_organiser())
            db.session.commit()
        except AppError as error:
            errors = show_refusal(removal, error, _BLOCKER_FIELDS)
            contest, unit = _refused_again(contest_id, unit_id)
        else:
            flash(_("已删除单位“%(name)s”。", name=name), "success")
            return redirect(url_for("web.console_contest", contest_id=contest.id) + "#units")
    return _unit_page(contest, unit, forms, {"remove": errors})


def _flash_reissue(certificates: list[Certificate]) -> None:
    if certificates:
        flash(
            _(
                "已打印的证书仍是原来的姓名或单位，需要补发：%(serials)s",
                serials="、".join(c.serial for c in certificates),
            ),
            "warning",
        )
