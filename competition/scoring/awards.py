"""Award tiers (一等奖, 二等奖, …) from a published ranking: quotas, a pass line, rounding.

Contest rules (domain.md, "Awards") give prizes either by proportion of the field (e.g. first
10 %, second 20 %, third 30 %) or by fixed counts (e.g. 1 / 3 / 6).  A pass line (e.g. 60) is
applied before the quotas: nobody whose total is below it gets a tier, whatever the quotas
leave over.  How a proportional quota is rounded is itself part of the rules, so it is a
setting, never an accident of arithmetic:

- ``half_up`` (四舍五入, the default): 10 % of 24 = 2.4 → 2, 20 % of 24 = 4.8 → 5;
- ``floor`` (only whole places, never more than the share): 4.8 → 4;
- ``ceiling`` (never fewer than the share): 2.4 → 3.

Each tier's quota is rounded on its own (the rules state each tier's share on its own, and a
reader re-checking the list computes it that way).  The ``base`` of the proportions is another
setting: ``ranked`` (every ranked contestant of the round, 参赛人数, the default) or ``passed``
(only those at or above the pass line).

Tiers are handed out down the ranking: the first tier's quota to the best-placed eligible
contestants, the next tier's to the following ones, and so on.  There are no shared places
(不设并列名次), so a quota never splits a tie.  A quota larger than the people left simply
awards fewer; nobody is ever moved up a tier to fill one.

Pure code: ``decimal.Decimal`` and frozen dataclasses, no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from competition.scoring.marks import to_decimal
from competition.scoring.ranking import RankedEntry

__all__ = [
    "Award",
    "AwardRuleError",
    "AwardRules",
    "Awards",
    "Mode",
    "QuotaBase",
    "QuotaRounding",
    "Tier",
    "assign_awards",
    "quotas",
]

#: More tiers than this is a typo, not a contest.
MAX_TIERS = 10


class Mode(enum.StrEnum):
    PROPORTION = "proportion"  # each tier a share of the field
    COUNT = "count"  # each tier a fixed number of people


class QuotaRounding(enum.StrEnum):
    HALF_UP = "half_up"
    FLOOR = "floor"
    CEILING = "ceiling"


class QuotaBase(enum.StrEnum):
    RANKED = "ranked"  # every ranked contestant of the round
    PASSED = "passed"  # only those at or above the pass line


_ROUNDING = {
    QuotaRounding.HALF_UP: ROUND_HALF_UP,
    QuotaRounding.FLOOR: ROUND_FLOOR,
    QuotaRounding.CEILING: ROUND_CEILING,
}


class AwardRuleError(ValueError):
    """A rule set that cannot be applied; ``field`` names the setting at fault and ``message``
    says why in Chinese, so the API can answer 422 without a table of its own."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Tier:
    """One award tier: its printed name and either a ``share`` (0 < share ≤ 1) or a ``count``."""

    name: str
    share: Decimal | None = None
    count: int | None = None


