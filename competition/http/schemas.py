"""Shapes that belong to no feature: signing in and the accounts (`/tokens`, `/users`), and an
audit trail's entry, the same for a contest's event (`GET /events/<id>/audit`) and a craftsman
class (`GET /cohorts/<id>/audit`)."""

from __future__ import annotations

from marshmallow import fields, validate

from competition.http.fields import BaseSchema, DecimalValue, String
from competition.models.users import ROLE_VALUES


def _length(maximum: int, minimum: int = 1) -> validate.Length:
    return validate.Length(min=minimum, max=maximum, error=f"长度应为 {minimum}-{maximum} 个字符")


# ---------------------------------------------------------------- authentication and users
class TokenIn(BaseSchema):
    username = String(required=True, validate=_length(64))
    password = String(required=True, strip=False, validate=_length(256))


class UserOut(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    display_name = fields.String()


class UserBriefOut(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()


class TokenOut(BaseSchema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserBriefOut)


class UserIn(BaseSchema):
    username = String(required=True, validate=_length(64, 2))
    password = String(required=True, strip=False, validate=_length(256, 8))
    role = String(
        required=True,
        validate=validate.OneOf(ROLE_VALUES, error="角色须为 " + "、".join(ROLE_VALUES) + " 之一"),
    )
    display_name = String(
        load_default="", validate=validate.Length(max=100, error="最长 100 个字符")
    )


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
