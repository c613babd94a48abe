"""The organisers' team results page (团体成绩) and the 优秀组织奖.

The team ranking is `services.teams`' (the final's individual ranking summed by unit), shown
as it stands, before publication too; the organisers tick the units they name for the
优秀组织奖 and save the list through the same service the API uses, each change audited.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.services import publication
from competition.contest.services import teams as team_service
from competition.contest.web.console_common import event_or_404
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page, show_refusal
from competition.models import Event
from competition.models.contests import FINAL


def _page(event: Event, errors: list[str], status: int = 200) -> ResponseReturnValue:
    teams = team_service.team_results(event)
    final = event.round(FINAL)
    places = {team.unit_id: team for team in teams.ranking.ranked}
    unranked = {team.unit_id: team for team in teams.ranking.unranked}
    return render_template(
        "contest/console/teams.html",
        event=event,
        round=final,
        teams=teams,
        units=team_service.event_units(event),
        places=places,
        unranked=unranked,
        notice=publication.notice_status(event, final),
        errors=errors,
    ), status


@bp.get("/console/events/<int:event_id>/teams")
@organiser_page
def console_teams(event_id: int) -> ResponseReturnValue:
    return _page(event_or_404(event_id), [])


@bp.post("/console/events/<int:event_id>/teams")
@organiser_page
def console_save_organisation_awards(event_id: int) -> ResponseReturnValue:
    """The ticked boxes are the whole list: ticked units are named, the others taken off."""
    event = event_or_404(event_id)
    raw = request.form.getlist("unit_id")
    try:
        if not all(value.isdigit() and len(value) <= 10 for value in raw):
            raise Invalid(_("请从列表中选择单位"), {"unit_id": [_("请从列表中选择单位")]})
        added, removed = team_service.set_awards(
            event, [int(value) for value in raw], current_organiser()
        )
        db.session.commit()
    except AppError as error:
        return _page(event, show_refusal(None, error), error.status)
    if added or removed:
        flash(_("优秀组织奖名单已保存。"), "success")
    else:
        flash(_("优秀组织奖名单没有变化。"), "info")
    return redirect(url_for("web.console_teams", event_id=event.id))