@dataclass(frozen=True)
class AwardRules:
    """An event's award rules, validated when built so a bad rule fails where it is set."""

    mode: Mode
    tiers: tuple[Tier, ...]
    pass_line: Decimal | None = None
    rounding: QuotaRounding = QuotaRounding.HALF_UP
    base: QuotaBase = QuotaBase.RANKED

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", _enum(Mode, self.mode, "mode"))
        object.__setattr__(self, "rounding", _enum(QuotaRounding, self.rounding, "rounding"))
        object.__setattr__(self, "base", _enum(QuotaBase, self.base, "base"))
        object.__setattr__(self, "tiers", tuple(self.tiers))
        if self.pass_line is not None:
            line = to_decimal(self.pass_line, "pass line")
            if line < 0:
                raise AwardRuleError("pass_line", "及格线不能为负数")
            object.__setattr__(self, "pass_line", line)
        if not self.tiers:
            raise AwardRuleError("tiers", "至少需要一个奖项等级")
        if len(self.tiers) > MAX_TIERS:
            raise AwardRuleError("tiers", f"奖项等级最多 {MAX_TIERS} 个")
        names = [tier.name for tier in self.tiers]
        if any(not isinstance(n, str) or not n.strip() for n in names):
            raise AwardRuleError("tiers", "奖项名称不能为空")
        if len(set(names)) != len(names):
            raise AwardRuleError("tiers", "奖项名称重复")
        if self.mode == Mode.PROPORTION:
            self._check_shares()
        else:
            self._check_counts()

    def _check_shares(self) -> None:
        total = Decimal(0)
        for tier in self.tiers:
            if tier.share is None or tier.count is not None:
                raise AwardRuleError("tiers", "按比例评奖时每个等级须给出比例（share），不给人数")
            share = to_decimal(tier.share, f"share of {tier.name}")
            if not Decimal(0) < share <= Decimal(1):
                raise AwardRuleError("tiers", f"“{tier.name}”的比例应大于 0 且不超过 1")
            total += share
        if total > 1:
            raise AwardRuleError("tiers", f"各等级比例之和不能超过 1，现为 {total}")

    def _check_counts(self) -> None:
        for tier in self.tiers:
            if tier.count is None or tier.share is not None:
                raise AwardRuleError("tiers", "按人数评奖时每个等级须给出人数（count），不给比例")
            if isinstance(tier.count, bool) or not isinstance(tier.count, int) or tier.count < 0:
                raise AwardRuleError("tiers", f"“{tier.name}”的人数应为不小于 0 的整数")


def _enum(kind: type[enum.StrEnum], value: object, field: str) -> enum.StrEnum:
    try:
        return kind(value)
    except ValueError:
        allowed = "、".join(member.value for member in kind)
        raise AwardRuleError(field, f"{field} 应为 {allowed} 之一") from None


@dataclass(frozen=True)
class Award:
    """A ranked contestant's award: ``tier`` is the tier's name, or None for no award."""

    contestant_id: int
    rank: int
    tier: str | None


@dataclass(frozen=True)
class Awards:
    """The outcome: each tier's quota (in tier order), how many were eligible, every award."""

    quotas: tuple[int, ...]
    eligible: int
    awards: tuple[Award, ...]

    def tier_of(self, contestant_id: int) -> str | None:
        return next((a.tier for a in self.awards if a.contestant_id == contestant_id), None)


def quotas(rules: AwardRules, base_count: int) -> tuple[int, ...]:
    """Each tier's number of places for a field of ``base_count`` people, rounded as the rules
    say (proportions) or as given (counts)."""
    if isinstance(base_count, bool) or not isinstance(base_count, int) or base_count < 0:
        raise ValueError(f"base_count must be a non-negative int, got {base_count!r}")
    if rules.mode == Mode.COUNT:
        return tuple(int(tier.count or 0) for tier in rules.tiers)
    rounding = _ROUNDING[QuotaRounding(rules.rounding)]
    return tuple(
        int((Decimal(tier.share or 0) * base_count).quantize(Decimal(1), rounding=rounding))
        for tier in rules.tiers
    )


def assign_awards(rules: AwardRules, ranked: Sequence[RankedEntry]) -> Awards:
    """Award tiers down a round's ranking.

    ``ranked`` is the ranking of a round (any order; it is read by ``rank``).  Contestants
    below the pass line are not eligible; the eligible ones take the tiers' quotas in rank
    order.  Every ranked contestant appears in ``awards``, in rank order, those without a tier
    with ``tier`` None.
    """
    ordered = sorted(ranked, key=lambda entry: entry.rank)
    if len({entry.rank for entry in ordered}) != len(ordered):
        raise ValueError("ranks must be distinct (no shared places)")
    line = rules.pass_line
    eligible = [entry for entry in ordered if line is None or entry.total >= line]
    base = len(ordered) if rules.base == QuotaBase.RANKED else len(eligible)
    tier_quotas = quotas(rules, base)
    tier_by_id: dict[int, str] = {}
    position = 0
    for tier, quota in zip(rules.tiers, tier_quotas, strict=True):
        for entry in eligible[position : position + quota]:
            tier_by_id[entry.contestant_id] = tier.name
        position += quota
    return Awards(
        quotas=tier_quotas,
        eligible=len(eligible),
        awards=tuple(
            Award(entry.contestant_id, entry.rank, tier_by_id.get(entry.contestant_id))
            for entry in ordered
        ),
    )
