"""Schemas of the award programmes' review, selection, notice and confirmation: inputs check
types and sizes (names through `competition.core.normalise`), the rules are the services' and
`competition.scoring.stations`'; outputs shape the API's answers."""

from __future__ import annotations

from marshmallow import fields, validate

from competition.core import normalise
from competition.http.fields import (
    BaseSchema,
    Boolean,
    DecimalValue,
    Integer,
    List,
    Nested,
    String,
)

COMMENT_MAX = 2000
TEXT_MAX = 4000


def _length(maximum: int, minimum: int = 1) -> validate.Length:
    return validate.Length(min=minimum, max=maximum, error=f"长度应为 {minimum}-{maximum} 个字符")


# ---------------------------------------------------------------- the expert's review
class JudgedIn(BaseSchema):
    criterion = String(required=True, validate=_length(32), metadata={"description": "key"})
    points = DecimalValue(
        load_default=None, allow_none=True, metadata={"description": "points criterion: 0..max"}
    )
    passed = Boolean(
        load_default=None, allow_none=True, metadata={"description": "pass/fail criterion"}
    )
    comment = String(load_default="", validate=_length(COMMENT_MAX, 0))


class StationReviewIn(BaseSchema):
    criteria = List(Nested(JudgedIn), required=True, validate=_length(50))


class JudgedOut(BaseSchema):
    criterion = fields.String()
    name = fields.String()
    kind = fields.String()
    max_points = DecimalValue(allow_none=True)
    points = DecimalValue(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    comment = fields.String()


class StationReviewOut(BaseSchema):
    programme_id = fields.Integer()
    station_id = fields.Integer()
    etag = fields.String(metadata={"description": "send it as is in If-Match to change them"})
    locked = fields.Boolean()
    criteria = fields.List(fields.Nested(JudgedOut))


class WorkItemOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    district = fields.String()
    level = fields.String()
    done = fields.Integer()
    total = fields.Integer()


class WorklistOut(BaseSchema):
    programme_id = fields.Integer()
    locked = fields.Boolean()
    stations = fields.List(fields.Nested(WorkItemOut))


class SignOffOut(BaseSchema):
    programme_id = fields.Integer()
    signed_at = fields.DateTime()
    signed_by = fields.String()


# ---------------------------------------------------------------- selection
class PlacedOut(BaseSchema):
    place = fields.Integer()
    station_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    district = fields.String()
    total = DecimalValue()
    selected = fields.Boolean()
    by_ruling = fields.Boolean()


class TieOut(BaseSchema):
    station_ids = fields.List(fields.Integer())
    first_place = fields.Integer()
    seats = fields.Integer()


class LevelRankingOut(BaseSchema):
    level_id = fields.Integer()
    key = fields.String()
    name = fields.String()
    quota = fields.Integer()
    blocked = fields.Boolean()
    unresolved = fields.Nested(TieOut, allow_none=True)
    ranking = fields.List(fields.Nested(PlacedOut))


class SelectionOut(BaseSchema):
    programme_id = fields.Integer()
    signed_off = fields.Boolean()
    published = fields.Boolean()
    resolved = fields.Boolean()
    incomplete = fields.List(fields.Integer())
    ineligible = fields.List(fields.Integer())
    levels = fields.List(fields.Nested(LevelRankingOut))


class RulingIn(BaseSchema):
    level_id = Integer(required=True)
    station_ids = List(Integer(), required=True, validate=_length(500, 2))
    reason = String(required=True, validate=_length(TEXT_MAX))


class RulingOut(BaseSchema):
    id = fields.Integer()
    level_id = fields.Integer()
    station_ids = fields.List(fields.Integer())
    reason = fields.String()
    decided_at = fields.DateTime()


# ---------------------------------------------------------------- notice and confirmation
class ProgrammeStateOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    published_at = fields.DateTime(allow_none=True)
    notice_ends_on = fields.Date(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)


class ListedOut(BaseSchema):
    level = fields.String()
    place = fields.Integer()
    station_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    district = fields.String()
    address = fields.String()
    opening_hours = fields.String()
    total = DecimalValue(allow_none=True)


class NoticeOut(BaseSchema):
    programme = fields.Nested(ProgrammeStateOut)
    in_notice = fields.Boolean()
    stations = fields.List(fields.Nested(ListedOut))


class ObjectionIn(BaseSchema):
    station_id = Integer(required=True)
    name = String(required=True, validate=_length(100), normaliser=normalise.person_name)
    contact = String(load_default="", validate=_length(100, 0))
    text = String(required=True, validate=_length(TEXT_MAX))


class ObjectionDecisionIn(BaseSchema):
    decision = String(
        required=True,
        validate=validate.OneOf(("upheld", "dismissed"), error="应为 upheld 或 dismissed"),
    )
    reason = String(required=True, validate=_length(TEXT_MAX))


class ObjectionOut(BaseSchema):
    id = fields.Integer()
    station_id = fields.Integer()
    name = fields.String()
    contact = fields.String()
    text = fields.String()
    received_at = fields.DateTime()
    decision = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)


class SelectionRowOut(BaseSchema):
    level_id = fields.Integer()
    station_id = fields.Integer()
    place = fields.Integer()
    total = DecimalValue(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)


class GrantUnitOut(BaseSchema):
    unit = fields.String()
    stations = fields.Integer()
    amount = DecimalValue()


class GrantLineOut(BaseSchema):
    unit = fields.String()
    level = fields.String()
    station = fields.String()
    amount = DecimalValue()


class GrantsOut(BaseSchema):
    lines = fields.List(fields.Nested(GrantLineOut))
    units = fields.List(fields.Nested(GrantUnitOut))
    total = DecimalValue()
