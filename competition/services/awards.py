"""An event's award rules: stored rows in, `competition.scoring.awards` decides the tiers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from competition.errors import Conflict, Invalid
from competition.extensions import db
from competition.models import AwardRuleSet, Certificate, Event, User
from competition.models.types import utcnow
from competition.scoring import Ranking
from competition.scoring.awards import (
    AwardRuleError,
    AwardRules,
    Awards,
    Mode,
    Tier,
    assign_awards,
)
from competition.services import audit


def _row(event: Event) -> AwardRuleSet | None:
    return db.session.scalar(select(AwardRuleSet).where(AwardRuleSet.event_id == event.id))


def _tier_json(tier: Tier) -> dict[str, Any]:
    if tier.share is not None:
        return {"name": tier.name, "share": str(tier.share)}
    return {"name": tier.name, "count": tier.count}


def _rules_from_row(row: AwardRuleSet) -> AwardRules:
    tiers = tuple(
        Tier(
            name=t["name"],
            share=Decimal(t["share"]) if t.get("share") is not None else None,
            count=t.get("count"),
        )
        for t in row.tiers
    )
    return AwardRules(
        mode=Mode(row.mode),
        tiers=tiers,
        pass_line=row.pass_line,
        rounding=row.rounding,  # type: ignore[arg-type]
        base=row.base,  # type: ignore[arg-type]
    )


def rules_for(event: Event) -> AwardRules | None:
    """The event's award rules, or None where the event gives places only."""
    row = _row(event)
    return None if row is None else _rules_from_row(row)


def awards_for(event: Event, ranking: Ranking) -> Awards | None:
    """The tiers of a (final) ranking under the event's rules; None without rules."""
    rules = rules_for(event)
    return None if rules is None else assign_awards(rules, ranking.ranked)


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
    """Replace the event's award rules; refused once a certificate of the event exists.

    Why locked then: a certificate prints its tier, and its serial promises that the paper
    and the record agree.  Rules changed afterwards would make the two disagree silently.
    """
    try:
        rules = AwardRules(
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
    issued = db.session.scalar(
        select(Certificate.id).where(Certificate.event_id == event.id).limit(1)
    )
    if issued is not None:
        raise Conflict("本赛项已颁发证书，奖项规则不能再修改")
    row = _row(event)
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
    return rules
