"""Honour certificates (荣誉证书): issuing, printing, reissuing, revoking and verifying them.

A certificate is issued the first time it is printed (the organiser's batch, the command-line
export or a contestant's own download), once the final is published and so locked.  Issuing
stores a row with a random serial and what the paper says (name, unit, place, tier, and the
total of the day); printing again prints the same row.  The serial never changes: a reissue
(补发, e.g. a lost paper) keeps it, refreshes the stored name and unit from the record, and is
written to the audit trail; a revocation is final.  A paper the record no longer bears out
(an upheld appeal, new award rules) is superseded instead (`competition.contest.documents.issuing`),
and the next print issues its replacement under a new serial.  The QR code on the paper
carries the public verification address, `/verify/<serial>`.

Ranking data comes only from `competition.contest.services.results.round_results`, award tiers only
from `competition.scoring.awards`; templates get frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.contest.documents import issuing
from competition.contest.services import awards as award_service
from competition.contest.services.marks import lock_round
from competition.contest.services.results import round_results
from competition.core import audit
from competition.core.errors import Conflict, Invalid, NotFound
from competition.extensions import db
from competition.models import Certificate, Contest, Contestant, Event, User
from competition.models.contests import DEFAULT_ACCENT_COLOUR, DEFAULT_PRIMARY_COLOUR, FINAL
from competition.models.types import utcnow
from competition.pdf.formatting import chinese_date, local_date, place_text
from competition.pdf.render import render_html, render_pdf_parts

# Crockford's base32: no I, L, O or U, so a serial read aloud or typed in is hard to garble.
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_LENGTH = 16  # 80 random bits: far too many to enumerate
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})

CERTIFICATE_TEMPLATE = "contest/pdf/certificate.html"
#: Certificates laid out per part of a batch: each part costs WeasyPrint ~0.1 s of set-up
#: (style sheets, images), and each is a step of the command-line progress bar.
BATCH_PART = 100


# ---------------------------------------------------------------- serials and addresses
def new_serial() -> str:
    """A fresh random serial, e.g. `7K3M-9QXD-2HFA-0WZC`."""
    raw = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, SERIAL_LENGTH, 4))


def normalise_serial(text: str) -> str | None:
    """A serial as stored, from what someone typed or scanned (any case, with or without
    hyphens or spaces, O for 0, I or L for 1); None when it cannot be one."""
    raw = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(raw) != SERIAL_LENGTH or any(c not in SERIAL_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, SERIAL_LENGTH, 4))


def public_base_url(given: str | None = None) -> str:
    """Where the public verification page is reached: the caller's choice, else the
    PUBLIC_BASE_URL setting, else the address this request came in on."""
    base = given or current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    raise RuntimeError("PUBLIC_BASE_URL is not set: the QR codes need the public address")


def verification_url(serial: str, base_url: str) -> str:
    return f"{base_url}/verify/{serial}"


def qr_data_uri(text: str) -> str:
    """A QR code (error correction M) as a PNG `data:` URI the PDF fetcher accepts.

    One pixel per module, scaled up in the PDF without smoothing (`image-rendering:
    pixelated`), so it is drawn as one small image and stays sharp.  Made by zxing-cpp, whose
    encoder picks the mask by the standard's penalty rules in C++ in about 0.6 ms; segno does
    the same in pure Python in about 4.5 ms, a quarter of a second per 50 certificates.
    """
    import zxingcpp
    from PIL import Image

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = code.to_image(scale=1, add_quiet_zones=False)
    height, width = modules.shape[:2]
    image = Image.frombuffer("L", (width, height), bytes(modules), "raw", "L", 0, 1)
    buffer = io.BytesIO()
    image.convert("1").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# ---------------------------------------------------------------- what a certificate shows
COLOUR = re.compile(r"^#[0-9a-f]{6}$")


@dataclass(frozen=True)
class CertificateStyle:
    """The contest's colours, and the corner gem drawn in them (a PNG `data:` URI)."""

    primary: str
    accent: str
    gem: str
    ornament: str


