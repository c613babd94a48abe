"""Organisers' judging pages: the progress dashboard, the appeals log, a contestant's audit trail.

The rules live in `competition.contest.services.judging`, `competition.contest.services.appeals` and
`competition.core.roles`; these views only read forms, call them, and show what they answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import to_user_timezone, to_utc
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.contest.schemas import ItemMarkIn, MarkIn
from competition.contest.services import appeals as appeal_service
from competition.contest.services import contests as contest_service
from competition.contest.services import judging as judging_service
from competition.contest.services import schemes as scheme_service
from competition.contest.web.judging import ActionForm, page_context
from competition.core.errors import AppError, Invalid, NotFound
from competition.core.i18n import _, lazy_gettext
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.fields import format_decimal
from competition.http.loading import load
from competition.http.pages import current_organiser, role_required
from competition.models import AuditEntry, Component, Contestant, Event, Mark, Role, Unit, User
from competition.models.judging import APPEAL_REJECTED, APPEAL_UPHELD
from competition.models.types import utcnow

ACTION_LABELS = {
    "mark.set": lazy_gettext("评分"),
    "second_entry.set": lazy_gettext("二次录入"),
    "second_entry.settle": lazy_gettext("核定不一致"),
    "appeal.file": lazy_gettext("登记申诉"),
    "appeal.decide": lazy_gettext("申诉处理"),
    "absence.record": lazy_gettext("登记缺考/弃权"),
    "absence.undo": lazy_gettext("撤销缺考/弃权"),
    "contestant.correct": lazy_gettext("更正选手信息"),
    "contestant.remove": lazy_gettext("删除误登记的选手"),
    "certificate.issue": lazy_gettext("颁发证书"),
    "certificate.supersede": lazy_gettext("证书作废待更正"),
    "certificate.reissue": lazy_gettext("补发证书"),
    "certificate.revoke": lazy_gettext("吊销证书"),
}
OUTCOME_LABELS = {
    APPEAL_UPHELD: lazy_gettext("申诉成立"),
    APPEAL_REJECTED: lazy_gettext("申诉不成立"),
}
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _context() -> dict[str, Any]:
    return {**page_context(), "outcome_labels": OUTCOME_LABELS, "action_labels": ACTION_LABELS}


# ---------------------------------------------------------------- progress dashboard
@dataclass
class _ComponentProgress:
    """One component of one round: totals over its sheets, and the sheets themselves."""

    component: Any
    lines: list[judging_service.SheetProgress] = field(default_factory=list)

    @property
    def entered(self) -> int:
        return sum(line.counts.entered for line in self.lines)

    @property
    def expected(self) -> int:
        return sum(line.counts.expected for line in self.lines)

    @property
    def started(self) -> list[judging_service.SheetProgress]:
        return [line for line in self.lines if line.counts.started]

    @property
    def signed(self) -> int:
        return sum(1 for line in self.lines if line.counts.signed)

    @property
    def second_entry(self) -> list[judging_service.SheetProgress]:
        return [line for line in self.lines if line.counts.second_entry_required]

    @property
    def verified(self) -> int:
        return sum(1 for line in self.second_entry if line.counts.verified)


@bp.get("/console/progress")
@role_required(Role.ORGANISER)
def progress_dashboard() -> str:
    """For each event and round: marks entered, second entries checked and sheets signed, by
    component and by judge."""
    current_organiser()
    events = judging_service.events_for_progress()
    boards = []
    progress = judging_service.progress_of_events(events)  # the same queries for any number
    for event in events:
        rounds: dict[int, dict[int, _ComponentProgress]] = defaultdict(dict)
        for round_ in event.rounds:
            for component in event.components:
                rounds[round_.id][component.id] = _ComponentProgress(component)
        for line in progress.get(event.id, []):
            rounds[line.round.id][line.component.id].lines.append(line)
        boards.append((event, [(r, list(rounds[r.id].values())) for r in event.rounds]))
    return render_template(
        "contest/judging/progress.html",
        boards=boards,
        unit_names=_unit_names(),
        action_form=ActionForm(),
        **_context(),
    )


def _unit_names() -> dict[int, str]:
    return dict(db.session.execute(select(Unit.id, Unit.name)).all())


@bp.post("/console/events/<int:event_id>/require-sign-off")
@role_required(Role.ORGANISER)
def require_sign_off(event_id: int) -> Response:
    user = current_organiser()
    event = contest_service.get_event(event_id)
    form = ActionForm()
    if not form.validate_on_submit():
        raise Invalid(_("表单无效，请刷新页面后重试。"))
    required = form.value.data == "1"
    judging_service.set_require_sign_off(event, required, user)
    db.session.commit()
    if required:
        flash(_("已开启：须裁判长签字确认全部评分表后才能发布。"), "success")
    else:
        flash(_("已关闭发布前的签字要求。"), "success")
    return redirect(url_for("web.progress_dashboard") + f"#event-{event.id}")


# ---------------------------------------------------------------- appeals
class AppealForm(FlaskForm):
    """Only the CSRF token is checked here; the appeal's rules are the service's."""


@bp.get("/console/appeals")
@role_required(Role.ORGANISER)
def appeals_log() -> str:
    current_organiser()
    events = list(
        db.session.scalars(
            select(Event).options(selectinload(Event.contest)).order_by(Event.contest_id, Event.id)
        )
    )
    return render_template(
        "contest/judging/appeals.html",
        appeals=appeal_service.list_appeals(),
        events=events,
        event_names={e.id: e.name for e in events},
        **_context(),
    )


def _parse_local(value: str | None) -> datetime | None:
    """A `datetime-local` input is the organiser's wall clock (the app's time zone)."""
    if not value:
        return None
    try:
        naive = datetime.strptime(value, DATETIME_INPUT)
    except ValueError as error:
        raise Invalid("申诉时间格式不正确", {"filed_at": ["格式应为 年-月-日 时:分"]}) from error
    return to_utc(naive).replace(tzinfo=UTC)


@bp.route("/console/events/<int:event_id>/appeals/new", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def appeal_new(event_id: int) -> Any:
    user = current_organiser()
    event = contest_service.get_event(event_id)
    form = AppealForm()
    errors: dict[str, list[str]] = {}
    values = {
        "round": request.form.get("round", event.rounds[0].kind),
        "contestant_id": request.form.get("contestant_id", ""),
        "filed_by": request.form.get("filed_by", ""),
        "filed_at": request.form.get(
            "filed_at", to_user_timezone(utcnow()).strftime(DATETIME_INPUT)
        ),
        "subject": request.form.get("subject", ""),
    }
    if form.validate_on_submit():
        try:
            round_ = contest_service.get_round(event, values["round"])
            contestant_id = values["contestant_id"]
            if not contestant_id.isdigit():
                raise Invalid("请选择选手", {"contestant_id": ["请选择选手"]})
            contestant = contest_service.get_contestant(event, int(contestant_id))
            appeal = appeal_service.file_appeal(
                event,
                round_,
                contestant,
                values["filed_by"],
                _parse_local(values["filed_at"]),
                values["subject"],
                user,
            )
        except (Invalid, NotFound) as error:
            db.session.rollback()
            errors = {"_": [error.message], **error.fields}
        else:
            db.session.commit()
            flash(_("申诉已登记。"), "success")
            return redirect(url_for("web.appeal_detail", appeal_id=appeal.id))
    contestants = list(
        db.session.scalars(
            select(Contestant)
            .where(Contestant.event_id == event.id)
            .options(selectinload(Contestant.unit), selectinload(Contestant.finalist))
            .order_by(Contestant.number)
        )
    )
    status = 422 if errors else 200
    return render_template(
        "contest/judging/appeal_new.html",
        event=event,
        form=form,
        values=values,
        errors=errors,
        contestants=contestants,
        **_context(),
    ), status


def _appeal_page(appeal_id: int, errors: dict[str, list[str]] | None = None) -> Any:
    appeal = appeal_service.get_appeal(appeal_id)
    event = db.session.get(Event, appeal.event_id)
    assert event is not None
    marks = appeal_service.contested_marks(appeal)
    components = {c.id: c for c in event.components}
    users = _users({m.judge_id for m in marks} | _appeal_people(appeal))
    return render_template(
        "contest/judging/appeal.html",
        appeal=appeal,
        event=event,
        marks=marks,
        items=_item_rows(appeal, marks, components),
        components=components,
        users=users,
        changes=appeal_service.changes_made(appeal),
        form=AppealForm(),
        errors=errors or {},
        submitted=request.form,
        format_decimal=format_decimal,
        **_context(),
    ), (422 if errors else 200)


def _appeal_people(appeal: Any) -> set[int]:
    return {i for i in (appeal.recorded_by_id, appeal.decided_by_id) if i is not None}


def _users(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


@bp.get("/console/appeals/<int:appeal_id>")
@role_required(Role.ORGANISER)
def appeal_detail(appeal_id: int) -> Any:
    current_organiser()
    return _appeal_page(appeal_id)


@bp.post("/console/appeals/<int:appeal_id>/decide")
@role_required(Role.ORGANISER)
def appeal_decide(appeal_id: int) -> Any:
    """The outcome, its reason, and any changed marks (fields `mark-<judge id>-<component>`)."""
    user = current_organiser()
    appeal = appeal_service.get_appeal(appeal_id)
    form = AppealForm()
    if not form.validate_on_submit():
        raise Invalid(_("表单无效，请刷新页面后重试。"))
    try:
        changes = _changes_from_form(appeal)
        appeal_service.decide_appeal(
            appeal, request.form.get("outcome"), request.form.get("reason"), changes, user
        )
    except AppError as error:
        if error.status not in (409, 422):
            raise
        db.session.rollback()
        return _appeal_page(appeal_id, {"_": [error.message], **error.fields})
    db.session.commit()
    flash(_("申诉处理结果已记录。"), "success")
    return redirect(url_for("web.appeal_detail", appeal_id=appeal_id))


def _item_rows(
    appeal: Any, marks: list[Any], components: dict[int, Component]
) -> dict[int, list[tuple[Any, str, Decimal | None]]]:
    """For each contested mark of a component marked from a scheme (by mark id): its items,
    each with the form field's name and the judge's entry as it stands."""
    rows: dict[int, list[tuple[Any, str, Decimal | None]]] = {}
    for mark in marks:
        scheme = components[mark.component_id].scheme
        if scheme is None:
            continue
        values = scheme_service.item_values(
            appeal.round_id, appeal.contestant_id, mark.component_id, mark.judge_id
        )
        rows[mark.id] = [
            (item, f"item-{mark.judge_id}-{mark.component_id}-{item.code}", values.get(item.code))
            for item in scheme_service.item_rules(scheme)
        ]
    return rows


def _changes_from_form(appeal: Any) -> list[appeal_service.MarkChange]:
    """Every mark input that was filled in, parsed as the API parses a mark; for a component
    marked from a scheme, every item input."""
    event = db.session.get(Event, appeal.event_id)
    assert event is not None
    keys = {c.id: c.key for c in event.components}
    components = {c.id: c for c in event.components}
    changes = []
    marks = appeal_service.contested_marks(appeal)
    for mark_id, rows in _item_rows(appeal, marks, components).items():
        mark = next(m for m in marks if m.id == mark_id)
        for item, name, _now in rows:
            text = (request.form.get(name) or "").strip()
            if not text:
                continue
            try:
                value = load(ItemMarkIn(), {"value": text})["value"]
            except Invalid as error:
                raise Invalid(error.message, {name: error.fields.get("value", [])}) from error
            changes.append(
                appeal_service.MarkChange(mark.judge_id, keys[mark.component_id], value, item.code)
            )
    for mark in marks:
        if components[mark.component_id].scheme is not None:
            continue
        name = f"mark-{mark.judge_id}-{mark.component_id}"
        text = (request.form.get(name) or "").strip()
        if not text:
            continue
        try:
            value: Decimal = load(MarkIn(), {"value": text})["value"]
        except Invalid as error:
            raise Invalid(error.message, {name: error.fields.get("value", [])}) from error
        changes.append(appeal_service.MarkChange(mark.judge_id, keys[mark.component_id], value))
    return changes


# ---------------------------------------------------------------- a contestant's audit trail
@bp.get("/console/contestants/<int:contestant_id>/audit")
@role_required(Role.ORGANISER)
def contestant_audit(contestant_id: int) -> str:
    """Every mark and change of one contestant: who, when, old, new, why."""
    current_organiser()
    contestant = db.session.get(Contestant, contestant_id)
    if contestant is None:
        raise NotFound("没有这名选手")
    event = db.session.get(Event, contestant.event_id)
    assert event is not None
    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.contestant_id == contestant.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )
    marks = list(
        db.session.scalars(
            select(Mark)
            .where(Mark.contestant_id == contestant.id)
            .order_by(Mark.round_id, Mark.component_id, Mark.judge_id)
        )
    )
    people = (
        {e.actor_id for e in entries} | {e.judge_id for e in entries} | {m.judge_id for m in marks}
    )
    return render_template(
        "contest/judging/audit.html",
        contestant=contestant,
        event=event,
        entries=entries,
        marks=marks,
        users=_users({i for i in people if i is not None}),
        components={c.id: c for c in event.components},
        rounds={r.id: r for r in event.rounds},
        appeals=[a for a in appeal_service.list_appeals(event) if a.contestant_id == contestant.id],
        **_context(),
    )
