"""Award tiers (competition.scoring.awards): worked examples and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import Component, Entry, rank_entries
from competition.scoring.awards import (
    AwardRuleError,
    AwardRules,
    Mode,
    QuotaBase,
    QuotaRounding,
    Tier,
    assign_awards,
    quotas,
)

D = Decimal
COMPONENTS = (Component("theory", D("0.30")), Component("practical", D("0.70")))
TEN_TWENTY_THIRTY = (
    Tier("一等奖", share=D("0.10")),
    Tier("二等奖", share=D("0.20")),
    Tier("三等奖", share=D("0.30")),
)


def ranking(totals: list[str]):
    """A ranking in which contestant i (from 1) has both scores, hence the total, totals[i-1]."""
    entries = [
        Entry(i, f"{i:03d}", {"theory": D(t), "practical": D(t)})
        for i, t in enumerate(totals, start=1)
    ]
    return rank_entries(entries, COMPONENTS, ("practical",)).ranked


def tiers_by_rank(rules: AwardRules, totals: list[str]) -> list[str | None]:
    return [a.tier for a in assign_awards(rules, ranking(totals)).awards]


# --- worked examples ----------------------------------------------------------------------------


def test_quota_rounding_is_a_setting() -> None:
    # 24 finalists, 10 / 20 / 30 %: 2.4, 4.8 and 7.2 places.
    half_up = AwardRules(Mode.PROPORTION, TEN_TWENTY_THIRTY)
    floor = AwardRules(Mode.PROPORTION, TEN_TWENTY_THIRTY, rounding=QuotaRounding.FLOOR)
    ceiling = AwardRules(Mode.PROPORTION, TEN_TWENTY_THIRTY, rounding=QuotaRounding.CEILING)
    assert quotas(half_up, 24) == (2, 5, 7)
    assert quotas(floor, 24) == (2, 4, 7)
    assert quotas(ceiling, 24) == (3, 5, 8)
    # Exactly half a place rounds up under half-up: 5 % of 10 = 0.5 → 1.
    assert quotas(AwardRules(Mode.PROPORTION, (Tier("一等奖", share=D("0.05")),)), 10) == (1,)


def test_proportions_down_the_ranking() -> None:
    rules = AwardRules(Mode.PROPORTION, TEN_TWENTY_THIRTY)
    totals = [str(100 - i) for i in range(10)]  # 100, 99, …, 91
    assert tiers_by_rank(rules, totals) == [
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        "三等奖",
        None,
        None,
        None,
        None,
    ]


def test_pass_line_comes_before_the_quotas() -> None:
    rules = AwardRules(Mode.PROPORTION, TEN_TWENTY_THIRTY, pass_line=D("60"))
    totals = ["90", "80", "70", "61", "60.00", "59.99", "50", "40", "30", "20"]
    # Quotas of 10 ranked: 1, 2, 3; only the first five are at or above 60.
    assert tiers_by_rank(rules, totals) == [
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        None,
        None,
        None,
        None,
        None,
    ]
    outcome = assign_awards(rules, ranking(totals))
    assert (outcome.quotas, outcome.eligible) == ((1, 2, 3), 5)


def test_quota_base_passed_counts_only_those_above_the_line() -> None:
    rules = AwardRules(
        Mode.PROPORTION,
        (Tier("一等奖", share=D("0.5")),),
        pass_line=D("60"),
        base=QuotaBase.PASSED,
    )
    outcome = assign_awards(rules, ranking(["90", "80", "70", "10", "10.5", "11"]))
    assert outcome.quotas == (2,)  # half of the 3 who passed, rounded half-up
    assert [a.tier for a in outcome.awards] == ["一等奖", "一等奖", None, None, None, None]


def test_fixed_counts() -> None:
    rules = AwardRules(
        Mode.COUNT,
        (Tier("一等奖", count=1), Tier("二等奖", count=3), Tier("三等奖", count=6)),
        pass_line=D("60"),
    )
    totals = ["95", "90", "85", "80", "75", "70", "65", "55"]
    assert tiers_by_rank(rules, totals) == [
        "一等奖",
        "二等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        "三等奖",
        None,
    ]


def test_a_tie_on_the_total_is_never_split_by_sharing_a_tier() -> None:
    # Equal totals are ordered by practical (tie-break); the quota of 1 goes to one of them.
    entries = [
        Entry(1, "001", {"theory": D("90"), "practical": D("80")}),  # 83.00
        Entry(2, "002", {"theory": D("76"), "practical": D("86")}),  # 83.00, better practical
    ]
    ranked = rank_entries(entries, COMPONENTS, ("practical",)).ranked
    rules = AwardRules(Mode.COUNT, (Tier("一等奖", count=1),))
    awards = assign_awards(rules, ranked).awards
    assert [(a.contestant_id, a.rank, a.tier) for a in awards] == [(2, 1, "一等奖"), (1, 2, None)]


def test_empty_ranking() -> None:
    outcome = assign_awards(AwardRules(Mode.PROPORTION, TEN_TWENTY_THIRTY), ())
    assert (outcome.quotas, outcome.eligible, outcome.awards) == ((0, 0, 0), 0, ())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mode": "lottery", "tiers": TEN_TWENTY_THIRTY}, "mode"),
        ({"mode": "proportion", "tiers": ()}, "tiers"),
        ({"mode": "proportion", "tiers": (Tier("一等奖", share=D("0")),)}, "tiers"),
        ({"mode": "proportion", "tiers": (Tier("一等奖", share=D("1.01")),)}, "tiers"),
        ({"mode": "proportion", "tiers": (Tier("一等奖", count=3),)}, "tiers"),
        (
            {
                "mode": "proportion",
                "tiers": (Tier("一等奖", share=D("0.6")), Tier("二等奖", share=D("0.5"))),
            },
            "tiers",
        ),
        ({"mode": "count", "tiers": (Tier("一等奖", share=D("0.1")),)}, "tiers"),
        ({"mode": "count", "tiers": (Tier("一等奖", count=-1),)}, "tiers"),
        ({"mode": "count", "tiers": (Tier("一等奖", count=1), Tier("一等奖", count=2))}, "tiers"),
        ({"mode": "count", "tiers": (Tier(" ", count=1),)}, "tiers"),
        ({"mode": "count", "tiers": (Tier("一等奖", count=1),), "pass_line": D("-1")}, "pass_line"),
        ({"mode": "count", "tiers": (Tier("一等奖", count=1),), "rounding": "up"}, "rounding"),
        ({"mode": "count", "tiers": (Tier("一等奖", count=1),), "base": "all"}, "base"),
    ],
)
def test_bad_rules_are_refused_where_they_are_set(kwargs, field) -> None:
    with pytest.raises(AwardRuleError) as info:
        AwardRules(**kwargs)
    assert info.value.field == field
    assert info.value.message


def test_float_shares_are_refused() -> None:
    with pytest.raises(TypeError):
        AwardRules(Mode.PROPORTION, (Tier("一等奖", share=0.1),))  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------------

SETTINGS = settings(max_examples=200, deadline=None)

scores = st.integers(0, 10000).map(lambda i: Decimal(i).scaleb(-2))
fields = st.lists(st.tuples(scores, scores), max_size=40)
shares = st.integers(1, 60).map(lambda i: Decimal(i).scaleb(-2))


@st.composite
def award_rules(draw: st.DrawFn) -> AwardRules:
    mode = draw(st.sampled_from(Mode))
    size = draw(st.integers(1, 4))
    if mode == Mode.PROPORTION:
        parts = draw(st.lists(shares, min_size=size, max_size=size))
        while sum(parts) > 1:
            parts = [p / 2 for p in parts]
        tiers = tuple(Tier(f"T{i}", share=p) for i, p in enumerate(parts))
    else:
        counts = draw(st.lists(st.integers(0, 15), min_size=size, max_size=size))
        tiers = tuple(Tier(f"T{i}", count=c) for i, c in enumerate(counts))
    pass_line = draw(st.none() | scores)
    return AwardRules(
        mode,
        tiers,
        pass_line=pass_line,
        rounding=draw(st.sampled_from(QuotaRounding)),
        base=draw(st.sampled_from(QuotaBase)),
    )


def _ranked(field: list[tuple[Decimal, Decimal]]):
    entries = [
        Entry(i, f"{i:03d}", {"theory": t, "practical": p})
        for i, (t, p) in enumerate(field, start=1)
    ]
    return rank_entries(entries, COMPONENTS, ("practical",)).ranked


@SETTINGS
@given(award_rules(), fields)
def test_tiers_are_monotone_in_rank(rules: AwardRules, field) -> None:
    order = {tier.name: i for i, tier in enumerate(rules.tiers)}
    awards = assign_awards(rules, _ranked(field)).awards
    levels = [order[a.tier] if a.tier is not None else len(order) for a in awards]
    assert levels == sorted(levels)
    assert [a.rank for a in awards] == list(range(1, len(awards) + 1))


@SETTINGS
@given(award_rules(), fields)
def test_counts_never_exceed_quotas(rules: AwardRules, field) -> None:
    outcome = assign_awards(rules, _ranked(field))
    for tier, quota in zip(rules.tiers, outcome.quotas, strict=True):
        assert sum(1 for a in outcome.awards if a.tier == tier.name) <= quota
    awarded = sum(1 for a in outcome.awards if a.tier is not None)
    assert awarded == min(sum(outcome.quotas), outcome.eligible)


@SETTINGS
@given(award_rules(), fields)
def test_nobody_below_the_pass_line_gets_a_tier(rules: AwardRules, field) -> None:
    ranked = _ranked(field)
    total = {entry.contestant_id: entry.total for entry in ranked}
    for award in assign_awards(rules, ranked).awards:
        if award.tier is not None and rules.pass_line is not None:
            assert total[award.contestant_id] >= rules.pass_line


@SETTINGS
@given(award_rules(), st.integers(0, 500))
def test_quota_rounding_brackets_the_exact_share(rules: AwardRules, size: int) -> None:
    if rules.mode != Mode.PROPORTION:
        return
    for tier, quota in zip(rules.tiers, quotas(rules, size), strict=True):
        exact = tier.share * size
        assert abs(quota - exact) <= 1
        if rules.rounding == QuotaRounding.FLOOR:
            assert quota <= exact < quota + 1
        elif rules.rounding == QuotaRounding.CEILING:
            assert quota - 1 < exact <= quota
        else:
            assert quota - D("0.5") <= exact < quota + D("0.5")


@SETTINGS
@given(award_rules(), fields)
def test_outcome_does_not_depend_on_input_order(rules: AwardRules, field) -> None:
    ranked = _ranked(field)
    assert assign_awards(rules, ranked) == assign_awards(rules, tuple(reversed(ranked)))