# The frame's ornaments are raster images drawn once per pair of colours: embedded once, each
# page draws them by reference, where an SVG would be drawn anew on every page (several ms a
# certificate).  Drawn 4 × larger and scaled down, so their edges are smooth.
_SUPERSAMPLE = 4


def _png_data_uri(image: Any) -> str:
    from PIL import Image

    small = image.resize(
        (image.width // _SUPERSAMPLE, image.height // _SUPERSAMPLE), Image.Resampling.LANCZOS
    )
    buffer = io.BytesIO()
    small.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _diamond(draw: Any, cx: float, cy: float, r: float, fill: str) -> None:
    draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=fill)


@functools.lru_cache(maxsize=64)
def gem_data_uri(primary: str, accent: str) -> str:
    """A gold diamond with a heart in the contest's colour (8 mm, 240 px)."""
    from PIL import Image, ImageDraw

    size = 240 * _SUPERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _diamond(draw, size / 2, size / 2, size / 2, accent)
    _diamond(draw, size / 2, size / 2, size * 0.21, primary)
    return _png_data_uri(image)


@functools.lru_cache(maxsize=64)
def ornament_data_uri(primary: str, accent: str) -> str:
    """Rule, gem, rule: the line under the title (104 × 4 mm, 1230 × 48 px, 300 dpi)."""
    from PIL import Image, ImageDraw

    width, height = 1230 * _SUPERSAMPLE, 48 * _SUPERSAMPLE
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    middle, gap, thickness = height / 2, height * 2.2, height // 8
    draw.rectangle([0, middle - thickness / 2, width / 2 - gap, middle + thickness / 2], accent)
    draw.rectangle([width / 2 + gap, middle - thickness / 2, width, middle + thickness / 2], accent)
    _diamond(draw, width / 2, middle, height / 2, primary)
    return _png_data_uri(image)


@dataclass(frozen=True)
class CertificateView:
    """Everything one printed certificate shows, as plain text."""

    serial: str
    name: str
    unit: str
    contest: str
    theme: str
    event: str
    group: str
    place: int
    place_text: str
    tier: str | None
    # The organiser's words between the event and the place ("决赛中成绩优异，荣获"); empty:
    # the neutral default, which claims no merit the rules did not award.
    wording: str
    issuers: tuple[str, ...]
    date_text: str
    reissued_text: str | None
    verify_url: str
    qr: str


def contest_title(contest: Contest) -> str:
    """The contest's name with its edition, unless the name already says it."""
    if contest.edition and contest.edition not in contest.name:
        return contest.edition + contest.name
    return contest.name


def _issuers(contest: Contest) -> tuple[str, ...]:
    names = [contest.host]
    for part in contest.co_hosts.replace("，", "、").replace(",", "、").split("、"):
        if part.strip():
            names.append(part.strip())
    return tuple(names)


def _timezone() -> str:
    return str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def _view(certificate: Certificate, event: Event, base_url: str) -> CertificateView:
    contest = event.contest
    url = verification_url(certificate.serial, base_url)
    tz = _timezone()
    reissued = (
        chinese_date(local_date(certificate.reissued_at, tz))
        if certificate.reissued_at is not None
        else None
    )
    return CertificateView(
        serial=certificate.serial,
        name=certificate.name,
        unit=certificate.unit,
        contest=contest_title(contest),
        theme=contest.theme,
        event=event.name,
        group=event.group_name,
        place=certificate.place,
        place_text=place_text(certificate.place),
        tier=certificate.tier,
        wording=(contest.certificate_wording or "").strip(),
        issuers=_issuers(contest),
        date_text=chinese_date(local_date(certificate.issued_at, tz)),
        reissued_text=reissued,
        verify_url=url,
        qr=qr_data_uri(url),
    )


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


