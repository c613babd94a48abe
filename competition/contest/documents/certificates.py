"""Honour certificates (荣誉证书) on paper, and what the verification page says about one.

This module decides only how a certificate looks. Which certificates exist, and when one is
issued, superseded, reissued or revoked, is `competition.contest.services.certificates`,
below this module. Each PDF function gets its rows from that service, which issues what is
not issued yet and refuses what may not be printed. It then turns them into frozen
dataclasses for the template and renders them with `competition.pdf.render`. Templates
never see an ORM object. The QR code and the frame's ornaments are drawn by
`competition.pdf.ornaments`. The QR code carries the public verification address,
`/verify/<serial>`.

The verification page's text (`verify`) is built here, next to the certificate's, from the
same title, issuers and dates. A page that vouches for a paper then says exactly what the
paper says, never more.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from competition.contest.documents.letterhead import issuers
from competition.contest.services import certificates as certificate_service
from competition.contest.wording import contest_title
from competition.core.clock import zone_name
from competition.core.normalise import has_cjk
from competition.http.verification import public_base_url, verification_url
from competition.models import Certificate, Contest, Event, User
from competition.models.contests import DEFAULT_ACCENT_COLOUR, DEFAULT_PRIMARY_COLOUR
from competition.pdf import parallel
from competition.pdf.formatting import chinese_date, local_date, place_text
from competition.pdf.ornaments import COLOUR, gem_data_uri, ornament_data_uri, qr_data_uri
from competition.pdf.parallel import Part
from competition.pdf.render import render_html, render_pdf_parts

CERTIFICATE_TEMPLATE = "contest/pdf/certificate.html"
#: Certificates laid out per part of a batch: each part costs WeasyPrint ~0.1 s of set-up
#: (style sheets, images), and each is a step of the command-line progress bar.
BATCH_PART = 100


# ---------------------------------------------------------------- addresses
# `public_base_url` and `verification_url` are shared with the award programmes' honours
# (`competition.http.verification`), re-exported here for this slice's callers.


# ---------------------------------------------------------------- what a certificate shows
@dataclass(frozen=True)
class CertificateStyle:
    """The contest's colours, and the corner gem drawn in them (a PNG `data:` URI)."""

    primary: str
    accent: str
    gem: str
    ornament: str


@dataclass(frozen=True)
class IssuerLine:
    """An issuing body's name on the certificate, in `size` points.  `whole`: kept on one
    line (a Chinese name, which would otherwise break between any two characters); a Latin
    name may still wrap between its words."""

    name: str
    size: float
    whole: bool


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
    # One line per issuer, never broken inside a Chinese name.
    issuer_lines: tuple[IssuerLine, ...]
    date_text: str
    reissued_text: str | None
    verify_url: str
    qr: str


def _view(certificate: Certificate, event: Event, base_url: str) -> CertificateView:
    contest = event.contest
    url = verification_url(certificate.serial, base_url)
    tz = zone_name()
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
        issuers=issuers(contest),
        issuer_lines=tuple(issuer_line(name) for name in issuers(contest)),
        date_text=chinese_date(local_date(certificate.issued_at, tz)),
        reissued_text=reissued,
        verify_url=url,
        qr=qr_data_uri(url),
    )


#: The issuers' block (`.issuers` in the template): 96 mm wide, names in 16 pt; a longer name
#: is set smaller so it stays whole on its own line ("…人力资源和社会保障局", never
#: "…人力资源和社会保 / 障局"), down to 9 pt.
ISSUERS_WIDTH_PT = 96 / 25.4 * 72
ISSUER_PT = 16.0
ISSUER_MIN_PT = 9.0


