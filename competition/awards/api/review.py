"""API routes of an award programme's comprehensive review: the expert's stations, their
judgements of one station (conditional on the version read: ETag / If-Match), and the panel
lead's sign-off.

Each view checks in the contract's order: 401, 404 (the programme, then the station), 403 (a
panel seat; the station's own unit: code `conflict_of_interest`), 400, 422, 409.
"""

from __future__ import annotations

from typing import Any

from flask.wrappers import Response

from competition.awards import review as service
from competition.awards import review_schemas as schemas
from competition.awards.programmes import get_programme
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import if_match_tags, load
from competition.http.openapi import operation
from competition.models import AwardProgramme, Station, User

_ETAG = (("ETag", "the version of the expert's judgements: send it in If-Match to change them"),)
_IF_MATCH = (("If-Match", "the ETag of the judgements as last read; * for any"),)


def review_body(programme: AwardProgramme, station: Station, user: User) -> dict[str, Any]:
    """The expert's judgements of the station, one line per criterion (empty where none)."""
    mine = service.own_reviews(station, user.id)
    criteria = []
    for criterion in programme.criteria:
        row = mine.get(criterion.id)
        criteria.append(
            {
                "criterion": criterion.key,
                "name": criterion.name,
                "kind": criterion.kind,
                "max_points": criterion.max_points,
                "points": row.points if row else None,
                "passed": row.passed if row else None,
                "comment": row.comment if row else "",
            }
        )
    return {
        "programme_id": programme.id,
        "station_id": station.id,
        "etag": service.review_etag(station, user.id),
        "locked": service.signed_off(programme) or programme.published_at is not None,
        "criteria": criteria,
    }


def _tagged(body: dict[str, Any]) -> Response:
    response = respond(schemas.StationReviewOut(), body)
    response.set_etag(body["etag"])
    return response


@bp.get("/award-programmes/<int:programme_id>/review/stations")
@operation(
    "本专家待评审的站点 (an expert of the panel)",
    tag="award review",
    auth="required",
    response=schemas.WorklistOut,
    errors=(401, 403, 404),
    description="Submitted stations, without the expert's own unit's (回避), each with how "
    "many criteria the expert has judged.",
)
def award_review_worklist(programme_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    seat = service.require_seat(user, programme)
    items = service.worklist(programme, seat)
    return respond(
        schemas.WorklistOut(),
        {
            "programme_id": programme.id,
            "locked": service.signed_off(programme),
            "stations": [
                {
                    "id": i.station.id,
                    "name": i.station.name,
                    "unit": i.station.unit.name,
                    "district": i.station.district,
                    "level": i.station.level.name,
                    "done": i.done,
                    "total": i.total,
                }
                for i in items
            ],
        },
    )


@bp.get("/award-programmes/<int:programme_id>/stations/<int:station_id>/review")
@operation(
    "本专家对该站点的评审 (an expert of the panel, not of the station's unit)",
    tag="award review",
    auth="required",
    response=schemas.StationReviewOut,
    errors=(401, 403, 404),
    response_headers=_ETAG,
    description="403 with code `conflict_of_interest` for a station of the expert's own unit.",
)
def award_review_get_station_review(programme_id: int, station_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    station = service.get_station(programme, station_id)
    service.require_reviewing(user, programme, station)
    return _tagged(review_body(programme, station, user))


@bp.put("/award-programmes/<int:programme_id>/stations/<int:station_id>/review")
@operation(
    "提交或修改本专家对该站点的评审 (an expert of the panel, not of the station's unit)",
    tag="award review",
    auth="required",
    request=schemas.StationReviewIn,
    response=schemas.StationReviewOut,
    errors=(400, 401, 403, 404, 409, 422),
    headers=_IF_MATCH,
    response_headers=_ETAG,
    description="Per criterion: `points` 0..its maximum (2 places) or `passed`, and a "
    "comment; criteria not sent stay as they are; null values clear a judgement. Every change "
    "is audited. With If-Match the change is made only on the version read, else 409 `stale` "
    "(the current ETag in the answer). 409 once the panel lead has signed off.",
)
def award_review_put_station_review(programme_id: int, station_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    station = service.get_station(programme, station_id)
    service.require_reviewing(user, programme, station)
    tags = if_match_tags()
    data = load(schemas.StationReviewIn())
    judged = [service.Judged(**item) for item in data["criteria"]]
    service.set_reviews(programme, station, user, judged, tags)
    db.session.commit()
    return _tagged(review_body(programme, station, user))


@bp.post("/award-programmes/<int:programme_id>/review/sign-off")
@operation(
    "专家组组长签署评审结果 (the panel lead)",
    tag="award review",
    auth="required",
    response=schemas.SignOffOut,
    errors=(401, 403, 404, 409),
    description="409 while any submitted station is not judged by every expert who may "
    "review it (`fields.incomplete` names them); afterwards no judgement changes.",
)
def award_review_sign_off(programme_id: int) -> Response:
    user = require_user()
    programme = get_programme(programme_id)
    service.require_panel_lead(user, programme)
    service.sign_off(programme, user)
    db.session.commit()
    return respond(
        schemas.SignOffOut(),
        {
            "programme_id": programme.id,
            "signed_at": programme.review_signed_at,
            "signed_by": user.display_name or user.username,
        },
    )
