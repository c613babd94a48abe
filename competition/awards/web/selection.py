"""The organiser's selection page of an award programme, its actions and downloads, and the
public pages: the notice during the notice period and the confirmed stations after it.

The selection page shows each level's ranking and cut, the ties that need a ruling (with the
form to record one), publication, the objections (recorded and decided with a reason), filling
a withdrawn place, confirmation, and the papers. Every action posts to its own address, calls
the service the API calls, and comes back here with what happened.

The public list is what a delivery rider looks for on a phone: name, address, opening hours,
searchable by district and by name, one card per station (readable at 375 px wide).
"""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from sqlalchemy import select

from competition.awards import documents, selection
from competition.awards import review as review_service
from competition.awards.programmes import get_programme
from competition.core.errors import AppError, NotFound
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.loading import int_arg
from competition.http.pages import current_organiser, organiser_page, show_refusal
from competition.http.responses import download_response
from competition.http.verification import public_base_url
from competition.models import AwardProgramme


def _back(programme_id: int) -> Response:
    return redirect(url_for("web.award_selection_page", programme_id=programme_id))


def _refused(error: AppError) -> None:
    """The refusal and its field messages in one flash (these forms post and redirect back)."""
    flash(" ".join(show_refusal(None, error)), "error")


@bp.get("/console/awards/<int:programme_id>/selection")
@organiser_page
def award_selection_page(programme_id: int) -> str:
    programme = get_programme(programme_id)
    published = programme.published_at is not None
    rows = selection.published_list(programme, include_withdrawn=True) if published else []
    found = selection.results(programme)
    # Each vacant place with who would take it: a station, or a tie to rule on first.
    vacancies = [
        (level, selection.next_in_line(programme, level, found, rows))
        for level in programme.levels
        if published and selection.open_places(level, rows)
    ]
    return render_template(
        "awards/selection.html",
        programme=programme,
        found=found,
        signed=review_service.signed_off(programme),
        rows=rows,
        objections=selection.objections(programme),
        in_notice=selection.in_notice(programme),
        vacancies=vacancies,
        names={r.station_id: r.station.name for r in rows},
    )


def _act(programme_id: int, action: str) -> Response:
    programme = get_programme(programme_id)
    user = current_organiser()
    form = request.form
    try:
        if action == "ruling":
            ids = [int(x) for x in re.findall(r"\d+", form.get("station_ids", ""))]
            level_id = int(form.get("level_id", "0") or 0)
            selection.record_ruling(programme, level_id, ids, form.get("reason", ""), user)
            message = _("裁定已记录。")
        elif action == "publish":
            selection.publish(programme, user)
            message = _("评选名单已公示。")
        elif action == "objection":
            station_id = int(form.get("station_id", "0") or 0)
            selection.record_objection(
                programme, station_id, form.get("name", ""), form.get("text", ""), user,
                form.get("contact", ""),
            )  # fmt: skip
            message = _("异议已登记。")
        elif action == "confirm":
            selection.confirm(programme, user)
            message = _("评选结果已确认，证书编号已生成。")
        else:  # pragma: no cover - the routes below name every action
            raise NotFound()
        db.session.commit()
    except ValueError:
        db.session.rollback()
        flash(_("请填写有效的编号。"), "error")
    except AppError as error:
        _refused(error)
    else:
        flash(message, "success")
    return _back(programme_id)


@bp.post("/console/awards/<int:programme_id>/rulings")
@organiser_page
def award_selection_ruling(programme_id: int) -> Response:
    return _act(programme_id, "ruling")


@bp.post("/console/awards/<int:programme_id>/publish")
@organiser_page
def award_selection_publish(programme_id: int) -> Response:
    return _act(programme_id, "publish")


@bp.post("/console/awards/<int:programme_id>/objections")
@organiser_page
def award_selection_objection(programme_id: int) -> Response:
    return _act(programme_id, "objection")


@bp.post("/console/awards/<int:programme_id>/confirm")
@organiser_page
def award_selection_confirm(programme_id: int) -> Response:
    return _act(programme_id, "confirm")


@bp.post("/console/awards/<int:programme_id>/objections/<int:objection_id>")
@organiser_page
def award_selection_decide(programme_id: int, objection_id: int) -> Response:
    programme = get_programme(programme_id)
    objection = selection.get_objection(programme, objection_id)
    try:
        selection.decide_objection(
            programme, objection, request.form.get("decision", ""),
            request.form.get("reason", ""), current_organiser(),
        )  # fmt: skip
        db.session.commit()
    except AppError as error:
        _refused(error)
    else:
        flash(_("异议已处理。"), "success")
    return _back(programme_id)


@bp.post("/console/awards/<int:programme_id>/levels/<int:level_id>/fill")
@organiser_page
def award_selection_fill(programme_id: int, level_id: int) -> Response:
    programme = get_programme(programme_id)
    try:
        row = selection.fill_place(programme, level_id, current_organiser())
        name = row.station.name if row.station else ""
        db.session.commit()
    except AppError as error:
        _refused(error)
    else:
        flash(_("已递补：%(name)s", name=name), "success")
    return _back(programme_id)


# ---------------------------------------------------------------- papers
@bp.get("/console/awards/<int:programme_id>/notice.pdf")
@organiser_page
def award_selection_notice_pdf(programme_id: int) -> Response:
    return download_response(documents.notice_pdf(get_programme(programme_id), int_arg("level_id")))


@bp.get("/console/awards/<int:programme_id>/grants.xlsx")
@organiser_page
def award_selection_grants_xlsx(programme_id: int) -> Response:
    return download_response(documents.grants_xlsx(get_programme(programme_id)))


@bp.get("/console/awards/<int:programme_id>/grants.pdf")
@organiser_page
def award_selection_grants_pdf(programme_id: int) -> Response:
    return download_response(documents.grants_pdf(get_programme(programme_id)))


@bp.get("/console/awards/<int:programme_id>/certificates.pdf")
@organiser_page
def award_selection_certificates_pdf(programme_id: int) -> Response:
    programme = get_programme(programme_id)
    return download_response(documents.certificates_pdf(programme, public_base_url()))


# ---------------------------------------------------------------- public
@bp.get("/service-stations")
def award_public_index() -> str:
    """The programmes whose list is published: in notice, or confirmed."""
    programmes = db.session.scalars(
        select(AwardProgramme)
        .where(AwardProgramme.published_at.is_not(None))
        .order_by(AwardProgramme.id.desc())
    ).all()
    return render_template("awards/public_index.html", programmes=programmes)


@bp.get("/service-stations/<int:programme_id>")
def award_public_list(programme_id: int) -> ResponseReturnValue:
    """During the notice: the notice (公示名单). After confirmation: the confirmed stations,
    searchable by district and by name. Before publication there is nothing to see (404)."""
    programme = get_programme(programme_id)
    if programme.published_at is None:
        raise NotFound(_("评选名单尚未公示"))
    district = request.args.get("district", "")[:50]
    name = request.args.get("q", "")[:100]
    if programme.confirmed_at is None:
        rows = selection.published_list(programme)
    else:
        rows = selection.public_stations(programme, district, name)
    return render_template(
        "awards/public_list.html",
        programme=programme,
        rows=rows,
        confirmed=programme.confirmed_at is not None,
        in_notice=selection.in_notice(programme),
        districts=selection.districts(programme),
        district=district,
        q=name,
    )
