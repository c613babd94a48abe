"""API routes. Each view checks in the contract's order: 401, 404, 403, 400, 422, 409."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask.wrappers import Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.http import quote_etag

from competition.contest import policy, schemas
from competition.contest.api import results_json
from competition.contest.api.requests import (
    contest_or_404,
    organiser_contest,
    organiser_event,
    organiser_round,
    results_request,
)
from competition.contest.services import absences as absence_service
from competition.contest.services import contests as contest_service
from competition.contest.services import draw as draw_service
from competition.contest.services import marks as mark_service
from competition.contest.services import publication, setup
from competition.contest.services import results as result_service
from competition.contest.services import schemes as scheme_service
from competition.core import roles
from competition.core.errors import AppError, NotFound, Unauthorized
from competition.extensions import db
from competition.http.api import (
    TOKEN_INVALID,
    current_user,
    require_bearer,
    require_token,
    require_user,
    respond,
)
from competition.http.blueprints import api as bp
from competition.http.loading import if_match_tags, if_none_match_any, int_arg, load
from competition.http.openapi import build_spec, list_of, operation, undocumented
from competition.http.schemas import AuditEntryOut
from competition.models import AuditEntry, Contest, Contestant, JudgeAssignment, Role
from competition.scoring import defaults


def _commit() -> None:
    db.session.commit()


# ---------------------------------------------------------------- contests and units
@bp.post("/contests")
@operation(
    "创建竞赛 (organiser)",
    tag="contests",
    auth="required",
    request=schemas.ContestIn,
    response=schemas.ContestOut,
    status=201,
    errors=(400, 401, 403, 422),
)
def create_contest() -> Response:
    roles.require_organiser(require_user())
    contest = contest_service.create_contest(**load(schemas.ContestIn()))
    _commit()
    return respond(schemas.ContestOut(), contest, 201)


@bp.get("/contests")
@operation(
    "竞赛列表 (contests)",
    tag="contests",
    auth="optional",
    response=list_of("contests", schemas.ContestOut),
    errors=(401,),
)
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


# A contest's or an event's settings carry a version (raised by every saved edit); the ETag of
# their GET and PATCH is that version, and a PATCH with If-Match is made only on it.
_SETTINGS_ETAG = (("ETag", "the settings' version: send it in If-Match to change them"),)
_SETTINGS_IF_MATCH = (("If-Match", 'the ETag of the settings as last read, e.g. "3"; * for any'),)


def _tagged(response: Response, version: int) -> Response:
    response.set_etag(str(version))
    return response


def _if_match_version(current: int) -> int | None:
    """The version an If-Match header names, as `services.setup` checks it: None without the
    header (or with *); the current version when one of the tags is it; otherwise 0, which no
    version is, so the edit is refused (409, code `stale`) and nothing is written."""
    tags = if_match_tags()
    if tags is None or "*" in tags:
        return None
    return current if str(current) in tags else 0


@bp.get("/contests/<int:contest_id>")
@operation(
    "竞赛详情 (a contest with units and events)",
    tag="contests",
    auth="optional",
    response=schemas.ContestOut,
    errors=(401, 404),
    response_headers=_SETTINGS_ETAG,
)
def get_contest(contest_id: int) -> Response:
    current_user()
    contest = contest_or_404(contest_id)
    return _tagged(respond(schemas.ContestOut(), contest), contest.version)


@bp.patch("/contests/<int:contest_id>")
@operation(
    "修改竞赛信息 (organiser)",
    tag="contests",
    auth="required",
    request=schemas.ContestSettingsIn,
    response=schemas.ContestOut,
    errors=(400, 401, 403, 404, 409, 422),
    headers=_SETTINGS_IF_MATCH,
    response_headers=_SETTINGS_ETAG,
    description="What the console's contest page changes: name, host, edition, co-hosts, "
    "theme, the notice period (公示期, 0 to 60 working days) and the objection contact "
    "printed on the notices. Only the fields sent change (at least one); audited. With "
    "If-Match (the ETag of GET /contests/{contest_id}) the change is made only if nobody "
    "has saved the settings since: otherwise 409, code `stale`, and nothing is written.",
)
def update_contest(contest_id: int) -> Response:
    user, contest = organiser_contest(contest_id)
    version = _if_match_version(contest.version)
    data = load(schemas.ContestSettingsIn())
    setup.update_contest(contest, user, version=version, **data)
    _commit()
    return _tagged(respond(schemas.ContestOut(), contest), contest.version)


@bp.post("/contests/<int:contest_id>/units")
@operation(
    "登记参赛单位 (organiser)",
    tag="contests",
    auth="required",
    request=schemas.UnitIn,
    response=schemas.UnitOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def create_unit(contest_id: int) -> Response:
    _, contest = organiser_contest(contest_id)
    unit = contest_service.create_unit(contest, **load(schemas.UnitIn()))
    _commit()
    return respond(schemas.UnitOut(), unit, 201)


@bp.get("/contests/<int:contest_id>/units")
@operation(
    "参赛单位列表 (units)",
    tag="contests",
    auth="optional",
    response=list_of("units", schemas.UnitOut),
    errors=(401, 404),
)
def list_units(contest_id: int) -> Response:
    current_user()
    contest = contest_or_404(contest_id)
    return jsonify({"units": schemas.UnitOut(many=True).dump(contest.units)})


# ---------------------------------------------------------------- events
@bp.post("/contests/<int:contest_id>/events")
@operation(
    "创建赛项 (organiser)",
    tag="events",
    auth="required",
    request=schemas.EventIn,
    response=schemas.EventOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
    description="Weights of the weighted components must add up to 1; a component "
    "of weight 0 only breaks ties. `team_size` (1-20, default 3): how many of a unit's best "
    "final totals make its team total (团体成绩). `outlier_percent` (1-100, default 15): a "
    "judge's mark further than this % of the component's maximum from the other judges' "
    "median is flagged for the chief judge (…/consistency). Defaults are the reference rules: "
    f"{defaults.describe_reference_rules()}.",
)
def create_event(contest_id: int) -> Response:
    _, contest = organiser_contest(contest_id)
    data = load(schemas.EventIn())
    event = contest_service.create_event(
        contest,
        name=data["name"],
        group=data["group"],
        min_finalists_per_unit=data["min_finalists_per_unit"],
        components=setup.component_specs(data["components"]),
        tie_breaks=data["tie_breaks"],
        team_size=data["team_size"],
        outlier_percent=data["outlier_percent"],
    )
    _commit()
    return respond(schemas.EventOut(), event, 201)


@bp.get("/events/<int:event_id>")
@operation(
    "赛项详情 (an event with its rules and rounds)",
    tag="events",
    auth="optional",
    response=schemas.EventOut,
    errors=(401, 404),
    response_headers=_SETTINGS_ETAG,
)
def get_event(event_id: int) -> Response:
    current_user()
    event = contest_service.get_event(event_id)
    return _tagged(respond(schemas.EventOut(), event), event.version)


@bp.patch("/events/<int:event_id>")
@operation(
    "修改赛项设置 (organiser)",
    tag="events",
    auth="required",
    request=schemas.EventSettingsIn,
    response=schemas.EventOut,
    errors=(400, 401, 403, 404, 409, 422),
    headers=_SETTINGS_IF_MATCH,
    response_headers=_SETTINGS_ETAG,
    description="What the console's event page changes: name, group, the minimum of "
    "finalists per unit, the notice period (null: the contest's), the team size (locked "
    "once the final is published), `outlier_percent` (1-100, changes at any time), the "
    "components "
    "(weights, maximum scores, direction, unit) and the tie-break chain. Only the fields "
    "sent change (at least one); `components`, sent, replace the stored ones as a whole "
    "and are checked as at creation (weights add up to 1, tie-breaks name components). "
    "The rules (components, weights, tie-breaks, minimum finalists) are locked once a "
    "mark exists or a round is published (409); names, the notice period and the units "
    "scores are printed in still change. Audited. With If-Match (the ETag of GET "
    "/events/{event_id}) the change is made only if nobody has saved the event since: "
    "otherwise 409, code `stale`, and nothing is written.",
)
def update_event(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    version = _if_match_version(event.version)
    data = load(schemas.EventSettingsIn())
    event = setup.edit_event(event, user, version=version, **data)
    _commit()
    return _tagged(respond(schemas.EventOut(), event), event.version)


# ---------------------------------------------------------------- contestants and judges
@bp.post("/events/<int:event_id>/contestants")
@operation(
    "登记选手 (organiser)",
    tag="contestants",
    auth="required",
    request=schemas.ContestantIn,
    response=schemas.ContestantOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
    description="The identity number is checked (GB 11643 checksum) and is only ever "
    "returned masked.",
)
def register_contestant(event_id: int) -> Response:
    _, event = organiser_event(event_id)
    contestant = contest_service.register_contestant(event, **load(schemas.ContestantIn()))
    _commit()
    return respond(schemas.ContestantOut(), contestant, 201)


@bp.get("/events/<int:event_id>/contestants")
@operation(
    "选手列表 (organisers; judges see numbers only)",
    tag="contestants",
    auth="required",
    response=list_of("contestants", schemas.ContestantOut),
    errors=(401, 404),
)
def list_contestants(event_id: int) -> Response:
    """Organisers see everyone; an event's judges see contest numbers only (anonymous marking)."""
    user = require_user()
    event = contest_service.get_event(event_id)
    assignment = policy.judge_assignment(user, event)
    if not roles.is_organiser(user) and assignment is None:
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
    if roles.is_organiser(user):
        schema = schemas.ContestantOut(many=True)
    else:
        schema = schemas.ContestantOut(many=True, only=("id", "number", "finalist"))
    return jsonify({"contestants": schema.dump(contestants)})


