"""API routes of an award programme's set-up: the programme, its levels and criteria (the 七有
in one call), its base-level unions with their accounts, and the review panel.

Each view checks in the contract's order: 401 (who), 404 (the programme), 403 (may they),
400 (the body is JSON), 422 (its values), 409 (the state). Each route's `@operation`
describes it for the OpenAPI document.
"""

from __future__ import annotations

from flask import jsonify
from flask.wrappers import Response
from marshmallow import Schema, fields

from competition.awards import policy, schemas
from competition.awards import programmes as service
from competition.core import roles
from competition.core import users as user_service
from competition.core.errors import Invalid
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import load
from competition.http.openapi import operation
from competition.models import AwardProgramme, User

_WRITE_ERRORS = (400, 401, 403, 404, 409, 422)


def list_of(name: str, schema: type[Schema]) -> Schema:
    """`{name: [schema]}`, named after the item schema (AwardUnitList), so that no list of
    another feature's shares its name in the document."""
    title = schema.__name__.removesuffix("Out") + "List"
    return Schema.from_dict({name: fields.List(fields.Nested(schema))}, name=title)()


def organiser_programme(programme_id: int) -> tuple[User, AwardProgramme]:
    """The organiser and the programme of an organiser's route, in the contract's order."""
    user = require_user()
    programme = service.get_programme(programme_id)
    roles.require_organiser(user)
    return user, programme


# ---------------------------------------------------------------- programmes
@bp.post("/award-programmes")
@operation(
    "创建评选活动 (organiser)",
    tag="awards",
    auth="required",
    request=schemas.ProgrammeIn,
    response=schemas.ProgrammeOut,
    status=201,
    errors=(400, 401, 403, 409, 422),
    description="A deadline without a zone is local time. Levels and criteria are set "
    "next (`PUT …/levels`, `PUT …/criteria` or `POST …/criteria/reference` for the 七有).",
)
def award_create_programme() -> Response:
    user = require_user()
    roles.require_organiser(user)
    programme = service.create_programme(**load(schemas.ProgrammeIn()), actor=user)
    db.session.commit()
    return respond(schemas.ProgrammeOut(), programme, 201)


@bp.get("/award-programmes")
@operation(
    "评选活动列表 (organisers: all; unions and experts: their own)",
    tag="awards",
    auth="required",
    response=list_of("programmes", schemas.ProgrammeBriefOut),
    errors=(401,),
)
def award_list_programmes() -> Response:
    user = require_user()
    found = service.programmes_for(user)
    return jsonify({"programmes": schemas.ProgrammeBriefOut(many=True).dump(found)})


@bp.get("/award-programmes/<int:programme_id>")
@operation(
    "评选活动详情：等级与评审标准 (organisers, its unions and panel)",
    tag="awards",
    auth="required",
    response=schemas.ProgrammeOut,
    errors=(401, 403, 404),
)
def award_get_programme(programme_id: int) -> Response:
    user = require_user()
    programme = service.get_programme(programme_id)
    policy.require_programme_member(user, programme)
    return respond(schemas.ProgrammeOut(), programme)


