"""Marking schemes (评分细则) and item marks through the API (api-v1 "Judging in depth").

A scheme is set by the organisers and read by them and the event's judges (a tablet needs the
items to mark). An item mark is a judge's, under the same rules of who may mark whom as a
typed mark (`policy.marking_refusal`, 回避 included), through `services.schemes`, which
derives the judge's mark of the component once every item is marked."""

from __future__ import annotations

from typing import Any

from flask.wrappers import Response

from competition.contest import policy, schemas
from competition.contest.api.requests import organiser_event
from competition.contest.services import contests as contest_service
from competition.contest.services import marks as mark_service
from competition.contest.services import schemes as scheme_service
from competition.core import normalise, roles
from competition.core.errors import NotFound
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import load
from competition.http.openapi import operation
from competition.models import Component, Event, MarkingScheme, Role

SCHEME = "/events/<int:event_id>/components/<component_key>/scheme"
ITEM = (
    "/events/<int:event_id>/rounds/<round_kind>/marks/<int:contestant_id>/<component_key>"
    "/items/<code>"
)


def scheme_body(event: Event, component: Component, scheme: MarkingScheme) -> dict[str, Any]:
    measured = ("nominal", "lower", "upper")
    return {
        "event_id": event.id,
        "component": component.key,
        "max_score": component.max_score,
        "max_judgement_spread": scheme.max_judgement_spread,
        "items": [
            {
                "code": item.code,
                "kind": item.kind,
                "name": item.name,
                "points": item.points,
                **{name: getattr(item, name) for name in measured},
            }
            for item in scheme.items
        ],
    }


def _component(event: Event, key: str) -> Component:
    component = event.component(key)
    if component is None:
        raise NotFound("本赛项没有这个评分项")
    return component


@bp.put(SCHEME)
@operation(
    "设置评分项的评分细则 (organiser)",
    tag="judging",
    auth="required",
    request=schemas.SchemeIn,
    response=schemas.SchemeOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="Items of kind `measurement` (nominal size, lower and upper deviation: full "
    "points inside the tolerance, limits included, none outside), `judgement` (0-3 from "
    "each judge, worth value ÷ 3 × points) or `deduction` (points taken off, up to the "
    "item's points). The points of the measurement and judgement items must add up to the "
    "component's `max_score` (422 otherwise, as for a repeated code, lower > upper or an "
    "unknown kind). `max_judgement_spread` (0-3, null for no limit): where the panel's "
    "judgements of one item differ by more, the item is a dispute. 409 once the component "
    "has any mark. Sending it again replaces the scheme.",
)
def set_scheme(event_id: int, component_key: str) -> Response:
    user, event = organiser_event(event_id)
    component = _component(event, normalise.plain(component_key))
    data = load(schemas.SchemeIn())
    items = [scheme_service.ItemSpec(**item) for item in data["items"]]
    scheme = scheme_service.set_scheme(
        event, component.key, items, data["max_judgement_spread"], user
    )
    db.session.commit()
    return respond(schemas.SchemeOut(), scheme_body(event, component, scheme))


@bp.get(SCHEME)
@operation(
    "评分项的评分细则 (organiser, the event's judges)",
    tag="judging",
    auth="required",
    response=schemas.SchemeOut,
    errors=(401, 403, 404),
    description="404 where the component has no scheme (it is marked as one number).",
)
def get_scheme(event_id: int, component_key: str) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    component = _component(event, normalise.plain(component_key))
    if not roles.is_organiser(user) and policy.judge_assignment(user, event) is None:
        roles.require_organiser(user)  # the usual 403
    scheme = scheme_service.get_scheme(component)
    if scheme is None:
        raise NotFound("该评分项没有评分细则")
    return respond(schemas.SchemeOut(), scheme_body(event, component, scheme))


@bp.delete(SCHEME)
@operation(
    "删除评分细则 (organiser)",
    tag="judging",
    auth="required",
    status=204,
    errors=(401, 403, 404, 409),
    description="Back to one number per judge; 409 once the component has any mark.",
)
def delete_scheme(event_id: int, component_key: str) -> Response:
    user, event = organiser_event(event_id)
    component = _component(event, normalise.plain(component_key))
    scheme_service.remove_scheme(event, component.key, user)
    db.session.commit()
    return Response(status=204)


@bp.put(ITEM)
@operation(
    "录入评分细则中一个评分点的评分 (an assigned judge)",
    tag="marks",
    auth="required",
    request=schemas.ItemMarkIn,
    response=schemas.ItemMarkOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="`value`: for a `measurement` the measured size (up to 3 decimals), earning "
    "the item's points when nominal + lower ≤ value ≤ nominal + upper, else 0.00; for a "
    "`judgement` an integer 0-3, earning value ÷ 3 × points; for a `deduction` the points "
    "taken off, 0 to the item's points. `points` is what the value earns, rounded half-up "
    "to 2 places for display only. Once every measurement and judgement item is marked the "
    "judge's mark of the component (`mark`) is Σ item points − Σ deductions, never below 0, "
    "kept exact (a judgement of 1 on 10 points is 10/3); the component score is the mean of "
    "the judges' exact marks (5 or more: highest and lowest dropped), rounded once. In the "
    "final a judge may not mark a contestant of their own unit: 403, code "
    "`conflict_of_interest`. On a component with a scheme the plain mark PUT answers 409.",
)
def set_item_mark(
    event_id: int, round_kind: str, contestant_id: int, component_key: str, code: str
) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    assignment = policy.judge_assignment(user, event) if user.role == Role.JUDGE else None
    refusal = policy.marking_refusal(
        policy.NOT_ASSIGNED if assignment is None else assignment.unit_id,
        round_.kind,
        contestant.unit_id,
    )
    if refusal:
        raise policy.marking_forbidden(refusal)
    data = load(schemas.ItemMarkIn())
    target = mark_service.locked_target(
        event.id, round_.kind, contestant.id, normalise.plain(component_key), user.id
    )
    if target is None or target.contestant_id is None:
        raise NotFound("本赛项没有这名选手")  # deleted just now
    written = scheme_service.set_item_mark(
        target, normalise.contest_number(code), data["value"], reason=data["reason"]
    )
    db.session.commit()
    return respond(schemas.ItemMarkOut(), written)
