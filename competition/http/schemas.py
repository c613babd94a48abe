"""Output shapes that belong to no feature: an audit trail's entry, the same for a contest's
event (`GET /events/<id>/audit`) and a craftsman class (`GET /cohorts/<id>/audit`)."""

from __future__ import annotations

from marshmallow import fields

from competition.http.fields import BaseSchema, DecimalValue


class AuditEntryOut(BaseSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    round_id = fields.Integer(allow_none=True)
    contestant_id = fields.Integer(allow_none=True)
    component_id = fields.Integer(allow_none=True)
    judge_id = fields.Integer(allow_none=True)
    old_value = DecimalValue(allow_none=True)
    new_value = DecimalValue(allow_none=True)
    reason = fields.String(allow_none=True)
    details = fields.Dict(allow_none=True)
