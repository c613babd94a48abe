"""Schemas of the craftsman-class review API: inputs validate types and sizes, the rules
(rubric weights, bands, item scores) are the scoring layer's; outputs shape the answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from competition.http.fields import (
    DECIMAL_PATTERN,
    BaseSchema,
    Boolean,
    DecimalValue,
    Integer,
    List,
    Nested,
    String,
)

COMMENT_MAX = 2000


def _length(maximum: int, minimum: int = 1) -> validate.Length:
    return validate.Length(min=minimum, max=maximum, error=f"长度应为 {minimum}-{maximum} 个字符")


def _at_most(maximum: int) -> validate.Length:
    return validate.Length(max=maximum, error=f"最长 {maximum} 个字符")


class Date(fields.Date):
    default_error_messages = {
        "required": "必填",
        "null": "不能为空值",
        "invalid": "应为日期，格式 YYYY-MM-DD",
        "format": "日期格式应为 YYYY-MM-DD",
    }


class ScoreMap(fields.Field):
    """`{item key: score}`, each score as `DecimalValue` takes it (a JSON number or a decimal
    string). Errors are named by item (`items.content`), as the rubric's rules name them."""

    default_error_messages = {
        "required": "必填",
        "null": "不能为空值",
        "invalid": "应为对象：{{评分项代码: 分数}}",
        "key": "评分项代码应为 1-32 个字符",
        "too_many": "评分项过多",
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "type": "object",
            "additionalProperties": {
                "type": "string",
                "pattern": DECIMAL_PATTERN,
                "description": "item score 0..100, decimal string (or a JSON number)",
            },
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        if len(value) > 50:
            raise self.make_error("too_many")
        scores: dict[str, Decimal] = {}
        errors: dict[str, list[str]] = {}
        score = DecimalValue()
        for key, raw in value.items():
            if not 1 <= len(key) <= 32:
                raise self.make_error("key")
            try:
                scores[key] = score.deserialize(raw)
            except ValidationError as error:
                errors[key] = list(error.messages)  # type: ignore[arg-type]
        if errors:
            raise ValidationError(errors)
        return scores


# ---------------------------------------------------------------- inputs
class CohortIn(BaseSchema):
    name = String(required=True, validate=_length(200))
    year = Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1949, max=2100, error="年份应在 1949 到 2100 之间"),
    )
    host = String(load_default="", validate=_at_most(200))


class RubricItemIn(BaseSchema):
    key = String(required=True, validate=_length(32))
    name = String(required=True, validate=_length(100))
    weight = DecimalValue(required=True)


class RubricIn(BaseSchema):
    items = List(
        Nested(RubricItemIn),
        required=True,
        validate=validate.Length(max=50, error="评分项过多"),
    )


class BandIn(BaseSchema):
    key = String(required=True, validate=_length(32))
    label = String(load_default="", validate=_at_most(20))
    minimum = DecimalValue(required=True)


class BandsIn(BaseSchema):
    bands = List(
        Nested(BandIn), required=True, validate=validate.Length(max=10, error="最多 10 个等次")
    )
    appointment_band = String(required=True, validate=_length(32))


class SessionIn(BaseSchema):
    date = Date(required=True)
    place = String(required=True, validate=_length(200))
    note = String(load_default="", validate=_at_most(200))


class TraineeIn(BaseSchema):
    name = String(required=True, validate=_length(100))
    unit = String(required=True, validate=_length(200))
    title = String(load_default="", validate=_at_most(200))
    user_id = Integer(load_default=None, allow_none=True)
    session_id = Integer(load_default=None, allow_none=True)


class ExpertIn(BaseSchema):
    user_id = Integer(required=True)
    lead = Boolean(load_default=False)


class LeadIn(BaseSchema):
    user_id = Integer(required=True)


class ReviewIn(BaseSchema):
    """`score` for a cohort without a rubric, `items` for one with; which one fits is the
    cohort's rule, checked by the service (422 naming the field)."""

    score = DecimalValue(load_default=None, allow_none=True)
    items = ScoreMap(load_default=None, allow_none=True)
    shortcomings = String(required=True, validate=_length(COMMENT_MAX))
    suggestions = String(required=True, validate=_length(COMMENT_MAX))


