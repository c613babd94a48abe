"""Publication and the public notice period (公示).

Publishing a round (`services.results.publish_round`, which checks and locks it) starts its
notice period: results stay open to written objections for a number of working days (5 unless
the contest or the event says otherwise), after which they are final (成绩已确认). The last day
is fixed and stored when the round is published, so a later change of the holiday list or of
the setting never moves a date that has already been announced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from competition.contest.services import results as result_service

# calendar() is shared with the award programmes' notice (`competition.core.clock`).
from competition.core.clock import calendar, local_date
from competition.core.workdays import notice_ends_on
from competition.models import Event, Round, User
from competition.models.types import utcnow

DEFAULT_NOTICE_WORKING_DAYS = 5
MAX_NOTICE_WORKING_DAYS = 60


def today() -> date:
    """Today where the contest is held."""
    return local_date(utcnow())


def notice_working_days(event: Event) -> int:
    """The event's own setting, else its contest's."""
    if event.notice_working_days is not None:
        return event.notice_working_days
    return event.contest.notice_working_days


def publish(event: Event, round_: Round, actor: User) -> Round:
    """Publish the round (all of publish_round's checks apply) and fix its notice period."""
    round_ = result_service.publish_round(event, round_, actor)
    assert round_.published_at is not None
    round_.notice_ends_on = notice_ends_on(
        local_date(round_.published_at), notice_working_days(event), calendar()
    )
    return round_


@dataclass(frozen=True)
class NoticeStatus:
    """Where a round stands for the public: unpublished, in its notice period, or final."""

    published: bool
    published_on: date | None
    ends_on: date | None
    final: bool

    @property
    def in_notice(self) -> bool:
        return self.published and not self.final


def notice_status(event: Event, round_: Round, on: date | None = None) -> NoticeStatus:
    """`on` defaults to today (local). A round published by some other path than `publish`
    (an older release, a script) has no stored end; it is worked out the same way."""
    if round_.published_at is None:
        return NoticeStatus(published=False, published_on=None, ends_on=None, final=False)
    published_on = local_date(round_.published_at)
    ends_on = round_.notice_ends_on or notice_ends_on(
        published_on, notice_working_days(event), calendar()
    )
    on = on or today()
    return NoticeStatus(
        published=True, published_on=published_on, ends_on=ends_on, final=on > ends_on
    )
