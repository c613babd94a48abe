"""Judge consistency through the API: how each judge's marks sit against the panel's.

`GET …/consistency` lists, per judge and component of a round, how many of the judge's marks
could be compared, their mean difference from the panel's scores, the rank correlation with
the panel's order, the contestants whose mark lies unusually far from the other judges'
median, and the chief judge's notes on them (`services.consistency` defines each). `PUT
…/consistency/notes/…` is the chief judge's acknowledgement of one flagged mark: without one,
that judge's sheet cannot be signed (`services.judging.sign_sheet`).

Read by the organisers and the event's chief judge: the figures name judges, and a judge's
standing is not for their colleagues. Contestants appear by id only, never by name."""

from __future__ import annotations

from typing import Any

from flask.wrappers import Response
from marshmallow import fields, validate

from competition.contest.services import consistency as consistency_service
from competition.contest.services import contests as contest_service
from competition.core import normalise
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, DecimalValue, String
from competition.http.loading import load
from competition.http.openapi import operation

CONSISTENCY = "/events/<int:event_id>/rounds/<round_kind>/consistency"
NOTE = f"{CONSISTENCY}/notes/<int:contestant_id>/<component_key>/<int:judge_id>"


class JudgeConsistencyOut(BaseSchema):
    judge_id = fields.Integer()
    component = fields.String(attribute="component.key")
    marks = fields.Integer(
        metadata={"description": "contestants marked by this judge and at least one other"}
    )
    mean_difference = DecimalValue(
        metadata={"description": "mean of (judge's mark − panel's score), 2 places, signed"}
    )
    rank_correlation = DecimalValue(
        allow_none=True,
        metadata={
            "description": "Spearman's rho with the panel's scores, 2 places; null below 3 "
            "contestants or without variance"
        },
    )
    flagged = fields.List(
        fields.Integer(),
        metadata={"description": "contestant ids whose mark lies beyond the event's distance"},
    )
    notes = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "the chief judge's note per contestant id"},
    )


class ConsistencyOut(BaseSchema):
    judges = fields.List(fields.Nested(JudgeConsistencyOut))


class FlagNoteIn(BaseSchema):
    note = String(
        required=True,
        validate=validate.Length(
            min=1,
            max=consistency_service.MAX_NOTE,
            error=f"长度应为 1-{consistency_service.MAX_NOTE} 个字符",
        ),
    )


class FlagNoteOut(BaseSchema):
    contestant_id = fields.Integer()
    component = fields.String(attribute="component.key")
    judge_id = fields.Integer()
    mark = DecimalValue(metadata={"description": "the judge's mark, rounded for display"})
    others_median = DecimalValue(metadata={"description": "the other judges' median, rounded"})
    note = fields.String()
    noted_by_id = fields.Integer()
    noted_at = fields.DateTime()


@bp.get(CONSISTENCY)
@operation(
    "评分一致性 (organiser, the event's chief judge)",
    tag="judging",
    auth="required",
    response=ConsistencyOut,
    errors=(401, 403, 404),
    description="Per judge and component (by component position, then judge id), over the "
    "contestants the judge marked who also have another judge's mark: `marks`, how many; "
    "`mean_difference`, the mean of (the judge's mark − the panel's score as the results "
    "compute it), 2 places half-up; `rank_correlation`, Spearman's rho between the judge's "
    "marks and the panel's scores (average ranks for ties), null below 3 contestants or "
    "without variance; `flagged`, the contestant ids whose mark from this judge lies more "
    "than the event's `outlier_percent` % of the component's maximum from the median of the "
    "other judges' marks (exactly at the distance is not flagged); `notes`, the chief "
    "judge's note per contestant id (a note the judge's changed mark outdated is left out). "
    "Judges with no comparable mark are not listed.",
)
def get_consistency(event_id: int, round_kind: str) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    consistency_service.require_reading(user, event)
    lines = consistency_service.judge_lines(event, round_)
    return respond(ConsistencyOut(), {"judges": lines})


@bp.put(NOTE)
@operation(
    "说明被标记的评分 (the chief judge who signs the judge's sheet, or an organiser)",
    tag="judging",
    auth="required",
    request=FlagNoteIn,
    response=FlagNoteOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="Acknowledges one flagged mark with a note (required, non-empty); sending it "
    "again replaces the note. Audited. 409 for a mark that is not flagged. A judge's sheet "
    "is signed only once each of its flagged marks has a note; a note covers the mark as it "
    "stood, so a mark the judge changes afterwards needs a new one.",
)
def put_note(
    event_id: int, round_kind: str, contestant_id: int, component_key: str, judge_id: int
) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    key = normalise.plain(component_key)
    consistency_service.require_noting(event, round_, contestant, key, judge_id, user)
    data: dict[str, Any] = load(FlagNoteIn())
    acknowledged = consistency_service.acknowledge(
        event, round_, contestant, key, judge_id, data["note"], user
    )
    db.session.commit()
    return respond(FlagNoteOut(), acknowledged)
