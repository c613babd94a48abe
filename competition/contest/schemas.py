"""Input schemas validate what callers send; output schemas shape what they get back."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, missing, post_load, validate, validates_schema

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
from competition.scoring import consistency as consistency_rules
from competition.scoring import defaults


def _length(maximum: int, minimum: int = 1) -> validate.Length:
    return validate.Length(min=minimum, max=maximum, error=f"长度应为 {minimum}-{maximum} 个字符")


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
    notice_working_days = fields.Integer()
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


# The reference rules (`scoring.defaults`) as EventIn loads components.
REFERENCE_COMPONENTS_IN = [
    {
        "key": c.key,
        "name": c.name,
        "weight": c.weight,
        "max_score": c.max_score,
        "higher_is_better": c.higher_is_better,
        "unit_label": "",
    }
    for c in defaults.REFERENCE_COMPONENTS
]


class EventIn(BaseSchema):
    name = String(required=True, validate=_length(200))
    group = String(load_default="职工组", validate=_length(50))
    min_finalists_per_unit = Integer(
        load_default=defaults.MIN_FINALISTS_PER_UNIT,
        validate=validate.Range(min=1, max=1000, error="应在 1 到 1000 之间"),
    )
    # Team results (团体成绩): a unit's total is the sum of its best `team_size` final totals.
    team_size = Integer(
        load_default=defaults.TEAM_SIZE,
        validate=validate.Range(
            min=1, max=defaults.MAX_TEAM_SIZE, error=f"应在 1 到 {defaults.MAX_TEAM_SIZE} 之间"
        ),
        metadata={"description": "团体成绩: how many of a unit's best final totals add up"},
    )
    # Judge consistency: a mark further than this % of the component's maximum from the other
    # judges' median is flagged for the chief judge (`scoring.consistency`).
    outlier_percent = Integer(
        load_default=consistency_rules.DEFAULT_OUTLIER_PERCENT,
        validate=validate.Range(
            *consistency_rules.OUTLIER_PERCENT_RANGE,
            error="应在 {} 到 {} 之间".format(*consistency_rules.OUTLIER_PERCENT_RANGE),
        ),
        metadata={
            "description": "评分一致性: flag a mark further than this % of the component's "
            "maximum from the other judges' median (1-100, default 15)"
        },
    )
    components = List(
        Nested(ComponentIn),
        load_default=lambda: [dict(c) for c in REFERENCE_COMPONENTS_IN],
        validate=validate.Length(min=1, max=20, error="评分项应为 1 到 20 个"),
    )
    tie_breaks = List(
        String(validate=_length(32)),
        load_default=None,
        validate=validate.Length(max=20, error="最多 20 个"),
    )

    @post_load
    def _default_tie_breaks(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The reference tie-breaks, as far as the components have them (`scoring.defaults`):
        an event without such a component starts with no tie-break rather than a refusal for
        a field nobody sent."""
        if "tie_breaks" in data and data["tie_breaks"] is None:  # (a PATCH may leave it out)
            keys = [c["key"] for c in data["components"]]
            data["tie_breaks"] = list(defaults.default_tie_breaks(keys))
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
    team_size = fields.Integer()
    outlier_percent = fields.Integer()
    notice_working_days = fields.Integer(
        allow_none=True, metadata={"description": "null: the contest's notice period applies"}
    )
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
    # Items whose panel's judgements differ by more than the marking scheme allows
    # (`DisputeOut`, defined with the schemes below).
    disputes = fields.List(fields.Nested(lambda: DisputeOut()))


class FinalistOut(BaseSchema):
    contestant_id = fields.Integer()
    unit_id = fields.Integer()


class FinalistsOut(BaseSchema):
    finalists = fields.List(fields.Nested(FinalistOut))


class FinalistsSetOut(BaseSchema):
    unit_id = fields.Integer()
    finalists = fields.List(fields.Integer())


# ---------------------------------------------------------------- score sheets (judging)
class SheetCountsOut(BaseSchema):
    expected = fields.Integer()
    entered = fields.Integer()
    second_entry_required = fields.Boolean()
    checked = fields.Integer()
    mismatched = fields.Integer()
    signed = fields.Boolean()
    complete = fields.Boolean()
    verified = fields.Boolean()
    sign_refusal = fields.Method("_sign_refusal")

    def _sign_refusal(self, counts: Any) -> str | None:
        return counts.sign_refusal()


