"""The papers of a component marked item by item, printed from the pages: each judge's blank
item sheet and each contestant's marking record (评分记录表), for one contestant or the whole
round (`documents.scheme_sheets`, one implementation for both faces).

Two doors to the same downloads: the organisers' console, and the judging pages for the chief
judge who keeps the round's papers (the event's chief judge, or a unit committee's chief for
their unit's preliminary; `policy.records_scope`). Other judges are refused: the records
show every judge's marks, which a judge sees only of their own sheet.
"""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from competition.contest.documents import scheme_sheets
from competition.contest.web.console_common import event_or_404, round_or_404
from competition.http.blueprints import web as bp
from competition.http.pages import (
    current_organiser,
    organiser_page,
    role_required,
    signed_in_user,
)
from competition.http.responses import download_response
from competition.models import Role, User


def _user() -> User:
    user = signed_in_user()
    assert user is not None  # the decorators signed the visitor in first
    return user


def _contestant() -> int | None:
    """`?contestant_id=` for one contestant's record; anything but a whole number is none."""
    return request.args.get("contestant_id", type=int)


def _item_sheets(event_id: int, kind: str, component_key: str, user: User) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    return download_response(scheme_sheets.item_sheets_pdf(event, round_, component_key, user))


def _records(event_id: int, kind: str, component_key: str, user: User) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    download = scheme_sheets.marking_records_pdf(event, round_, component_key, user, _contestant())
    return download_response(download)


@bp.get("/console/events/<int:event_id>/rounds/<kind>/components/<component_key>/item-sheets.pdf")
@organiser_page
def console_item_sheets_pdf(event_id: int, kind: str, component_key: str) -> ResponseReturnValue:
    """Every judge's blank item sheet of the component in the round."""
    return _item_sheets(event_id, kind, component_key, current_organiser())


@bp.get(
    "/console/events/<int:event_id>/rounds/<kind>/components/<component_key>/marking-records.pdf"
)
@organiser_page
def console_marking_records_pdf(
    event_id: int, kind: str, component_key: str
) -> ResponseReturnValue:
    """The marking records of the round's contestants (`?contestant_id=` for one)."""
    return _records(event_id, kind, component_key, current_organiser())


@bp.get("/judging/events/<int:event_id>/<round_kind>/<component_key>/item-sheets.pdf")
@role_required(Role.JUDGE)
def judging_item_sheets_pdf(
    event_id: int, round_kind: str, component_key: str
) -> ResponseReturnValue:
    """The chief judge's print of the judges' blank item sheets (403 for other judges)."""
    return _item_sheets(event_id, round_kind, component_key, _user())


@bp.get("/judging/events/<int:event_id>/<round_kind>/<component_key>/marking-records.pdf")
@role_required(Role.JUDGE)
def judging_marking_records_pdf(
    event_id: int, round_kind: str, component_key: str
) -> ResponseReturnValue:
    """The chief judge's print of the marking records (`?contestant_id=` for one)."""
    return _records(event_id, round_kind, component_key, _user())
