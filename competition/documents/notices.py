"""The result notice (成绩公示): a round's ranking as a printable list, one header per page.

Built only from `competition.services.results.round_results`, so the paper and the results
JSON can never disagree; who may print it is who may read that JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from competition.documents.certificates import contest_title
from competition.documents.formatting import iso_date, local_date, score
from competition.documents.render import render_pdf
from competition.models import Event, Round, Unit
from competition.models.contests import FINAL
from competition.models.types import utcnow
from competition.scoring.ranking import RESOLUTION
from competition.services import awards as award_service
from competition.services.results import RoundResults

NOTICE_TEMPLATE = "pdf/results.html"
ROUND_NAMES = {"preliminary": "初赛", "final": "决赛"}


@dataclass(frozen=True)
class NoticeRow:
    rank: int
    number: str
    name: str | None
    unit: str | None
    scores: tuple[str, ...]
    total: str
    decided_by: str
    award: str | None


@dataclass(frozen=True)
class Ruling:
    numbers: str
    reason: str
    date: str


@dataclass(frozen=True)
class Notice:
    """Everything the notice prints, as text."""

    contest: str
    event: str
    group: str
    round_name: str
    unit: str | None
    published: bool
    published_on: str | None
    printed_on: str
    identities: bool
    columns: tuple[str, ...]
    awards: bool
    rows: tuple[NoticeRow, ...]
    incomplete: tuple[str, ...]
    unresolved: tuple[str, ...]
    rulings: tuple[Ruling, ...]


def build_notice(results: RoundResults, identities: bool, unit: Unit | None = None) -> Notice:
    """The notice of `results`; without `identities` (a judge before publication) the list
    shows contest numbers only, as the results JSON does."""
    event: Event = results.event
    round_: Round = results.round
    tz = str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    components = list(event.components)
    names = {c.key: c.name for c in components}
    awards = award_service.awards_for(event, results.ranking) if round_.kind == FINAL else None
    contestants = results.contestants
    number = {cid: c.number for cid, c in contestants.items()}

    def decided(key: str | None) -> str:
        if key is None:
            return ""
        return "裁定" if key == RESOLUTION else names.get(key, key)

    rows = tuple(
        NoticeRow(
            rank=entry.rank,
            number=entry.number,
            name=contestants[entry.contestant_id].name if identities else None,
            unit=contestants[entry.contestant_id].unit.name if identities else None,
            scores=tuple(score(entry.scores.get(c.key)) for c in components),
            total=score(entry.total),
            decided_by=decided(entry.decided_by),
            award=awards.tier_of(entry.contestant_id) if awards is not None else None,
        )
        for entry in results.ranking.ranked
    )
    in_scope = set(contestants)
    rulings = tuple(
        Ruling(
            numbers="、".join(number[cid] for cid in r.order if cid in in_scope),
            reason=r.reason,
            date=iso_date(local_date(r.created_at, tz)),
        )
        for r in results.resolutions
        if sum(1 for cid in r.order if cid in in_scope) >= 2
    )
    return Notice(
        contest=contest_title(event.contest),
        event=event.name,
        group=event.group_name,
        round_name=ROUND_NAMES.get(round_.kind, round_.kind),
        unit=unit.name if unit is not None and identities else None,
        published=round_.published,
        published_on=(
            iso_date(local_date(round_.published_at, tz))
            if round_.published_at is not None
            else None
        ),
        printed_on=iso_date(local_date(utcnow(), tz)),
        identities=identities,
        columns=tuple(c.name for c in components),
        awards=awards is not None,
        rows=rows,
        incomplete=tuple(
            f"{number[i.contestant_id]}（缺：{'、'.join(names.get(k, k) for k in i.missing)}）"
            for i in results.ranking.incomplete
        ),
        unresolved=tuple(
            "、".join(number[cid] for cid in group) for group in results.ranking.unresolved_ties
        ),
        rulings=rulings,
    )


def results_pdf(results: RoundResults, identities: bool, unit: Unit | None = None) -> bytes:
    """The printable notice of a round's results (A4 portrait, a header on every page)."""
    return render_pdf(NOTICE_TEMPLATE, {"notice": build_notice(results, identities, unit)})
