"""Which certificates still say what the record says, and superseding those that do not.

A certificate prints a place and maybe a tier, and keeps the total of the day.  After
publication these may still move: an upheld appeal during the notice period changes marks,
new award rules change tiers.  A paper that no longer agrees with the final ranking must not
keep verifying as genuine, and it must not vanish either (someone holds it): it is
superseded, kept with when and why, and the next print issues its replacement under a new
serial (`Certificate.superseded_by_id`).

`supersede_stale` is the one place that decides this.  The appeal decision and the award
rules call it when they change something; every issue and print calls it first as a safety
net, so a change made by any other path is still caught before paper goes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from competition.contest.services import awards as award_service
from competition.contest.services.marks import lock_round
from competition.contest.services.results import round_results
from competition.core import audit
from competition.extensions import db
from competition.models import Certificate, Event, User
from competition.models.contests import FINAL
from competition.models.types import utcnow

#: The reason given when the safety net of a print finds a stale certificate.
CHECK_BEFORE_PRINT = "打印前核对：成绩、名次或奖项已与证书不符"

VALID, SUPERSEDED, REVOKED = "valid", "superseded", "revoked"


@dataclass(frozen=True)
class Standing:
    """What a certificate of a contestant would say today."""

    place: int
    total: Decimal
    tier: str | None


def standings(event: Event) -> dict[int, Standing]:
    """Every finalist ranked in the final now, with place, total and tier; absent and
    incomplete contestants are not in it."""
    results = round_results(event, event.round(FINAL))
    awards = award_service.awards_for(event, results.ranking)
    return {
        entry.contestant_id: Standing(
            place=entry.rank,
            total=entry.total,
            tier=awards.tier_of(entry.contestant_id) if awards is not None else None,
        )
        for entry in results.ranking.ranked
    }


def current_certificates(event: Event) -> list[Certificate]:
    """The event's certificates that are not superseded (revoked ones included)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.event_id == event.id, Certificate.superseded_at.is_(None))
            .order_by(Certificate.place, Certificate.id)
        )
    )


def differs(certificate: Certificate, now: Standing | None) -> bool:
    """Whether the paper no longer says what the record says.  A total is compared only where
    it was kept (certificates issued before totals were stored have none)."""
    if now is None:
        return True
    if certificate.place != now.place or certificate.tier != now.tier:
        return True
    return certificate.total is not None and certificate.total != now.total


def _stale(event: Event) -> list[tuple[Certificate, Standing | None]]:
    live = [c for c in current_certificates(event) if not c.revoked]
    if not live:
        return []
    now = standings(event)
    return [(c, now.get(c.contestant_id)) for c in live if differs(c, now.get(c.contestant_id))]


def supersede_stale(event: Event, actor: User | None, reason: str) -> list[Certificate]:
    """Supersede every current certificate of the event that the final ranking and award
    tiers no longer bear out (also one whose holder is no longer ranked).

    Kept, never deleted, each with an audit entry "certificate.supersede" holding the old and
    new place, total and tier.  Revoked certificates are left alone: revocation is final and a
    revoked paper never comes back under a new serial.  Cheap when nothing changed (the
    ranking is cached); the round is locked only when something is to be superseded, so two
    prints at once do not supersede the same paper twice.  Flushes; the caller commits.
    """
    if not _stale(event):
        return []
    lock_round(event.round(FINAL))
    superseded: list[Certificate] = []
    moment = utcnow()
    for certificate, now in _stale(event):
        certificate.superseded_at = moment
        certificate.supersede_reason = reason
        audit.record(
            "certificate.supersede",
            actor,
            event_id=event.id,
            contestant_id=certificate.contestant_id,
            reason=reason,
            details={
                "serial": certificate.serial,
                "before": {
                    "place": certificate.place,
                    "total": None if certificate.total is None else str(certificate.total),
                    "tier": certificate.tier,
                },
                "after": None
                if now is None
                else {"place": now.place, "total": str(now.total), "tier": now.tier},
            },
        )
        superseded.append(certificate)
    db.session.flush()
    return superseded


def pending_replacements(event: Event) -> list[Certificate]:
    """Superseded certificates whose replacement is still to be printed, by old place; those
    of contestants no longer ranked are left out (they get no replacement)."""
    rows = db.session.scalars(
        select(Certificate)
        .where(
            Certificate.event_id == event.id,
            Certificate.superseded_at.is_not(None),
            Certificate.superseded_by_id.is_(None),
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.place, Certificate.id)
    )
    pending = list(rows)
    if not pending:
        return []
    ranked = standings(event)
    return [c for c in pending if c.contestant_id in ranked]


def link_replacement(new: Certificate) -> list[Certificate]:
    """Point the contestant's superseded certificates still waiting for a replacement at
    `new` (flushed already, so it has an id); those it replaces come back."""
    replaced = list(
        db.session.scalars(
            select(Certificate).where(
                Certificate.event_id == new.event_id,
                Certificate.contestant_id == new.contestant_id,
                Certificate.superseded_at.is_not(None),
                Certificate.superseded_by_id.is_(None),
                Certificate.id != new.id,
            )
        )
    )
    for old in replaced:
        old.superseded_by_id = new.id
    return replaced


def status_of(certificate: Certificate) -> str:
    """valid, superseded or revoked (revocation wins: it is final)."""
    if certificate.revoked:
        return REVOKED
    if certificate.superseded:
        return SUPERSEDED
    return VALID


def replacement_of(certificate: Certificate) -> Certificate | None:
    if certificate.superseded_by_id is None:
        return None
    return db.session.get(Certificate, certificate.superseded_by_id)
