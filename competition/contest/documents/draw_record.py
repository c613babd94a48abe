"""The printed draw record (抽签记录) of the final's contest numbers, for the supervisors.

The draw is done on a screen, but the supervisors (监督员) witness it on paper: the record names
the contest, the event, who drew and when, lists the key from drawn number to person, and has
lines for the supervisor's, the chief judge's and the organising committee's signatures. It is
the organisers' confidential key (domain.md, "Avoidance"): only they print it, and it says so.
Built from `competition.contest.services.draw.current_draw`, the same key the draw page and
the API show, so the paper cannot disagree with the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from competition.contest.services import draw as draw_service
from competition.contest.wording import contest_title
from competition.core.clock import zone_name
from competition.core.downloads import PDF, Download
from competition.core.errors import Conflict
from competition.core.i18n import N_
from competition.core.roles import require_organiser
from competition.models import Event, User
from competition.models.types import utcnow
from competition.pdf.formatting import iso_date, local_date
from competition.pdf.render import render_pdf

RECORD_TEMPLATE = "contest/pdf/draw_record.html"
NOT_DRAWN = N_("决赛参赛号尚未抽签，没有抽签记录可打印")


@dataclass(frozen=True)
class RecordLine:
    number: str
    name: str
    unit: str
    registration_number: str


@dataclass(frozen=True)
class DrawRecord:
    """Everything the record prints, as text."""

    contest: str
    event: str
    group: str
    drawn_by: str
    drawn_at: str
    printed_on: str
    lines: tuple[RecordLine, ...]


def build_record(draw: draw_service.Draw) -> DrawRecord:
    """The record of `draw`, its moments in the contest's local time (to the minute, as the
    supervisors write it beside their signature)."""
    zone = zone_name()
    drawn = draw.drawn_at.astimezone(ZoneInfo(zone))
    event = draw.event
    return DrawRecord(
        contest=contest_title(event.contest),
        event=event.name,
        group=event.group_name,
        drawn_by=draw.drawn_by,
        drawn_at=f"{iso_date(drawn.date())} {drawn:%H:%M}",
        printed_on=iso_date(local_date(utcnow(), zone)),
        lines=tuple(
            RecordLine(line.number, line.name, line.unit, line.registration_number)
            for line in draw.numbers
        ),
    )


def draw_record_pdf(event: Event, user: User) -> Download:
    """The record of the final's draw, for an organiser (403 otherwise); 409 before a draw
    (or after a change of the finalists voided it): there is nothing to witness."""
    require_organiser(user)
    draw = draw_service.current_draw(event)
    if draw is None:
        raise Conflict(NOT_DRAWN)
    body = render_pdf(RECORD_TEMPLATE, {"record": build_record(draw)})
    return Download(body, f"draw-record-event-{event.id}.pdf", PDF)
