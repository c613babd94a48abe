"""API routes. Each view checks in the contract's order: 401, 404, 403, 400, 422, 409."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask.wrappers import Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.http import quote_etag

from competition.contest import policy, schemas
from competition.contest.services import absences as absence_service
from competition.contest.services import contests as contest_service
from competition.contest.services import marks as mark_service
from competition.contest.services import publication
from competition.contest.services import results as result_service
from competition.contest.services.contests import ComponentSpec
from competition.core import users as user_service
from competition.core.errors import AppError, Forbidden, NotFound, Unauthorized
from competition.core.ratelimits import sign_in_limited
from competition.extensions import db
from competition.http.api import (
    TOKEN_INVALID,
    current_user,
    if_match_tags,
    if_none_match_any,
    int_arg,
    load,
    require_bearer,
    require_token,
    require_user,
    respond,
    results_request,
    token_ttl,
)
from competition.http.blueprints import api as bp
from competition.models import AuditEntry, Contest, Contestant, JudgeAssignment, Role


def _commit() -> None:
    db.session.commit()


# ---------------------------------------------------------------- tokens and users
@bp.post("/tokens")
@sign_in_limited
def create_token() -> Response:
    data = load(schemas.TokenIn())
    user = user_service.authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized("用户名或密码不正确")
    issued = user_service.issue_token(user, token_ttl())
    _commit()
    return respond(
        schemas.TokenOut(),
        {"token": issued.token, "expires_at": issued.record.expires_at, "user": user},
        201,
    )


@bp.delete("/tokens/current")
def revoke_current_token() -> tuple[str, int]:
    require_user()
    user_service.revoke_token(g.api_token)
    _commit()
    return "", 204


@bp.get("/users/me")
def me() -> Response:
    return respond(schemas.UserOut(), require_user())


@bp.post("/users")
def create_user() -> Response:
    policy.require_organiser(require_user())
    data = load(schemas.UserIn())
    user = user_service.create_user(**data)
    _commit()
    return respond(schemas.UserOut(), user, 201)


# ---------------------------------------------------------------- contests and units
def _contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound("没有这个竞赛")
    return contest


@bp.post("/contests")
def create_contest() -> Response:
    policy.require_organiser(require_user())
    contest = contest_service.create_contest(**load(schemas.ContestIn()))
    _commit()
    return respond(schemas.ContestOut(), contest, 201)


@bp.get("/contests")
def list_contests() -> Response:
    current_user()
    contests = db.session.scalars(select(Contest).order_by(Contest.id))
    return jsonify(
        {
            "contests": schemas.ContestOut(many=True, only=("id", "name", "host", "edition")).dump(
                contests
            )
        }
    )


@bp.get("/contests/<int:contest_id>")
def get_contest(contest_id: int) -> Response:
    current_user()
    return respond(schemas.ContestOut(), _contest(contest_id))


@bp.post("/contests/<int:contest_id>/units")
def create_unit(contest_id: int) -> Response:
    user = require_user()
    contest = _contest(contest_id)
    policy.require_organiser(user)
    unit = contest_service.create_unit(contest, **load(schemas.UnitIn()))
    _commit()
    return respond(schemas.UnitOut(), unit, 201)


@bp.get("/contests/<int:contest_id>/units")
def list_units(contest_id: int) -> Response:
    current_user()
    contest = _contest(contest_id)
    return jsonify({"units": schemas.UnitOut(many=True).dump(contest.units)})


# ---------------------------------------------------------------- events
@bp.post("/contests/<int:contest_id>/events")
def create_event(contest_id: int) -> Response:
    user = require_user()
    contest = _contest(contest_id)
    policy.require_organiser(user)
    data = load(schemas.EventIn())
    event = contest_service.create_event(
        contest,
        name=data["name"],
        group=data["group"],
        min_finalists_per_unit=data["min_finalists_per_unit"],
        components=[ComponentSpec(**c) for c in data["components"]],
        tie_breaks=data["tie_breaks"],
    )
    _commit()
    return respond(schemas.EventOut(), event, 201)


@bp.get("/events/<int:event_id>")
def get_event(event_id: int) -> Response:
    current_user()
    return respond(schemas.EventOut(), contest_service.get_event(event_id))


# ---------------------------------------------------------------- contestants and judges
@bp.post("/events/<int:event_id>/contestants")
def register_contestant(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    policy.require_organiser(user)
    contestant = contest_service.register_contestant(event, **load(schemas.ContestantIn()))
    _commit()
    return respond(schemas.ContestantOut(), contestant, 201)


@bp.get("/events/<int:event_id>/contestants")
def list_contestants(event_id: int) -> Response:
    """Organisers see everyone; an event's judges see contest numbers only (anonymous marking)."""
    user = require_user()
    event = contest_service.get_event(event_id)
    assignment = policy.judge_assignment(user, event)
    if not policy.is_organiser(user) and assignment is None:
        raise NotFound("没有这个赛项")
    query = (
        select(Contestant)
        .where(Contestant.event_id == event.id)
        .options(selectinload(Contestant.finalist))
        .order_by(Contestant.number)
    )
    if assignment is not None and assignment.unit_id is not None:
        query = query.where(Contestant.unit_id == assignment.unit_id)
    contestants = list(db.session.scalars(query))
    if policy.is_organiser(user):
        schema = schemas.ContestantOut(many=True)
    else:
        schema = schemas.ContestantOut(many=True, only=("id", "number", "finalist"))
    return jsonify({"contestants": schema.dump(contestants)})


