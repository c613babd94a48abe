"""The organiser console, results: rankings with what decided each place, rulings on ties,
each unit's finalist recommendation, publication with its notice period, export to Excel.

The ranking is `services.results`' (the scoring rules'); these pages show it and send the
organiser's decisions to the same services the API uses.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.services import absences as absence_service
from competition.contest.services import contests as contest_service
from competition.contest.services import publication
from competition.contest.services import recommendation as recommendation_service
from competition.contest.services import results as result_service
from competition.contest.web.console_common import (
    current_organiser,
    event_or_404,
    organiser_page,
    round_or_404,
    show_refusal,
)
from competition.contest.web.presenting import (
    absence_text,
    highest_total,
    histogram,
    round_label,
)
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _
from competition.core.spreadsheets import Sheet, Value, write_xlsx
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.models import Event, Round, Unit
from competition.models.contests import FINAL, PRELIMINARY
from competition.pdf.formatting import measured_value, place_notes
from competition.scoring.ranking import RankedEntry, number_sort_key

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
            number=contestant.number,
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
            number=contestant.number,
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
    """The round's results for Excel: the ranking (and in the preliminary each unit's own),
    then the absent as 缺考/弃权 with their reason, never with a score; a component with a
    unit (分钟) has it in its heading and its cells as measured (170, not 170.00)."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    results = result_service.round_results(event, round_)
    weighted = list(event.components)
    header = [
        _("名次"),
        _("参赛号"),
        _("姓名"),
        _("单位"),
        *[
            f"{c.name}（{c.unit_label}）" if c.unit_label and c.unit_label not in c.name else c.name
            for c in weighted
        ],
        _("总成绩"),
        # The absent's reason goes here too: a column more would move every column after it.
        _("名次依据/备注"),
    ]

    def ranked_row(entry: RankedEntry, unit_name: str, notes: Mapping[int, str]) -> list[Value]:
        contestant = results.contestants[entry.contestant_id]
        return [
            entry.rank,
            contestant.number,
            contestant.name,
            unit_name,
            *[measured_value(entry.scores.get(c.key), c.unit_label) for c in weighted],
            entry.total,
            notes.get(entry.contestant_id, ""),
        ]

    def absent_rows(unit_id: int | None) -> list[list[Value]]:
        return [
            [
                absence_text(a.status),
                a.entrant.number,
                a.entrant.name,
                a.entrant.unit.name,
                *[None for _c in weighted],
                None,
                a.reason,
            ]
            for a in results.absent
            if unit_id is None or a.entrant.unit_id == unit_id
        ]

    notes = place_notes(event, results.ranking)
    rows = [
        *(
            ranked_row(e, results.contestants[e.contestant_id].unit.name, notes)
            for e in results.ranking.ranked
        ),
        *absent_rows(None),
    ]
    sheets = [
        Sheet(
            title=f"{round_label(round_.kind)}",
            header=header,
            rows=rows,
            widths=(6, 10, 14, 36, *([12] * len(weighted)), 10, 18),
        )
    ]
    if round_.kind == PRELIMINARY:
        units = {u.id: u for u in event.contest.units}
        rankings = result_service.unit_rankings(event, round_)
        unit_ids = sorted({*rankings, *(a.entrant.unit_id for a in results.absent)})
        for unit_id in unit_ids:
            ranking = rankings.get(unit_id)
            unit_notes = place_notes(event, ranking) if ranking else {}
            unit_rows = [
                *(
                    ranked_row(e, units[unit_id].name, unit_notes)
                    for e in (ranking.ranked if ranking else ())
                ),
                *absent_rows(unit_id),
            ]
            sheets.append(
                Sheet(
                    title=units[unit_id].name,
                    header=header,
                    rows=unit_rows,
                    widths=sheets[0].widths,
                )
            )
    if results.ranking.incomplete:
        names = {c.key: c.name for c in event.components}
        sheets.append(
            Sheet(
                title=_("成绩不全"),
                header=[_("参赛号"), _("姓名"), _("单位"), _("缺少")],
                rows=[
                    [
                        results.contestants[i.contestant_id].number,
                        results.contestants[i.contestant_id].name,
                        results.contestants[i.contestant_id].unit.name,
                        "、".join(names.get(k, k) for k in i.missing),
                    ]
                    for i in results.ranking.incomplete
                ],
            )
        )
    filename = f"event-{event.id}-{round_.kind}-results.xlsx"
    return Response(
        write_xlsx(_unique_titles(sheets)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _unique_titles(sheets: list[Sheet]) -> list[Sheet]:
    """Excel refuses two worksheets with one name (and names longer than 31 characters)."""
    seen: set[str] = set()
    result = []
    for sheet in sheets:
        title = sheet.title[:28] or "Sheet"
        candidate, n = title, 2
        while candidate.lower() in seen:
            candidate, n = f"{title[:26]}~{n}", n + 1
        seen.add(candidate.lower())
        result.append(Sheet(candidate, sheet.header, sheet.rows, sheet.widths))
    return result


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
