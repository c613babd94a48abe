"""Pages for contestants and the public: published rankings and the personal look-up.

Who may read a round is `policy.may_read_results` with no user, the same rule that opens the
API's results to callers without a token: a round is public once published, and not before.
"""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from competition import policy
from competition.errors import NotFound
from competition.extensions import db
from competition.i18n import _, lazy_gettext
from competition.models import Contest, Event, Round
from competition.models.contests import PRELIMINARY
from competition.services import lookup as lookup_service
from competition.services import publication
from competition.services import results as result_service
from competition.web import bp
from competition.web.console_common import event_or_404, round_or_404
from competition.web.presenting import highest_total, histogram


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
    return render_template("web/public/results.html", contests=list(contests.values()))


@bp.get("/results/events/<int:event_id>/<kind>")
def public_ranking(event_id: int, kind: str) -> ResponseReturnValue:
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    if not policy.may_read_results(None, event, round_):
        raise NotFound(_("本轮成绩尚未公布"))
    results = result_service.round_results(event, round_)
    sections = []
    if round_.kind == PRELIMINARY:
        # Each unit's committee ranks its own people: the preliminary is read unit by unit.
        units = {u.id: u for u in event.contest.units}
        rankings = result_service.unit_rankings(event, round_)
        sections = [(units[uid], rankings[uid]) for uid in sorted(rankings, key=list(units).index)]
    finalist_ids = {f.contestant_id for f in result_service.finalists(event)}
    return render_template(
        "web/public/ranking.html",
        event=event,
        round=round_,
        results=results,
        sections=sections,
        finalist_ids=finalist_ids,
        notice=publication.notice_status(event, round_),
        chart=histogram([e.total for e in results.ranking.ranked], highest_total(event)),
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
    response = render_template("web/public/lookup.html", form=form, found=found)
    return response, status, {"Cache-Control": "no-store"}