class SheetOut(BaseSchema):
    """One sheet (round, component, judge) with its counts: a line of the progress board."""

    round = fields.String(attribute="round.kind")
    component = fields.String(attribute="component.key")
    judge_id = fields.Integer(attribute="assignment.user_id")
    unit_id = fields.Integer(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    signed_by_id = fields.Integer(allow_none=True)
    counts = fields.Nested(SheetCountsOut)


class SheetRowOut(BaseSchema):
    contestant_id = fields.Integer(attribute="contestant.id")
    number = fields.String(metadata={"description": "in the final, the drawn number once drawn"})
    mark = DecimalValue(allow_none=True)
    second = DecimalValue(allow_none=True)
    settled = DecimalValue(allow_none=True)
    state = fields.String()


class SheetDetailOut(BaseSchema):
    """A whole sheet, both entries side by side, by contest number (never by name)."""

    round = fields.String(attribute="ref.round.kind")
    component = fields.String(attribute="ref.component.key")
    judge_id = fields.Integer(attribute="ref.assignment.user_id")
    unit_id = fields.Integer(attribute="ref.unit_id", allow_none=True)
    counts = fields.Nested(SheetCountsOut)
    rows = fields.List(fields.Nested(SheetRowOut))


class RequiredIn(BaseSchema):
    """Turn a rule on or off: the event's sign-off rule, a sheet's second entry."""

    required = Boolean(required=True)


class ReopenIn(BaseSchema):
    reason = String(required=True, validate=_length(2000))


class SettleIn(BaseSchema):
    """Which of two differing entries stands; `first` and `second` are the values the ruling
    was made on, so that a row changed since is refused rather than settled unseen."""

    stands = String(required=True, validate=validate.OneOf(["first", "second"]))
    first = DecimalValue(load_default=None)
    second = DecimalValue(load_default=None)


# ---------------------------------------------------------------- settings, changed (PATCH)
class _Settings(BaseSchema):
    """A PATCH of settings: the creation schema's fields, each optional and without a default
    (only the fields sent change), validated as at creation; an empty body is refused."""

    def __init__(self, **kwargs: Any) -> None:
        # Only the top-level fields: a component sent is still checked whole (ComponentIn).
        kwargs.setdefault("partial", tuple(self._declared_fields))
        super().__init__(**kwargs)
        for field in self.fields.values():  # a field not sent keeps its value: no default
            field.load_default = missing

    @validates_schema
    def _something_sent(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("请至少修改一项设置")


class ContestSettingsIn(_Settings, ContestIn):
    """A contest's settings as the console's contest page edits them."""

    notice_working_days = Integer(
        metadata={"description": "公示期: working days, 0 to 60; events may set their own"}
    )


class EventSettingsIn(_Settings, EventIn):
    """An event's set-up as the console's edit page changes it. `components`, when sent,
    replace the stored ones as a whole (as at creation, `unit` is inferred when not sent)."""

    notice_working_days = Integer(
        allow_none=True,
        metadata={"description": "公示期: working days, 0 to 60; null: the contest's"},
    )
    # Sent, the chain is what it says; there is no "reference chain" to fall back on here.
    tie_breaks = List(
        String(validate=_length(32)),
        validate=validate.Length(max=20, error="最多 20 个"),
    )


# ---------------------------------------------------------------- imports of office workbooks
# What the console's import pages show before and after the confirmation, as JSON: a dry run
# answers the preview (every row, with its problems and notes), a real import what was stored.
_LINE = {"description": "the row's number as a spreadsheet program shows it"}
_PROBLEMS = {"description": "why the row cannot be imported; none: it can"}
_NOTES = {"description": "what to know about the row, which does not stop it"}


class WorkbookUpload(BaseSchema):
    """The multipart body of an import (documentation only; the view reads `request.files`)."""

    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "the .xlsx or .csv"},
    )


class SkippedRowOut(BaseSchema):
    line = fields.Integer(metadata=_LINE)
    text = fields.String()


class _PreviewOut(BaseSchema):
    dry_run = fields.Boolean(metadata={"description": "true: nothing was stored"})
    valid = fields.Boolean(metadata={"description": "whether the file would be imported as it is"})
    skipped = fields.List(
        fields.Nested(SkippedRowOut),
        metadata={"description": "rows under or among the table that are not its rows"},
    )
    notes = fields.List(fields.String(), metadata={"description": "how the file was read"})


class ContestantImportRowOut(BaseSchema):
    line = fields.Integer(metadata=_LINE)
    name = fields.String()
    unit = fields.String()
    id_number = fields.String(attribute="masked_id_number", allow_none=True)
    number = fields.String(allow_none=True, metadata={"description": "null: given on registration"})
    new_unit = fields.Boolean(metadata={"description": "the unit is created (create_units=1)"})
    problems = fields.List(fields.String(), metadata=_PROBLEMS)
    notes = fields.List(fields.String(), metadata=_NOTES)


class ContestantsPreviewOut(_PreviewOut):
    create_units = fields.Boolean()
    missing_units = fields.List(
        fields.String(), metadata={"description": "units the file names, not registered"}
    )
    rows = fields.List(fields.Nested(ContestantImportRowOut))


class ContestantsImportedOut(BaseSchema):
    created = fields.Integer()
    units_created = fields.List(fields.String())
    contestants = fields.List(fields.Nested(ContestantOut))


class JudgeImportRowOut(BaseSchema):
    line = fields.Integer(metadata=_LINE)
    name = fields.String()
    username = fields.String(metadata={"description": "the account's, new or existing"})
    unit_id = fields.Integer(
        allow_none=True, metadata={"description": "a unit's preliminary committee; null: final"}
    )
    unit_name = fields.String()
    chief = fields.Boolean()
    existing_user_id = fields.Integer(
        allow_none=True, metadata={"description": "an existing account, assigned as it is"}
    )
    problems = fields.List(fields.String(), metadata=_PROBLEMS)
    notes = fields.List(fields.String(), metadata=_NOTES)


