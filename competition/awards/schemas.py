"""Schemas of the award programmes' set-up and nomination: inputs check types and sizes and
normalise what identifies something (names, districts, phones) through
`competition.core.normalise`; the rules (keys unique, the deadline, complete evidence) are the
services'. Outputs shape the answers of the API; the pages load the same inputs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import fields, validate

from competition.core import clock, normalise
from competition.http.fields import (
    BaseSchema,
    Boolean,
    DecimalValue,
    Integer,
    List,
    Nested,
    String,
)

TEXT_MAX = 4000
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


def _length(maximum: int, minimum: int = 1) -> validate.Length:
    return validate.Length(min=minimum, max=maximum, error=f"长度应为 {minimum}-{maximum} 个字符")


def _at_most(maximum: int) -> validate.Length:
    return validate.Length(max=maximum, error=f"最长 {maximum} 个字符")


def _key() -> validate.Regexp:
    return validate.Regexp(
        KEY_PATTERN, error="代码应为小写字母开头的字母、数字或下划线，最长 32 位"
    )


def phone(value: str) -> str:
    """A phone number as typed in full width or with spaces and hyphens kept readable:
    NFKC, no spaces ("１３８ ０００ ０００００" → "13800000000")."""
    return normalise.plain(value).replace(" ", "")


def district(value: str) -> str:
    """A district's name ("朝阳 区" → "朝阳区"): NFKC, no spaces."""
    return normalise.plain(value).replace(" ", "")


class DateTime(fields.DateTime):
    """An ISO 8601 moment; one without a zone is read as local time where the programme is
    run (`competition.core.clock`), which is how people write a deadline."""

    default_error_messages = {
        "required": "必填",
        "null": "不能为空值",
        "invalid": "应为日期时间，如 2021-06-30T17:00:00+08:00",
        "format": "应为日期时间，如 2021-06-30T17:00:00+08:00",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.local_zone())
        return moment


# ---------------------------------------------------------------- programmes
class ProgrammeIn(BaseSchema):
    name = String(required=True, validate=_length(200), normaliser=normalise.unit_name)
    year = Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1949, max=2100, error="年份应在 1949 到 2100 之间"),
    )
    host = String(load_default="", validate=_at_most(200), normaliser=normalise.unit_name)
    nomination_deadline = DateTime(load_default=None, allow_none=True)
    notice_days = Integer(
        load_default=5, validate=validate.Range(min=1, max=30, error="公示期应为 1-30 个工作日")
    )


class ProgrammePatch(BaseSchema):
    """Only what is sent changes."""

    name = String(validate=_length(200), normaliser=normalise.unit_name)
    year = Integer(
        allow_none=True,
        validate=validate.Range(min=1949, max=2100, error="年份应在 1949 到 2100 之间"),
    )
    host = String(validate=_at_most(200), normaliser=normalise.unit_name)
    nomination_deadline = DateTime(allow_none=True)
    notice_days = Integer(validate=validate.Range(min=1, max=30, error="公示期应为 1-30 个工作日"))


class AwardLevelIn(BaseSchema):
    key = String(required=True, validate=_key())
    name = String(required=True, validate=_length(200), normaliser=normalise.unit_name)
    quota = Integer(required=True, validate=validate.Range(min=0, error="名额不能为负数"))
    grant_amount = DecimalValue(load_default=None, allow_none=True)


class AwardLevelsIn(BaseSchema):
    """The levels from the highest down (a station not selected at one is considered for the
    next)."""

    levels = List(
        Nested(AwardLevelIn),
        required=True,
        validate=validate.Length(min=1, max=10, error="等级应为 1-10 个"),
    )


class AwardCriterionIn(BaseSchema):
    key = String(required=True, validate=_key())
    name = String(required=True, validate=_length(100), normaliser=normalise.plain)
    description = String(load_default="", validate=_at_most(TEXT_MAX))
    preferred = String(load_default="", validate=_at_most(TEXT_MAX))
    kind = String(
        load_default="points",
        validate=validate.OneOf(("points", "pass_fail"), error="应为 points 或 pass_fail"),
    )
    max_points = DecimalValue(load_default=None, allow_none=True)


class AwardCriteriaIn(BaseSchema):
    criteria = List(
        Nested(AwardCriterionIn),
        required=True,
        validate=validate.Length(min=1, max=30, error="评审标准应为 1-30 项"),
    )


class AwardUnitIn(BaseSchema):
    """A base-level union; its account is an existing `union` user (`user_id`) or a new one
    (`username` and `password`), or none yet."""

    name = String(required=True, validate=_length(200), normaliser=normalise.unit_name)
    user_id = Integer(load_default=None, allow_none=True)
    username = String(load_default=None, allow_none=True, validate=_length(64, 2))
    password = String(load_default=None, allow_none=True, strip=False, validate=_length(256, 8))


class AwardUnitAccountIn(BaseSchema):
    user_id = Integer(required=True)


class AwardExpertIn(BaseSchema):
    user_id = Integer(required=True)
    unit_id = Integer(load_default=None, allow_none=True)
    lead = Boolean(load_default=False)


class AwardLeadIn(BaseSchema):
    user_id = Integer(required=True)


