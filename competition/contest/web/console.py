"""The organiser console, setting up: contests, units, events and their rules, contestants
(one by one or from a spreadsheet), admission slips, judges.

Every form goes through the service the API uses, and every field through the API's own input
schema where there is one, so a page can never accept what the API would refuse.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from competition.contest.schemas import ContestantIn, ContestSettingsIn, EventIn
from competition.contest.services import contests as contest_service
from competition.contest.services import dashboard, publication, setup
from competition.contest.services.contests import ComponentSpec
from competition.contest.web.console_common import contest_or_404, event_or_404
from competition.core.errors import AppError
from competition.core.i18n import _, lazy_gettext
from competition.extensions import db
from competition.http.accounts import create_and_seat, free_accounts, seat_account
from competition.http.blueprints import web as bp
from competition.http.loading import load
from competition.http.pages import current_organiser, form_status, organiser_page, show_refusal
from competition.models import Contest, Contestant, Event, Finalist, JudgeAssignment, Role
from competition.scoring import defaults
from competition.scoring.consistency import DEFAULT_OUTLIER_PERCENT, OUTLIER_PERCENT_RANGE
from competition.scoring.values import plain

COMPONENT_ROWS = 6
TIE_BREAK_PLACES = 10
HIGHER, LOWER = "higher", "lower"
NOTICE_RANGE = lazy_gettext("公示期应为 0 到 60 个工作日")
# The rules' messages are about the whole table of components: shown above it.
RULE_FIELDS = {"components": "", "tie_breaks": ""}


# ---------------------------------------------------------------- contests
class ContestForm(FlaskForm):
    name = StringField(
        lazy_gettext("竞赛名称"),
        validators=[DataRequired(lazy_gettext("请填写竞赛名称")), Length(max=200)],
    )
    edition = StringField(lazy_gettext("届次"), validators=[Optional(), Length(max=50)])
    host = StringField(
        lazy_gettext("主办单位"),
        validators=[DataRequired(lazy_gettext("请填写主办单位")), Length(max=200)],
    )
    co_hosts = StringField(lazy_gettext("协办单位"), validators=[Optional(), Length(max=200)])
    theme = StringField(lazy_gettext("主题"), validators=[Optional(), Length(max=200)])
    notice_working_days = IntegerField(
        lazy_gettext("公示期（工作日）"),
        default=publication.DEFAULT_NOTICE_WORKING_DAYS,
        validators=[
            InputRequired(lazy_gettext("请填写公示期天数")),
            NumberRange(0, publication.MAX_NOTICE_WORKING_DAYS, NOTICE_RANGE),
        ],
    )
    objection_contact = TextAreaField(
        lazy_gettext("异议受理（印在成绩公示上）"),
        validators=[Optional(), Length(max=500)],
    )

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "edition": (self.edition.data or "").strip(),
            "host": self.host.data.strip(),
            "co_hosts": (self.co_hosts.data or "").strip(),
            "theme": (self.theme.data or "").strip(),
            "objection_contact": (self.objection_contact.data or "").strip(),
        }


class Versioned:
    """A hidden field with the version of the row the form was filled from: saving is refused
    (409) when someone else has saved the row since, instead of overwriting their change."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def read_version(self) -> int:
        # A page without the field (or with garbage in it) is as stale as can be.
        return self.version.data if isinstance(self.version.data, int) else 0  # type: ignore[attr-defined]


class ContestEditForm(Versioned, ContestForm):
    pass


def _contest_edit_form(contest: Contest, fresh: bool = False) -> ContestEditForm:
    """The contest's settings form; `fresh`: filled from the stored contest, not the request."""
    if fresh:
        return ContestEditForm(formdata=None, obj=contest, prefix="contest")
    return ContestEditForm(obj=contest, prefix="contest")


@bp.route("/console", methods=["GET", "POST"])
@organiser_page
def console_home() -> ResponseReturnValue:
    form = ContestForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            contest = contest_service.create_contest(**form.values())
            contest.notice_working_days = form.notice_working_days.data
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error)
        else:
            flash(_("竞赛已创建。下一步：登记参赛单位，设置赛项。"), "success")
            return redirect(url_for("web.console_contest", contest_id=contest.id))
    contests = db.session.scalars(
        select(Contest).options(selectinload(Contest.events)).order_by(Contest.id.desc())
    ).all()
    status = form_status()
    return render_template(
        "contest/console/home.html",
        contests=contests,
        form=form,
        errors=errors,
        board=dashboard.dashboard(),
    ), status