class JudgesPreviewOut(_PreviewOut):
    new_accounts = fields.Integer()
    rows = fields.List(fields.Nested(JudgeImportRowOut))


class JudgeCredentialOut(BaseSchema):
    name = fields.String()
    username = fields.String()
    password = fields.String(
        allow_none=True,
        metadata={"description": "a new account's: given once, here, and stored nowhere"},
    )
    unit_name = fields.String()
    chief = fields.Boolean()


class JudgesImportedOut(BaseSchema):
    created = fields.Integer(metadata={"description": "new accounts"})
    judges = fields.List(fields.Nested(JudgeCredentialOut))


class FinalistImportRowOut(BaseSchema):
    line = fields.Integer(metadata=_LINE)
    name = fields.String()
    number = fields.String(allow_none=True)
    contestant_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    rank = fields.Integer(allow_none=True, metadata={"description": "in the unit's preliminary"})
    problems = fields.List(fields.String(), metadata=_PROBLEMS)
    notes = fields.List(fields.String(), metadata=_NOTES)


class FinalistUnitListOut(BaseSchema):
    unit_id = fields.Integer()
    unit_name = fields.String()
    count = fields.Integer(metadata={"description": "how many the unit recommends"})
    problems = fields.List(fields.String(), metadata=_PROBLEMS)
    notes = fields.List(fields.String(), metadata=_NOTES)


class FinalistsPreviewOut(_PreviewOut):
    rows = fields.List(fields.Nested(FinalistImportRowOut))
    units = fields.List(fields.Nested(FinalistUnitListOut))


class FinalistsImportedOut(BaseSchema):
    units = fields.List(fields.Nested(FinalistsSetOut))


class MarkImportRowOut(BaseSchema):
    line = fields.Integer(metadata=_LINE)
    name = fields.String()
    number = fields.String(allow_none=True)
    contestant_id = fields.Integer(allow_none=True)
    value = DecimalValue(allow_none=True)
    absence = fields.String(allow_none=True, metadata={"enum": ["absent", "withdrawn", None]})
    blank = fields.Boolean(metadata={"description": "no score: the row is not imported"})
    problems = fields.List(fields.String(), metadata=_PROBLEMS)
    notes = fields.List(fields.String(), metadata=_NOTES)


class _MarksCountsOut(BaseSchema):
    round = fields.String()
    component = fields.String()
    judge_id = fields.Integer()
    marks = fields.Integer()
    absences = fields.Integer()
    blanks = fields.Integer()


class MarksPreviewOut(_PreviewOut, _MarksCountsOut):
    component_name = fields.String()
    max_score = DecimalValue()
    rows = fields.List(fields.Nested(MarkImportRowOut))


class MarksImportedOut(_MarksCountsOut):
    """What was written: marks, absences recorded, and rows without a score left out."""


# ---------------------------------------------------------------- marking schemes (评分细则)
class SchemeItemIn(BaseSchema):
    code = String(
        required=True,
        normaliser=normalise.contest_number,
        validate=validate.Regexp(
            r"^[A-Za-z0-9-]{1,16}$", error="评分点编号应为 1-16 位字母、数字或连字符"
        ),
    )
    kind = String(required=True, normaliser=normalise.plain)
    name = String(required=True, normaliser=normalise.plain, validate=_length(200))
    points = DecimalValue(required=True)
    nominal = DecimalValue(places=3, load_default=None, allow_none=True)
    lower = DecimalValue(places=3, load_default=None, allow_none=True)
    upper = DecimalValue(places=3, load_default=None, allow_none=True)


class SchemeIn(BaseSchema):
    max_judgement_spread = Integer(load_default=None, allow_none=True)
    items = List(Nested(SchemeItemIn), required=True)


class SchemeItemOut(BaseSchema):
    code = fields.String()
    kind = fields.String()
    name = fields.String()
    points = DecimalValue()
    nominal = DecimalValue(places=3, allow_none=True)
    lower = DecimalValue(places=3, allow_none=True)
    upper = DecimalValue(places=3, allow_none=True)


class SchemeOut(BaseSchema):
    event_id = fields.Integer()
    component = fields.String()
    max_score = DecimalValue()
    max_judgement_spread = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(SchemeItemOut))


class ItemMarkIn(BaseSchema):
    value = DecimalValue(places=3, required=True)
    reason = String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ItemMarkOut(BaseSchema):
    contestant_id = fields.Integer()
    component = fields.String()
    item = fields.String()
    judge_id = fields.Integer()
    value = DecimalValue(places=3)
    points = DecimalValue()
    mark = DecimalValue(allow_none=True)


class DisputeOut(BaseSchema):
    contestant_id = fields.Integer()
    component = fields.String()
    item = fields.String()
