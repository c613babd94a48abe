"""What the organiser console and the public pages share: loading rows by id, and the
contest's template helpers. The organiser check and a refusal on a form are every page's
(`competition.http.pages`)."""

from __future__ import annotations

from typing import Any

from competition.contest.services import contests as contest_service
from competition.contest.services import publication
from competition.contest.web.presenting import decided_by_text, finalist_problem_text, short_name
from competition.contest.wording import absence_text, contest_title, event_title, round_label
from competition.core import clock
from competition.core.errors import NotFound
from competition.core.i18n import _, listed, paren
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.models import Contest, Event, Round, access_codes
from competition.pdf.formatting import place_note_text, place_notes


def contest_or_404(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound(_("没有这个竞赛"))
    return contest


def event_or_404(event_id: int) -> Event:
    return contest_service.get_event(event_id)


def round_or_404(event: Event, kind: str) -> Round:
    return contest_service.get_round(event, kind)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "round_label": round_label,
        "contest_title": contest_title,
        "event_title": event_title,
        "paren": paren,
        "listed": listed,
        "decided_by_text": decided_by_text,
        "absence_text": absence_text,
        "place_notes": place_notes,
        "place_note_text": place_note_text,
        "finalist_problem_text": finalist_problem_text,
        "short_name": short_name,
        "display_code": access_codes.display,
        "notice_status": publication.notice_status,
        "units_without_preliminary_judge": contest_service.units_without_preliminary_judge,
        "local_date": clock.local_date,
    }
