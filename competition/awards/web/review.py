"""The experts' pages of an award programme's review (/awards/review).

An expert sees the programmes whose panel they sit on, the stations to review (their own
unit's left out; asking for one directly is refused, 403 `conflict_of_interest`), and one form
per station: its evidence per criterion, a score box (or pass/fail) and a comment per
criterion. The form posts the version it was read at (the ETag of the expert's judgements), so
a save from another tab in between is refused (409) instead of overwritten: the same rule as
the API's If-Match, through the same schema and service. The panel lead signs the review off on
a confirmation page; afterwards every form is read-only.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from competition.awards import review as service
from competition.awards import review_schemas as schemas
from competition.awards.programmes import get_programme
from competition.awards.selection import results
from competition.core.errors import AppError
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.fields import format_decimal
from competition.http.loading import load
from competition.http.pages import refusal_messages, role_required, signed_in_user
from competition.models import AwardProgramme, ProgrammeExpert, Role, Station, User


def _user() -> User:
    user = signed_in_user()
    assert user is not None  # role_required ran first
    return user


def _lock_notice(programme: AwardProgramme) -> str | None:
    if programme.published_at is not None:
        return _("评选名单已公示，评审表只能查看。")
    if service.signed_off(programme):
        return _("评审结果已由专家组组长签署并锁定，评审表只能查看，不能再修改。")
    return None


@bp.get("/awards/review")
@role_required(Role.EXPERT)
def award_review_index() -> str:
    user = _user()
    seats = db.session.scalars(
        select(ProgrammeExpert)
        .where(ProgrammeExpert.user_id == user.id)
        .order_by(ProgrammeExpert.programme_id.desc())
    ).all()
    rows = []
    for seat in seats:
        items = service.worklist(seat.programme, seat)
        rows.append(
            {
                "seat": seat,
                "programme": seat.programme,
                "stations": len(items),
                "done": sum(1 for i in items if i.done == i.total),
                "locked": _lock_notice(seat.programme),
            }
        )
    return render_template("awards/review_index.html", rows=rows)


@bp.get("/awards/review/<int:programme_id>")
@role_required(Role.EXPERT)
def award_review_worklist(programme_id: int) -> str:
    programme = get_programme(programme_id)
    seat = service.require_seat(_user(), programme)
    return render_template(
        "awards/review_worklist.html",
        programme=programme,
        seat=seat,
        items=service.worklist(programme, seat),
        lock_notice=_lock_notice(programme),
    )


def _form_values(programme: AwardProgramme, station: Station, user: User) -> dict[str, str]:
    values: dict[str, str] = {}
    mine = service.own_reviews(station, user.id)
    for criterion in programme.criteria:
        row = mine.get(criterion.id)
        if row is None:
            continue
        if row.points is not None:
            values[f"points-{criterion.key}"] = format_decimal(row.points)
        if row.passed is not None:
            values[f"passed-{criterion.key}"] = "yes" if row.passed else "no"
        values[f"comment-{criterion.key}"] = row.comment
    return values


def _posted(programme: AwardProgramme, form: Any) -> dict[str, Any]:
    """The form as the API's body: a blank box clears that criterion's value."""
    criteria = []
    for criterion in programme.criteria:
        item: dict[str, Any] = {
            "criterion": criterion.key,
            "comment": form.get(f"comment-{criterion.key}", ""),
        }
        if criterion.kind == "points":
            text = form.get(f"points-{criterion.key}", "").strip()
            item["points"] = text or None
        else:
            choice = form.get(f"passed-{criterion.key}", "")
            item["passed"] = {"yes": True, "no": False}.get(choice)
        criteria.append(item)
    return {"criteria": criteria}


def _page(
    programme: AwardProgramme,
    station: Station,
    values: dict[str, str],
    errors: dict[str, list[str]],
    general: list[str],
    status: int = 200,
) -> ResponseReturnValue:
    user = _user()
    evidence = {e.criterion_id: e for e in station.evidence}
    body = render_template(
        "awards/review_form.html",
        programme=programme,
        station=station,
        criteria=programme.criteria,
        evidence=evidence,
        values=values,
        errors=errors,
        general=general,
        etag=service.review_etag(station, user.id),
        lock_notice=_lock_notice(programme),
    )
    return body, status


@bp.route("/awards/review/<int:programme_id>/stations/<int:station_id>", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def award_review_form(programme_id: int, station_id: int) -> ResponseReturnValue:
    programme = get_programme(programme_id)
    station = service.get_station(programme, station_id)
    user = _user()
    service.require_reviewing(user, programme, station)
    if request.method == "GET":
        return _page(programme, station, _form_values(programme, station, user), {}, [])
    # CSRFProtect has checked the token before this view runs.
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        data = load(schemas.StationReviewIn(), _posted(programme, request.form))
        judged = [service.Judged(**item) for item in data["criteria"]]
        service.set_reviews(programme, station, user, judged, {request.form.get("etag", "")})
        db.session.commit()
    except AppError as error:
        general, fields = refusal_messages(error, _("请改正标出的问题；没有保存任何内容。"))
        return _page(programme, station, values, fields, general, error.status)
    flash(_("已保存对 %(name)s 的评审。", name=station.name), "success")
    return redirect(
        url_for("web.award_review_form", programme_id=programme.id, station_id=station.id)
    )


@bp.route("/awards/review/<int:programme_id>/sign-off", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def award_review_sign_off(programme_id: int) -> ResponseReturnValue:
    """The panel lead reads the ranking and signs the review off, after confirming."""
    programme = get_programme(programme_id)
    user = _user()
    service.require_panel_lead(user, programme)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            errors, status = [_("请勾选确认后再签署")], 422
        else:
            try:
                service.sign_off(programme, user)
                db.session.commit()
            except AppError as error:
                errors, _fields = refusal_messages(error)
                status = error.status
            else:
                flash(_("评审结果已签署并锁定。"), "success")
                return redirect(url_for("web.award_review_worklist", programme_id=programme.id))
    body = render_template(
        "awards/review_sign_off.html",
        programme=programme,
        found=results(programme),
        signed=service.signed_off(programme),
        errors=errors,
    )
    return body, status