@bp.post("/events/<int:event_id>/judges")
@operation(
    "分配裁判 (organiser)",
    tag="judges",
    auth="required",
    request=schemas.JudgeIn,
    response=schemas.JudgeOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def assign_judge(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    data = load(schemas.JudgeIn())
    assignment = contest_service.assign_judge(
        event, data["user_id"], user, unit_id=data["unit_id"], chief=data["chief"]
    )
    _commit()
    return respond(schemas.JudgeOut(), assignment, 201)


@bp.get("/events/<int:event_id>/judges")
@operation(
    "裁判列表 (organiser)",
    tag="judges",
    auth="required",
    response=list_of("judges", schemas.JudgeOut),
    errors=(401, 403, 404),
)
def list_judges(event_id: int) -> Response:
    _, event = organiser_event(event_id)
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
@operation(
    "录入或修改本裁判的评分 (an assigned judge)",
    tag="marks",
    auth="required",
    request=schemas.MarkIn,
    response=schemas.MarkOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="Sets the caller's own mark; sending it again replaces it and the "
    "change is kept in the audit trail. 409 once the round is published. With If-Match "
    "(the mark's ETag, as the last answer or the marks list gave it) the change is made "
    "only if nobody has changed the mark since: otherwise 409 (code `stale`, with the "
    "mark's ETag as it is now) and nothing is written. With If-None-Match: * it is made "
    "only if there is no mark yet. A condition that fails on a mark that already has the "
    "value sent is answered 200: the change was made, e.g. by a try whose answer was lost.",
    headers=(
        ("If-Match", 'the ETag of the mark as last read, e.g. "12-3"; * for any'),
        ("If-None-Match", "* to make the mark only if there is none yet"),
    ),
    response_headers=(("ETag", "the mark's ETag after the change"),),
)
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
        raise policy.marking_forbidden(refusal)
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
@operation(
    "本轮评分 (a judge's own marks; an organiser sees all)",
    tag="marks",
    auth="required",
    response=schemas.MarkListOut,
    errors=(401, 404),
)
def list_marks(event_id: int, round_kind: str) -> Response:
    """A judge sees their own marks of the round; an organiser sees every judge's."""
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    if roles.is_organiser(user):
        rows = mark_service.list_marks(round_)
    elif policy.judge_assignment(user, event) is not None:
        rows = mark_service.list_marks(round_, judge=user)
    else:
        raise NotFound("没有这个赛项")
    drawn = draw_service.drawn_numbers(round_)  # the final's, once drawn
    marks = [
        {
            "contestant_id": contestant.id,
            "number": drawn.get(contestant.id, contestant.number),
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
        "ranking": None,  # the rows: `results_json.response`, which encodes each once
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
@operation(
    "轮次成绩与排名 (results)",
    tag="results",
    auth="optional",
    response=schemas.ResultsOut,
    errors=(401, 404, 422),
    query=(("unit_id", "preliminary: one unit's own ranking"),),
    description="Organisers and the event's judges any time (judges without names "
    "and units before publication); anyone once the round is published (404 before).",
)
def get_results(event_id: int, round_kind: str) -> Response:
    asked = results_request(event_id, round_kind)
    results = result_service.round_results(asked.event, asked.round, asked.unit_id)
    body = _results_body(results, asked.sees_identities)
    body["disputes"] = [
        {"contestant_id": d.contestant_id, "component": d.component, "item": d.item}
        for d in scheme_service.disputes(asked.round)
        if asked.unit_id is None or d.contestant_id in results.contestants
    ]
    return results_json.response(body, results, asked.sees_identities)


@bp.post("/events/<int:event_id>/rounds/<round_kind>/tie-resolutions")
@operation(
    "裁定同分名次 (organiser)",
    tag="results",
    auth="required",
    request=schemas.TieResolutionIn,
    response=schemas.TieResolutionOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def resolve_tie(event_id: int, round_kind: str) -> Response:
    user, event, round_ = organiser_round(event_id, round_kind)
    data = load(schemas.TieResolutionIn())
    resolution = result_service.resolve_tie(event, round_, data["order"], data["reason"], user)
    _commit()
    return respond(schemas.TieResolutionOut(), resolution, 201)


@bp.put("/events/<int:event_id>/rounds/<round_kind>/absences/<int:contestant_id>")
@operation(
    "登记缺考或弃权 (organiser, chief judge)",
    tag="results",
    auth="required",
    request=schemas.AbsenceIn,
    response=schemas.AbsenceOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="缺考 (absent) or 弃权 (withdrawn), with a reason: the contestant is then in "
    "neither `ranking` nor `incomplete` of the round's results but in `absent`, and "
    "does not block publication. Sending it again changes it; 409 once the round is "
    "published. As on the pages, the event's chief judge may record them too, and a unit "
    "committee's chief those of their own unit in its preliminary.",
)
def record_absence(event_id: int, round_kind: str, contestant_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    policy.require_absence_recording(user, event, round_, contestant)
    data = load(schemas.AbsenceIn())
    absence = absence_service.record_absence(
        event, round_, contestant, data["status"], data["reason"], user
    )
    _commit()
    return respond(schemas.AbsenceOut(), absence)


@bp.delete("/events/<int:event_id>/rounds/<round_kind>/absences/<int:contestant_id>")
@operation(
    "撤销缺考或弃权 (organiser, chief judge)",
    tag="results",
    auth="required",
    status=204,
    errors=(401, 403, 404, 409),
)
def undo_absence(event_id: int, round_kind: str, contestant_id: int) -> tuple[str, int]:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    policy.require_absence_recording(user, event, round_, contestant)
    absence_service.undo_absence(event, round_, contestant, user)
    _commit()
    return "", 204


@bp.post("/events/<int:event_id>/rounds/<round_kind>/publish")
@operation(
    "发布并锁定成绩 (organiser)",
    tag="results",
    auth="required",
    response=schemas.RoundOut,
    errors=(401, 403, 404, 409),
)
def publish(event_id: int, round_kind: str) -> Response:
    user, event, round_ = organiser_round(event_id, round_kind)
    round_ = publication.publish(event, round_, user)
    _commit()
    return respond(schemas.RoundOut(), round_)


# ---------------------------------------------------------------- finalists
@bp.post("/events/<int:event_id>/finalists")
@operation(
    "按单位初赛排名推荐决赛选手 (organiser)",
    tag="finalists",
    auth="required",
    request=schemas.FinalistsIn,
    response=schemas.FinalistsSetOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def set_finalists(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    data = load(schemas.FinalistsIn())
    chosen = result_service.set_finalists(event, data["unit_id"], data["count"], user)
    _commit()
    return respond(
        schemas.FinalistsSetOut(), {"unit_id": data["unit_id"], "finalists": chosen}, 201
    )


@bp.get("/events/<int:event_id>/finalists")
@operation(
    "决赛名单 (finalists)",
    tag="finalists",
    auth="optional",
    response=schemas.FinalistsOut,
    errors=(401, 404),
)
def get_finalists(event_id: int) -> Response:
    user = current_user()
    event = contest_service.get_event(event_id)
    public = any(r.published for r in event.rounds)
    if not public and not roles.is_organiser(user) and policy.judge_assignment(user, event) is None:
        raise NotFound("决赛名单尚未公布")
    return respond(schemas.FinalistsOut(), {"finalists": result_service.finalists(event)})


# ---------------------------------------------------------------- audit trail
@bp.get("/events/<int:event_id>/audit")
@operation(
    "审计记录 (organiser)",
    tag="audit",
    auth="required",
    response=list_of("entries", AuditEntryOut),
    errors=(401, 403, 404, 422),
    query=(("contestant_id", "only this contestant's entries"),),
)
def audit_trail(event_id: int) -> Response:
    _, event = organiser_event(event_id)
    query = select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)
    contestant_id = int_arg("contestant_id")
    if contestant_id is not None:
        query = query.where(AuditEntry.contestant_id == contestant_id)
    return jsonify({"entries": AuditEntryOut(many=True).dump(db.session.scalars(query))})


# ---------------------------------------------------------------- the API's own description
@bp.get("/openapi.json")
@undocumented
def openapi_document() -> Response:
    return jsonify(build_spec())
