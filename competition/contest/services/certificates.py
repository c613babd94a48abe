"""Honour certificates (荣誉证书) as records: issuing, superseding, reissuing, revoking, and
looking them up by serial.

A certificate is issued the first time it is printed (the organiser's batch, the command-line
export or a contestant's own download), once the final is published and so locked.  Issuing
stores a row with a random serial and what the paper says (name, unit, place, tier, and the
total of the day); printing again prints the same row.  The serial never changes: a reissue
(补发, e.g. a lost paper) keeps it, refreshes the stored name and unit from the record, and is
written to the audit trail; a revocation is final.

After publication a place, total or tier may still move: an upheld appeal during the notice
period changes marks, new award rules change tiers.  A paper that no longer agrees with the
final ranking must not keep verifying as genuine, and it must not vanish either (someone holds
it): it is superseded, kept with when and why, and the next print issues its replacement under
a new serial (`Certificate.superseded_by_id`).  `supersede_stale` is the one place that
decides this.  The appeal decision (`services.appeals`) and the award rules
(`services.awards`) call it when they change something; every issue and print calls it first
as a safety net, so a change made by any other path is still caught before paper goes out.
The certificates page only reads what that print would supersede (`stale_certificates`).

Imports point down only: places come from `services.results.round_results`, tiers from
`services.tiers` (never from `services.awards`, which sits above this module because it calls
`supersede_stale`).  What the paper looks like is `competition.contest.documents.certificates`,
above this module.  Like every service this flushes and never commits: the request or the
command-line export commits once the PDF exists.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from competition.contest.services.marks import lock_round
from competition.contest.services.results import round_results
from competition.contest.services.tiers import tier_names
from competition.core import audit
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.serials import (  # noqa: F401
    SERIAL_ALPHABET,
    SERIAL_LENGTH,
    new_serial,
    normalise_serial,
)
from competition.extensions import db
from competition.models import Certificate, Contest, Contestant, Event, User
from competition.models.contests import FINAL
from competition.models.types import utcnow
from competition.pdf.ornaments import COLOUR

# ---------------------------------------------------------------- serials
# The alphabet and the reading of a typed serial are shared with the award programmes
# (`competition.core.serials`); re-exported here for this slice's callers.


def _unused_serial() -> str:
    while True:
        serial = new_serial()
        if db.session.scalar(select(Certificate.id).where(Certificate.serial == serial)) is None:
            return serial


# ---------------------------------------------------------------- looking certificates up
VALID, SUPERSEDED, REVOKED = "valid", "superseded", "revoked"


def status_of(certificate: Certificate) -> str:
    """valid, superseded or revoked (revocation wins: it is final)."""
    if certificate.revoked:
        return REVOKED
    if certificate.superseded:
        return SUPERSEDED
    return VALID


def replacement_of(certificate: Certificate) -> Certificate | None:
    """The certificate that replaces a superseded one; None while it is still to be printed."""
    if certificate.superseded_by_id is None:
        return None
    return db.session.get(Certificate, certificate.superseded_by_id)


def find_certificate(serial_text: str) -> Certificate | None:
    """The certificate behind a serial as typed or scanned, or None when there is none: the
    one look-up of the verification page, its download and the API."""
    serial = normalise_serial(serial_text)
    if serial is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def get_certificate(serial: str) -> Certificate:
    """`find_certificate`, 404 when there is none."""
    certificate = find_certificate(serial)
    if certificate is None:
        raise NotFound("没有这个编号的证书")
    return certificate


def list_certificates(event: Event) -> list[Certificate]:
    """Every certificate of the event, superseded and revoked ones included, by place."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.event_id == event.id)
            .order_by(Certificate.place, Certificate.id)
        )
    )


def current_certificates(event: Event) -> list[Certificate]:
    """The event's certificates that are not superseded (revoked ones included)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.event_id == event.id, Certificate.superseded_at.is_(None))
            .order_by(Certificate.place, Certificate.id)
        )
    )


# ---------------------------------------------------------------- the contest's settings
def colours_of(contest: Contest) -> dict[str, Any]:
    return {
        "contest_id": contest.id,
        "primary": contest.primary_colour,
        "accent": contest.accent_colour,
    }


def set_colours(contest: Contest, primary: str, accent: str, actor: User) -> Contest:
    """The contest's colours on its certificates, "#rrggbb" (lower case is stored)."""
    primary, accent = primary.lower(), accent.lower()
    for field, value in (("primary", primary), ("accent", accent)):
        if not COLOUR.match(value):
            raise Invalid("颜色应为 #rrggbb 形式", {field: ["颜色应为 #rrggbb 形式"]})
    before = {"primary": contest.primary_colour, "accent": contest.accent_colour}
    contest.primary_colour, contest.accent_colour = primary, accent
    audit.record(
        "contest.colours",
        actor,
        details={
            "contest_id": contest.id,
            "before": before,
            "after": {"primary": primary, "accent": accent},
        },
    )
    db.session.flush()
    return contest


MAX_WORDING = 200