# ---------------------------------------------------------------- outputs
class RubricItemOut(BaseSchema):
    key = fields.String()
    name = fields.String()
    weight = DecimalValue()


class BandOut(BaseSchema):
    key = fields.String()
    label = fields.String()
    minimum = DecimalValue()


class SessionOut(BaseSchema):
    id = fields.Integer()
    cohort_id = fields.Integer()
    date = fields.Date(attribute="held_on")
    place = fields.String()
    note = fields.String()


class CohortOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    year = fields.Integer(allow_none=True)
    host = fields.String()
    rubric = fields.List(fields.Nested(RubricItemOut), attribute="rubric_items")
    bands = fields.Method("_bands")
    appointment_band = fields.String()
    sessions = fields.List(fields.Nested(SessionOut))
    signed = fields.Boolean(attribute="locked")
    signed_at = fields.DateTime(allow_none=True)
    signed_by = fields.Integer(attribute="signed_by_id", allow_none=True)

    def _bands(self, cohort: Any) -> list[dict[str, Any]]:
        return BandOut(many=True).dump(
            [dict(band, minimum=Decimal(band["minimum"])) for band in cohort.bands]
        )


class CohortBriefOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    year = fields.Integer(allow_none=True)
    signed = fields.Boolean(attribute="locked")


class TraineeOut(BaseSchema):
    id = fields.Integer()
    cohort_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    title = fields.String()
    user_id = fields.Integer(allow_none=True)
    session_id = fields.Integer(allow_none=True)


class ExpertOut(BaseSchema):
    cohort_id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String(attribute="user.username")
    display_name = fields.String(attribute="user.display_name")
    lead = fields.Boolean(attribute="is_lead")


class ReviewOut(BaseSchema):
    cohort_id = fields.Integer()
    trainee_id = fields.Integer()
    expert_id = fields.Integer()
    score = DecimalValue()
    items = fields.Method("_items", allow_none=True)
    shortcomings = fields.String()
    suggestions = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _items(self, review: Any) -> dict[str, str] | None:
        return dict(review.item_scores) if review.item_scores is not None else None


class RankedTraineeOut(BaseSchema):
    rank = fields.Integer()
    trainee_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    title = fields.String()
    score = DecimalValue()
    reviews = fields.Integer()
    band = fields.String()
    band_label = fields.String()
    recommended = fields.Boolean()


class CohortResultsOut(BaseSchema):
    cohort_id = fields.Integer()
    signed = fields.Boolean()
    signed_at = fields.DateTime(allow_none=True)
    ranking = fields.List(fields.Nested(RankedTraineeOut))
    unreviewed = fields.List(fields.Integer())


class FileReviewOut(BaseSchema):
    expert_id = fields.Integer()
    expert = fields.String()
    score = DecimalValue()
    items = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    shortcomings = fields.String()
    suggestions = fields.String()
    updated_at = fields.DateTime()


class TraineeFileOut(BaseSchema):
    id = fields.Integer()
    cohort_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    title = fields.String()
    score = DecimalValue(allow_none=True)
    rank = fields.Integer(allow_none=True)
    ranked = fields.Integer()
    band = fields.String(allow_none=True)
    band_label = fields.String(allow_none=True)
    recommended = fields.Boolean(allow_none=True)
    signed = fields.Boolean()
    reviews = fields.List(fields.Nested(FileReviewOut))


class ImportRowOut(BaseSchema):
    row = fields.Integer()
    name = fields.String()
    unit = fields.String()
    title = fields.String()
    username = fields.String()


class ImportProblemOut(BaseSchema):
    row = fields.Integer()
    field = fields.String(allow_none=True)
    message = fields.String()


class ImportPreviewOut(BaseSchema):
    dry_run = fields.Boolean()
    valid = fields.Boolean()
    rows = fields.List(fields.Nested(ImportRowOut))
    problems = fields.List(fields.Nested(ImportProblemOut))


class ImportDoneOut(BaseSchema):
    created = fields.Integer()
    trainees = fields.List(fields.Nested(TraineeOut))


class ImportUpload(BaseSchema):
    """The multipart body of an import (documentation only; the view reads `request.files`)."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