def style_of(contest: Contest) -> CertificateStyle:
    """The contest's colours; anything but "#rrggbb" (which the API never stores) falls back to
    the defaults rather than reaching the style sheet."""
    primary = contest.primary_colour if COLOUR.match(contest.primary_colour or "") else None
    accent = contest.accent_colour if COLOUR.match(contest.accent_colour or "") else None
    primary = primary or DEFAULT_PRIMARY_COLOUR
    accent = accent or DEFAULT_ACCENT_COLOUR
    return CertificateStyle(
        primary=primary,
        accent=accent,
        gem=gem_data_uri(primary, accent),
        ornament=ornament_data_uri(primary, accent),
    )


# ---------------------------------------------------------------- issuing
def _published_final(event: Event) -> None:
    """Certificates print published, locked places only (409 before)."""
    final = lock_round(event.round(FINAL))
    if not final.published:
        raise Conflict("决赛成绩尚未发布，不能颁发证书")


def _existing(event: Event) -> dict[int, Certificate]:
    """The current (not superseded) certificate of each contestant who has one."""
    return {c.contestant_id: c for c in issuing.current_certificates(event)}


def _current_of(event_id: int, contestant_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.event_id == event_id,
            Certificate.contestant_id == contestant_id,
            Certificate.superseded_at.is_(None),
        )
    )


def _unused_serial() -> str:
    while True:
        serial = new_serial()
        if db.session.scalar(select(Certificate.id).where(Certificate.serial == serial)) is None:
            return serial


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
    issuing.supersede_stale(event, actor, issuing.CHECK_BEFORE_PRINT)
    wanted = {only} if isinstance(only, int) else None if only is None else set(only)
    results = round_results(event, event.round(FINAL))
    awards = award_service.awards_for(event, results.ranking)
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
                tier=awards.tier_of(contestant.id) if awards is not None else None,
                issued_at=utcnow(),
                issued_by_id=actor.id if actor else None,
                reissue_count=0,
            )
            db.session.add(certificate)
            db.session.flush()
            replaced = issuing.link_replacement(certificate)
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


def _pdf(
    event: Event,
    certificates: list[Certificate],
    base_url: str | None,
    progress: Callable[[int], None] | None,
) -> bytes:
    base = public_base_url(base_url)
    style = style_of(event.contest)
    views = [_view(c, event, base) for c in certificates]
    chunks = [views[i : i + BATCH_PART] for i in range(0, len(views), BATCH_PART)]
    sizes = iter(len(chunk) for chunk in chunks)

    def laid_out(_parts: int) -> None:
        if progress is not None:
            progress(next(sizes))

    parts = (
        render_html(CERTIFICATE_TEMPLATE, {"certificates": chunk, "style": style})
        for chunk in chunks
    )
    return render_pdf_parts(parts, laid_out)


