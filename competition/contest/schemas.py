"""Input schemas validate what callers send; output schemas shape what they get back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import fields, post_load, validate

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


# ---------------------------------------------------------------- contests and units
class ContestIn(BaseSchema):
    name = String(required=True, validate=_length(200))
    host = String(required=True, validate=_length(200))
    edition = String(load_default="", validate=validate.Length(max=50, error="最长 50 个字符"))
    co_hosts = String(load_default="", validate=validate.Length(max=200, error="最长 200 个字符"))
    theme = String(load_default="", validate=validate.Length(max=200, error="最长 200 个字符"))
    # How to raise an objection during the notice period, printed on the result notice.
    objection_contact = String(
        load_default="",
        validate=validate.Length(max=500, error="最长 500 个字符"),
    )


class UnitIn(BaseSchema):
    name = String(required=True, validate=_length(200))


class UnitOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class EventBriefOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    group = fields.String(attribute="group_name")


class ContestOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    host = fields.String()
    edition = fields.String()
    co_hosts = fields.String()
    theme = fields.String()
    objection_contact = fields.String()
    units = fields.List(fields.Nested(UnitOut))
    events = fields.List(fields.Nested(EventBriefOut))


# ---------------------------------------------------------------- events
class ComponentIn(BaseSchema):
    key = String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z][a-z0-9_]{0,31}$", error="代码应为小写字母开头的字母、数字或下划线，最长 32 位"
        ),
    )
    name = String(required=True, validate=_length(100))
    weight = DecimalValue(
        places=4,
        required=True,
        validate=validate.Range(min=0, max=1, error="权重应在 0 到 1 之间"),
    )
    max_score = DecimalValue(
        required=True,
        validate=validate.Range(
            min=0, max=99999999, min_inclusive=False, error="满分应大于 0 且不超过 99999999"
        ),
    )
    higher_is_better = Boolean(load_default=True)
    # The unit a score is printed in ("分钟"); unsent: inferred, see `_default_unit`.
    unit_label = String(
        data_key="unit",
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=16, error="最长 16 个字符"),
    )

    @post_load
    def _default_unit(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """A time component is printed in minutes without anyone having to say so: "分钟" when
        the name says 分钟 or the key is time_used; otherwise points, which need no unit."""
        if data["unit_label"] is None:
            data["unit_label"] = default_unit(data["key"], data["name"])
        return data


def default_unit(key: str, name: str) -> str:
    return "分钟" if "分钟" in name or key == "time_used" else ""


REFERENCE_COMPONENTS_IN = [
    {
        "key": "theory",
        "name": "理论知识",
        "weight": Decimal("0.30"),
        "max_score": Decimal("100"),
        "unit_label": "",
    },
    {
        "key": "practical",
        "name": "技能操作",
        "weight": Decimal("0.70"),
        "max_score": Decimal("100"),
        "unit_label": "",
    },
]


class EventIn(BaseSchema):
    name = String(required=True, validate=_length(200))
    group = String(load_default="职工组", validate=_length(50))
    min_finalists_per_unit = Integer(
        load_default=3, validate=validate.Range(min=1, max=1000, error="应在 1 到 1000 之间")
    )
    components = List(
        Nested(ComponentIn),
        load_default=lambda: [dict(c, higher_is_better=True) for c in REFERENCE_COMPONENTS_IN],
        validate=validate.Length(min=1, max=20, error="评分项应为 1 到 20 个"),
    )
    tie_breaks = List(
        String(validate=_length(32)),
        load_default=None,
        validate=validate.Length(max=20, error="最多 20 个"),
    )

    @post_load
    def _default_tie_breaks(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The reference rule breaks ties on practical; events without such a component start
        with no tie-break rather than a refusal for a field nobody sent."""
        if data["tie_breaks"] is None:
            keys = {c["key"] for c in data["components"]}
            data["tie_breaks"] = ["practical"] if "practical" in keys else []
        return data


class ComponentOut(BaseSchema):
    key = fields.String()
    name = fields.String()
    weight = DecimalValue(places=4, dump_places=2)
    max_score = DecimalValue()
    higher_is_better = fields.Boolean()
    unit = fields.String(attribute="unit_label")


class RoundOut(BaseSchema):
    round = fields.String(attribute="kind")
    published = fields.Boolean()
    published_at = fields.DateTime(allow_none=True)


class EventOut(BaseSchema):
    id = fields.Integer()
    contest_id = fields.Integer()
    name = fields.String()
    group = fields.String(attribute="group_name")
    min_finalists_per_unit = fields.Integer()
    components = fields.List(fields.Nested(ComponentOut))
    tie_breaks = fields.Method("_tie_breaks")
    rounds = fields.List(fields.Nested(RoundOut))

    def _tie_breaks(self, event: Any) -> list[str]:
        return [c.key for c in event.tie_breaks]


