"""The organiser console, results: rankings with what decided each place, rulings on ties,
each unit's finalist recommendation, publication with its notice period, export to Excel.

The ranking is `services.results`' (the scoring rules'); these pages show it and send the
organiser's decisions to the same services the API uses.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.documents import downloads
from competition.contest.services import absences as absence_service
from competition.contest.services import contests as contest_service
from competition.contest.services import draw as draw_service
from competition.contest.services import publication
from competition.contest.services import recommendation as recommendation_service
from competition.contest.services import results as result_service
from competition.contest.services import teams as team_service
from competition.contest.services.tiers import tier_names
from competition.contest.web.console_common import event_or_404, round_or_404
from competition.contest.web.presenting import highest_total, histogram
from competition.contest.wording import absence_text, round_label
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page, show_refusal
from competition.http.responses import download_response
from competition.models import Event, Round, Unit
from competition.models.contests import FINAL, PRELIMINARY
from competition.scoring.ranking import number_sort_key

MAX_REASON = 2000


def _unit_arg(event: Event) -> Unit | None:
    raw = request.args.get("unit_id", "")
    if not raw:
        return None
    unit = recommendation_service.unit_of(event, int(raw)) if raw.isdigit() else None
    if unit is None:
        raise Invalid(_("本竞赛没有这个单位"), {"unit_id": [_("本竞赛没有这个单位")]})
    return unit


def _tie_groups(event: Event, round_: Round) -> list[tuple[Unit | None, tuple[int, ...]]]:
    """Every unresolved tie a ruling could settle: a unit's own (preliminary), then the round's."""
    groups: list[tuple[Unit | None, tuple[int, ...]]] = []
    if round_.kind == PRELIMINARY:
        units = {u.id: u for u in event.contest.units}
        for unit_id, ranking in result_service.unit_rankings(event, round_).items():
            groups.extend((units[unit_id], group) for group in ranking.unresolved_ties)
    overall = result_service.round_results(event, round_).ranking.unresolved_ties
    seen = {group for _unit, group in groups}
    groups.extend((None, group) for group in overall if group not in seen)
    return groups


@bp.get("/console/events/<int:event_id>/rounds/<kind>")
@organiser_page
def console_ranking(event_id: int, kind: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    return _ranking_page(event, round_, [])


def _ranking_page(
    event: Event, round_: Round, errors: list[str], status: int = 200
) -> ResponseReturnValue:
    unit = _unit_arg(event) if round_.kind == PRELIMINARY else None
    results = result_service.round_results(event, round_, unit.id if unit else None)
    everyone = result_service.round_results(event, round_) if unit else results
    contestants = dict(everyone.contestants)
    groups = _tie_groups(event, round_)
    blockers = _publish_blockers(event, round_, everyone, groups)
    chart = histogram([e.total for e in results.ranking.ranked], highest_total(event))
    return render_template(
        "contest/console/ranking.html",
        event=event,
        round=round_,
        unit=unit,
        results=results,
        contestants=contestants,
        tie_groups=groups,
        blockers=blockers,
        notice=publication.notice_status(event, round_),
        notice_days=publication.notice_working_days(event),
        chart=chart,
        errors=errors,
        finalist_ids={f.contestant_id for f in result_service.finalists(event)},
        absence_choices=_absence_choices(everyone),
        # As on the public page and the certificates: a tier only once the final is published.
        tiers=tier_names(event, results.ranking)
        if round_.kind == FINAL and round_.published
        else {},
        # The final's units by their best finalists (团体成绩), as they stand.
        teams=team_service.team_results(event, everyone) if round_.kind == FINAL else None,
    ), status


def _absence_choices(results: result_service.RoundResults) -> list[result_service.Entrant]:
    """Who may be recorded absent: everyone of the round not already, the incomplete first
    (the usual case: a part was not sat), then by contest number."""
    absent = {a.contestant_id for a in results.absent}
    incomplete = {i.contestant_id for i in results.ranking.incomplete}
    people = [c for c in results.contestants.values() if c.id not in absent]
    return sorted(people, key=lambda c: (c.id not in incomplete, number_sort_key(c.number), c.id))


def _publish_blockers(
    event: Event,
    round_: Round,
    everyone: result_service.RoundResults,
    groups: list[tuple[Unit | None, tuple[int, ...]]],
) -> list[str]:
    """What stops publication, in words (the service refuses the same cases)."""
    blockers: list[str] = []
    if round_.published:
        return blockers
    if not everyone.ranking.ranked and not everyone.ranking.incomplete:
        blockers.append(_("本轮还没有选手"))
    if everyone.ranking.incomplete:
        blockers.append(_("%(count)d 名选手成绩不全", count=len(everyone.ranking.incomplete)))
    if groups:
        blockers.append(_("%(count)d 组同分未裁定", count=len(groups)))
    if round_.kind == FINAL and not result_service.finalists(event):
        blockers.append(_("还没有推荐决赛选手"))
    return blockers


@bp.post("/console/events/<int:event_id>/rounds/<kind>/ties")
@organiser_page
def console_resolve_tie(event_id: int, kind: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    raw_order = request.form.getlist("order")
    reason = request.form.get("reason", "")
    try:
        if not raw_order or not all(v.isdigit() and len(v) <= 10 for v in raw_order):
            raise Invalid(_("请为每个名次选择一名选手"), {"order": [_("名次顺序不完整")]})
        if len(reason) > MAX_REASON:
            raise Invalid(_("裁定理由最长 2000 个字"), {"reason": [_("过长")]})
        order = [int(v) for v in raw_order]
        result_service.resolve_tie(event, round_, order, reason, current_organiser())
        db.session.commit()
    except AppError as error:
        return _ranking_page(event, round_, show_refusal(None, error), error.status)
    flash(_("裁定已记录。"), "success")
    return redirect(url_for("web.console_ranking", event_id=event.id, kind=round_.kind) + "#ties")


@bp.post("/console/events/<int:event_id>/rounds/<kind>/absences")
@organiser_page
def console_record_absence(event_id: int, kind: str) -> ResponseReturnValue:
    """缺考/弃权 with a reason: the contestant leaves the ranking and the incomplete list."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    raw = request.form.get("contestant_id", "")
    try:
        if not raw.isdigit() or len(raw) > 10:
            raise Invalid(_("请选择选手"), {"contestant_id": [_("请选择选手")]})
        contestant = contest_service.get_contestant(event, int(raw))
        absence_service.record_absence(
            event,
            round_,
            contestant,
            request.form.get("status", ""),
            request.form.get("reason", "")[:MAX_REASON],
            current_organiser(),
        )
        db.session.commit()
    except AppError as error:
        return _ranking_page(event, round_, show_refusal(None, error), error.status)
    flash(
        _(
            "已登记 %(number)s %(name)s %(status)s。",
            number=draw_service.shown_number(contestant, round_),
            name=contestant.name,
            status=absence_text(request.form.get("status", "")),
        ),
        "success",
    )
    return redirect(url_for("web.console_ranking", event_id=event.id, kind=round_.kind) + "#absent")