class UnitsForm(FlaskForm):
    names = TextAreaField(
        lazy_gettext("单位名称（每行一个）"),
        validators=[DataRequired(lazy_gettext("请至少填写一个单位")), Length(max=20000)],
    )


@bp.route("/console/contests/<int:contest_id>", methods=["GET", "POST"])
@organiser_page
def console_contest(contest_id: int) -> ResponseReturnValue:
    contest = contest_or_404(contest_id)
    form = _contest_edit_form(contest)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            values = {**form.values(), "notice_working_days": form.notice_working_days.data}
            # Through the schema of the API's PATCH: the same rules and messages.
            settings = load(ContestSettingsIn(), values, _("请检查填写的内容"))
            setup.update_contest(
                contest, current_organiser(), version=form.read_version(), **settings
            )
            db.session.commit()
        except setup.EditedMeanwhile as error:
            errors = show_refusal(None, error)
            form = _contest_edit_form(contest_or_404(contest_id), fresh=True)
        except AppError as error:
            errors = show_refusal(form, error)
        else:
            flash(_("竞赛信息已保存。"), "success")
            return redirect(url_for("web.console_contest", contest_id=contest.id))
    return _contest_page(contest, form, UnitsForm(prefix="units"), errors)


def _contest_page(
    contest: Contest, form: ContestEditForm, units_form: UnitsForm, errors: list[str]
) -> ResponseReturnValue:
    status = form_status()
    return render_template(
        "contest/console/contest.html",
        contest=contest,
        form=form,
        units_form=units_form,
        errors=errors,
    ), status


@bp.post("/console/contests/<int:contest_id>/units")
@organiser_page
def console_add_units(contest_id: int) -> ResponseReturnValue:
    contest = contest_or_404(contest_id)
    units_form = UnitsForm(prefix="units")
    errors: list[str] = []
    if units_form.validate_on_submit():
        names = list(
            dict.fromkeys(n.strip() for n in units_form.names.data.splitlines() if n.strip())
        )
        too_long = [n for n in names if len(n) > 200]
        if too_long:
            units_form.names.errors = [_("单位名称最长 200 个字")]
        else:
            try:
                for name in names:
                    contest_service.create_unit(contest, name)
                db.session.commit()
            except AppError as error:
                errors = show_refusal(units_form, error, {"name": "names"})
            else:
                flash(_("已登记 %(count)d 个单位。", count=len(names)), "success")
                return redirect(url_for("web.console_contest", contest_id=contest.id) + "#units")
    return _contest_page(contest, _contest_edit_form(contest, fresh=True), units_form, errors)


# ---------------------------------------------------------------- events
class ComponentRow(Form):
    key = StringField(lazy_gettext("代码"), validators=[Optional(), Length(max=32)])
    name = StringField(lazy_gettext("名称"), validators=[Optional(), Length(max=100)])
    weight = StringField(lazy_gettext("权重"), validators=[Optional(), Length(max=20)])
    max_score = StringField(lazy_gettext("满分"), validators=[Optional(), Length(max=20)])
    direction = SelectField(
        lazy_gettext("比较方向"),
        choices=[
            SelectChoice(HIGHER, lazy_gettext("越高越好")),
            SelectChoice(LOWER, lazy_gettext("越低越好")),
        ],
        default=HIGHER,
    )
    tie_break = SelectField(
        lazy_gettext("同分比较顺序"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(str(i)) for i in range(1, TIE_BREAK_PLACES + 1)],
        default="",
    )
    # How the score is printed ("分钟"); blank: inferred as the API does. Not a rule, so it
    # stays editable once the rules are locked.
    unit = StringField(lazy_gettext("计量单位"), validators=[Optional(), Length(max=16)])

    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip() for f in (self.key, self.name, self.weight, self.max_score)
        )