# ---------------------------------------------------------------- stations
class StationIn(BaseSchema):
    """A nominated station; `unit_id` is needed when an organiser nominates for a unit (a
    union nominates for its own)."""

    unit_id = Integer(load_default=None, allow_none=True)
    level = String(required=True, validate=_key())
    name = String(required=True, validate=_length(200), normaliser=normalise.unit_name)
    address = String(required=True, validate=_length(300), normaliser=normalise.plain)
    district = String(required=True, validate=_length(50), normaliser=district)
    contact_name = String(load_default="", validate=_at_most(100), normaliser=normalise.person_name)
    contact_phone = String(load_default="", validate=_at_most(50), normaliser=phone)
    opening_hours = String(load_default="", validate=_at_most(100), normaliser=normalise.plain)


class StationPatch(BaseSchema):
    level = String(validate=_key())
    name = String(validate=_length(200), normaliser=normalise.unit_name)
    address = String(validate=_length(300), normaliser=normalise.plain)
    district = String(validate=_length(50), normaliser=district)
    contact_name = String(validate=_at_most(100), normaliser=normalise.person_name)
    contact_phone = String(validate=_at_most(50), normaliser=phone)
    opening_hours = String(validate=_at_most(100), normaliser=normalise.plain)


class EvidenceIn(BaseSchema):
    text = String(required=True, validate=_at_most(TEXT_MAX))


class HandBackIn(BaseSchema):
    reason = String(required=True, validate=_length(500))


# ---------------------------------------------------------------- outputs
class AwardLevelOut(BaseSchema):
    id = fields.Integer()
    key = fields.String()
    name = fields.String()
    quota = fields.Integer()
    grant_amount = DecimalValue()
    position = fields.Integer()


class AwardCriterionOut(BaseSchema):
    id = fields.Integer()
    key = fields.String()
    name = fields.String()
    description = fields.String()
    preferred = fields.String()
    kind = fields.String()
    max_points = DecimalValue(allow_none=True)
    position = fields.Integer()


class ProgrammeOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    year = fields.Integer(allow_none=True)
    host = fields.String()
    nomination_deadline = fields.DateTime(allow_none=True)
    notice_days = fields.Integer()
    published = fields.Boolean()
    confirmed = fields.Boolean()
    levels = fields.List(fields.Nested(AwardLevelOut))
    criteria = fields.List(fields.Nested(AwardCriterionOut))


class ProgrammeBriefOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    year = fields.Integer(allow_none=True)
    nomination_deadline = fields.DateTime(allow_none=True)


class AwardUnitOut(BaseSchema):
    id = fields.Integer()
    programme_id = fields.Integer()
    name = fields.String()
    user_id = fields.Integer(allow_none=True)
    username = fields.String(attribute="user.username", allow_none=True)


class AwardExpertOut(BaseSchema):
    programme_id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String(attribute="user.username")
    display_name = fields.String(attribute="user.display_name")
    unit_id = fields.Integer(allow_none=True)
    lead = fields.Boolean(attribute="is_lead")


class AwardFileOut(BaseSchema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()
    url = fields.Method("_url")

    def _url(self, file: Any) -> str:
        return f"/api/v1/evidence-files/{file.id}"


class EvidenceOut(BaseSchema):
    criterion = fields.String(attribute="criterion.key")
    criterion_name = fields.String(attribute="criterion.name")
    text = fields.String()
    files = fields.List(fields.Nested(AwardFileOut))
    updated_at = fields.DateTime()


class StationOut(BaseSchema):
    id = fields.Integer()
    programme_id = fields.Integer()
    unit_id = fields.Integer()
    unit = fields.String(attribute="unit.name")
    level = fields.String(attribute="level.key")
    name = fields.String()
    address = fields.String()
    district = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    opening_hours = fields.String()
    submitted = fields.Method("_submitted")
    submitted_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    evidence = fields.List(fields.Nested(EvidenceOut))
    missing = fields.Method("_missing")

    def _submitted(self, station: Any) -> bool:
        return station.submitted_at is not None

    def _missing(self, station: Any) -> list[str]:
        from competition.awards import nominations

        return [c.key for c in nominations.missing_criteria(station)]


class StationBriefOut(BaseSchema):
    id = fields.Integer()
    unit_id = fields.Integer()
    unit = fields.String(attribute="unit.name")
    level = fields.String(attribute="level.key")
    name = fields.String()
    district = fields.String()
    submitted_at = fields.DateTime(allow_none=True)


class AwardFilesOut(BaseSchema):
    files = fields.List(fields.Nested(AwardFileOut))


class AwardImportRowOut(BaseSchema):
    line = fields.Integer()
    unit = fields.String()
    name = fields.String()
    district = fields.String()
    level = fields.String()
    problems = fields.List(fields.String())


class AwardImportPreviewOut(BaseSchema):
    dry_run = fields.Boolean()
    valid = fields.Boolean()
    rows = fields.List(fields.Nested(AwardImportRowOut))
    notes = fields.List(fields.String())


class AwardImportDoneOut(BaseSchema):
    created = fields.Integer()
    stations = fields.List(fields.Nested(StationBriefOut))
