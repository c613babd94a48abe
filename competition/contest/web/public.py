"""Pages for contestants and the public: published rankings and the personal look-up.

Who may read a round is `policy.may_read_results` with no user, the same rule that opens the
API's results to callers without a token: a round is public once published, and not before.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from competition.contest import policy
from competition.contest.services import lookup as lookup_service
from competition.contest.services import publication
from competition.contest.services import results as result_service
from competition.contest.services import teams as team_service
from competition.contest.services.results import Entrant, UnitName
from competition.contest.services.tiers import tier_names
from competition.contest.web.console_common import event_or_404, round_or_404
from competition.contest.web.presenting import highest_total, histogram
from competition.core.errors import NotFound
from competition.core.i18n import _, lazy_gettext
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.models import Contest, Event, Round
from competition.models.contests import FINAL, PRELIMINARY
from competition.pdf.formatting import place_notes
from competition.scoring import RankedEntry, Ranking


@bp.get("/results")
def public_results() -> ResponseReturnValue:
    """Every published round, newest contest first."""
    rounds = db.session.scalars(
        select(Round)
        .where(Round.published_at.is_not(None))
        .join(Event, Event.id == Round.event_id)
        .options(selectinload(Round.event).selectinload(Event.contest))
        .order_by(Event.contest_id.desc(), Event.id, Round.id)
    ).all()
    contests: dict[int, tuple[Contest, list[Round]]] = {}
    for round_ in rounds:
        contest = round_.event.contest
        contests.setdefault(contest.id, (contest, []))[1].append(round_)
    return render_template("contest/public/results.html", contests=list(contests.values()))


#: Rows of a public ranking on one page: a page of a 10,000-strong ranking stays light on a
#: phone at the venue; the printed result notice (PDF) has everyone.
PAGE_SIZE = 100


@dataclass(frozen=True)
class Section:
    """One unit's rows on a page of the preliminary (`continued` when it began a page before)."""

    unit: UnitName
    entries: list[RankedEntry]
    continued: bool


def _matches(query: str, person: Entrant) -> bool:
    """A search finds a contest number exactly, and a name or unit by any part of it."""
    folded = query.casefold()
    return (
        person.number.casefold() == folded
        or folded in person.name.casefold()
        or folded in person.unit.name.casefold()
    )


@bp.get("/results/events/<int:event_id>/<kind>")
def public_ranking(event_id: int, kind: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    if not policy.may_read_results(None, event, round_):
        raise NotFound(_("本轮成绩尚未公布"))
    results = result_service.round_results(event, round_)
    people = results.contestants
    rows: list[tuple[UnitName | None, RankedEntry]]
    ranked: Ranking | list[Ranking]
    if round_.kind == PRELIMINARY:
        # Each unit's committee ranks its own people: the preliminary is read unit by unit.
        rankings = result_service.unit_rankings(event, round_)
        ranked = list(rankings.values())
        rows = [
            (people[entry.contestant_id].unit, entry)
            for unit in event.contest.units
            for entry in (rankings[unit.id].ranked if unit.id in rankings else ())
        ]
    else:
        ranked = results.ranking
        rows = [(None, entry) for entry in results.ranking.ranked]
    query = request.args.get("q", "").strip()[:40]
    if query:
        rows = [row for row in rows if _matches(query, people[row[1].contestant_id])]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    # The notes of the rows shown: at 10,000 people, wording everyone's took most of the page.
    notes = place_notes(event, ranked, {entry.contestant_id for _, entry in shown})
    sections: list[Section] = []
    if round_.kind == PRELIMINARY:
        first_unit = rows[(page - 1) * PAGE_SIZE - 1][0] if page > 1 and shown else None
        for unit, group in groupby(shown, key=itemgetter(0)):
            assert unit is not None
            entries = [entry for _, entry in group]
            sections.append(Section(unit, entries, not sections and unit == first_unit))
    finalist_ids = result_service.finalist_ids(event) if round_.kind == PRELIMINARY else set()
    # The award tier beside the place, as the certificate prints it (published final only).
    tiers = tier_names(event, results.ranking) if round_.kind == FINAL else {}
    return render_template(
        "contest/public/ranking.html",
        event=event,
        round=round_,
        results=results,
        entries=[entry for _, entry in shown],
        sections=sections,
        finalist_ids=finalist_ids,
        notes=notes,
        tiers=tiers,
        query=query,
        found=len(rows),
        page=page,
        pages=pages,
        notice=publication.notice_status(event, round_),
        chart=histogram([e.total for e in results.ranking.ranked], highest_total(event)),
        # The published final's team results (团体成绩) and 优秀组织奖, under the ranking.
        teams=team_service.team_results(event, results) if round_.kind == FINAL else None,
    )


class LookupForm(FlaskForm):
    number = StringField(
        lazy_gettext("参赛号"),
        validators=[DataRequired(lazy_gettext("请输入参赛号")), Length(max=16)],
    )
    code = StringField(
        lazy_gettext("查询码"),
        validators=[DataRequired(lazy_gettext("请输入查询码")), Length(max=32)],
    )


@bp.route("/lookup", methods=["GET", "POST"])
def lookup() -> ResponseReturnValue:
    """Answered on the POST itself: the code never appears in a URL, a log or the history."""
    form = LookupForm()
    found = None
    status = 200
    if form.validate_on_submit():
        contestant = lookup_service.find_contestant(form.number.data, form.code.data)
        if contestant is None:
            status = 404
            form.form_errors.append(_("参赛号或查询码不正确，请核对准考证上的信息。"))
        else:
            found = lookup_service.personal_results(contestant)
            db.session.commit()  # the certificate may have been issued just now
    elif request.method == "POST":
        status = 422
    response = render_template("contest/public/lookup.html", form=form, found=found)
    return response, status, {"Cache-Control": "no-store"}
