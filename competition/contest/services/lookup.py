"""A contestant's own results, found by contest number and personal access code.

The code is printed on the admission slip and on nothing else; the identity number is never a
key. A wrong number and a wrong code get the same answer, every candidate's code is compared in
constant time, and the look-up is one POST to one path, so a proxy in front can rate-limit it.
Scores are shown only for rounds the public may already see (`policy.may_read_results`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competition import scoring
from competition.contest import policy
from competition.contest.services import publication
from competition.contest.services import results as result_service
from competition.contest.services.certificates import contestant_certificate
from competition.contest.services.tiers import tier_names
from competition.core import normalise
from competition.extensions import db
from competition.models import Component, Contestant, Event, Round, access_codes
from competition.models.contests import FINAL, PRELIMINARY
from competition.scoring.explain import Neighbour, neighbours

_DUMMY_CODE = access_codes.new_access_code()


def find_contestant(number: str, code: str) -> Contestant | None:
    """The contestant with this contest number and code, or None; as slow either way.

    The number is read as typed (full-width digits, spaces, lower case: the one
    normalisation), and without its leading zeros when no number is exactly that: "27" finds
    "027", as people read it off a slip. An exact number wins ("27" against "027" and "27");
    several numbers equal but for zeros (in different events) are all candidates, and the
    code, which is each person's own, decides."""
    number = normalise.contest_number(number)
    candidates: list[Contestant] = []
    if 0 < len(number) <= 16:
        candidates = _with_number(func.upper(Contestant.number) == number)
        significant = number.lstrip("0")
        if not candidates and significant:
            candidates = _with_number(func.ltrim(func.upper(Contestant.number), "0") == significant)
    found = None
    for candidate in candidates:
        if access_codes.matches(candidate.access_code, code):
            found = candidate
    if not candidates:
        access_codes.matches(_DUMMY_CODE, code)
    return found


def _with_number(condition: Any) -> list[Contestant]:
    return list(
        db.session.scalars(
            select(Contestant).where(condition).options(selectinload(Contestant.unit))
        )
    )


def certificate_url(contestant: Contestant) -> str | None:
    """The contestant's certificate download, once the final is published and they are ranked in
    it (issued on first look, under its permanent serial); None otherwise or when revoked.
    Flushes a newly issued certificate; the view commits."""
    certificate = contestant_certificate(contestant.id)
    if certificate is None:
        return None
    return url_for("documents_web.certificate_pdf", serial=certificate.serial)


@dataclass(frozen=True)
class ComponentScore:
    component: Component
    score: Decimal


@dataclass(frozen=True)
class RoundStanding:
    """One round as its contestant sees it."""

    round: Round
    entered: bool  # everyone sits the preliminary; only finalists sit the final
    visible: bool  # published: scores may be shown
    notice: publication.NoticeStatus
    scores: tuple[ComponentScore, ...] = ()
    total: Decimal | None = None
    rank: int | None = None
    ranked_count: int | None = None
    decided_by: str | None = None
    # The award tier (一等奖 …) of a published final, as the certificate prints it.
    tier: str | None = None
    # The places sharing this one's total, and what separated them (`scoring.explain`).
    neighbours: tuple[Neighbour, ...] = ()
    unit_ranking: bool = False  # the preliminary ranks each unit's people on their own
    absence: str | None = None  # "absent" (缺考) or "withdrawn" (弃权): not ranked, no score
    absence_reason: str | None = None


@dataclass(frozen=True)
class PersonalResults:
    contestant: Contestant
    event: Event
    finalist: bool
    rounds: tuple[RoundStanding, ...]
    certificate_url: str | None


def personal_results(contestant: Contestant) -> PersonalResults:
    event = db.session.get(Event, contestant.event_id)
    assert event is not None
    finalist = contestant.finalist is not None
    standings = []
    for kind in (PRELIMINARY, FINAL):
        round_ = event.round(kind)
        entered = kind == PRELIMINARY or finalist
        visible = entered and policy.may_read_results(None, event, round_)
        notice = publication.notice_status(event, round_)
        if not visible:
            standings.append(RoundStanding(round_, entered, False, notice))
            continue
        unit_id = contestant.unit_id if kind == PRELIMINARY else None
        results = result_service.round_results(event, round_, unit_id)
        absence = next((a for a in results.absent if a.contestant_id == contestant.id), None)
        if absence is not None:
            standings.append(
                RoundStanding(
                    round_,
                    True,
                    True,
                    notice,
                    unit_ranking=unit_id is not None,
                    absence=absence.status,
                    absence_reason=absence.reason,
                )
            )
            continue
        standings.append(_standing(event, round_, notice, results.ranking, contestant, unit_id))
    return PersonalResults(
        contestant=contestant,
        event=event,
        finalist=finalist and policy.may_read_results(None, event, event.round(PRELIMINARY)),
        rounds=tuple(standings),
        certificate_url=certificate_url(contestant),
    )


def _standing(
    event: Event,
    round_: Round,
    notice: publication.NoticeStatus,
    ranking: scoring.Ranking,
    contestant: Contestant,
    unit_id: int | None,
) -> RoundStanding:
    entry = next((e for e in ranking.ranked if e.contestant_id == contestant.id), None)
    if entry is None:  # not ranked: a published round has no one incomplete, but be safe
        return RoundStanding(round_, True, True, notice, unit_ranking=unit_id is not None)
    return RoundStanding(
        round=round_,
        entered=True,
        visible=True,
        notice=notice,
        scores=tuple(
            ComponentScore(c, entry.scores[c.key])
            for c in event.components
            if c.key in entry.scores
        ),
        total=entry.total,
        rank=entry.rank,
        ranked_count=len(ranking.ranked),
        decided_by=entry.decided_by,
        tier=tier_names(event, ranking).get(contestant.id) if round_.kind == FINAL else None,
        neighbours=neighbours(ranking).get(contestant.id, ()),
        unit_ranking=unit_id is not None,
    )
