"""API routes of the printed documents, award rules and certificates (api-v1 "Printed
documents"). Checks in the contract's order: 401, 404, 403, 400, 422, 409."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.wrappers import Response
from marshmallow import fields, validate

from competition.contest.api.requests import (
    contest_or_404,
    organiser_contest,
    organiser_contestant,
    organiser_event,
    results_request,
)
from competition.contest.documents import certificates as certificate_docs
from competition.contest.documents import downloads
from competition.contest.services import awards as award_service
from competition.contest.services import certificates as certificate_service
from competition.contest.services import contests as contest_service
from competition.contest.services import tiers as tier_service
from competition.core import roles
from competition.core.downloads import XLSX
from competition.core.errors import NotFound
from competition.extensions import db
from competition.http.api import current_user, require_user, respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, DecimalValue, Integer, List, Nested, String
from competition.http.loading import load
from competition.http.openapi import operation
from competition.http.responses import download_response, pdf_response
from competition.models import Certificate, User
from competition.scoring.awards import Mode, QuotaBase, QuotaRounding


# ---------------------------------------------------------------- schemas
def _one_of(kind: Any) -> validate.OneOf:
    values = [member.value for member in kind]
    return validate.OneOf(values, error="应为 " + "、".join(values) + " 之一")


class TierIn(BaseSchema):
    name = String(
        required=True, validate=validate.Length(min=1, max=50, error="长度应为 1-50 个字符")
    )
    share = DecimalValue(places=4, load_default=None, allow_none=True)
    count = Integer(load_default=None, allow_none=True)


class AwardRulesIn(BaseSchema):
    mode = String(required=True, validate=_one_of(Mode))
    tiers = List(
        Nested(TierIn),
        required=True,
        validate=validate.Length(min=1, max=10, error="奖项等级应为 1 到 10 个"),
    )
    pass_line = DecimalValue(load_default=None, allow_none=True)
    rounding = String(load_default=QuotaRounding.HALF_UP.value, validate=_one_of(QuotaRounding))
    base = String(load_default=QuotaBase.RANKED.value, validate=_one_of(QuotaBase))


class TierOut(BaseSchema):
    name = fields.String()
    share = DecimalValue(places=4, dump_places=2, allow_none=True)
    count = fields.Integer(allow_none=True)


class AwardRulesOut(BaseSchema):
    event_id = fields.Integer()
    mode = fields.String()
    tiers = fields.List(fields.Nested(TierOut))
    pass_line = DecimalValue(allow_none=True)
    rounding = fields.String()
    base = fields.String()


class ColoursIn(BaseSchema):
    primary = String(
        required=True,
        validate=validate.Regexp(r"^#[0-9A-Fa-f]{6}$", error="颜色应为 #rrggbb 形式"),
    )
    accent = String(
        required=True,
        validate=validate.Regexp(r"^#[0-9A-Fa-f]{6}$", error="颜色应为 #rrggbb 形式"),
    )


class ColoursOut(BaseSchema):
    contest_id = fields.Integer()
    primary = fields.String()
    accent = fields.String()


class ReasonIn(BaseSchema):
    reason = String(
        required=True, validate=validate.Length(min=1, max=2000, error="长度应为 1-2000 个字符")
    )


class CertificateOut(BaseSchema):
    serial = fields.String()
    event_id = fields.Integer()
    contestant_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    place = fields.Integer()
    total = DecimalValue(allow_none=True)
    tier = fields.String(allow_none=True)
    issued_at = fields.DateTime()
    reissue_count = fields.Integer()
    reissued_at = fields.DateTime(allow_none=True)
    revoked = fields.Boolean()
    revoked_at = fields.DateTime(allow_none=True)
    revoke_reason = fields.String(allow_none=True)
    status = fields.Function(
        certificate_service.status_of,
        metadata={
            "enum": [
                certificate_service.VALID,
                certificate_service.SUPERSEDED,
                certificate_service.REVOKED,
            ]
        },
    )
    superseded_at = fields.DateTime(allow_none=True)
    supersede_reason = fields.String(allow_none=True)
    superseded_by = fields.Function(
        lambda c: _replacement_serial(c), allow_none=True, metadata={"type": "string"}
    )


class CertificateListOut(BaseSchema):
    certificates = fields.List(fields.Nested(CertificateOut))


class CertificateStatusOut(BaseSchema):
    """What anyone may learn from a serial: whether it is still good, and its successor."""

    serial = fields.String()
    status = fields.String(
        metadata={
            "enum": [
                certificate_service.VALID,
                certificate_service.SUPERSEDED,
                certificate_service.REVOKED,
            ]
        }
    )
    superseded_by = fields.String(allow_none=True)
    contestant_id = fields.Integer()
    rank = fields.Integer()


def _replacement_serial(certificate: Certificate) -> str | None:
    replacement = certificate_service.replacement_of(certificate)
    return None if replacement is None else replacement.serial


PDF = {"type": "string", "format": "binary"}
WORKBOOK = {"type": "string", "format": "binary"}
_ROUND_NOTE = "round is preliminary or final."


# ---------------------------------------------------------------- helpers


def _rules_body(event_id: int, rules: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "mode": rules.mode.value,
        "tiers": [{"name": t.name, "share": t.share, "count": t.count} for t in rules.tiers],
        "pass_line": rules.pass_line,
        "rounding": rules.rounding.value,
        "base": rules.base.value,
    }


# ---------------------------------------------------------------- award rules and colours
@bp.get("/events/<int:event_id>/award-rules")
@operation(
    "奖项规则 (award rules)",
    tag="awards",
    auth="optional",
    response=AwardRulesOut,
    errors=(401, 404),
)
def get_award_rules(event_id: int) -> Response:
    current_user()
    event = contest_service.get_event(event_id)
    rules = tier_service.rules_for(event)
    if rules is None:
        raise NotFound("本赛项未设置奖项规则")
    return respond(AwardRulesOut(), _rules_body(event.id, rules))


@bp.put("/events/<int:event_id>/award-rules")
@operation(
    "设置奖项规则 (organiser)",
    tag="awards",
    auth="required",
    request=AwardRulesIn,
    response=AwardRulesOut,
    errors=(400, 401, 403, 404, 422),
    description="mode proportion (each tier a share, the shares adding up to at most 1) "
    "or count (each tier a number of people); an optional pass line applied before the "
    "quotas; rounding of proportional quotas half_up (default), floor or ceiling; base "
    "ranked (every ranked contestant, default) or passed (those at or above the pass "
    "line). Certificates already issued whose tier the new rules change are superseded "
    "(their replacements are printed with new serials).",
)
def set_award_rules(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    data = load(AwardRulesIn())
    rules = award_service.set_rules(event, actor=user, **data)
    db.session.commit()
    return respond(AwardRulesOut(), _rules_body(event.id, rules))


@bp.get("/contests/<int:contest_id>/colours")
@operation(
    "证书配色 (the contest's colours)",
    tag="contests",
    auth="optional",
    response=ColoursOut,
    errors=(401, 404),
)
def get_colours(contest_id: int) -> Response:
    current_user()
    contest = contest_or_404(contest_id)
    return respond(ColoursOut(), certificate_service.colours_of(contest))


@bp.put("/contests/<int:contest_id>/colours")
@operation(
    "设置证书配色 (organiser)",
    tag="contests",
    auth="required",
    request=ColoursIn,
    response=ColoursOut,
    errors=(400, 401, 403, 404, 422),
    description='Colours as "#rrggbb": primary (frame band, title), accent (gold rules).',
)
def set_colours(contest_id: int) -> Response:
    user, contest = organiser_contest(contest_id)
    data = load(ColoursIn())
    certificate_service.set_colours(contest, data["primary"], data["accent"], user)
    db.session.commit()
    return respond(ColoursOut(), certificate_service.colours_of(contest))


# ---------------------------------------------------------------- printed documents
@bp.get("/events/<int:event_id>/rounds/final/certificates.pdf")
@operation(
    "决赛荣誉证书 PDF (organiser)",
    tag="documents",
    auth="required",
    response=PDF,
    errors=(401, 403, 404, 409),
    description="One A4 landscape certificate per ranked finalist, in rank order, with "
    "name, unit, contest, event, place, award tier, date, serial and a QR code of the "
    "verification address. Certificates not issued yet are issued (serials never change); "
    "a certificate the record no longer bears out (place, total or tier moved) is "
    "superseded and its replacement printed under a new serial. Allowed from publication "
    "on, also during the notice period. 409 before the final is published.",
    content_type="application/pdf",
)
def certificates_pdf(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    download = downloads.certificates_pdf(event, user)
    db.session.commit()
    return download_response(download)


@bp.get("/events/<int:event_id>/rounds/final/replacements.pdf")
@operation(
    "补打的替换证书 PDF (organiser)",
    tag="documents",
    auth="required",
    response=PDF,
    errors=(401, 403, 404, 409),
    description="Only the replacements of superseded certificates (a change after "
    "publication moved a place, total or award tier), each under a new serial, in rank "
    "order; printing issues them, so the verification page of the superseded serial then "
    "names its successor. Allowed from publication on, also during the notice period. 409 "
    "before the final is published, or when there is no replacement to print.",
    content_type="application/pdf",
)
def replacements_pdf(event_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    download = downloads.replacements_pdf(event, user)
    db.session.commit()
    return download_response(download)


@bp.get("/events/<int:event_id>/contestants/<int:contestant_id>/certificate.pdf")
@operation(
    "一名选手的荣誉证书 PDF (organiser)",
    tag="documents",
    auth="required",
    response=PDF,
    errors=(401, 403, 404, 409),
    description="404 when the contestant is not ranked in the final; 409 before the final "
    "is published or when the certificate was revoked.",
    content_type="application/pdf",
)
def contestant_certificate_pdf(event_id: int, contestant_id: int) -> Response:
    user, _, contestant = organiser_contestant(event_id, contestant_id)
    body = certificate_docs.certificate_pdf(contestant.id, user)
    db.session.commit()
    return pdf_response(body, f"certificate-{contestant.id}.pdf")


@bp.get("/events/<int:event_id>/rounds/<round_kind>/results.pdf")
@operation(
    "成绩公示 PDF (as the results)",
    tag="documents",
    auth="optional",
    response=PDF,
    errors=(401, 404, 422),
    query=(("unit_id", "preliminary: one unit's own ranking"),),
    description="The ranked list as a printable notice (A4 portrait, a header and page "
    "numbers on every page): rank, number, name, unit, each component's score, total, "
    "decided-by, award tier in the final, and the tie rulings. Who may read the results "
    "JSON may print it. " + _ROUND_NOTE,
    content_type="application/pdf",
)
def results_pdf(event_id: int, round_kind: str) -> Response:
    asked = results_request(event_id, round_kind)
    download = downloads.results_pdf(asked.event, asked.round, asked.user, asked.unit)
    return download_response(download)


@bp.get("/events/<int:event_id>/rounds/<round_kind>/results.xlsx")
@operation(
    "成绩 Excel (as the results)",
    tag="documents",
    auth="optional",
    errors=(401, 404, 422),
    query=(("unit_id", "preliminary: one unit's own ranking"),),
    description="The ranked list for Excel, as the organisers' console exports it: rank, "
    "number, name, unit, each component's score (a component with a unit as measured, the "
    "unit in its heading), total and what decided the place; the absent as 缺考/弃权 with "
    "their reason, never a score. The preliminary adds one sheet per unit with its own "
    "ranking (not with unit_id, which narrows the whole workbook to that unit); contestants "
    "still missing a score are listed on a last sheet. Who may read the results JSON may "
    "download it, judges without names and units before publication. " + _ROUND_NOTE,
    response=WORKBOOK,
    content_type=XLSX,
)
def results_xlsx(event_id: int, round_kind: str) -> Response:
    asked = results_request(event_id, round_kind)
    download = downloads.results_xlsx(asked.event, asked.round, asked.user, asked.unit)
    return download_response(download)


@bp.get("/events/<int:event_id>/rounds/<round_kind>/score-sheets.pdf")
@operation(
    "空白评分表 PDF (organiser or the event's judges)",
    tag="documents",
    auth="required",
    response=PDF,
    errors=(401, 403, 404, 409, 422),
    query=(("component", "one component's sheets (default: every component)", {"type": "string"}),),
    description="Contest numbers only, one column and a signature line per judge and a "
    "line for the chief judge. 409 while the round has no contestants. " + _ROUND_NOTE,
    content_type="application/pdf",
)
def score_sheets_pdf(event_id: int, round_kind: str) -> Response:
    """Organisers print every sheet; a judge prints the sheets of the rounds they mark (a
    unit's committee judge: their unit's preliminary only)."""
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    key = request.args.get("component") or None
    return download_response(downloads.score_sheets_pdf(event, round_, user, key))


# ---------------------------------------------------------------- certificates
@bp.get("/events/<int:event_id>/certificates")
@operation(
    "已颁发的证书 (organiser)",
    tag="certificates",
    auth="required",
    response=CertificateListOut,
    errors=(401, 403, 404),
)
def list_certificates(event_id: int) -> Response:
    _, event = organiser_event(event_id)
    return respond(
        CertificateListOut(), {"certificates": certificate_service.list_certificates(event)}
    )


def _certificate(serial: str) -> Certificate:
    return certificate_service.get_certificate(serial)


def _organiser_certificate(serial: str) -> tuple[User, Certificate]:
    """The caller (401) and the certificate (404), which only an organiser handles (403)."""
    user = require_user()
    certificate = _certificate(serial)
    roles.require_organiser(user)
    return user, certificate


@bp.get("/certificates/<serial>")
@operation(
    "证书状态 (anyone)",
    tag="certificates",
    auth="optional",
    response=CertificateStatusOut,
    errors=(401, 404),
    description="status valid, superseded (a change after publication moved the place, "
    "total or award tier; superseded_by is the replacement's serial, null until it is "
    "printed) or revoked; rank is the place printed on this certificate. 404 for an "
    "unknown serial.",
)
def certificate_status(serial: str) -> Response:
    """Anyone may check a serial, as on the verification page."""
    current_user()
    certificate = _certificate(serial)
    return respond(
        CertificateStatusOut(),
        {
            "serial": certificate.serial,
            "status": certificate_service.status_of(certificate),
            "superseded_by": _replacement_serial(certificate),
            "contestant_id": certificate.contestant_id,
            "rank": certificate.place,
        },
    )


@bp.get("/certificates/<serial>.pdf")
@operation(
    "按编号打印证书 (organiser)",
    tag="certificates",
    auth="required",
    response=PDF,
    errors=(401, 403, 404, 409),
    description="409 for a revoked or superseded certificate.",
    content_type="application/pdf",
)
def certificate_by_serial_pdf(serial: str) -> Response:
    _, certificate = _organiser_certificate(serial)
    body = certificate_docs.certificate_pdf_by_serial(certificate)
    return pdf_response(body, f"certificate-{certificate.serial}.pdf")


@bp.post("/certificates/<serial>/revoke")
@operation(
    "吊销证书 (organiser)",
    tag="certificates",
    auth="required",
    request=ReasonIn,
    response=CertificateOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="Final: the verification page then says the certificate is revoked. "
    "409 when already revoked.",
)
def revoke_certificate(serial: str) -> Response:
    user, certificate = _organiser_certificate(serial)
    data = load(ReasonIn())
    certificate_service.revoke(certificate, data["reason"], user)
    db.session.commit()
    return respond(CertificateOut(), certificate)


@bp.post("/certificates/<serial>/reissue")
@operation(
    "补发证书 (organiser)",
    tag="certificates",
    auth="required",
    request=ReasonIn,
    response=CertificateOut,
    errors=(400, 401, 403, 404, 409, 422),
    description="Same serial; name and unit refreshed from the record; written to the "
    "audit trail. 409 for a revoked certificate.",
)
def reissue_certificate(serial: str) -> Response:
    user, certificate = _organiser_certificate(serial)
    data = load(ReasonIn())
    certificate_service.reissue(certificate, data["reason"], user)
    db.session.commit()
    return respond(CertificateOut(), certificate)
