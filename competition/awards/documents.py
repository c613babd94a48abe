"""The award programme's papers: the printed notice (公示名单) per level, the grant schedule
(奖补资金) per unit and in total as Excel and PDF, and the honours list (certificates or
plaques) with serials and QR codes that open the public verification page.

Built only from `competition.awards.selection` (the frozen list, grants, honours), so every
paper says what the API and the pages say. Templates get plain data, never ORM objects; the
PDF goes through `competition.pdf.render`, the workbook through the project's writer
(`competition.core.spreadsheets.write_xlsx`), and the QR codes are
`competition.pdf.ornaments.qr_data_uri` of `competition.http.verification`'s address.
"""

from __future__ import annotations

from dataclasses import dataclass

from competition.awards import selection
from competition.core import clock
from competition.core.downloads import PDF, XLSX, Download, file_name_part
from competition.core.errors import Conflict, NotFound
from competition.core.spreadsheets import Sheet, write_xlsx
from competition.extensions import db
from competition.http.verification import Found, register_lookup, verification_url
from competition.models import AwardProgramme
from competition.models.types import utcnow
from competition.pdf.formatting import chinese_date, local_date, score
from competition.pdf.ornaments import qr_data_uri
from competition.pdf.render import render_pdf


@dataclass(frozen=True)
class NoticeLine:
    place: int
    name: str
    unit: str
    district: str
    address: str


@dataclass(frozen=True)
class NoticeLevel:
    name: str
    lines: tuple[NoticeLine, ...]


def _name(programme: AwardProgramme) -> str:
    return file_name_part(programme.name, "programme")


def _printed_on() -> str:
    return chinese_date(local_date(utcnow(), clock.zone_name()))


def notice_pdf(programme: AwardProgramme, level_id: int | None = None) -> Download:
    """The printed notice (公示名单) of one level, or of every level; 409 before publication."""
    selection.require_published(programme)
    levels = [lv for lv in programme.levels if level_id is None or lv.id == level_id]
    if not levels:
        raise NotFound("本评选活动没有这个级别")
    rows = selection.published_list(programme)
    tz = clock.zone_name()
    views = tuple(
        NoticeLevel(
            level.name,
            tuple(
                NoticeLine(
                    r.place,
                    r.station.name,
                    r.station.unit.name,
                    r.station.district,
                    r.station.address,
                )
                for r in rows
                if r.level_id == level.id
            ),
        )
        for level in levels
    )
    body = render_pdf(
        "awards/pdf/notice.html",
        {
            "programme": programme.name,
            "host": programme.host,
            "levels": views,
            "published_on": chinese_date(local_date(programme.published_at, tz)),
            "ends_on": chinese_date(programme.notice_ends_on) if programme.notice_ends_on else "",
        },
    )
    suffix = f"-{levels[0].key}" if level_id is not None else ""
    return Download(body, f"{_name(programme)}-公示名单{suffix}.pdf", PDF, private=False)


def grants_xlsx(programme: AwardProgramme) -> Download:
    """The grant schedule: every station's line, then each unit's sum, then the total."""
    selection.require_published(programme)
    found = selection.grants(programme)
    lines = Sheet(
        "奖补资金明细",
        ("基层工会", "级别", "站点", "奖补资金（元）"),
        [(g.unit, g.level, g.station, g.amount) for g in found.lines]
        + [("合计", "", "", found.total)],
        (30, 30, 36, 16),
    )
    units = Sheet(
        "按单位汇总",
        ("基层工会", "站点数", "奖补资金（元）"),
        [(unit, count, amount) for unit, count, amount in found.by_unit]
        + [("合计", len(found.lines), found.total)],
        (30, 10, 16),
    )
    return Download(write_xlsx([units, lines]), f"{_name(programme)}-奖补资金.xlsx", XLSX)


def grants_pdf(programme: AwardProgramme) -> Download:
    selection.require_published(programme)
    found = selection.grants(programme)
    body = render_pdf(
        "awards/pdf/grants.html",
        {
            "programme": programme.name,
            "host": programme.host,
            "units": [(u, n, score(a)) for u, n, a in found.by_unit],
            "lines": [(g.unit, g.level, g.station, score(g.amount)) for g in found.lines],
            "total": score(found.total),
            "count": len(found.lines),
            "confirmed": programme.confirmed_at is not None,
            "printed_on": _printed_on(),
        },
    )
    return Download(body, f"{_name(programme)}-奖补资金.pdf", PDF)


@dataclass(frozen=True)
class HonourLine:
    serial: str
    station: str
    unit: str
    level: str
    qr: str
    url: str


def certificates_pdf(programme: AwardProgramme, base_url: str) -> Download:
    """The honours list (牌匾/证书清单): one line per confirmed station with its serial and a
    QR code of its verification address. 409 before confirmation (no honour exists yet)."""
    if programme.confirmed_at is None:
        raise Conflict("评选结果尚未确认，还没有证书或牌匾")
    lines = []
    for cert in selection.certificates(programme):
        url = verification_url(cert.serial, base_url)
        lines.append(
            HonourLine(
                cert.serial,
                cert.station_name,
                cert.unit_name,
                cert.level_name,
                qr_data_uri(url),
                url,
            )
        )
    body = render_pdf(
        "awards/pdf/honours.html",
        {
            "programme": programme.name,
            "host": programme.host,
            "lines": lines,
            "confirmed_on": chinese_date(local_date(programme.confirmed_at, clock.zone_name())),
        },
    )
    return Download(body, f"{_name(programme)}-证书牌匾清单.pdf", PDF)


# ---------------------------------------------------------------- the verification page
@dataclass(frozen=True)
class HonourCheck:
    serial: str
    station: str
    unit: str
    level: str
    programme: str
    host: str
    issued_on: str
    revoked: bool
    revoked_on: str | None
    revoke_reason: str | None


@register_lookup
def verify(serial_text: str) -> Found | None:
    """A station honour's serial, for `/verify/<serial>`: what the plaque says, and whether it
    stands (a revoked honour stays, saying so)."""
    cert = selection.find_certificate(serial_text)
    if cert is None:
        return None
    programme = db.session.get(AwardProgramme, cert.programme_id)
    assert programme is not None
    tz = clock.zone_name()
    check = HonourCheck(
        serial=cert.serial,
        station=cert.station_name,
        unit=cert.unit_name,
        level=cert.level_name,
        programme=programme.name,
        host=programme.host,
        issued_on=chinese_date(local_date(cert.issued_at, tz)),
        revoked=cert.revoked_at is not None,
        revoked_on=chinese_date(local_date(cert.revoked_at, tz)) if cert.revoked_at else None,
        revoke_reason=cert.revoke_reason,
    )
    return Found("awards/verify.html", {"honour": check})
