"""API routes of corrections: a contestant's name, unit, identity number or contest number, a
contestant registered by mistake, a unit's name, two units that are one, an empty unit.

Each takes a `reason` and is audited with the old and new values; each is refused (409, with
what blocks it in `fields`) where it would change a published result, which only an appeal
may do. The rules are `competition.contest.services.corrections`, the same the console pages use.

Checks in the contract's order: 401, 404, 403, 400, 422, 409.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.wrappers import Response
from marshmallow import fields, validate

from competition.contest.api.requests import contest_or_404, organiser_contestant
from competition.contest.schemas import ContestantOut, UnitOut
from competition.contest.services import corrections
from competition.contest.services.corrections import KEEP
from competition.core import roles
from competition.core.errors import Invalid, NotFound
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, Integer, String
from competition.http.loading import load, read_json
from competition.http.openapi import operation
from competition.models import Certificate, Contest, Unit, User

_REASON_LENGTH = validate.Length(
    min=1, max=corrections.MAX_REASON, error=f"长度应为 1-{corrections.MAX_REASON} 个字符"
)


# ---------------------------------------------------------------- schemas
class CorrectionReasonIn(BaseSchema):
    reason = String(required=True, validate=_REASON_LENGTH)


class ContestantCorrectionIn(BaseSchema):
    """Only the fields sent are corrected; at least one of them is required (422 otherwise)."""

    name = String(validate=validate.Length(min=1, max=100, error="长度应为 1-100 个字符"))
    unit_id = Integer()
    id_number = String(
        allow_none=True,
        validate=validate.Length(max=40, error="最多 40 个字符"),
        metadata={"description": "null or empty removes it; returned masked"},
    )
    number = String(
        validate=validate.Length(min=1, max=32, error="长度应为 1-32 个字符"),
        metadata={"description": "only before any mark of the contestant exists"},
    )
    reason = String(required=True, validate=_REASON_LENGTH)


class CorrectedContestantOut(ContestantOut):
    reissue_needed = fields.List(
        fields.String(),
        metadata={
            "description": "serials of printed certificates whose name or unit now differs "
            "from the record: reissue them (POST /certificates/{serial}/reissue)"
        },
    )


class UnitRenameIn(BaseSchema):
    name = String(
        required=True, validate=validate.Length(min=1, max=200, error="长度应为 1-200 个字符")
    )
    reason = String(required=True, validate=_REASON_LENGTH)


class CorrectedUnitOut(UnitOut):
    reissue_needed = fields.List(fields.String())


class UnitMergeIn(BaseSchema):
    into_unit_id = Integer(required=True)
    reason = String(required=True, validate=_REASON_LENGTH)


class MergedUnitOut(UnitOut):
    merged_unit_id = fields.Integer(metadata={"description": "the unit merged in, now removed"})
    contestants = fields.List(
        fields.Integer(), metadata={"description": "contestants moved into this unit"}
    )
    reissue_needed = fields.List(fields.String())


def _serials(certificates: list[Certificate]) -> list[str]:
    return [c.serial for c in certificates]


def _reason() -> str:
    """A DELETE's reason: a JSON body `{"reason"}`, or `?reason=` for clients that send no
    body with a DELETE."""
    if request.get_data(cache=True).strip():
        return str(load(CorrectionReasonIn(), read_json())["reason"])
    sent = request.args.get("reason")
    return str(load(CorrectionReasonIn(), {} if sent is None else {"reason": sent})["reason"])


def _organiser_unit(contest_id: int, unit_id: int) -> tuple[User, Contest, Unit]:
    """The caller (401), the contest and its unit (404, in that order), then 403 for anyone
    but an organiser."""
    user = require_user()
    contest = contest_or_404(contest_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.contest_id != contest.id:
        raise NotFound("本竞赛没有这个单位")
    roles.require_organiser(user)
    return user, contest, unit


# A DELETE's reason: in a JSON body or, for clients that send none, in the query.
_REASON_QUERY = (
    (
        "reason",
        "the reason, where the request has no JSON body",
        {"type": "string", "minLength": 1},
    ),
)
_OPTIONAL_BODY = {"requestBody": {"required": False}}


# ---------------------------------------------------------------- contestants
@bp.patch("/events/<int:event_id>/contestants/<int:contestant_id>")
@operation(
    "更正选手信息 (organiser)",
    tag="contestants",
    auth="required",
    request=ContestantCorrectionIn,
    response=CorrectedContestantOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="Corrects the fields sent (name, unit_id, id_number, number), with a "
    "required reason; names and numbers are normalised as at registration, the identity "
    "number is checked and unique in the event. Audited with the old and new values. A "
    "spelling correction of the name or identity number moves no place and is allowed "
    "after publication: printed certificates keep the printed name until reissued "
    "(`reissue_needed`). 409 where the correction would change a published result or a "
    "recommendation (that takes an appeal): a change of unit once a round of the event is "
    "published, for a finalist, into a unit that has recommended its finalists, or after "
    "the old unit's committee marked the contestant; a change of contest number once the "
    "contestant has a mark; an identity number or contest number already registered.",
)
def correct_contestant(event_id: int, contestant_id: int) -> Response:
    user, _, contestant = organiser_contestant(event_id, contestant_id)
    data = load(ContestantCorrectionIn())
    done = corrections.correct_contestant(
        contestant,
        user,
        data["reason"],
        name=data.get("name", KEEP),
        unit_id=data.get("unit_id", KEEP),
        id_number=data.get("id_number", KEEP),
        number=data.get("number", KEEP),
    )
    db.session.commit()
    body: dict[str, Any] = CorrectedContestantOut(exclude=("reissue_needed",)).dump(done.contestant)
    body["reissue_needed"] = _serials(done.reissue)
    return jsonify(body)


@bp.delete("/events/<int:event_id>/contestants/<int:contestant_id>")
@operation(
    "删除登记错误的选手 (organiser)",
    tag="contestants",
    auth="required",
    request=CorrectionReasonIn,
    status=204,
    errors=(400, 401, 403, 404, 409, 422),
    query=_REASON_QUERY,
    description="For a contestant registered by mistake: the reason in a JSON body "
    '`{"reason"}` or as `?reason=`. The audit trail keeps who they were. 409, with what '
    "blocks it in `fields`, once anything of theirs exists: marks, a place in the final, "
    "a certificate, an appeal, an absence, or a published preliminary.",
    extra=_OPTIONAL_BODY,
)
def remove_contestant(event_id: int, contestant_id: int) -> tuple[str, int]:
    user, _, contestant = organiser_contestant(event_id, contestant_id)
    corrections.remove_contestant(contestant, user, _reason())
    db.session.commit()
    return "", 204


# ---------------------------------------------------------------- units
@bp.patch("/contests/<int:contest_id>/units/<int:unit_id>")
@operation(
    "更正单位名称 (organiser)",
    tag="contests",
    auth="required",
    request=UnitRenameIn,
    response=CorrectedUnitOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="The name is normalised as at registration; allowed after publication "
    "(it moves nobody; printed certificates keep the printed name until reissued). 409 "
    "when another unit of the contest has the name once normalised (“（北京）” is "
    "“(北京)”): the two are one unit, to merge (its id is in `fields.into_unit_id`).",
)
def rename_unit(contest_id: int, unit_id: int) -> Response:
    user, _, unit = _organiser_unit(contest_id, unit_id)
    data = load(UnitRenameIn())
    done = corrections.rename_unit(unit, data["name"], data["reason"], user)
    db.session.commit()
    return respond(
        CorrectedUnitOut(),
        {"id": done.unit.id, "name": done.unit.name, "reissue_needed": _serials(done.reissue)},
    )


@bp.post("/contests/<int:contest_id>/units/<int:unit_id>/merge")
@operation(
    "合并单位 (organiser)",
    tag="contests",
    auth="required",
    request=UnitMergeIn,
    response=MergedUnitOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="The unit in the path is merged into `into_unit_id`: its contestants, "
    "judge assignments, finalists and tie rulings move there and it is removed. 409 in an "
    "event where both units have people and a round with both is published or finalists "
    "are recommended, or where a judge of the final would become a judge of his own "
    "unit's people.",
)
def merge_unit(contest_id: int, unit_id: int) -> Response:
    """The unit in the path is merged into `into_unit_id` and removed; the answer is the unit
    that remains."""
    user, contest, unit = _organiser_unit(contest_id, unit_id)
    data = load(UnitMergeIn())
    into = db.session.get(Unit, data["into_unit_id"])
    if into is None or into.contest_id != contest.id:
        raise Invalid(corrections.UNIT_UNKNOWN, {"into_unit_id": [corrections.UNIT_UNKNOWN]})
    done = corrections.merge_units(unit, into, data["reason"], user)
    db.session.commit()
    return respond(
        MergedUnitOut(),
        {
            "id": done.unit.id,
            "name": done.unit.name,
            "merged_unit_id": done.merged_unit_id,
            "contestants": done.moved,
            "reissue_needed": _serials(done.reissue),
        },
    )


@bp.delete("/contests/<int:contest_id>/units/<int:unit_id>")
@operation(
    "删除空单位 (organiser)",
    tag="contests",
    auth="required",
    request=CorrectionReasonIn,
    status=204,
    errors=(400, 401, 403, 404, 409, 422),
    query=_REASON_QUERY,
    description='The reason in a JSON body `{"reason"}` or as `?reason=`. 409 for a unit '
    "with contestants (merge it instead) or with judges assigned to it.",
    extra=_OPTIONAL_BODY,
)
def remove_unit(contest_id: int, unit_id: int) -> tuple[str, int]:
    user, _, unit = _organiser_unit(contest_id, unit_id)
    corrections.remove_unit(unit, _reason(), user)
    db.session.commit()
    return "", 204