def set_wording(
    contest: Contest, wording: str, actor: User, event_id: int | None = None
) -> Contest:
    """The organiser's words on the contest's certificates before the place or tier (e.g.
    "决赛中成绩优异，荣获"); empty gives the neutral default.  Only the organiser may claim
    merit for the contestants, so the default claims none."""
    wording = " ".join((wording or "").split())
    if len(wording) > MAX_WORDING:
        raise Invalid("证书措辞过长", {"wording": [f"最多 {MAX_WORDING} 字"]})
    before = contest.certificate_wording or ""
    if wording == before:
        return contest
    contest.certificate_wording = wording
    audit.record(
        "contest.certificate_wording",
        actor,
        event_id=event_id,  # the event whose page it was set on, for that event's trail
        details={"contest_id": contest.id, "before": before, "after": wording},
    )
    db.session.flush()
    return contest


# ---------------------------------------------------------------- superseding stale papers
#: The reason given when the safety net of a print finds a stale certificate.
CHECK_BEFORE_PRINT = "打印前核对：成绩、名次或奖项已与证书不符"


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
    tiers = tier_names(event, results.ranking)
    return {
        entry.contestant_id: Standing(
            place=entry.rank, total=entry.total, tier=tiers.get(entry.contestant_id)
        )
        for entry in results.ranking.ranked
    }


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


def stale_certificates(event: Event) -> list[Certificate]:
    """The current certificates the final ranking and award tiers no longer bear out, which
    the next print supersedes (`supersede_stale`).  Reads only: for a page that shows them
    as they stand before anyone prints, without writing on a GET."""
    return [certificate for certificate, _now in _stale(event)]


def pending_replacements(event: Event, stale: Collection[Certificate] = ()) -> list[Certificate]:
    """Superseded certificates whose replacement is still to be printed, by old place; those
    of contestants no longer ranked are left out (they get no replacement).  `stale` (from
    `stale_certificates`) are counted in as the print will supersede them."""
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
    pending = [*rows, *stale]
    if not pending:
        return []
    ranked = standings(event)
    pending.sort(key=lambda c: (c.place, c.id))
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


# ---------------------------------------------------------------- issuing
def _published_final(event: Event) -> None:
    """Certificates print published, locked places only (409 before)."""
    final = lock_round(event.round(FINAL))
    if not final.published:
        raise Conflict("决赛成绩尚未发布，不能颁发证书")


def _existing(event: Event) -> dict[int, Certificate]:
    """The current (not superseded) certificate of each contestant who has one."""
    return {c.contestant_id: c for c in current_certificates(event)}


def _current_of(event_id: int, contestant_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.event_id == event_id,
            Certificate.contestant_id == contestant_id,
            Certificate.superseded_at.is_(None),
        )
    )


def issue_certificates(
    event: Event, actor: User | None, only: int | Collection[int] | None = None
) -> list[Certificate]:
    """Every ranked finalist's certificate in rank order, issuing those not issued yet.

    Stale certificates are superseded first (the safety net of every print), so a contestant
    whose place, total or tier moved gets a replacement under a new serial, linked from the
    old one.  Revoked certificates are left out (revocation is final).  With `only`, just
    that contestant's (or those contestants') — an empty list if not ranked in the final.
    """
    _published_final(event)
    supersede_stale(event, actor, CHECK_BEFORE_PRINT)
    wanted = {only} if isinstance(only, int) else None if only is None else set(only)
    results = round_results(event, event.round(FINAL))
    tiers = tier_names(event, results.ranking)
    existing = _existing(event)
    issued: list[Certificate] = []
    for entry in results.ranking.ranked:
        if wanted is not None and entry.contestant_id not in wanted:
            continue
        certificate = existing.get(entry.contestant_id)
        if certificate is None:
            contestant = results.contestants[entry.contestant_id]
            certificate = Certificate(
                serial=_unused_serial(),
                event_id=event.id,
                contestant_id=contestant.id,
                name=contestant.name,
                unit=contestant.unit.name,
                place=entry.rank,
                total=entry.total,
                tier=tiers.get(contestant.id),
                issued_at=utcnow(),
                issued_by_id=actor.id if actor else None,
                reissue_count=0,
            )
            db.session.add(certificate)
            db.session.flush()
            replaced = link_replacement(certificate)
            audit.record(
                "certificate.issue",
                actor,
                event_id=event.id,
                contestant_id=contestant.id,
                details={
                    "serial": certificate.serial,
                    "place": certificate.place,
                    "total": str(certificate.total),
                    "tier": certificate.tier,
                    "replaces": [old.serial for old in replaced],
                },
            )
        if not certificate.revoked:
            issued.append(certificate)
    db.session.flush()
    return issued


def certificate_count(event: Event) -> int:
    """How many certificates a batch of the event would print (for a progress bar)."""
    _published_final(event)
    return len(round_results(event, event.round(FINAL)).ranking.ranked)


def certificates_to_print(event: Event, actor: User | None) -> list[Certificate]:
    """The event's batch: every ranked finalist's certificate in rank order, issuing what is
    not issued yet.  409 when the final ranks nobody who may have one."""
    certificates = issue_certificates(event, actor)
    if not certificates:
        raise Conflict("决赛没有可颁发证书的选手")
    return certificates