@bp.post("/console/events/<int:event_id>/rounds/<kind>/absences/<int:contestant_id>/undo")
@organiser_page
def console_undo_absence(event_id: int, kind: str, contestant_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    try:
        contestant = contest_service.get_contestant(event, contestant_id)
        absence_service.undo_absence(event, round_, contestant, current_organiser())
        db.session.commit()
    except AppError as error:
        return _ranking_page(event, round_, show_refusal(None, error), error.status)
    flash(
        _(
            "已撤销 %(number)s %(name)s 的缺考/弃权登记。",
            number=draw_service.shown_number(contestant, round_),
            name=contestant.name,
        ),
        "success",
    )
    return redirect(url_for("web.console_ranking", event_id=event.id, kind=round_.kind) + "#absent")


@bp.post("/console/events/<int:event_id>/rounds/<kind>/publish")
@organiser_page
def console_publish(event_id: int, kind: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    if request.form.get("confirm") != "yes":
        return _ranking_page(
            event, round_, [_("请勾选确认：发布后本轮成绩将锁定，不能再修改。")], 422
        )
    try:
        round_ = publication.publish(event, round_, current_organiser())
        db.session.commit()
    except AppError as error:
        return _ranking_page(event, round_, show_refusal(None, error), error.status)
    notice = publication.notice_status(event, round_)
    flash(
        _(
            "%(round)s成绩已发布，公示期至 %(date)s。",
            round=round_label(round_.kind),
            date=notice.ends_on.isoformat() if notice.ends_on else "",
        ),
        "success",
    )
    return redirect(url_for("web.console_ranking", event_id=event.id, kind=round_.kind))


@bp.get("/console/events/<int:event_id>/rounds/<kind>/results.xlsx")
@organiser_page
def console_export(event_id: int, kind: str) -> ResponseReturnValue:
    """The round's results for Excel, as the API exports them
    (`competition.contest.documents.downloads.results_xlsx`)."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    return download_response(downloads.results_xlsx(event, round_, current_organiser()))


@bp.route("/console/events/<int:event_id>/finalists", methods=["GET", "POST"])
@organiser_page
def console_finalists(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    counts: dict[int, int] = {}
    for key, value in request.values.items():
        if key.startswith("count-") and key[6:].isdigit() and value.isdigit() and len(value) < 6:
            counts[int(key[6:])] = int(value)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and request.form.get("preview") == "yes":
        pass  # only the counts change: the page shows what they would do
    elif request.method == "POST":
        raw_unit = request.form.get("unit_id", "")
        raw_count = request.form.get(f"count-{raw_unit}", request.form.get("count", ""))
        try:
            if not raw_unit.isdigit() or len(raw_unit) > 10:
                raise Invalid(_("请选择单位"), {"unit_id": [_("请选择单位")]})
            if not raw_count.isdigit() or len(raw_count) > 5:
                raise Invalid(_("推荐人数应为整数"), {"count": [_("应为整数")]})
            unit_id, count = int(raw_unit), int(raw_count)
            chosen = result_service.set_finalists(event, unit_id, count, current_organiser())
            db.session.commit()
        except AppError as error:
            errors = show_refusal(None, error)
            status = error.status
            if raw_unit.isdigit() and raw_count.isdigit():
                counts[int(raw_unit)] = int(raw_count)
        else:
            unit = recommendation_service.unit_of(event, unit_id)
            flash(
                _(
                    "%(unit)s：已推荐 %(count)d 名决赛选手。",
                    unit=unit.name if unit else "",
                    count=len(chosen),
                ),
                "success",
            )
            return redirect(
                url_for("web.console_finalists", event_id=event.id) + f"#unit-{unit_id}"
            )
    recommendations = recommendation_service.recommendations(event, counts)
    return render_template(
        "contest/console/finalists.html",
        event=event,
        recommendations=recommendations,
        errors=errors,
        final_started=recommendation_service.final_started(event),
    ), status
