"""Who gets which award tier: an event's stored award rules, applied to a ranking.  Read only.

Split from `competition.contest.services.awards` so that imports go one way.  A certificate
prints a tier, so the certificates service must read tiers (this module).  Changing the rules
supersedes the certificates whose tier moves, so `awards`, which changes them, must call the
certificates service.  With reading and changing in one module, the two imported each other.
Now the order is: tiers, then certificates, then awards.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from competition.extensions import db
from competition.models import AwardRuleSet, Event
from competition.scoring import Ranking
from competition.scoring.awards import AwardRules, Awards, Mode, Tier, assign_awards


def rule_row(event: Event) -> AwardRuleSet | None:
    """The event's stored rules as a row (for `awards` to change), None without rules."""
    return db.session.scalar(select(AwardRuleSet).where(AwardRuleSet.event_id == event.id))


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
    row = rule_row(event)
    return None if row is None else _rules_from_row(row)


def awards_for(event: Event, ranking: Ranking) -> Awards | None:
    """The tiers of a (final) ranking under the event's rules; None without rules."""
    rules = rules_for(event)
    return None if rules is None else assign_awards(rules, ranking.ranked)


def tier_names(event: Event, ranking: Ranking) -> dict[int, str]:
    """Each awarded contestant's tier name (一等奖 …) in a (final) ranking, by contestant id:
    what the certificate prints (`certificates.standings` reads it here too).  Those with no
    award, and every one of an event without rules, are left out."""
    awards = awards_for(event, ranking)
    if awards is None:
        return {}
    return {a.contestant_id: a.tier for a in awards.awards if a.tier is not None}
