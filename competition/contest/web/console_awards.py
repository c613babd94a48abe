"""The organisers' award page of an event: the award tiers (by proportion or by count, a pass
line, the rounding of quotas) and the words of the contest's certificates.

The rules are previewed on the final's ranking as it stands before anything is saved: who
would get which tier, and which certificates already issued the change would supersede.
Saving goes through the same service as the API (`competition.contest.services.awards`), so a change
after certificates were issued supersedes exactly those whose tier moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.services import awards as award_service
from competition.contest.services import certificates as certificate_service
from competition.contest.services import tiers as tier_service
from competition.contest.services.results import round_results
from competition.contest.web.console_common import event_or_404
from competition.contest.wording import contest_title
from competition.core import normalise
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page
from competition.models import Event
from competition.models.contests import FINAL
from competition.pdf.formatting import place_text
from competition.scoring.awards import AwardRules, Awards, Mode
from competition.scoring.values import plain

NONE = "none"  # places only, no tiers
TIER_ROWS = 5
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PreviewRow:
    rank: int
    number: str
    name: str
    unit: str
    total: Decimal
    tier: str | None
    issued_tier: str | None
    superseded: bool  # an issued certificate this change would supersede


def _form_values(event: Event) -> dict[str, Any]:
    """What the form shows: what was sent, else the stored rules and wording."""
    if request.method == "POST":
        names = request.form.getlist("tier_name")
        values = request.form.getlist("tier_value")
        return {
            "mode": request.form.get("mode", NONE),
            "tiers": list(zip(names, values, strict=False)),
            "pass_line": request.form.get("pass_line", ""),
            "rounding": request.form.get("rounding", "half_up"),
            "base": request.form.get("base", "ranked"),
            "wording": request.form.get("wording", ""),
        }
    rules = tier_service.rules_for(event)
    tiers: list[tuple[str, str]] = []
    if rules is not None:
        for tier in rules.tiers:
            value = plain(tier.share * HUNDRED) if tier.share is not None else str(tier.count)
            tiers.append((tier.name, value))
    return {
        "mode": NONE if rules is None else rules.mode.value,
        "tiers": tiers,
        "pass_line": "" if rules is None or rules.pass_line is None else str(rules.pass_line),
        "rounding": "half_up" if rules is None else rules.rounding.value,
        "base": "ranked" if rules is None else rules.base.value,
        "wording": event.contest.certificate_wording or "",
    }


def _decimal(text: str, field: str, message: str) -> Decimal:
    try:
        value = Decimal(normalise.decimal_text(text.strip()))
    except InvalidOperation as error:
        raise Invalid(message, {field: [message]}) from error
    if not value.is_finite():
        raise Invalid(message, {field: [message]})
    return value


def _rules_from(values: dict[str, Any]) -> AwardRules | None:
    """The rules the form describes (None: places only), checked as saving checks them.
    Proportions are typed as percentages, as contest rules state them (10 means 10 %)."""
    mode = values["mode"]
    if mode == NONE:
        return None
    tiers: list[dict[str, Any]] = []
    for name, raw in values["tiers"]:
        name, raw = name.strip(), raw.strip()
        if not name and not raw:
            continue
        if not name:
            raise Invalid(_("请填写奖项名称"), {"tiers": [_("奖项名称不能为空")]})
        if mode == Mode.PROPORTION.value:
            share = _decimal(raw, "tiers", _("比例应为百分数，如 10")) / HUNDRED
            tiers.append({"name": name, "share": share})
        else:
            if not raw.isdigit():
                raise Invalid(_("人数应为整数"), {"tiers": [_("人数应为不小于 0 的整数")]})
            tiers.append({"name": name, "count": int(raw)})
    pass_line = None
    if values["pass_line"].strip():
        pass_line = _decimal(values["pass_line"], "pass_line", _("及格线应为数字"))
    return award_service.build_rules(
        mode=mode,
        tiers=tiers,
        pass_line=pass_line,
        rounding=values["rounding"],
        base=values["base"],
    )


def _preview_rows(event: Event, awards: Awards | None) -> list[PreviewRow]:
    results = round_results(event, event.round(FINAL))
    issued = {
        c.contestant_id: c for c in certificate_service.current_certificates(event) if not c.revoked
    }
    rows = []
    for entry in results.ranking.ranked:
        person = results.contestants[entry.contestant_id]
        tier = awards.tier_of(entry.contestant_id) if awards is not None else None
        certificate = issued.get(entry.contestant_id)
        rows.append(
            PreviewRow(
                rank=entry.rank,
                number=person.number,
                name=person.name,
                unit=person.unit.name,
                total=entry.total,
                tier=tier,
                issued_tier=None if certificate is None else certificate.tier,
                superseded=certificate is not None
                and certificate_service.differs(
                    certificate, certificate_service.Standing(entry.rank, entry.total, tier)
                ),
            )
        )
    return rows


def _page(
    event: Event,
    values: dict[str, Any],
    errors: list[str] | None = None,
    preview: list[PreviewRow] | None = None,
    quotas: tuple[tuple[str, int], ...] = (),
    status: int = 200,
) -> ResponseReturnValue:
    tiers = list(values["tiers"])
    # Room for one more tier than given, and at least TIER_ROWS rows.
    tiers += [("", "")] * max(TIER_ROWS - len(tiers), 1)
    return render_template(
        "contest/console/awards.html",
        event=event,
        values={**values, "tiers": tiers},
        errors=errors or [],
        preview=preview,
        quotas=quotas,
        title=contest_title(event.contest),
        place_text=place_text,
        rules_set=tier_service.rules_for(event) is not None,
    ), status


@bp.route("/console/events/<int:event_id>/awards", methods=["GET", "POST"])
@organiser_page
def console_awards(event_id: int) -> ResponseReturnValue:
    """GET shows the stored rules; POST with action=preview shows who would get which tier
    (nothing saved); action=save saves the rules and the certificates' wording."""
    event = event_or_404(event_id)
    values = _form_values(event)
    if request.method == "GET":
        return _page(event, values)
    try:
        rules = _rules_from(values)
        if request.form.get("action") != "save":
            awards = award_service.preview(event, rules)
            quotas: tuple[tuple[str, int], ...] = ()
            if rules is not None and awards is not None:
                quotas = tuple((t.name, q) for t, q in zip(rules.tiers, awards.quotas, strict=True))
            return _page(event, values, preview=_preview_rows(event, awards), quotas=quotas)
        user = current_organiser()
        before = len(certificate_service.pending_replacements(event))
        if rules is None:
            award_service.clear_rules(event, user)
        else:
            award_service.set_rules(
                event,
                mode=rules.mode.value,
                tiers=[{"name": t.name, "share": t.share, "count": t.count} for t in rules.tiers],
                pass_line=rules.pass_line,
                rounding=rules.rounding.value,
                base=rules.base.value,
                actor=user,
            )
        certificate_service.set_wording(event.contest, values["wording"], user, event.id)
        superseded = len(certificate_service.pending_replacements(event)) - before
        db.session.commit()
    except AppError as error:
        if error.status not in (409, 422):
            raise
        db.session.rollback()
        messages = [_(error.message)] + [
            _(m) for ms in error.fields.values() for m in ms if m != error.message
        ]
        return _page(event, values, errors=messages, status=error.status)
    flash(_("奖项规则与证书措辞已保存。"), "success")
    if superseded > 0:
        flash(_("%(n)d 张已颁发的证书因奖项变更已作废，请重新打印。", n=superseded), "warning")
        return redirect(url_for("web.console_certificates", event_id=event.id) + "#reprint")
    return redirect(url_for("web.console_awards", event_id=event.id))