def issuer_size(name: str) -> float:
    """The point size that fits `name` on one line of the issuers' block: a Chinese character
    is one em wide, a Latin letter or digit about half of one."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in name)
    if ems == 0:
        return ISSUER_PT
    fitting = ISSUERS_WIDTH_PT * 0.96 / ems  # a little room for the glyphs' side bearings
    return max(ISSUER_MIN_PT, min(ISSUER_PT, math.floor(fitting * 2) / 2))


def issuer_line(name: str) -> IssuerLine:
    return IssuerLine(name, issuer_size(name), has_cjk(name))


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


# ---------------------------------------------------------------- printing
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


SINGLE, PER_UNIT = "single", "per_unit"
#: How a batch job hands its certificates over: one PDF, or one PDF per unit in a ZIP.
LAYOUTS = (SINGLE, PER_UNIT)


def _parts(
    event: Event, certificates: list[Certificate], base: str, style: CertificateStyle, size: int
) -> Iterator[Part]:
    """The certificates as HTML documents of `size` pages, made as the renderer asks for
    them: the views (with their QR codes) and the HTML of one part at a time."""
    for start in range(0, len(certificates), size):
        chunk = [_view(c, event, base) for c in certificates[start : start + size]]
        html = render_html(CERTIFICATE_TEMPLATE, {"certificates": chunk, "style": style})
        yield Part(html, len(chunk))


def write_certificates(
    event: Event,
    certificates: list[Certificate],
    target: Path,
    layout: str = SINGLE,
    base_url: str | None = None,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
) -> str:
    """Issued certificates (in the order given: rank order) written to the file `target`,
    laid out by `processes` processes (`competition.pdf.parallel`); returns the file's
    download name. SINGLE: one PDF, the same pages as `event_certificates_pdf`; PER_UNIT: a
    ZIP of one PDF per unit, named after the unit, each with that unit's certificates in
    rank order. Nothing is issued here: the caller issued (and committed) the serials.
    `progress(n)` as each part of n certificates is laid out."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    base = public_base_url(base_url)
    style = style_of(event.contest)
    size = parallel.part_size(len(certificates), processes)
    if layout == SINGLE:
        parallel.render_to_file(
            _parts(event, certificates, base, style, size), target, processes, progress
        )
        return f"certificates-event-{event.id}.pdf"
    units: dict[str, list[Certificate]] = {}
    for certificate in certificates:
        units.setdefault(certificate.unit, []).append(certificate)
    groups = ((unit, _parts(event, listed, base, style, size)) for unit, listed in units.items())
    parallel.render_groups_to_zip(groups, target, processes, progress)
    return f"certificates-event-{event.id}.zip"


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
    certificates = certificate_service.certificates_to_print(event, actor)
    return _pdf(event, certificates, base_url, progress)


def replacements_pdf(event: Event, actor: User | None, base_url: str | None = None) -> bytes:
    """Only the replacements of superseded certificates still to be printed, in rank order
    (`certificate_service.replacements_to_print`); 409 when there is none to print."""
    certificates = certificate_service.replacements_to_print(event, actor)
    return _pdf(event, certificates, base_url, None)


def certificate_pdf(
    contestant_id: int, actor: User | None = None, base_url: str | None = None
) -> bytes:
    """One contestant's certificate, for their personal look-up or an organiser.

    404 for an unknown contestant or one not ranked in the final; 409 before the final is
    published or when their certificate was revoked.  Issues it on first download; the caller
    commits.
    """
    certificate = certificate_service.certificate_to_print(contestant_id, actor)
    return _pdf(certificate.event, [certificate], base_url, None)


def certificate_pdf_by_serial(certificate: Certificate, base_url: str | None = None) -> bytes:
    """Print one issued certificate again, e.g. right after a reissue; never a revoked or
    superseded one (409)."""
    certificate_service.check_printable(certificate)
    return _pdf(certificate.event, [certificate], base_url, None)


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
        return self.status == certificate_service.VALID


def verify(serial_text: str) -> Verification | None:
    """The certificate behind a serial, or None when there is none."""
    certificate = certificate_service.find_certificate(serial_text)
    if certificate is None:
        return None
    event = certificate.event
    tz = zone_name()

    def day(moment: datetime | None) -> str | None:
        return None if moment is None else chinese_date(local_date(moment, tz))

    replacement = certificate_service.replacement_of(certificate)
    return Verification(
        serial=certificate.serial,
        status=certificate_service.status_of(certificate),
        revoked=certificate.revoked,
        superseded=certificate.superseded,
        name=certificate.name,
        unit=certificate.unit,
        contest=contest_title(event.contest),
        event=event.name,
        group=event.group_name,
        place_text=place_text(certificate.place),
        tier=certificate.tier,
        issuers=issuers(event.contest),
        issued_on=chinese_date(local_date(certificate.issued_at, tz)),
        reissued_on=day(certificate.reissued_at),
        revoked_on=day(certificate.revoked_at),
        superseded_on=day(certificate.superseded_at),
        supersede_reason=certificate.supersede_reason,
        superseded_by=None if replacement is None else replacement.serial,
    )