def replacements_to_print(event: Event, actor: User | None) -> list[Certificate]:
    """Only the replacements of superseded certificates still to be printed, in rank order:
    what the organiser hands out again after a change, without reprinting everyone.  409
    when there is none to print."""
    _published_final(event)
    supersede_stale(event, actor, CHECK_BEFORE_PRINT)
    pending = pending_replacements(event)
    if not pending:
        raise Conflict("没有需要重新打印的证书")
    certificates = issue_certificates(event, actor, only={c.contestant_id for c in pending})
    if not certificates:
        raise Conflict("没有需要重新打印的证书")
    return certificates


def contestant_certificate(contestant_id: int, actor: User | None = None) -> Certificate | None:
    """The contestant's certificate, issued now if the final is published and they are ranked
    in it and it was not issued yet; None when they have none (not ranked, final not
    published, unknown) or it was revoked.  For the personal look-up: a link to
    `documents_web.certificate_pdf` with its serial lets the contestant download it.  Flushes;
    the caller commits.
    """
    contestant = db.session.get(Contestant, contestant_id)
    if contestant is None:
        return None
    event = db.session.get(Event, contestant.event_id)
    assert event is not None
    if not event.round(FINAL).published:
        return None
    # A contestant must never be handed a paper the record no longer bears out.
    supersede_stale(event, actor, CHECK_BEFORE_PRINT)
    existing = _current_of(event.id, contestant.id)
    if existing is None:
        issued = issue_certificates(event, actor, only=contestant.id)
        existing = issued[0] if issued else None
    if existing is None or existing.revoked:
        return None
    return existing


def certificate_to_print(contestant_id: int, actor: User | None = None) -> Certificate:
    """One contestant's certificate, for their personal look-up or an organiser.

    404 for an unknown contestant or one not ranked in the final; 409 before the final is
    published or when their certificate was revoked.  Issues it on first download; the caller
    commits.
    """
    contestant = db.session.get(Contestant, contestant_id)
    if contestant is None:
        raise NotFound("没有这名选手")
    event = db.session.get(Event, contestant.event_id)
    assert event is not None
    if event.round(FINAL).published:
        # The safety net: a paper the record no longer bears out is superseded first (the
        # ranking is cached, the round locked only when something is superseded).
        supersede_stale(event, actor, CHECK_BEFORE_PRINT)
    existing = _current_of(event.id, contestant.id)
    if existing is None:
        certificates = issue_certificates(event, actor, only=contestant.id)
        if not certificates:
            raise NotFound("该选手未进入决赛排名，没有证书")
        existing = certificates[0]
    if existing.revoked:
        raise Conflict("该选手的证书已被吊销")
    return existing


# ---------------------------------------------------------------- reissue and revocation
SUPERSEDED_MESSAGE = "该证书因成绩变更已作废，请打印更正后的新证书"


def check_printable(certificate: Certificate) -> None:
    """An issued certificate may be printed again (e.g. right after a reissue), but never a
    revoked or superseded one, which would put a second, outdated paper into circulation
    (409)."""
    if certificate.revoked:
        raise Conflict("该证书已被吊销")
    if certificate.superseded:
        raise Conflict(SUPERSEDED_MESSAGE)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Invalid("请填写理由", {"reason": ["理由不能为空"]})
    return reason


def revoke(certificate: Certificate, reason: str, actor: User) -> Certificate:
    """Revoke for good: the verification page then says so.  Twice is refused (409)."""
    reason = _reason(reason)
    if certificate.revoked:
        raise Conflict("该证书已被吊销")
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id
    certificate.revoke_reason = reason
    audit.record(
        "certificate.revoke",
        actor,
        event_id=certificate.event_id,
        contestant_id=certificate.contestant_id,
        reason=reason,
        details={"serial": certificate.serial},
    )
    db.session.flush()
    return certificate


def reissue(certificate: Certificate, reason: str, actor: User) -> Certificate:
    """Reissue (补发) under the same serial, with the name and unit as now recorded.

    Every reissue is in the audit trail with what changed.  A revoked or superseded
    certificate cannot be reissued (409): the one to hand out is its replacement.
    """
    reason = _reason(reason)
    if certificate.revoked:
        raise Conflict("该证书已被吊销，不能补发")
    if certificate.superseded:
        raise Conflict(SUPERSEDED_MESSAGE)
    contestant = db.session.get(Contestant, certificate.contestant_id)
    assert contestant is not None
    before = {"name": certificate.name, "unit": certificate.unit}
    certificate.name = contestant.name
    certificate.unit = contestant.unit.name
    certificate.reissue_count += 1
    certificate.reissued_at = utcnow()
    audit.record(
        "certificate.reissue",
        actor,
        event_id=certificate.event_id,
        contestant_id=certificate.contestant_id,
        reason=reason,
        details={
            "serial": certificate.serial,
            "reissue": certificate.reissue_count,
            "before": before,
            "after": {"name": certificate.name, "unit": certificate.unit},
        },
    )
    db.session.flush()
    return certificate
