"""API routes of an award programme's selection, notice, objections, confirmation, grants and
honours, and the public notice and list of confirmed stations.

Organiser routes check 401, 404, 403, 400, 422, 409 in that order; the public ones need no
sign-in and answer 404 for what is not public yet.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.wrappers import Response

from competition.awards import documents, selection
from competition.awards import review as review_service
from competition.awards import review_schemas as schemas
from competition.awards.policy import panel_seat
from competition.awards.programmes import get_programme
from competition.core import roles
from competition.core.errors import Forbidden, NotFound
from competition.extensions import db
from competition.http.api import current_user, require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import int_arg, load
from competition.http.openapi import list_of, operation
from competition.http.responses import download_response
from competition.http.verification import public_base_url
from competition.models import AwardProgramme, StationSelection

_WRITE = (400, 401, 403, 404, 409, 422)


def _organiser_programme(programme_id: int) -> AwardProgramme:
    user = require_user()
    programme = get_programme(programme_id)
    roles.require_organiser(user)
    return programme


def selection_body(found: selection.Results) -> dict[str, Any]:
    programme = found.programme
    levels = []
    for level, chosen in found.level_rows():
        levels.append(
            {
                "level_id": level.id,
                "key": level.key,
                "name": level.name,
                "quota": level.quota,
                "blocked": chosen.blocked,
                "unresolved": chosen.unresolved,
                "ranking": [
                    {
                        "place": p.place,
                        "station_id": p.station_id,
                        "name": found.stations[p.station_id].name,
                        "unit": found.stations[p.station_id].unit.name,
                        "district": found.stations[p.station_id].district,
                        "total": p.total,
                        "selected": p.selected,
                        "by_ruling": p.by_ruling,
                    }
                    for p in chosen.ranking
                ],
            }
        )
    return {
        "programme_id": programme.id,
        "signed_off": review_service.signed_off(programme),
        "published": programme.published_at is not None,
        "resolved": found.selection.resolved,
        "incomplete": list(found.selection.incomplete),
        "ineligible": list(found.selection.ineligible),
        "levels": levels,
    }


def listed_body(rows: list[StationSelection], with_totals: bool) -> list[dict[str, Any]]:
    return [
        {
            "level": r.level.name,
            "place": r.place,
            "station_id": r.station_id,
            "name": r.station.name,
            "unit": r.station.unit.name,
            "district": r.station.district,
            "address": r.station.address,
            "opening_hours": r.station.opening_hours,
            "total": r.total if with_totals else None,
        }
        for r in rows
    ]


@bp.get("/award-programmes/<int:programme_id>/selection")
@operation(
    "各级别排名、名额线与待裁定的并列 (organisers and the panel lead)",
    tag="award selection",
    auth="required",
    response=schemas.SelectionOut,
    errors=(401, 403, 404),
    description="Levels from the highest: eligible, completely reviewed stations that applied "
    "for the level or a higher one and were not taken higher up, ranked by total, then the "
    "criteria's points in the programme's order, then a recorded ruling. A tie at the cut "
    "that nothing settles is `unresolved` and the levels below are `blocked`.",
)
def award_selection_get_selection(programme_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    if not roles.is_organiser(user):
        seat = panel_seat(user, programme)
        if seat is None or not seat.is_lead:
            raise Forbidden("只有组委会和评审专家组组长可以查看排名")
    return respond(schemas.SelectionOut(), selection_body(selection.results(programme)))


@bp.post("/award-programmes/<int:programme_id>/rulings")
@operation(
    "记录并列裁定 (organiser, before confirmation)",
    tag="award selection",
    auth="required",
    request=schemas.RulingIn,
    response=schemas.RulingOut,
    status=201,
    errors=_WRITE,
    description="`station_ids` in the order decided (first = better): two or more stations "
    "of the level's ranking that are equal by every rule; `reason` is required. After "
    "publication only stations on no list may be ordered (a tie in line for a vacant place); "
    "a published list never moves (409).",
)
def award_selection_post_ruling(programme_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    roles.require_organiser(user)
    data = load(schemas.RulingIn())
    ruling = selection.record_ruling(
        programme, data["level_id"], data["station_ids"], data["reason"], user
    )
    db.session.commit()
    return respond(schemas.RulingOut(), ruling, 201)


@bp.post("/award-programmes/<int:programme_id>/publish")
@operation(
    "公示评选名单 (organiser)",
    tag="award selection",
    auth="required",
    response=schemas.ProgrammeStateOut,
    errors=(401, 403, 404, 409),
    description="Freezes each level's selected list and starts the notice (`notice_days` "
    "working days). 409 before the panel lead's sign-off, and with code `tie_unresolved` "
    "(`fields.unresolved` naming the stations) while a tie at a cut awaits a ruling.",
)
def award_selection_publish(programme_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    roles.require_organiser(user)
    programme = selection.publish(programme, user)
    db.session.commit()
    return respond(schemas.ProgrammeStateOut(), programme)


@bp.get("/award-programmes/<int:programme_id>/notice")
@operation(
    "公示名单 (public, from publication)",
    tag="award notice",
    auth="none",
    response=schemas.NoticeOut,
    errors=(404,),
    description="The selected stations as published (withdrawn ones left out), with address "
    "and opening hours; 404 before publication.",
)
def award_selection_get_notice(programme_id: int) -> Response:
    current_user()
    programme = get_programme(programme_id)
    if programme.published_at is None:
        raise NotFound("评选名单尚未公示")
    return respond(
        schemas.NoticeOut(),
        {
            "programme": programme,
            "in_notice": selection.in_notice(programme),
            "stations": listed_body(selection.published_list(programme), with_totals=True),
        },
    )


@bp.get("/award-programmes/<int:programme_id>/confirmed-stations")
@operation(
    "已确认的站点（可按区、名称查找） (public)",
    tag="award notice",
    auth="none",
    response=list_of("stations", schemas.ListedOut),
    errors=(404,),
    query=(
        ("district", "only this district, e.g. 朝阳区", {"type": "string"}),
        ("q", "a part of the station's name", {"type": "string"}),
    ),
    description="Empty until the list is confirmed.",
)
def award_selection_confirmed_stations(programme_id: int) -> Response:
    current_user()
    programme = get_programme(programme_id)
    rows = selection.public_stations(
        programme, request.args.get("district", "")[:50], request.args.get("q", "")[:100]
    )
    return jsonify({"stations": schemas.ListedOut(many=True).dump(listed_body(rows, False))})


@bp.get("/award-programmes/<int:programme_id>/objections")
@operation(
    "异议列表 (organiser)",
    tag="award notice",
    auth="required",
    response=list_of("objections", schemas.ObjectionOut),
    errors=(401, 403, 404),
)
def award_selection_list_objections(programme_id: int) -> Response:
    programme = _organiser_programme(programme_id)
    body = schemas.ObjectionOut(many=True).dump(selection.objections(programme))
    return jsonify({"objections": body})


@bp.post("/award-programmes/<int:programme_id>/objections")
@operation(
    "登记异议 (organiser, during the notice)",
    tag="award notice",
    auth="required",
    request=schemas.ObjectionIn,
    response=schemas.ObjectionOut,
    status=201,
    errors=_WRITE,
    description="Under the objector's real name, against a station on the list; 409 outside "
    "the notice period.",
)
def award_selection_post_objection(programme_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    roles.require_organiser(user)
    data = load(schemas.ObjectionIn())
    objection = selection.record_objection(
        programme, data["station_id"], data["name"], data["text"], user, data["contact"]
    )
    db.session.commit()
    return respond(schemas.ObjectionOut(), objection, 201)


@bp.post("/award-programmes/<int:programme_id>/objections/<int:objection_id>/decision")
@operation(
    "处理异议 (organiser, before confirmation)",
    tag="award notice",
    auth="required",
    request=schemas.ObjectionDecisionIn,
    response=schemas.ObjectionOut,
    errors=_WRITE,
    description="`upheld` withdraws the station from the list (the place may then be filled "
    "from the level's ranking); `dismissed` leaves it. A reason is required.",
)
def award_selection_decide_objection(programme_id: int, objection_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    objection = selection.get_objection(programme, objection_id)
    roles.require_organiser(user)
    data = load(schemas.ObjectionDecisionIn())
    selection.decide_objection(programme, objection, data["decision"], data["reason"], user)
    db.session.commit()
    return respond(schemas.ObjectionOut(), objection)


@bp.post("/award-programmes/<int:programme_id>/levels/<int:level_id>/fill")
@operation(
    "递补空缺名额 (organiser, during the notice)",
    tag="award notice",
    auth="required",
    response=schemas.SelectionRowOut,
    status=201,
    errors=(401, 403, 404, 409, 422),
    description="The best-ranked station of the level that is on no list takes the place of "
    "a withdrawn one; stations on a lower level's list stay there. 409 `tie_unresolved` when "
    "that station is tied by every rule with another on no list and no ruling orders them "
    "(`fields.unresolved` names them): record a ruling first.",
)
def award_selection_fill_place(programme_id: int, level_id: int) -> Response:
    programme = _organiser_programme(programme_id)
    row = selection.fill_place(programme, level_id, require_user())
    db.session.commit()
    return respond(schemas.SelectionRowOut(), row, 201)


@bp.post("/award-programmes/<int:programme_id>/confirm")
@operation(
    "确认评选名单 (organiser, after the notice)",
    tag="award notice",
    auth="required",
    response=schemas.ProgrammeStateOut,
    errors=(401, 403, 404, 409),
    description="After the notice's last day, once every objection is decided: locks "
    "everything (later changes 409) and issues each station's honour with a serial.",
)
def award_selection_confirm(programme_id: int) -> Response:
    programme = _organiser_programme(programme_id)
    programme = selection.confirm(programme, require_user())
    db.session.commit()
    return respond(schemas.ProgrammeStateOut(), programme)


@bp.get("/award-programmes/<int:programme_id>/grants")
@operation(
    "奖补资金 (organiser, from publication)",
    tag="award grants",
    auth="required",
    response=schemas.GrantsOut,
    errors=(401, 403, 404, 409),
    description="Each listed station gets its level's grant; sums per unit and in total, "
    "exact. 409 before publication.",
)
def award_selection_get_grants(programme_id: int) -> Response:
    programme = _organiser_programme(programme_id)
    selection.require_published(programme)
    found = selection.grants(programme)
    return respond(
        schemas.GrantsOut(),
        {
            "lines": found.lines,
            "units": [{"unit": u, "stations": n, "amount": a} for u, n, a in found.by_unit],
            "total": found.total,
        },
    )


def _binary(description: str, mimetype: str) -> dict[str, Any]:
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {mimetype: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@bp.get("/award-programmes/<int:programme_id>/grants.xlsx")
@operation(
    "奖补资金 Excel (organiser)",
    tag="award grants",
    auth="required",
    errors=(401, 403, 404, 409),
    extra=_binary("per unit and every station, with totals", documents.XLSX),
)
def award_selection_grants_xlsx(programme_id: int) -> Response:
    return download_response(documents.grants_xlsx(_organiser_programme(programme_id)))


@bp.get("/award-programmes/<int:programme_id>/grants.pdf")
@operation(
    "奖补资金 PDF (organiser)",
    tag="award grants",
    auth="required",
    errors=(401, 403, 404, 409),
    extra=_binary("per unit and every station, with totals", documents.PDF),
)
def award_selection_grants_pdf(programme_id: int) -> Response:
    return download_response(documents.grants_pdf(_organiser_programme(programme_id)))


@bp.get("/award-programmes/<int:programme_id>/notice.pdf")
@operation(
    "打印公示名单 PDF (organiser)",
    tag="award notice",
    auth="required",
    errors=(401, 403, 404, 409, 422),
    query=(("level_id", "one level only", {"type": "integer"}),),
    extra=_binary("the printed notice", documents.PDF),
)
def award_selection_notice_pdf(programme_id: int) -> Response:
    programme = _organiser_programme(programme_id)
    return download_response(documents.notice_pdf(programme, int_arg("level_id")))


@bp.get("/award-programmes/<int:programme_id>/certificates.pdf")
@operation(
    "证书牌匾清单 PDF，含编号与验证二维码 (organiser, after confirmation)",
    tag="award grants",
    auth="required",
    errors=(401, 403, 404, 409),
    extra=_binary("serials with QR codes of /verify/<serial>", documents.PDF),
)
def award_selection_certificates_pdf(programme_id: int) -> Response:
    programme = _organiser_programme(programme_id)
    return download_response(documents.certificates_pdf(programme, public_base_url()))