@bp.patch("/award-programmes/<int:programme_id>")
@operation(
    "修改评选活动 (organiser)",
    tag="awards",
    auth="required",
    request=schemas.ProgrammePatch,
    response=schemas.ProgrammeOut,
    errors=_WRITE_ERRORS,
    description="Only the fields sent change. 409 once confirmed; the notice period is "
    "fixed once the list is published.",
)
def award_update_programme(programme_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    changes = load(schemas.ProgrammePatch())
    if not changes:
        raise Invalid("至少需要一个字段", {"_schema": ["至少需要一个字段"]})
    programme = service.update_programme(programme, changes, user)
    db.session.commit()
    return respond(schemas.ProgrammeOut(), programme)


@bp.put("/award-programmes/<int:programme_id>/levels")
@operation(
    "设置等级、名额与奖补资金 (organiser, before reviewing starts)",
    tag="awards",
    auth="required",
    request=schemas.AwardLevelsIn,
    response=schemas.ProgrammeOut,
    errors=_WRITE_ERRORS,
    description="The highest level first. A level is kept by its `key`; one left out is "
    "removed (409 while a station applies for it). 409 once any station is reviewed.",
)
def award_set_levels(programme_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    data = load(schemas.AwardLevelsIn())
    specs = [service.LevelSpec(**level) for level in data["levels"]]
    programme = service.set_levels(programme, specs, user)
    db.session.commit()
    return respond(schemas.ProgrammeOut(), programme)


@bp.put("/award-programmes/<int:programme_id>/criteria")
@operation(
    "设置评审标准 (organiser, before reviewing starts)",
    tag="awards",
    auth="required",
    request=schemas.AwardCriteriaIn,
    response=schemas.ProgrammeOut,
    errors=_WRITE_ERRORS,
    description="`kind` points (with `max_points`) or pass_fail (without). A criterion is "
    "kept by its `key`; one left out is removed (409 while a station has evidence for it). "
    "409 once any station is reviewed.",
)
def award_set_criteria(programme_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    data = load(schemas.AwardCriteriaIn())
    specs = [service.CriterionSpec(**criterion) for criterion in data["criteria"]]
    programme = service.set_criteria(programme, specs, user)
    db.session.commit()
    return respond(schemas.ProgrammeOut(), programme)


@bp.post("/award-programmes/<int:programme_id>/criteria/reference")
@operation(
    "采用“七有”评审标准 (organiser, before reviewing starts)",
    tag="awards",
    auth="required",
    response=schemas.ProgrammeOut,
    errors=(401, 403, 404, 409),
    description="The reference set: 有场地, 有标识, 有设施, 有宣传, 有服务, 有制度, 有成效, "
    "each with its description and preferred notes, in points (100 in all).",
)
def award_use_reference_criteria(programme_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    programme = service.use_reference_criteria(programme, user)
    db.session.commit()
    return respond(schemas.ProgrammeOut(), programme)


# ---------------------------------------------------------------- units
@bp.post("/award-programmes/<int:programme_id>/units")
@operation(
    "登记基层工会 (organiser)",
    tag="awards",
    auth="required",
    request=schemas.AwardUnitIn,
    response=schemas.AwardUnitOut,
    status=201,
    errors=_WRITE_ERRORS,
    description="Its account: `user_id` of an existing user of role union, or `username` "
    "and `password` to create one (the unit's name as its display name), or neither.",
)
def award_add_unit(programme_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    data = load(schemas.AwardUnitIn())
    user_id = data["user_id"]
    if data["username"]:
        if user_id is not None:
            both = "user_id 与 username 只能给出一个"
            raise Invalid(both, {"username": [both]})
        account = user_service.create_user(
            data["username"], data["password"] or "", "union", data["name"]
        )
        user_id = account.id
    unit = service.add_unit(programme, data["name"], user_id, user)
    db.session.commit()
    return respond(schemas.AwardUnitOut(), unit, 201)


@bp.get("/award-programmes/<int:programme_id>/units")
@operation(
    "基层工会名单 (organisers and the panel)",
    tag="awards",
    auth="required",
    response=list_of("units", schemas.AwardUnitOut),
    errors=(401, 403, 404),
)
def award_list_units(programme_id: int) -> Response:
    user = require_user()
    programme = service.get_programme(programme_id)
    policy.require_panel_reader(user, programme)
    return jsonify({"units": schemas.AwardUnitOut(many=True).dump(service.units(programme))})


@bp.put("/award-programmes/<int:programme_id>/units/<int:award_unit_id>/account")
@operation(
    "关联基层工会账号 (organiser)",
    tag="awards",
    auth="required",
    request=schemas.AwardUnitAccountIn,
    response=schemas.AwardUnitOut,
    errors=_WRITE_ERRORS,
)
def award_link_unit_account(programme_id: int, award_unit_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    unit = service.get_unit(programme, award_unit_id)
    unit = service.link_account(unit, load(schemas.AwardUnitAccountIn())["user_id"], user)
    db.session.commit()
    return respond(schemas.AwardUnitOut(), unit)


# ---------------------------------------------------------------- the panel
@bp.post("/award-programmes/<int:programme_id>/experts")
@operation(
    "加入评审专家 (organiser)",
    tag="awards",
    auth="required",
    request=schemas.AwardExpertIn,
    response=schemas.AwardExpertOut,
    status=201,
    errors=_WRITE_ERRORS,
    description="`unit_id`: the expert's own base-level union, whose stations they never "
    "review. `lead: true` makes them the panel lead in place of any other.",
)
def award_add_expert(programme_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    data = load(schemas.AwardExpertIn())
    seat = service.add_expert(
        programme, data["user_id"], user, unit_id=data["unit_id"], lead=data["lead"]
    )
    db.session.commit()
    return respond(schemas.AwardExpertOut(), seat, 201)


@bp.get("/award-programmes/<int:programme_id>/experts")
@operation(
    "评审专家组 (organisers and the panel)",
    tag="awards",
    auth="required",
    response=list_of("experts", schemas.AwardExpertOut),
    errors=(401, 403, 404),
)
def award_list_experts(programme_id: int) -> Response:
    user = require_user()
    programme = service.get_programme(programme_id)
    policy.require_panel_reader(user, programme)
    return jsonify({"experts": schemas.AwardExpertOut(many=True).dump(service.panel(programme))})


@bp.put("/award-programmes/<int:programme_id>/lead")
@operation(
    "指定专家组组长 (organiser)",
    tag="awards",
    auth="required",
    request=schemas.AwardLeadIn,
    response=schemas.AwardExpertOut,
    errors=_WRITE_ERRORS,
)
def award_set_lead(programme_id: int) -> Response:
    user, programme = organiser_programme(programme_id)
    seat = service.set_lead(programme, load(schemas.AwardLeadIn())["user_id"], user)
    db.session.commit()
    return respond(schemas.AwardExpertOut(), seat)