# ---------------------------------------------------------------- contestants and judges
class ContestantIn(BaseSchema):
    name = String(required=True, validate=_length(100))
    unit_id = Integer(required=True)
    id_number = String(load_default=None, allow_none=True)
    number = String(
        load_default=None,
        allow_none=True,
        normaliser=normalise.contest_number,
        validate=validate.Regexp(
            r"^[A-Za-z0-9-]{1,16}$", error="参赛号应为 1-16 位字母、数字或连字符"
        ),
    )


class ContestantOut(BaseSchema):
    id = fields.Integer()
    number = fields.String()
    name = fields.String()
    unit_id = fields.Integer()
    id_number = fields.String(attribute="masked_id_number", allow_none=True)
    finalist = fields.Method("_finalist")

    def _finalist(self, contestant: Any) -> bool:
        return contestant.finalist is not None


class JudgeIn(BaseSchema):
    user_id = Integer(required=True)
    unit_id = Integer(load_default=None, allow_none=True)
    chief = Boolean(load_default=False)


class JudgeOut(BaseSchema):
    event_id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String(attribute="user.username")
    unit_id = fields.Integer(allow_none=True)
    chief = fields.Boolean(attribute="is_chief")


# ---------------------------------------------------------------- marks and results
class MarkIn(BaseSchema):
    value = DecimalValue(required=True)
    reason = String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class MarkOut(BaseSchema):
    contestant_id = fields.Integer()
    component = fields.String()
    judge_id = fields.Integer()
    value = DecimalValue()


class MarkRowOut(BaseSchema):
    contestant_id = fields.Integer()
    number = fields.String()
    component = fields.String()
    judge_id = fields.Integer()
    value = DecimalValue()
    updated_at = fields.DateTime()
    etag = fields.String(
        metadata={"description": "the mark's ETag: send it as is in If-Match to change it"}
    )


class MarkListOut(BaseSchema):
    marks = fields.List(fields.Nested(MarkRowOut))


class TieResolutionIn(BaseSchema):
    order = List(
        Integer(),
        required=True,
        validate=validate.Length(min=2, error="至少需要两名选手"),
    )
    reason = String(required=True, validate=_length(2000))


class TieResolutionOut(BaseSchema):
    id = fields.Integer()
    order = fields.List(fields.Integer())
    reason = fields.String()
    unit_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class FinalistsIn(BaseSchema):
    unit_id = Integer(required=True)
    count = Integer(required=True)


class RankedOut(BaseSchema):
    rank = fields.Integer()
    contestant_id = fields.Integer()
    number = fields.String()
    name = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    scores = fields.Dict(keys=fields.String(), values=DecimalValue())
    total = DecimalValue()
    decided_by = fields.String(allow_none=True)


class IncompleteOut(BaseSchema):
    contestant_id = fields.Integer()
    number = fields.String()
    missing = fields.List(fields.String())


class AbsenceIn(BaseSchema):
    status = String(
        required=True,
        validate=validate.OneOf(
            ("absent", "withdrawn"), error="应为 absent（缺考）或 withdrawn（弃权）"
        ),
    )
    reason = String(required=True, validate=_length(500))


class AbsenceOut(BaseSchema):
    contestant_id = fields.Integer()
    status = fields.String()
    reason = fields.String()


class ResultsOut(BaseSchema):
    event_id = fields.Integer()
    round = fields.String()
    unit_id = fields.Integer(allow_none=True)
    published = fields.Boolean()
    published_at = fields.DateTime(allow_none=True)
    ranking = fields.List(fields.Nested(RankedOut))
    incomplete = fields.List(fields.Nested(IncompleteOut))
    unresolved_ties = fields.List(fields.List(fields.Integer()))
    resolutions = fields.List(fields.Nested(TieResolutionOut))
    absent = fields.List(fields.Nested(AbsenceOut))


class FinalistOut(BaseSchema):
    contestant_id = fields.Integer()
    unit_id = fields.Integer()


class FinalistsOut(BaseSchema):
    finalists = fields.List(fields.Nested(FinalistOut))


class FinalistsSetOut(BaseSchema):
    unit_id = fields.Integer()
    finalists = fields.List(fields.Integer())


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


class ErrorBody(BaseSchema):
    code = fields.String()
    message = fields.String()
    field_errors = fields.Dict(data_key="fields")


class ErrorOut(BaseSchema):
    error = fields.Nested(ErrorBody)
