"""What needs doing now: the organiser's home (工作台).

One gathering for the console's home page: every event with its marking progress, and the
things waiting for someone — score sheets complete but not signed, ties no ruling has settled,
appeals not decided, notice periods running out, certificates to print again. Each list is
what the page it links to would show; nothing here decides anything (the rules stay in
`services.judging`, `services.results`, `services.publication`, `services.certificates`).

The queries are fixed, one per kind of fact, however many events there are: the events with
their rounds and components; the sheets' progress of all of them at once
(`judging.progress_of_events`); the undecided appeals; the events with certificates out. Two
things are worked out rather than read: ties need the ranking of each round being marked
(unpublished, with marks), and certificates to print again need the final ranking of each event
with certificates out. Both rankings are the ones the ranking and certificates pages use, kept
by `results.round_results` under the event's result stamp, so a home page opened while those
pages are in use costs little.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.contest.services import certificates as certificate_service
from competition.contest.services import judging as judging_service
from competition.contest.services import publication
from competition.contest.services import results as result_service
from competition.core.workdays import working_days_left
from competition.extensions import db
from competition.models import Appeal, Certificate, Event, Round
from competition.models.contests import FINAL, PRELIMINARY


@dataclass(frozen=True)
class RoundProgress:
    """One round of an event: marks entered of those expected, sheets signed, publication."""

    round: Round
    entered: int
    expected: int
    sheets: int
    signed: int
    notice: publication.NoticeStatus

    @property
    def started(self) -> bool:
        return self.entered > 0

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.entered >= self.expected


@dataclass(frozen=True)
class EventProgress:
    event: Event
    rounds: list[RoundProgress]


@dataclass(frozen=True)
class SheetToSign:
    """A complete sheet of a round not yet published, which no chief judge has signed."""

    event: Event
    line: judging_service.SheetProgress

    @property
    def ready(self) -> bool:
        """Nothing but the signature is missing (second entry, where asked, agrees)."""
        return self.line.counts.sign_refusal() is None


@dataclass(frozen=True)
class TieMember:
    contestant_id: int
    number: str
    name: str


@dataclass(frozen=True)
class OpenTie:
    """Equal places no ruling has settled yet: a round cannot be published with one."""

    event: Event
    round: Round
    unit_name: str | None  # a unit's own preliminary ranking; None for the whole round
    members: tuple[TieMember, ...]

    @property
    def people(self) -> list[str]:
        return [f"{m.number} {m.name}" for m in self.members]


@dataclass(frozen=True)
class OpenAppeal:
    """An appeal on file with no outcome yet."""

    event: Event
    appeal: Appeal


@dataclass(frozen=True)
class NoticeEnding:
    """A published round in its notice period (公示期)."""

    event: Event
    round: Round
    ends_on: date
    working_days_left: int

    @property
    def last_day(self) -> bool:
        return self.working_days_left == 0


@dataclass(frozen=True)
class Reprint:
    """An event with certificates that no longer say what the record says, to print again."""

    event: Event
    count: int


@dataclass(frozen=True)
class Dashboard:
    events: list[EventProgress] = field(default_factory=list)
    to_sign: list[SheetToSign] = field(default_factory=list)
    ties: list[OpenTie] = field(default_factory=list)
    appeals: list[OpenAppeal] = field(default_factory=list)
    notices: list[NoticeEnding] = field(default_factory=list)
    reprints: list[Reprint] = field(default_factory=list)

    @property
    def to_do(self) -> int:
        """How many things wait for someone (the events' progress is not a task)."""
        return (
            len(self.to_sign)
            + len(self.ties)
            + len(self.appeals)
            + len(self.notices)
            + len(self.reprints)
        )


def dashboard(today: date | None = None) -> Dashboard:
    """Everything the organiser's home shows; `today` (local) defaults to today."""
    today = today or publication.today()
    events = judging_service.events_for_progress(newest_first=True)
    lines = judging_service.progress_of_events(events)
    notices = {
        round_.id: publication.notice_status(event, round_, today)
        for event in events
        for round_ in event.rounds
    }
    return Dashboard(
        events=[_event_progress(event, lines.get(event.id, []), notices) for event in events],
        to_sign=_to_sign(events, lines),
        ties=_ties(events, lines),
        appeals=_open_appeals({event.id: event for event in events}),
        notices=_notices(events, notices, today),
        reprints=_reprints(events),
    )


def _event_progress(
    event: Event,
    lines: Sequence[judging_service.SheetProgress],
    notices: dict[int, publication.NoticeStatus],
) -> EventProgress:
    by_round: dict[int, list[judging_service.SheetProgress]] = defaultdict(list)
    for line in lines:
        by_round[line.round.id].append(line)
    rounds = []
    for round_ in event.rounds:
        own = by_round[round_.id]
        rounds.append(
            RoundProgress(
                round=round_,
                entered=sum(line.counts.entered for line in own),
                expected=sum(line.counts.expected for line in own),
                sheets=len(own),
                signed=sum(1 for line in own if line.counts.signed),
                notice=notices[round_.id],
            )
        )
    return EventProgress(event=event, rounds=rounds)


def _to_sign(
    events: Sequence[Event], lines: dict[int, list[judging_service.SheetProgress]]
) -> list[SheetToSign]:
    return [
        SheetToSign(event=event, line=line)
        for event in events
        for line in lines.get(event.id, [])
        if not line.round.published and line.counts.complete and not line.counts.signed
    ]


def open_tie_groups(event: Event, round_: Round) -> list[tuple[int | None, tuple[int, ...]]]:
    """Every unresolved tie a ruling could settle, as (unit id or None, contestant ids): a
    unit's own in the preliminary first, then the round's, each once (as the ranking page)."""
    groups: list[tuple[int | None, tuple[int, ...]]] = []
    if round_.kind == PRELIMINARY:
        for unit_id, ranking in result_service.unit_rankings(event, round_).items():
            groups.extend((unit_id, group) for group in ranking.unresolved_ties)
    seen = {group for _unit, group in groups}
    overall = result_service.round_results(event, round_).ranking.unresolved_ties
    groups.extend((None, group) for group in overall if group not in seen)
    return groups


def _ties(
    events: Sequence[Event], lines: dict[int, list[judging_service.SheetProgress]]
) -> list[OpenTie]:
    """The rounds being marked (unpublished, with marks), ranked to find their open ties."""
    marked = {
        line.round.id
        for event_lines in lines.values()
        for line in event_lines
        if line.counts.started
    }
    ties = []
    for event in events:
        for round_ in event.rounds:
            if round_.published or round_.id not in marked:
                continue
            groups = open_tie_groups(event, round_)
            if not groups:
                continue
            people = result_service.round_results(event, round_).contestants
            for unit_id, group in groups:
                members = tuple(
                    TieMember(cid, people[cid].number, people[cid].name)
                    for cid in group
                    if cid in people
                )
                unit_name = people[group[0]].unit.name if unit_id is not None else None
                ties.append(OpenTie(event, round_, unit_name, members))
    return ties


def _open_appeals(events: dict[int, Event]) -> list[OpenAppeal]:
    """Appeals on file with no outcome yet, the oldest first."""
    appeals = db.session.scalars(
        select(Appeal)
        .where(Appeal.outcome.is_(None))
        .options(selectinload(Appeal.contestant), selectinload(Appeal.round))
        .order_by(Appeal.filed_at, Appeal.id)
    )
    return [OpenAppeal(events[a.event_id], a) for a in appeals if a.event_id in events]


def _notices(
    events: Sequence[Event], notices: dict[int, publication.NoticeStatus], today: date
) -> list[NoticeEnding]:
    calendar = publication.calendar()
    running = []
    for event in events:
        for round_ in event.rounds:
            notice = notices[round_.id]
            if notice.in_notice and notice.ends_on is not None:
                left = working_days_left(today, notice.ends_on, calendar)
                running.append(NoticeEnding(event, round_, notice.ends_on, left))
    return sorted(running, key=lambda n: (n.ends_on, n.event.id, n.round.id))


def _reprints(events: Sequence[Event]) -> list[Reprint]:
    """Events with certificates out (issued and not revoked, or superseded and waiting for
    their replacement), checked as the certificates page checks them."""
    with_certificates = set(
        db.session.scalars(
            select(Certificate.event_id)
            .where(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
            .distinct()
        )
    )
    reprints = []
    for event in events:
        if event.id not in with_certificates or not event.round(FINAL).published:
            continue
        stale = certificate_service.stale_certificates(event)
        pending = certificate_service.pending_replacements(event, stale)
        if pending:
            reprints.append(Reprint(event, len(pending)))
    return reprints