class EventForm(FlaskForm):
    name = StringField(
        lazy_gettext("赛项名称"),
        validators=[DataRequired(lazy_gettext("请填写赛项名称")), Length(max=200)],
    )
    group = StringField(
        lazy_gettext("组别"),
        default="职工组",
        validators=[DataRequired(lazy_gettext("请填写组别")), Length(max=50)],
    )
    min_finalists_per_unit = IntegerField(
        lazy_gettext("每个单位最少推荐决赛人数"),
        default=defaults.MIN_FINALISTS_PER_UNIT,
        validators=[
            InputRequired(lazy_gettext("请填写人数")),
            NumberRange(1, 1000, lazy_gettext("应在 1 到 1000 之间")),
        ],
    )
    # Left empty: unchanged on the edit page, the default (3) for a new event.
    team_size = IntegerField(
        lazy_gettext("团体成绩计入人数"),
        default=defaults.TEAM_SIZE,
        validators=[
            Optional(),
            NumberRange(
                1,
                defaults.MAX_TEAM_SIZE,
                lazy_gettext("应在 1 到 %(max)d 之间", max=defaults.MAX_TEAM_SIZE),
            ),
        ],
    )
    notice_working_days = IntegerField(
        lazy_gettext("公示期（工作日，留空则按竞赛设置）"),
        validators=[Optional(), NumberRange(0, publication.MAX_NOTICE_WORKING_DAYS, NOTICE_RANGE)],
    )
    # Not a rule of the ranking: it only picks the marks the chief judge is asked about, so it
    # stays editable once the rules are locked. Left empty: unchanged on the edit page, the
    # default (15) for a new event.
    outlier_percent = IntegerField(
        lazy_gettext("评分一致性：偏离其他裁判中位数超过满分的百分之几时标记"),
        default=DEFAULT_OUTLIER_PERCENT,
        validators=[
            Optional(),
            NumberRange(*OUTLIER_PERCENT_RANGE, lazy_gettext("应在 1 到 100 之间")),
        ],
    )
    components = FieldList(FormField(ComponentRow), min_entries=COMPONENT_ROWS)

    def fill_reference(self) -> None:
        """The reference rules (the API's defaults, `scoring.defaults`): theory 30 %,
        practical 70 %, ties broken by practical."""
        chain = defaults.REFERENCE_TIE_BREAKS
        self._fill(
            [
                (
                    c.key,
                    c.name,
                    str(c.weight),
                    plain(c.max_score),
                    HIGHER if c.higher_is_better else LOWER,
                    str(chain.index(c.key) + 1) if c.key in chain else "",
                    "",
                )
                for c in defaults.REFERENCE_COMPONENTS
            ]
        )

    def fill_rules_from(self, event: Event) -> None:
        """The event's stored rules in the rule fields, whatever was posted (rules locked);
        the units posted stay, since they are not rules."""
        posted = {
            (row.form.key.data or "").strip(): row.form.unit.data
            for row in self.components
            if row.form.unit.raw_data
        }
        self.min_finalists_per_unit.data = event.min_finalists_per_unit
        self._fill(self._rows(event))
        for row in self.components:
            key = (row.form.key.data or "").strip()
            if key and key in posted:
                row.form.unit.data = posted[key]

    def fill_from(self, event: Event) -> None:
        self.name.data = event.name
        self.group.data = event.group_name
        self.notice_working_days.data = event.notice_working_days
        self.team_size.data = event.team_size
        self.outlier_percent.data = event.outlier_percent
        self.fill_rules_from(event)

    @staticmethod
    def _rows(event: Event) -> list[tuple[str, ...]]:
        tie = {c.key: str(i + 1) for i, c in enumerate(event.tie_breaks)}
        rows = [
            (
                c.key,
                c.name,
                plain(c.weight),
                plain(c.max_score),
                HIGHER if c.higher_is_better else LOWER,
                tie.get(c.key, ""),
                c.unit_label,
            )
            for c in event.components
        ]
        return rows

    def _fill(self, rows: list[tuple[str, ...]]) -> None:
        while len(self.components) < max(COMPONENT_ROWS, len(rows) + 2):
            self.components.append_entry()
        for index, row in enumerate(self.components):
            values = rows[index] if index < len(rows) else ("", "", "", "", HIGHER, "", "")
            for name, value in zip(
                ("key", "name", "weight", "max_score", "direction", "tie_break", "unit"),
                values,
                strict=True,
            ):
                row[name].data = value

    def rules(self) -> tuple[list[ComponentSpec], list[str]] | None:
        """The rules as the API reads them (its EventIn schema), or None with the errors put
        on the form's fields."""
        used = [row for row in self.components if not row.form.is_blank()]
        body: dict[str, Any] = {
            "name": self.name.data.strip(),
            "group": self.group.data.strip(),
            "min_finalists_per_unit": self.min_finalists_per_unit.data,
            "components": [
                {
                    "key": row.form.key.data.strip(),
                    "name": row.form.name.data.strip(),
                    "weight": row.form.weight.data.strip(),
                    "max_score": row.form.max_score.data.strip(),
                    "higher_is_better": row.form.direction.data != LOWER,
                    "unit": (row.form.unit.data or "").strip() or None,
                }
                for row in used
            ],
        }
        if self.team_size.data is not None:
            body["team_size"] = self.team_size.data
        order: dict[int, list[str]] = {}
        for row in used:
            if row.form.tie_break.data:
                order.setdefault(int(row.form.tie_break.data), []).append(row.form.key.data.strip())
        repeated = [keys for keys in order.values() if len(keys) > 1]
        if repeated:
            self.form_errors.append(
                _("同分比较顺序重复：%(keys)s", keys="、".join(k for ks in repeated for k in ks))
            )
        body["tie_breaks"] = [keys[0] for _position, keys in sorted(order.items())]
        try:
            loaded = EventIn().load(body)
        except ValidationError as error:
            self._place(error.messages, used)
            return None
        if not used:
            self.form_errors.append(_("至少需要一个评分项"))
        if self.form_errors:
            return None
        return setup.component_specs(loaded["components"]), body["tie_breaks"]

    def _place(self, messages: Any, used: list[Any]) -> None:
        if not isinstance(messages, dict):
            self.form_errors.append(str(messages))
            return
        for key, value in messages.items():
            if key == "components" and isinstance(value, dict):
                for index, row_errors in value.items():
                    if not isinstance(index, int) or not isinstance(row_errors, dict):
                        self.form_errors.extend(_flat(row_errors))
                        continue
                    row = used[index].form
                    for field_name, field_errors in row_errors.items():
                        target = {"higher_is_better": "direction"}.get(field_name, field_name)
                        field = getattr(row, target, None)
                        if field is not None:
                            field.errors = [*list(field.errors), *_flat(field_errors)]
                        else:
                            self.form_errors.extend(_flat(field_errors))
            elif key in {"name", "group", "min_finalists_per_unit", "team_size"}:
                field = getattr(self, key)
                field.errors = [*list(field.errors), *_flat(value)]
            else:
                self.form_errors.extend(_flat(value))