def event_certificates_pdf(
    event: Event,
    actor: User | None,
    base_url: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One certificate page per ranked finalist, in rank order (api-v1 "Printed documents").

    Issues what is not issued yet; the caller commits once the PDF exists.  `progress` is
    called with the number of certificates laid out, part by part.
    """
    certificates = issue_certificates(event, actor)
    if not certificates:
        raise Conflict("决赛没有可颁发证书的选手")
    return _pdf(event, certificates, base_url, progress)


def replacements_pdf(event: Event, actor: User | None, base_url: str | None = None) -> bytes:
    """Only the replacements of superseded certificates still to be printed, in rank order:
    what the organiser hands out again after a change, without reprinting everyone.  409
    when there is none to print."""
    _published_final(event)
    issuing.supersede_stale(event, actor, issuing.CHECK_BEFORE_PRINT)
    pending = issuing.pending_replacements(event)
    if not pending:
        raise Conflict("没有需要重新打印的证书")
    certificates = issue_certificates(event, actor, only={c.contestant_id for c in pending})
    if not certificates:
        raise Conflict("没有需要重新打印的证书")
    return _pdf(event, certificates, base_url, None)


def certificate_count(event: Event) -> int:
    """How many certificates a batch of the event would print (for a progress bar)."""
    _published_final(event)
    return len(round_results(event, event.round(FINAL)).ranking.ranked)


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
    issuing.supersede_stale(event, actor, issuing.CHECK_BEFORE_PRINT)
    existing = _current_of(event.id, contestant.id)
    if existing is None:
        issued = issue_certificates(event, actor, only=contestant.id)
        existing = issued[0] if issued else None
    if existing is None or existing.revoked:
        return None
    return existing


def certificate_pdf(
    contestant_id: int, actor: User | None = None, base_url: str | None = None
) -> bytes:
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
        issuing.supersede_stale(event, actor, issuing.CHECK_BEFORE_PRINT)
    existing = _current_of(event.id, contestant.id)
    if existing is None:
        certificates = issue_certificates(event, actor, only=contestant.id)
        if not certificates:
            raise NotFound("该选手未进入决赛排名，没有证书")
        existing = certificates[0]
    if existing.revoked:
        raise Conflict("该选手的证书已被吊销")
    return _pdf(event, [existing], base_url, None)


# ---------------------------------------------------------------- reissue and revocation
SUPERSEDED_MESSAGE = "该证书因成绩变更已作废，请打印更正后的新证书"


def get_certificate(serial: str) -> Certificate:
    normalised = normalise_serial(serial)
    certificate = (
        None
        if normalised is None
        else db.session.scalar(select(Certificate).where(Certificate.serial == normalised))
    )
    if certificate is None:
        raise NotFound("没有这个编号的证书")
    return certificate


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Invalid("请填写理由", {"reason": ["理由不能为空"]})
    return reason


def list_certificates(event: Event) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.event_id == event.id)
            .order_by(Certificate.place, Certificate.id)
        )
    )


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


def certificate_pdf_by_serial(certificate: Certificate, base_url: str | None = None) -> bytes:
    """Print one issued certificate again, e.g. right after a reissue; never a superseded
    one, which would put a second, outdated paper into circulation (409)."""
    if certificate.revoked:
        raise Conflict("该证书已被吊销")
    if certificate.superseded:
        raise Conflict(SUPERSEDED_MESSAGE)
    event = db.session.scalar(
        select(Event).where(Event.id == certificate.event_id).options(selectinload(Event.contest))
    )
    assert event is not None
    return _pdf(event, [certificate], base_url, None)


# ---------------------------------------------------------------- public verification
@dataclass(frozen=True)
class Verification:
    """What the public verification page says about a serial."""

    serial: str
    status: str  # valid, superseded or revoked
    revoked: bool
    superseded: bool
    name: str
    unit: str
    contest: str
    event: str
    group: str
    place_text: str
    tier: str | None
    issuers: tuple[str, ...]
    issued_on: str
    reissued_on: str | None
    revoked_on: str | None
    superseded_on: str | None = None
    supersede_reason: str | None = None
    # The replacement's serial; None while it is still to be printed.
    superseded_by: str | None = None

    @property
    def genuine(self) -> bool:
        return self.status == issuing.VALID


def verify(serial_text: str) -> Verification | None:
    """The certificate behind a serial, or None when there is none."""
    serial = normalise_serial(serial_text)
    if serial is None:
        return None
    certificate = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    if certificate is None:
        return None
    event = db.session.get(Event, certificate.event_id)
    assert event is not None
    tz = _timezone()

    def day(moment: datetime | None) -> str | None:
        return None if moment is None else chinese_date(local_date(moment, tz))

    replacement = issuing.replacement_of(certificate)
    return Verification(
        serial=certificate.serial,
        status=issuing.status_of(certificate),
        revoked=certificate.revoked,
        superseded=certificate.superseded,
        name=certificate.name,
        unit=certificate.unit,
        contest=contest_title(event.contest),
        event=event.name,
        group=event.group_name,
        place_text=place_text(certificate.place),
        tier=certificate.tier,
        issuers=_issuers(event.contest),
        issued_on=chinese_date(local_date(certificate.issued_at, tz)),
        reissued_on=day(certificate.reissued_at),
        revoked_on=day(certificate.revoked_at),
        superseded_on=day(certificate.superseded_at),
        supersede_reason=certificate.supersede_reason,
        superseded_by=None if replacement is None else replacement.serial,
    )
