"""API routes of appeals (申诉, api-v1 "Appeals"): filing one during the notice period and
deciding it. The rules are `competition.contest.services.appeals`, the same the organisers'
pages use;
a decision that changes marks supersedes the certificates it makes stale.

Checks in the contract's order: 401, 404, 403, 400, 422, 409.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.wrappers import Response
from marshmallow import ValidationError, fields, validate, validates_schema

from competition.contest.api.requests import organiser_event, organiser_round
from competition.contest.services import appeals as appeal_service
from competition.core import normalise, roles
from competition.core.errors import Invalid
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, DecimalValue, Integer, List, Nested, String
from competition.http.loading import load
from competition.http.openapi import list_of, operation
from competition.http.schemas import AuditEntryOut
from competition.models import Appeal, Contestant, User
from competition.models.judging import APPEAL_OUTCOMES, APPEAL_UPHELD
from competition.models.types import utcnow

OPEN = "open"


# ---------------------------------------------------------------- schemas
class AppealIn(BaseSchema):
    contestant_id = Integer(required=True)
    filed_by = String(
        required=True,
        validate=validate.Length(min=1, max=appeal_service.MAX_NAME, error="长度应为 1-100 个字符"),
    )
    subject = String(
        required=True,
        validate=validate.Length(
            min=1, max=appeal_service.MAX_TEXT, error="长度应为 1-2000 个字符"
        ),
    )


class AppealOut(BaseSchema):
    id = fields.Integer()
    contestant_id = fields.Integer()
    round = fields.String()
    filed_by = fields.String()
    filed_at = fields.DateTime()
    subject = fields.String()
    status = fields.String(metadata={"enum": [OPEN, *APPEAL_OUTCOMES]})


class ChangeIn(BaseSchema):
    judge_id = Integer(required=True)
    component = String(required=True, validate=validate.Length(min=1, max=50))
    # A component marked from a marking scheme is changed item by item: the item's code, and
    # `value` as a judge enters it (a measured size has 3 decimals).
    item = String(
        load_default=None,
        allow_none=True,
        normaliser=normalise.contest_number,
        validate=validate.Length(min=1, max=16),
    )
    value = DecimalValue(required=True, places=3)


class DecisionIn(BaseSchema):
    outcome = String(
        required=True,
        validate=validate.OneOf(APPEAL_OUTCOMES, error="应为 upheld 或 rejected"),
    )
    reason = String(
        required=True,
        validate=validate.Length(
            min=1, max=appeal_service.MAX_TEXT, error="长度应为 1-2000 个字符"
        ),
    )
    changes = List(Nested(ChangeIn), load_default=list, validate=validate.Length(max=100))

    @validates_schema(skip_on_field_errors=True)
    def _changes_only_when_upheld(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """A rejected appeal changes nothing: sending changes with it is a mistake to point
        out, not to drop silently."""
        if data["changes"] and data["outcome"] != APPEAL_UPHELD:
            raise ValidationError("只有申诉成立（upheld）时才能更改成绩", "changes")


class DecisionOut(BaseSchema):
    id = fields.Integer()
    contestant_id = fields.Integer()
    status = fields.String(metadata={"enum": list(APPEAL_OUTCOMES)})
    reason = fields.String()
    decided_at = fields.DateTime()


class AppealMarkOut(BaseSchema):
    judge_id = fields.Integer()
    component = fields.String()
    value = DecimalValue()


class AppealDetailOut(AppealOut):
    """An appeal as the console's appeal page shows it: the record, the ruling, the marks it
    is about and the changes it made."""

    recorded_by_id = fields.Integer()
    recorded_at = fields.DateTime()
    reason = fields.String(allow_none=True, metadata={"description": "the ruling's reason"})
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    marks = fields.List(
        fields.Nested(AppealMarkOut),
        metadata={"description": "the appellant's marks in the round, which a ruling may change"},
    )
    changes = fields.List(
        fields.Nested(AuditEntryOut),
        metadata={"description": "the marks the ruling changed (their audit entries)"},
    )


def _appeal_body(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.id,
        "contestant_id": appeal.contestant_id,
        "round": appeal.round.kind,
        "filed_by": appeal.filed_by,
        "filed_at": appeal.filed_at,
        "subject": appeal.subject,
        "status": appeal.outcome or OPEN,
    }


def _organiser_appeal(appeal_id: int) -> tuple[User, Appeal]:
    """The caller (401) and the appeal (404), which only an organiser handles (403)."""
    user = require_user()
    appeal = appeal_service.get_appeal(appeal_id)
    roles.require_organiser(user)
    return user, appeal


# ---------------------------------------------------------------- routes
@bp.post("/events/<int:event_id>/rounds/<round_kind>/appeals")
@operation(
    "登记申诉 (organiser)",
    tag="appeals",
    auth="required",
    request=AppealIn,
    response=AppealOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
    description="A written appeal as handed in: who filed it (a real name) and what it is "
    "about; filed now. 409 unless the round is published and its notice period (公示期) "
    "has not ended. 422 for a contestant not of the event (in the final: not a finalist).",
)
def file_appeal(event_id: int, round_kind: str) -> Response:
    user, event, round_ = organiser_round(event_id, round_kind)
    data = load(AppealIn())
    contestant = db.session.get(Contestant, data["contestant_id"])
    if contestant is None or contestant.event_id != event.id:
        raise Invalid("本赛项没有这名选手", {"contestant_id": ["本赛项没有这名选手"]})
    appeal = appeal_service.file_appeal(
        event,
        round_,
        contestant,
        data["filed_by"],
        utcnow(),
        data["subject"],
        user,
        during_notice=True,
    )
    db.session.commit()
    return respond(AppealOut(), _appeal_body(appeal), 201)


@bp.post("/appeals/<int:appeal_id>/decision")
@operation(
    "申诉处理结果 (organiser)",
    tag="appeals",
    auth="required",
    request=DecisionIn,
    response=DecisionOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="upheld or rejected, with a reason. `changes` (only with upheld; 422 "
    "otherwise) set judges' marks of the appellant in the appealed round through the "
    "ordinary mark rules, audited, and send the changed sheets back for the chief "
    "judge's signature. Certificates already printed whose place, total or award tier "
    "the change moves are superseded (see GET /certificates/{serial}). 409 for an appeal "
    "already decided, or for changes after the notice period.",
)
def decide_appeal(appeal_id: int) -> Response:
    user, appeal = _organiser_appeal(appeal_id)
    data = load(DecisionIn())
    changes = [
        appeal_service.MarkChange(c["judge_id"], c["component"], c["value"], c["item"])
        for c in data["changes"]
    ]
    appeal = appeal_service.decide_appeal(appeal, data["outcome"], data["reason"], changes, user)
    db.session.commit()
    return respond(
        DecisionOut(),
        {
            "id": appeal.id,
            "contestant_id": appeal.contestant_id,
            "status": appeal.outcome,
            "reason": appeal.outcome_reason,
            "decided_at": appeal.decided_at,
        },
    )


@bp.get("/events/<int:event_id>/appeals")
@operation(
    "申诉登记簿 (organiser)",
    tag="appeals",
    auth="required",
    response=list_of("appeals", AppealOut),
    errors=(401, 403, 404),
    description="The event's appeals as the console's appeals log lists them, the latest "
    "filed first; `status` open until decided.",
)
def list_appeals(event_id: int) -> Response:
    _, event = organiser_event(event_id)
    appeals = [_appeal_body(a) for a in appeal_service.list_appeals(event)]
    return jsonify({"appeals": AppealOut(many=True).dump(appeals)})


@bp.get("/appeals/<int:appeal_id>")
@operation(
    "一条申诉 (organiser)",
    tag="appeals",
    auth="required",
    response=AppealDetailOut,
    errors=(401, 403, 404),
    description="What the console's appeal page shows: the appeal, its ruling once "
    "decided, the appellant's marks in the round (what `changes` of a decision may set) "
    "and the marks the ruling changed.",
)
def get_appeal(appeal_id: int) -> Response:
    _, appeal = _organiser_appeal(appeal_id)
    keys = {c.id: c.key for c in appeal.round.event.components}
    body = {
        **_appeal_body(appeal),
        "recorded_by_id": appeal.recorded_by_id,
        "recorded_at": appeal.recorded_at,
        "reason": appeal.outcome_reason,
        "decided_by_id": appeal.decided_by_id,
        "decided_at": appeal.decided_at,
        "marks": [
            {"judge_id": m.judge_id, "component": keys[m.component_id], "value": m.value}
            for m in appeal_service.contested_marks(appeal)
        ],
        "changes": appeal_service.changes_made(appeal),
    }
    return respond(AppealDetailOut(), body)
