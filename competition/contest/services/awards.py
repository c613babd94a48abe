"""Changing an event's award rules: checked as `competition.scoring.awards` would apply them,
stored, audited, and previewed before saving.

Rules may change after certificates were issued (a rule misread, a quota corrected): the
certificates whose tier moves are then superseded, never silently contradicted by the record
(`competition.contest.services.certificates.supersede_stale`).  So this module sits above the
certificates service and calls it directly.  Reading the stored rules and the tiers they give,
which the certificates service itself needs, is `competition.contest.services.tiers`, below
both. That way the imports go one way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from competition.contest.services import certificates as certificate_service
from competition.contest.services.results import round_results
from competition.contest.services.tiers import rule_row
from competition.core import audit
from competition.core.errors import Invalid
from competition.extensions import db
from competition.models import AwardRuleSet, Event, User
from competition.models.contests import FINAL
from competition.models.types import utcnow
from competition.scoring.awards import AwardRuleError, AwardRules, Awards, Tier, assign_awards


def _tier_json(tier: Tier) -> dict[str, Any]:
    if tier.share is not None:
        return {"name": tier.name, "share": str(tier.share)}
    return {"name": tier.name, "count": tier.count}


def build_rules(
    *,
    mode: str,
    tiers: list[dict[str, Any]],
    pass_line: Decimal | None,
    rounding: str,
    base: str,
) -> AwardRules:
    """Rules from the values of a request or a form, checked as they would be saved (422),
    so a preview refuses exactly what saving would refuse."""
    try:
        return AwardRules(
            mode=mode,  # type: ignore[arg-type]
            tiers=tuple(
                Tier(name=t["name"], share=t.get("share"), count=t.get("count")) for t in tiers
            ),
            pass_line=pass_line,
            rounding=rounding,  # type: ignore[arg-type]
            base=base,  # type: ignore[arg-type]
        )
    except AwardRuleError as error:
        raise Invalid(error.message, {error.field: [error.message]}) from error


def preview(event: Event, rules: AwardRules | None) -> Awards | None:
    """Who would get which tier under `rules` in the final's ranking as it stands; nothing
    is saved.  None without rules (places only)."""
    if rules is None:
        return None
    return assign_awards(rules, round_results(event, event.round(FINAL)).ranking.ranked)


def set_rules(
    event: Event,
    *,
    mode: str,
    tiers: list[dict[str, Any]],
    pass_line: Decimal | None,
    rounding: str,
    base: str,
    actor: User,
) -> AwardRules:
    """Replace the event's award rules.

    Allowed after certificates were issued: a certificate prints its tier, so those whose
    tier (or place) the new rules move are superseded, and the next print issues their
    replacements; the others keep their serials.
    """
    rules = build_rules(mode=mode, tiers=tiers, pass_line=pass_line, rounding=rounding, base=base)
    row = rule_row(event)
    old = None if row is None else {"mode": row.mode, "tiers": row.tiers}
    if row is None:
        row = AwardRuleSet(event_id=event.id)
        db.session.add(row)
    row.mode = rules.mode.value
    row.rounding = rules.rounding.value
    row.base = rules.base.value
    row.pass_line = rules.pass_line
    row.tiers = [_tier_json(t) for t in rules.tiers]
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    audit.record(
        "award_rules.set",
        actor,
        event_id=event.id,
        details={
            "mode": row.mode,
            "rounding": row.rounding,
            "base": row.base,
            "pass_line": None if row.pass_line is None else str(row.pass_line),
            "tiers": row.tiers,
            "previous": old,
        },
    )
    db.session.flush()
    certificate_service.supersede_stale(event, actor, "奖项规则变更")
    return rules


def clear_rules(event: Event, actor: User) -> None:
    """Give places only from now on; certificates printed with a tier are superseded."""
    row = rule_row(event)
    if row is None:
        return
    audit.record(
        "award_rules.clear",
        actor,
        event_id=event.id,
        details={"previous": {"mode": row.mode, "tiers": row.tiers}},
    )
    db.session.delete(row)
    db.session.flush()
    certificate_service.supersede_stale(event, actor, "取消奖项等级")