@bp.post("/events/<int:event_id>/judges")
def assign_judge(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    policy.require_organiser(user)
    data = load(schemas.JudgeIn())
    assignment = contest_service.assign_judge(
        event, data["user_id"], user, unit_id=data["unit_id"], chief=data["chief"]
    )
    _commit()
    return respond(schemas.JudgeOut(), assignment, 201)


@bp.get("/events/<int:event_id>/judges")
def list_judges(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    policy.require_organiser(user)
    assignments = db.session.scalars(
        select(JudgeAssignment)
        .where(JudgeAssignment.event_id == event.id)
        .options(selectinload(JudgeAssignment.user))
        .order_by(JudgeAssignment.id)
    )
    return jsonify({"judges": schemas.JudgeOut(many=True).dump(assignments)})


# ---------------------------------------------------------------- marks
# Made once: a schema's construction copies its fields, which cost a tenth of a mark's PUT.
# Loading and dumping keep no state on the instance, so every thread may share them.
_MARK_IN, _MARK_OUT = schemas.MarkIn(), schemas.MarkOut()


def _mark_request() -> tuple[dict[str, Any], set[str] | None, bool] | AppError:
    """A mark's body and conditions, or their refusal (400, 422) to raise after the 404s and
    403s, in the contract's order: read before the round's lock, so that no other judge's
    mark waits while this one's JSON is parsed."""
    try:
        if_match, if_none_match = if_match_tags(), if_none_match_any()
        return load(_MARK_IN), if_match, if_none_match
    except AppError as refusal:
        return refusal


@bp.put("/events/<int:event_id>/rounds/<round_kind>/marks/<int:contestant_id>/<component_key>")
def set_mark(event_id: int, round_kind: str, contestant_id: int, component_key: str) -> Response:
    """The request a final sends most, so it reads no ORM object: under the round's lock, one
    row with the token's holder and everything the rules look at
    (`locked_target_for_token`), then the rules and the write (`marks.apply`, which the
    pages, appeals and second entry share). The 401s, 404s and 403s are the same rules and
    words, in the same order, as every other view's."""
    token = require_token()
    sent = _mark_request()  # before the lock: while it is held, the other writers wait
    found = mark_service.locked_target_for_token(
        token, event_id, round_kind, contestant_id, component_key
    )
    if found is None:  # no such token (401), or no such round (a 404 below)
        bearer, target = require_bearer(), None
    else:
        bearer, target = found
        if bearer is None:
            raise Unauthorized(TOKEN_INVALID)
        g.api_user_id = bearer.user_id  # for the request log (`require_bearer` notes its own)
    if target is None or target.contestant_id is None:
        event = contest_service.get_event(event_id)  # each raises its own 404, in order
        contest_service.get_round(event, round_kind)
        contest_service.get_contestant(event, contestant_id)
        raise NotFound("本赛项没有这名选手")  # deleted just now, between the two reads
    assigned = target.assigned_unit if target.assignment_id is not None else policy.NOT_ASSIGNED
    refusal = policy.marking_refusal(
        assigned if bearer.role == Role.JUDGE else policy.NOT_ASSIGNED,
        round_kind,
        target.contestant_unit,
    )
    if refusal:
        raise Forbidden(refusal)
    if isinstance(sent, AppError):
        raise sent
    data, if_match, if_none_match = sent
    written = mark_service.apply(
        target,
        data["value"],
        reason=data["reason"],
        if_match=if_match,
        if_none_match=if_none_match,
    )
    _commit()
    response = respond(
        _MARK_OUT,
        {
            "contestant_id": contestant_id,
            "component": component_key,
            "judge_id": bearer.user_id,
            "value": data["value"],
        },
    )
    response.set_etag(written.etag)
    return response


@bp.get("/events/<int:event_id>/rounds/<round_kind>/marks")
def list_marks(event_id: int, round_kind: str) -> Response:
    """A judge sees their own marks of the round; an organiser sees every judge's."""
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    if policy.is_organiser(user):
        rows = mark_service.list_marks(round_)
    elif policy.judge_assignment(user, event) is not None:
        rows = mark_service.list_marks(round_, judge=user)
    else:
        raise NotFound("没有这个赛项")
    marks = [
        {
            "contestant_id": contestant.id,
            "number": contestant.number,
            "component": component.key,
            "judge_id": mark.judge_id,
            "value": mark.value,
            "updated_at": mark.updated_at,
            "etag": quote_etag(mark.etag),
        }
        for mark, contestant, component in rows
    ]
    return respond(schemas.MarkListOut(), {"marks": marks})


# ---------------------------------------------------------------- results
def _results_body(results: result_service.RoundResults, identities: bool) -> dict[str, Any]:
    """The results document as `schemas.ResultsOut` describes it, built directly: a ranking of
    10,000 people is built and sent in a fraction of the time a field-by-field dump takes.
    Scores and totals come from the rules already rounded to exactly 2 places, so `str()` is
    their published form."""
    contestants = results.contestants
    ranking = results.ranking
    published_at = results.round.published_at
    return {
        "event_id": results.event.id,
        "round": results.round.kind,
        "unit_id": results.unit_id,
        "published": results.round.published,
        "published_at": published_at.isoformat() if published_at else None,
        "ranking": [
            {
                "rank": entry.rank,
                "contestant_id": entry.contestant_id,
                "number": entry.number,
                "name": contestants[entry.contestant_id].name if identities else None,
                "unit": contestants[entry.contestant_id].unit.name if identities else None,
                "scores": {key: str(score) for key, score in entry.scores.items()},
                "total": str(entry.total),
                "decided_by": entry.decided_by,
            }
            for entry in ranking.ranked
        ],
        "incomplete": [
            {
                "contestant_id": item.contestant_id,
                "number": contestants[item.contestant_id].number,
                "missing": list(item.missing),
            }
            for item in ranking.incomplete
        ],
        "unresolved_ties": [list(group) for group in ranking.unresolved_ties],
        "resolutions": schemas.TieResolutionOut(many=True).dump(results.resolutions),
        "absent": [
            {"contestant_id": item.contestant_id, "status": item.status, "reason": item.reason}
            for item in results.absent
        ],
    }


@bp.get("/events/<int:event_id>/rounds/<round_kind>/results")
def get_results(event_id: int, round_kind: str) -> Response:
    asked = results_request(event_id, round_kind)
    results = result_service.round_results(asked.event, asked.round, asked.unit_id)
    return jsonify(_results_body(results, asked.sees_identities))


@bp.post("/events/<int:event_id>/rounds/<round_kind>/tie-resolutions")
def resolve_tie(event_id: int, round_kind: str) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    policy.require_organiser(user)
    data = load(schemas.TieResolutionIn())
    resolution = result_service.resolve_tie(event, round_, data["order"], data["reason"], user)
    _commit()
    return respond(schemas.TieResolutionOut(), resolution, 201)


@bp.put("/events/<int:event_id>/rounds/<round_kind>/absences/<int:contestant_id>")
def record_absence(event_id: int, round_kind: str, contestant_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    policy.require_organiser(user)
    data = load(schemas.AbsenceIn())
    absence = absence_service.record_absence(
        event, round_, contestant, data["status"], data["reason"], user
    )
    _commit()
    return respond(schemas.AbsenceOut(), absence)


@bp.delete("/events/<int:event_id>/rounds/<round_kind>/absences/<int:contestant_id>")
def undo_absence(event_id: int, round_kind: str, contestant_id: int) -> tuple[str, int]:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    policy.require_organiser(user)
    absence_service.undo_absence(event, round_, contestant, user)
    _commit()
    return "", 204


@bp.post("/events/<int:event_id>/rounds/<round_kind>/publish")
def publish(event_id: int, round_kind: str) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    policy.require_organiser(user)
    round_ = publication.publish(event, round_, user)
    _commit()
    return respond(schemas.RoundOut(), round_)


# ---------------------------------------------------------------- finalists
@bp.post("/events/<int:event_id>/finalists")
def set_finalists(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    policy.require_organiser(user)
    data = load(schemas.FinalistsIn())
    chosen = result_service.set_finalists(event, data["unit_id"], data["count"], user)
    _commit()
    return respond(
        schemas.FinalistsSetOut(), {"unit_id": data["unit_id"], "finalists": chosen}, 201
    )


@bp.get("/events/<int:event_id>/finalists")
def get_finalists(event_id: int) -> Response:
    user = current_user()
    event = contest_service.get_event(event_id)
    public = any(r.published for r in event.rounds)
    if (
        not public
        and not policy.is_organiser(user)
        and policy.judge_assignment(user, event) is None
    ):
        raise NotFound("决赛名单尚未公布")
    return respond(schemas.FinalistsOut(), {"finalists": result_service.finalists(event)})


# ---------------------------------------------------------------- audit trail
@bp.get("/events/<int:event_id>/audit")
def audit_trail(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    policy.require_organiser(user)
    query = select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)
    contestant_id = int_arg("contestant_id")
    if contestant_id is not None:
        query = query.where(AuditEntry.contestant_id == contestant_id)
    return jsonify({"entries": schemas.AuditEntryOut(many=True).dump(db.session.scalars(query))})


# ---------------------------------------------------------------- the API's own description
@bp.get("/openapi.json")
def openapi_document() -> Response:
    from competition.http.openapi import build_spec

    return jsonify(build_spec())
