"""The final's contest numbers drawn by lot (抽签) through the API: the same draw as the
organisers' draw page (`competition.contest.services.draw`).

The key from number to person is the organisers' alone, so both routes are theirs. Checks in
the contract's order: 401, 404, 403, 409.
"""

from __future__ import annotations

from typing import Any

from flask.wrappers import Response
from marshmallow import fields

from competition.contest.api.requests import organiser_event
from competition.contest.services import draw as draw_service
from competition.extensions import db
from competition.http.api import respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema
from competition.http.openapi import operation

_NUMBERS = fields.Dict(
    keys=fields.String(),
    values=fields.String(),
    metadata={
        "description": 'contestant id → drawn number ("J01"…), in number order',
        "example": {"12": "J01", "7": "J02"},
    },
)


class DrawnOut(BaseSchema):
    numbers = _NUMBERS


class DrawOut(BaseSchema):
    drawn_at = fields.DateTime()
    drawn_by = fields.String(metadata={"description": "the organiser who drew, by name"})
    drawn_by_id = fields.Integer(allow_none=True)
    numbers = _NUMBERS


def _numbers(draw: draw_service.Draw) -> dict[str, str]:
    return {str(cid): number for cid, number in draw.by_contestant().items()}


def _body(draw: draw_service.Draw) -> dict[str, Any]:
    return {
        "drawn_at": draw.drawn_at,
        "drawn_by": draw.drawn_by,
        "drawn_by_id": draw.drawn_by_id,
        "numbers": _numbers(draw),
    }


@bp.post("/events/<int:event_id>/rounds/final/draw")
@operation(
    "决赛抽签 (organiser)",
    tag="finalists",
    auth="required",
    response=DrawnOut,
    status=201,
    errors=(401, 403, 404, 409),
    description="Draws the finalists' final contest numbers by lot: a cryptographically "
    "random permutation numbered J01, J02, … (at least two digits), recorded in the audit "
    "trail with who drew, when and the whole mapping. From then on the final's results, "
    "judges' sheets and notices show the drawn numbers; the preliminary and the personal "
    "look-up keep the registration number. Drawing again replaces every number. 409 once "
    "the final has a mark (or an item mark), once it is published, and while there are no "
    "finalists. Changing the finalists afterwards voids the draw (numbers cleared, audited).",
)
def draw_final_numbers(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    draw = draw_service.draw_numbers(event, user)
    db.session.commit()
    return respond(DrawnOut(), {"numbers": _numbers(draw)}, 201)


@bp.get("/events/<int:event_id>/rounds/final/draw")
@operation(
    "决赛抽签结果 (organiser)",
    tag="finalists",
    auth="required",
    response=DrawOut,
    errors=(401, 403, 404),
    description="The final's draw as it stands: when and by whom, and the key from "
    "contestant to number. 404 before any draw, and after a change of the finalists "
    "voided it.",
)
def get_final_draw(event_id: int) -> Response:
    _, event = organiser_event(event_id)
    return respond(DrawOut(), _body(draw_service.require_draw(event)))
