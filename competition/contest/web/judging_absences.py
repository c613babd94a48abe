"""The chief judge's record of absences (缺考, 弃权) at the venue.

The chief judge is the one who sees an empty machine or takes a withdrawal in writing, so
the chief records it here, by contest number (names stay hidden from judges until
publication); a unit committee's chief does so for their unit's preliminary. The same
service as the organisers' ranking page and the API (`services.absences`), with its rules:
a reason is required, nothing changes once the round is published.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest import policy
from competition.contest.services import absences as absence_service
from competition.contest.services import contests as contest_service
from competition.contest.services import draw as draw_service
from competition.contest.services import results as result_service
from competition.contest.web.judging import page_context
from competition.contest.wording import absence_text
from competition.core.errors import AppError, Forbidden, Invalid
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import role_required, signed_in_user
from competition.models import Event, Role, Round
from competition.scoring.ranking import number_sort_key

MAX_REASON = absence_service.MAX_REASON


def _event_round(event_id: int, round_kind: str) -> tuple[Event, Round]:
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    if policy.absence_unit(signed_in_user(), event, round_) is policy.NOT_ASSIGNED:
        raise Forbidden(_("只有裁判长或组委会可以登记缺考、弃权"))
    return event, round_


def _page(event: Event, round_: Round, errors: list[str], status: int = 200) -> ResponseReturnValue:
    user = signed_in_user()
    unit = policy.absence_unit(user, event, round_)
    results = result_service.round_results(event, round_)
    people = [c for c in results.contestants.values() if unit is None or c.unit_id == unit]
    people.sort(key=lambda c: (number_sort_key(c.number), c.id))
    absent = {a.contestant_id: a for a in results.absent}
    return render_template(
        "contest/judging/absences.html",
        event=event,
        round=round_,
        people=people,
        absent=absent,
        identities=policy.sees_identities(user, round_),
        errors=errors,
        **page_context(),
    ), status


@bp.get("/judging/events/<int:event_id>/<round_kind>/absences")
@role_required(Role.JUDGE, Role.ORGANISER)
def judging_absences(event_id: int, round_kind: str) -> ResponseReturnValue:
    event, round_ = _event_round(event_id, round_kind)
    return _page(event, round_, [])


@bp.post("/judging/events/<int:event_id>/<round_kind>/absences")
@role_required(Role.JUDGE, Role.ORGANISER)
def judging_record_absence(event_id: int, round_kind: str) -> ResponseReturnValue:
    event, round_ = _event_round(event_id, round_kind)
    raw = request.form.get("contestant_id", "")
    undo = request.form.get("undo") == "yes"
    try:
        if not raw.isdigit() or len(raw) > 10:
            raise Invalid(_("请选择选手"), {"contestant_id": [_("请选择选手")]})
        contestant = contest_service.get_contestant(event, int(raw))
        policy.require_absence_recording(signed_in_user(), event, round_, contestant)
        if undo:
            absence_service.undo_absence(event, round_, contestant, signed_in_user())
        else:
            absence_service.record_absence(
                event,
                round_,
                contestant,
                request.form.get("status", ""),
                request.form.get("reason", "")[:MAX_REASON],
                signed_in_user(),
            )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        problems = [error.message, *[m for ms in error.fields.values() for m in ms]]
        return _page(event, round_, [_(p) for p in problems], error.status)
    number = draw_service.shown_number(contestant, round_)
    if undo:
        flash(_("已撤销 %(number)s 号的缺考/弃权登记。", number=number), "success")
    else:
        status = absence_text(request.form.get("status", ""))
        flash(
            _("已登记 %(number)s 号%(status)s。", number=number, status=status),
            "success",
        )
    return redirect(url_for("web.judging_absences", event_id=event.id, round_kind=round_.kind))
