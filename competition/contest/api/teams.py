"""Team results (团体成绩) and the 优秀组织奖 through the API (api-v1 "Judging in depth").

The team results are read exactly as the final's results are (`policy.may_read_results`, the
404 before publication for those who may not read it yet): they are those results summed by
unit. Judges see the results without names and units before publication, so they see the team
places and totals without the units and members, which would tell who is whose (the units'
list is public). The 优秀组织奖 list is the organisers' to change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify
from flask.wrappers import Response
from marshmallow import fields

from competition.contest import policy
from competition.contest.services import contests as contest_service
from competition.contest.services import teams as team_service
from competition.core import roles
from competition.core.errors import NotFound
from competition.extensions import db
from competition.http.api import current_user, require_user, respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, DecimalValue
from competition.http.openapi import operation
from competition.models import Event, Unit, User
from competition.models.contests import FINAL
from competition.scoring import round_half_up

_HIDDEN = "null (with `unit` and empty `members`) for a judge before publication"


class TeamOut(BaseSchema):
    rank = fields.Integer()
    unit_id = fields.Integer(allow_none=True, metadata={"description": _HIDDEN})
    unit = fields.String(allow_none=True)
    total = DecimalValue(metadata={"description": "the exact sum, 2 places"})
    members = fields.List(
        fields.Integer(),
        metadata={"description": "contestant ids whose totals count, best placed first"},
    )


class UnrankedTeamOut(BaseSchema):
    unit_id = fields.Integer(allow_none=True, metadata={"description": _HIDDEN})
    unit = fields.String(allow_none=True)
    reason = fields.String()


class TeamResultsOut(BaseSchema):
    event_id = fields.Integer()
    published = fields.Boolean(metadata={"description": "whether the final is published"})
    team_size = fields.Integer()
    ranking = fields.List(fields.Nested(TeamOut))
    unranked = fields.List(fields.Nested(UnrankedTeamOut))
    organisation_awards = fields.List(
        fields.Integer(), metadata={"description": "unit ids named for the 优秀组织奖"}
    )


class OrganisationAwardOut(BaseSchema):
    event_id = fields.Integer()
    unit_id = fields.Integer()
    unit = fields.String()
    marked_at = fields.DateTime()


def _two_places(value: Decimal) -> str:
    """A team total as published: exactly 2 places (the sum of 2-place totals is exact)."""
    return str(round_half_up(value, 2))


def team_results_body(results: team_service.TeamResults, identities: bool) -> dict[str, Any]:
    """The team results document (`TeamResultsOut`); without `identities` (a judge before
    publication) no unit is named, by id or name, and no member listed."""
    units = results.units
    return {
        "event_id": results.event.id,
        "published": results.round.published,
        "team_size": results.team_size,
        "ranking": [
            {
                "rank": team.rank,
                "unit_id": team.unit_id if identities else None,
                "unit": units[team.unit_id] if identities else None,
                "total": _two_places(team.total),
                "members": list(team.members) if identities else [],
            }
            for team in results.ranking.ranked
        ],
        "unranked": [
            {
                "unit_id": team.unit_id if identities else None,
                "unit": units[team.unit_id] if identities else None,
                "reason": team.reason,
            }
            for team in results.ranking.unranked
        ],
        "organisation_awards": list(results.awards) if identities else [],
    }


@bp.get("/events/<int:event_id>/rounds/final/team-results")
@operation(
    "团体成绩 (team results of the final)",
    tag="results",
    auth="optional",
    response=TeamResultsOut,
    errors=(401, 404),
    description="Each unit with a finalist: its total is the exact sum of its best "
    "`team_size` final totals (the absent and the unscored are not ranked, so they do not "
    "count); a unit with fewer ranked finalists is in `unranked` with the reason. Ranks "
    "1..n, no shared ranks: equal totals are ordered by the unit's best individual place. "
    "Readable as the final's results are: organisers and the event's judges any time "
    "(judges without units and members before publication), anyone once the final is "
    "published (404 before). `organisation_awards`: the units named for the 优秀组织奖.",
)
def get_team_results(event_id: int) -> Response:
    user = current_user()
    event = contest_service.get_event(event_id)
    final = event.round(FINAL)
    if not policy.may_read_results(user, event, final):
        raise NotFound("本轮成绩尚未发布")
    results = team_service.team_results(event)
    return jsonify(team_results_body(results, policy.sees_identities(user, final)))


def _organiser_unit(event_id: int, unit_id: int) -> tuple[User, Event, Unit]:
    """The caller (401), the event and the unit of its contest (404, in that order), then 403
    for anyone but an organiser."""
    user = require_user()
    event = contest_service.get_event(event_id)
    unit = team_service.unit_of(event, unit_id)
    roles.require_organiser(user)
    return user, event, unit


AWARD = "/events/<int:event_id>/organisation-awards/<int:unit_id>"


@bp.put(AWARD)
@operation(
    "评为优秀组织奖 (organiser)",
    tag="results",
    auth="required",
    response=OrganisationAwardOut,
    errors=(401, 403, 404, 422),
    description="Names the unit for the event's 优秀组织奖 (no body). Sending it again "
    "changes nothing. 404 for a unit of another contest; 422 for a unit with nobody in the "
    "event. Audited.",
)
def mark_organisation_award(event_id: int, unit_id: int) -> Response:
    user, event, unit = _organiser_unit(event_id, unit_id)
    award = team_service.mark_award(event, unit, user)
    db.session.commit()
    body = {
        "event_id": event.id,
        "unit_id": unit.id,
        "unit": unit.name,
        "marked_at": award.marked_at,
    }
    return respond(OrganisationAwardOut(), body)


@bp.delete(AWARD)
@operation(
    "撤销优秀组织奖 (organiser)",
    tag="results",
    auth="required",
    status=204,
    errors=(401, 403, 404),
    description="Takes the unit off the event's 优秀组织奖 list; 204 also when it was not on "
    "it. 404 for a unit of another contest. Audited.",
)
def unmark_organisation_award(event_id: int, unit_id: int) -> Response:
    user, event, unit = _organiser_unit(event_id, unit_id)
    team_service.unmark_award(event, unit, user)
    db.session.commit()
    return Response(status=204)
