"""Score sheets through the API: what the judges' and the console's pages do with a sheet — the
progress board, a whole sheet, the chief judge's sign-off, reopening, second entry and settling a
difference — so that a program can do what a person can.

Every route resolves what the URL names first (404), then asks `competition.contest.policy`
(403), then calls the same `competition.contest.services.judging` operation as the page."""

from __future__ import annotations

from decimal import Decimal

from flask import jsonify
from flask.wrappers import Response

from competition.contest import policy, schemas
from competition.contest.api.requests import organiser_event
from competition.contest.services import contests as contest_service
from competition.contest.services import judging as judging_service
from competition.core import roles
from competition.core.errors import Invalid
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import load
from competition.http.openapi import list_of, operation
from competition.models import Event, User

SHEET = "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>"


def _sheet(
    event_id: int, round_kind: str, component_key: str, judge_id: int
) -> judging_service.SheetRef:
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    return judging_service.sheet_ref(event, round_, component_key, judge_id)


def _sees(user: User, line: judging_service.SheetProgress, event: Event) -> bool:
    """A line of the board is for the organisers, for whoever may sign or review that sheet,
    and for the sheet's own judge."""
    if line.assignment.user_id == user.id:
        return True
    return policy.may_review_sheet(user, event, line.round, line.assignment)


@bp.get("/events/<int:event_id>/sheets")
@operation(
    "评分表进度 (the sheets of an event: who has marked, checked and signed what)",
    tag="judging",
    auth="required",
    response=list_of("sheets", schemas.SheetOut),
    errors=(401, 403, 404),
    description="组委会看到全部评分表；裁判长看到可签字的评分表；裁判看到自己的评分表。",
)
def list_sheets(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    if not roles.is_organiser(user) and policy.judge_assignment(user, event) is None:
        roles.require_organiser(user)  # neither organiser nor judge here: the usual 403
    lines = [line for line in judging_service.progress(event) if _sees(user, line, event)]
    return jsonify({"sheets": schemas.SheetOut(many=True).dump(lines)})


@bp.get(SHEET)
@operation(
    "一张评分表 (a whole sheet, both entries side by side)",
    tag="judging",
    auth="required",
    response=schemas.SheetDetailOut,
    errors=(401, 403, 404),
)
def get_sheet(event_id: int, round_kind: str, component_key: str, judge_id: int) -> Response:
    user = require_user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    policy.require_sheet_review(user, ref.event, ref.round, ref.assignment)
    return respond(schemas.SheetDetailOut(), judging_service.load_sheet(ref))


def _answer(ref: judging_service.SheetRef) -> Response:
    db.session.commit()
    return respond(schemas.SheetDetailOut(), judging_service.load_sheet(ref))


@bp.post(f"{SHEET}/sign")
@operation(
    "裁判长签字确认评分表 (the chief judge signs a sheet; it locks)",
    tag="judging",
    auth="required",
    response=schemas.SheetDetailOut,
    errors=(401, 403, 404, 409),
)
def sign_sheet(event_id: int, round_kind: str, component_key: str, judge_id: int) -> Response:
    user = require_user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    policy.require_signing(user, ref.event, ref.round, ref.assignment)
    judging_service.sign_sheet(ref, user)
    return _answer(ref)


@bp.post(f"{SHEET}/reopen")
@operation(
    "重新开放已签字的评分表 (organiser, with a reason)",
    tag="judging",
    auth="required",
    request=schemas.ReopenIn,
    response=schemas.SheetDetailOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def reopen_sheet(event_id: int, round_kind: str, component_key: str, judge_id: int) -> Response:
    user = require_user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    roles.require_organiser(user)
    data = load(schemas.ReopenIn())
    judging_service.reopen_sheet(ref, user, data["reason"])
    return _answer(ref)


@bp.put(f"{SHEET}/second-entry")
@operation(
    "要求或取消二次录入 (organiser)",
    tag="judging",
    auth="required",
    request=schemas.RequiredIn,
    response=schemas.SheetDetailOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def require_second_entry(
    event_id: int, round_kind: str, component_key: str, judge_id: int
) -> Response:
    user = require_user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    roles.require_organiser(user)
    data = load(schemas.RequiredIn())
    judging_service.require_second_entry(ref, data["required"], user)
    return _answer(ref)


@bp.put(f"{SHEET}/second-entry/<int:contestant_id>")
@operation(
    "二次录入一个分数 (someone other than the sheet's judge; the answer never says whether it "
    "matched)",
    tag="judging",
    auth="required",
    request=schemas.MarkIn,
    status=204,
    errors=(400, 401, 403, 404, 409, 422),
)
def enter_second(
    event_id: int, round_kind: str, component_key: str, judge_id: int, contestant_id: int
) -> tuple[str, int]:
    user = require_user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    contestant = contest_service.get_contestant(ref.event, contestant_id)
    policy.require_second_entry(user, ref.event, ref.round, ref.assignment)
    data = load(schemas.MarkIn())
    judging_service.set_second_entry(ref, contestant, data["value"], user)
    db.session.commit()
    return "", 204


@bp.post(f"{SHEET}/settle/<int:contestant_id>")
@operation(
    "核定两次录入的不一致 (which entry stands)",
    tag="judging",
    auth="required",
    request=schemas.SettleIn,
    response=schemas.SheetDetailOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def settle_row(
    event_id: int, round_kind: str, component_key: str, judge_id: int, contestant_id: int
) -> Response:
    user = require_user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    contestant = contest_service.get_contestant(ref.event, contestant_id)
    policy.require_sheet_review(user, ref.event, ref.round, ref.assignment)
    data = load(schemas.SettleIn())
    seen: tuple[Decimal, Decimal] | None = None
    if (data["first"] is None) != (data["second"] is None):
        message = "first 与 second 应同时给出（核定时看到的两次录入）"
        raise Invalid(message, {"second" if data["second"] is None else "first": [message]})
    if data["first"] is not None:
        seen = (data["first"], data["second"])
    judging_service.settle(ref, contestant, data["stands"], user, seen)
    return _answer(ref)


@bp.put("/events/<int:event_id>/sign-off")
@operation(
    "发布前须裁判长签字 (organiser: every sheet signed before a round is published)",
    tag="judging",
    auth="required",
    request=schemas.RequiredIn,
    response=schemas.RequiredIn,
    errors=(400, 401, 403, 404, 422),
)
def require_sign_off(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    data = load(schemas.RequiredIn())
    judging_service.set_require_sign_off(event, data["required"], user)
    db.session.commit()
    return respond(schemas.RequiredIn(), {"required": event.require_sign_off})