class EventEditForm(Versioned, EventForm):
    pass


def _flat(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [m for inner in value.values() for m in _flat(inner)]
    if isinstance(value, list | tuple):
        return [m for inner in value for m in _flat(inner)]
    return [str(value)]


def _rules_locked(event: Event) -> bool:
    return setup.has_marks(event) or any(r.published for r in event.rounds)


def _event_form_page(
    form: EventForm, contest: Contest, event: Event | None, errors: list[str]
) -> ResponseReturnValue:
    locked = event is not None and _rules_locked(event)
    status = form_status()
    return render_template(
        "contest/console/event_form.html",
        form=form,
        contest=contest,
        event=event,
        errors=[*errors, *form.form_errors],
        rules_locked=locked,
    ), status


@bp.route("/console/contests/<int:contest_id>/events/new", methods=["GET", "POST"])
@organiser_page
def console_new_event(contest_id: int) -> ResponseReturnValue:
    contest = contest_or_404(contest_id)
    form = EventForm()
    if request.method == "GET":
        form.fill_reference()
    errors: list[str] = []
    if form.validate_on_submit():
        rules = form.rules()
        if rules is not None:
            try:
                event = contest_service.create_event(
                    contest,
                    name=form.name.data.strip(),
                    group=form.group.data.strip(),
                    min_finalists_per_unit=form.min_finalists_per_unit.data,
                    components=rules[0],
                    tie_breaks=rules[1],
                    team_size=form.team_size.data or defaults.TEAM_SIZE,
                    outlier_percent=form.outlier_percent.data or DEFAULT_OUTLIER_PERCENT,
                )
                event.notice_working_days = form.notice_working_days.data
                db.session.commit()
            except AppError as error:
                errors = show_refusal(form, error, RULE_FIELDS)
            else:
                flash(_("赛项已创建。下一步：登记选手。"), "success")
                return redirect(url_for("web.console_event", event_id=event.id))
    return _event_form_page(form, contest, None, errors)


@bp.route("/console/events/<int:event_id>/edit", methods=["GET", "POST"])
@organiser_page
def console_edit_event(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = EventEditForm()
    if request.method == "GET":
        form.fill_from(event)
        form.version.data = event.version
    elif _rules_locked(event):
        form.fill_rules_from(event)  # only names and the notice period can still change
    errors: list[str] = []
    if form.validate_on_submit():
        rules = form.rules()
        if rules is not None:
            try:
                setup.edit_event(
                    event,
                    current_organiser(),
                    name=form.name.data.strip(),
                    group=form.group.data.strip(),
                    min_finalists_per_unit=form.min_finalists_per_unit.data,
                    notice_working_days=form.notice_working_days.data,
                    components=rules[0],
                    tie_breaks=rules[1],
                    team_size=form.team_size.data,
                    outlier_percent=form.outlier_percent.data,
                    version=form.read_version(),
                )
                db.session.commit()
            except setup.EditedMeanwhile as error:
                # Nothing of this edit is saved; the form shows what is stored now.
                errors = show_refusal(None, error)
                event = event_or_404(event_id)
                form = EventEditForm(formdata=None)
                form.fill_from(event)
                form.version.data = event.version
            except AppError as error:
                errors = show_refusal(form, error, RULE_FIELDS)
                event = event_or_404(event_id)
            else:
                flash(_("赛项设置已保存。"), "success")
                return redirect(url_for("web.console_event", event_id=event.id))
    return _event_form_page(form, event.contest, event, errors)


@bp.get("/console/events/<int:event_id>")
@organiser_page
def console_event(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    count = contest_service.contestant_count(event)
    judges = db.session.scalars(
        select(JudgeAssignment).where(JudgeAssignment.event_id == event.id)
    ).all()
    return render_template(
        "contest/console/event.html",
        event=event,
        contestant_count=count,
        judge_count=len(judges),
        notice_days=publication.notice_working_days(event),
    )


# ---------------------------------------------------------------- contestants
class ContestantForm(FlaskForm):
    name = StringField(
        lazy_gettext("姓名"),
        validators=[DataRequired(lazy_gettext("请填写姓名")), Length(max=100)],
    )
    unit_id = SelectField(
        lazy_gettext("单位"), coerce=int, validators=[DataRequired(lazy_gettext("请选择单位"))]
    )
    id_number = StringField(
        lazy_gettext("身份证号（可选）"), validators=[Optional(), Length(max=18)]
    )
    number = StringField(
        lazy_gettext("参赛号（留空自动编号）"), validators=[Optional(), Length(max=16)]
    )


def _contestant_form(event: Event) -> ContestantForm:
    form = ContestantForm()
    form.unit_id.choices = [SelectChoice(0, _("请选择单位"))] + [
        SelectChoice(u.id, u.name) for u in event.contest.units
    ]
    return form


@bp.route("/console/events/<int:event_id>/contestants", methods=["GET", "POST"])
@organiser_page
def console_contestants(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = _contestant_form(event)
    errors: list[str] = []
    if form.validate_on_submit():
        body = {
            "name": form.name.data,
            "unit_id": form.unit_id.data,
            "id_number": (form.id_number.data or "").strip() or None,
            "number": (form.number.data or "").strip() or None,
        }
        try:
            data = load(ContestantIn(), body, _("请检查填写的内容"))
            contestant = contest_service.register_contestant(event, **data)
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error)
        else:
            flash(
                _(
                    "已登记 %(name)s，参赛号 %(number)s。",
                    name=contestant.name,
                    number=contestant.number,
                ),
                "success",
            )
            return redirect(url_for("web.console_contestants", event_id=event.id))
    contestants = db.session.scalars(
        select(Contestant)
        .where(Contestant.event_id == event.id)
        .options(selectinload(Contestant.unit), selectinload(Contestant.finalist))
        .order_by(Contestant.number)
    ).all()
    status = form_status()
    return render_template(
        "contest/console/contestants.html",
        event=event,
        form=form,
        errors=errors,
        contestants=contestants,
    ), status


@bp.get("/console/events/<int:event_id>/slips")
@organiser_page
def console_slips(event_id: int) -> ResponseReturnValue:
    """Admission slips: number, name, unit and the personal access code; no identity number."""
    event = event_or_404(event_id)
    contestants = db.session.scalars(
        select(Contestant)
        .where(Contestant.event_id == event.id)
        .options(selectinload(Contestant.unit))
        .order_by(Contestant.number)
    ).all()
    lookup_url = url_for("web.lookup", _external=True)
    return render_template(
        "contest/console/slips.html", event=event, contestants=contestants, lookup_url=lookup_url
    )


# ---------------------------------------------------------------- judges
class NewJudgeForm(FlaskForm):
    username = StringField(
        lazy_gettext("用户名"),
        validators=[DataRequired(lazy_gettext("请填写用户名")), Length(max=64)],
    )
    display_name = StringField(lazy_gettext("姓名"), validators=[Optional(), Length(max=100)])
    password = PasswordField(
        lazy_gettext("初始密码（至少 8 位）"),
        validators=[DataRequired(lazy_gettext("请设置初始密码")), Length(max=256)],
    )
    unit_id = SelectField(lazy_gettext("评分范围"), coerce=int)
    chief = BooleanField(lazy_gettext("裁判长"))


class AssignJudgeForm(FlaskForm):
    user_id = SelectField(lazy_gettext("已有的裁判账号"), coerce=int)
    unit_id = SelectField(lazy_gettext("评分范围"), coerce=int)
    chief = BooleanField(lazy_gettext("裁判长"))


def _judge_forms(event: Event) -> tuple[NewJudgeForm, AssignJudgeForm]:
    scopes = [SelectChoice(0, _("决赛（组委会裁判组）"))] + [
        SelectChoice(u.id, _("%(unit)s 初赛组委会", unit=u.name)) for u in event.contest.units
    ]
    new_form = NewJudgeForm(prefix="new")
    assign_form = AssignJudgeForm(prefix="assign")
    new_form.unit_id.choices = scopes
    assign_form.unit_id.choices = scopes
    assigned = select(JudgeAssignment.user_id).where(JudgeAssignment.event_id == event.id)
    assign_form.user_id.choices = free_accounts(Role.JUDGE, assigned)
    return new_form, assign_form


def _judges_page(
    event: Event, new_form: NewJudgeForm, assign_form: AssignJudgeForm, errors: list[str]
) -> ResponseReturnValue:
    assignments = db.session.scalars(
        select(JudgeAssignment)
        .where(JudgeAssignment.event_id == event.id)
        .options(selectinload(JudgeAssignment.user))
        .order_by(JudgeAssignment.unit_id.is_not(None), JudgeAssignment.id)
    ).all()
    units = {u.id: u for u in event.contest.units}
    # 回避: how many finalists each unit's judges may not mark in the final.
    avoided = dict(
        db.session.execute(
            select(Finalist.unit_id, func.count())
            .where(Finalist.event_id == event.id)
            .group_by(Finalist.unit_id)
        ).all()
    )
    status = form_status()
    return render_template(
        "contest/console/judges.html",
        event=event,
        assignments=assignments,
        units=units,
        avoided=avoided,
        new_form=new_form,
        assign_form=assign_form,
        errors=errors,
    ), status


@bp.route("/console/events/<int:event_id>/judges", methods=["GET", "POST"])
@organiser_page
def console_judges(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    new_form, assign_form = _judge_forms(event)
    errors: list[str] = []
    if request.method == "POST" and new_form.validate_on_submit():
        user, errors = create_and_seat(
            new_form,
            Role.JUDGE,
            lambda account: contest_service.assign_judge(
                event,
                account.id,
                current_organiser(),
                unit_id=new_form.unit_id.data or None,
                chief=new_form.chief.data,
            ),
        )
        if user is not None:
            flash(
                _("已创建裁判账号 %(username)s 并分配到本赛项。", username=user.username), "success"
            )
            return redirect(url_for("web.console_judges", event_id=event.id))
    return _judges_page(event, new_form, assign_form, errors)


@bp.post("/console/events/<int:event_id>/judges/assign")
@organiser_page
def console_assign_judge(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    new_form, assign_form = _judge_forms(event)
    errors: list[str] = []
    if assign_form.validate_on_submit():
        errors = seat_account(
            assign_form,
            lambda: contest_service.assign_judge(
                event,
                assign_form.user_id.data,
                current_organiser(),
                unit_id=assign_form.unit_id.data or None,
                chief=assign_form.chief.data,
            ),
        )
        if not errors:
            flash(_("裁判已分配到本赛项。"), "success")
            return redirect(url_for("web.console_judges", event_id=event.id))
    return _judges_page(event, new_form, assign_form, errors)
