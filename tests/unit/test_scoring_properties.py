"""Property-based tests of the scoring rules, against exact rational oracles where possible."""

from __future__ import annotations

import itertools
import math
import random
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import (
    Component,
    Entry,
    MarkSummary,
    Ranking,
    Resolution,
    aggregate_hundredths,
    aggregate_marks,
    aggregate_summary,
    rank_entries,
    round_half_up,
    weighted_total,
)

SETTINGS = settings(max_examples=200, deadline=None)

COMPONENTS = (
    Component("theory", Decimal("0.30")),
    Component("practical", Decimal("0.70")),
    Component("time_used", Decimal("0"), higher_is_better=False),
)
KEYS = tuple(c.key for c in COMPONENTS)


def half_up_oracle(value: Fraction, places: int = 2) -> Decimal:
    """Half-up (away from zero) rounding of an exact rational, by integer arithmetic."""
    scaled = abs(value) * 10**places
    magnitude = math.floor(scaled + Fraction(1, 2))
    sign = -1 if value < 0 else 1
    return Decimal(sign * magnitude).scaleb(-places)


def decimals(places: int, low: int = 0, high: int = 100) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] with up to ``places`` decimal places."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda i: Decimal(i).scaleb(-places))


any_marks = st.integers(0, 4).flatmap(decimals)
two_place = decimals(2)


# --- rounding and aggregation ---------------------------------------------------------------


@SETTINGS
@given(st.integers(0, 6).flatmap(lambda p: decimals(p, -1000, 1000)), st.integers(0, 4))
def test_round_half_up_matches_oracle(value: Decimal, places: int) -> None:
    result = round_half_up(value, places)
    assert result == half_up_oracle(Fraction(value), places)
    assert result.as_tuple().exponent == -places


@SETTINGS
@given(st.lists(any_marks, min_size=1, max_size=9), st.integers(3, 7))
def test_aggregate_matches_exact_oracle(marks: list[Decimal], trim_from: int) -> None:
    kept = sorted(marks)[1:-1] if len(marks) >= trim_from else marks
    expected = half_up_oracle(sum(map(Fraction, kept), Fraction(0)) / len(kept))
    result = aggregate_marks(marks, trim_from)
    assert result == expected
    assert result.as_tuple().exponent == -2


@SETTINGS
@given(st.lists(two_place, min_size=1, max_size=9))
def test_aggregate_lies_between_min_and_max(marks: list[Decimal]) -> None:
    assert min(marks) <= aggregate_marks(marks) <= max(marks)


@SETTINGS
@given(st.lists(any_marks, min_size=1, max_size=9))
def test_aggregate_between_rounded_extremes_for_any_places(marks: list[Decimal]) -> None:
    result = aggregate_marks(marks)
    assert round_half_up(min(marks)) <= result <= round_half_up(max(marks))


@SETTINGS
@given(st.lists(two_place, min_size=5, max_size=9), two_place, two_place)
def test_trimming_drops_exactly_one_highest_and_one_lowest(
    middle: list[Decimal], low_shift: Decimal, high_shift: Decimal
) -> None:
    # Outliers of any size, however many equal extremes: exactly one of each end is dropped,
    # so the result is the mean of the sorted marks without their first and last.
    marks = [*middle, min(middle) - low_shift, max(middle) + high_shift]
    ordered = sorted(marks)
    expected = half_up_oracle(sum(map(Fraction, ordered[1:-1]), Fraction(0)) / (len(marks) - 2))
    assert aggregate_marks(marks) == expected
    # Moving the extremes further out changes nothing.
    pushed = [*ordered[1:-1], ordered[0] - 1000, ordered[-1] + 1000]
    assert aggregate_marks(pushed) == aggregate_marks(marks)


@SETTINGS
@given(st.lists(two_place, min_size=1, max_size=4))
def test_below_trim_from_is_plain_mean(marks: list[Decimal]) -> None:
    expected = half_up_oracle(sum(map(Fraction, marks), Fraction(0)) / len(marks))
    assert aggregate_marks(marks) == expected


@SETTINGS
@given(any_marks, any_marks)
def test_weighted_total_matches_oracle(theory: Decimal, practical: Decimal) -> None:
    rounded = {"theory": round_half_up(theory), "practical": round_half_up(practical)}
    exact = Fraction(3, 10) * Fraction(rounded["theory"]) + Fraction(7, 10) * Fraction(
        rounded["practical"]
    )
    result = weighted_total({"theory": theory, "practical": practical}, COMPONENTS)
    assert result == half_up_oracle(exact)
    assert result.as_tuple().exponent == -2


# --- ranking ---------------------------------------------------------------------------------

# Few distinct values, so that equal totals and tie-break ties are common.
score_values = st.sampled_from([Decimal(v) for v in ("70", "76", "80", "86", "90", "90.004")])
time_values = st.sampled_from([Decimal(v) for v in ("30", "40", "40.001")])
numbers = st.sampled_from(["A1", "A2", "A9", "A10", "B1", "07", "7", ""])


@st.composite
def entry_lists(draw: st.DrawFn, allow_missing: bool = True) -> list[Entry]:
    count = draw(st.integers(0, 12))
    ids = draw(st.lists(st.integers(1, 500), min_size=count, max_size=count, unique=True))
    entries = []
    for cid in ids:
        scores = {
            "theory": draw(score_values),
            "practical": draw(score_values),
            "time_used": draw(time_values),
        }
        if allow_missing and draw(st.integers(0, 9)) == 0:
            del scores[draw(st.sampled_from(KEYS))]
        entries.append(Entry(cid, draw(numbers), scores))
    return entries


tie_break_chains = st.lists(st.sampled_from(KEYS), max_size=3, unique=True)


@st.composite
def resolutions_for(draw: st.DrawFn, entries: list[Entry], chain: list[str]) -> list[Resolution]:
    """Rulings: on some of the actual tie groups (shuffled), plus some over random subsets.

    Ruling on real groups makes "resolution" common in the examples; random subsets mostly
    match no group, like rulings made before marks were corrected.
    """
    ids = [e.contestant_id for e in entries]
    groups = rank_entries(entries, COMPONENTS, chain).unresolved_ties
    rulings = [
        Resolution(tuple(draw(st.permutations(group)))) for group in groups if draw(st.booleans())
    ]
    if len(ids) >= 2:
        subsets = st.lists(st.sampled_from(ids), min_size=2, max_size=len(ids), unique=True)
        rulings += [Resolution(tuple(order)) for order in draw(st.lists(subsets, max_size=2))]
    return draw(st.permutations(rulings))


def positions(ranking: Ranking) -> dict[int, int]:
    return {r.contestant_id: r.rank for r in ranking.ranked}


@SETTINGS
@given(entry_lists(), tie_break_chains, st.data())
def test_ranks_are_a_permutation(
    entries: list[Entry], chain: list[str], data: st.DataObject
) -> None:
    resolutions = data.draw(resolutions_for(entries, chain))
    ranking = rank_entries(entries, COMPONENTS, chain, resolutions)
    assert [r.rank for r in ranking.ranked] == list(range(1, len(ranking.ranked) + 1))
    ranked_ids = [r.contestant_id for r in ranking.ranked]
    incomplete_ids = [i.contestant_id for i in ranking.incomplete]
    assert sorted(ranked_ids + incomplete_ids) == sorted(e.contestant_id for e in entries)
    if ranking.ranked:
        assert ranking.ranked[0].decided_by is None
    for group in ranking.unresolved_ties:
        assert list(group) == sorted(group)
        assert len(group) >= 2
        members = [r for r in ranking.ranked if r.contestant_id in group]
        # members of an unresolved group are consecutive and carry no decided_by among them
        ranks = sorted(r.rank for r in members)
        assert ranks == list(range(ranks[0], ranks[0] + len(group)))
        assert all(r.decided_by is None for r in members if r.rank != ranks[0])


@SETTINGS
@given(entry_lists(), tie_break_chains, st.data())
def test_higher_total_never_ranks_lower(
    entries: list[Entry], chain: list[str], data: st.DataObject
) -> None:
    resolutions = data.draw(resolutions_for(entries, chain))
    ranked = rank_entries(entries, COMPONENTS, chain, resolutions).ranked
    for above, below in itertools.pairwise(ranked):
        assert above.total >= below.total
        if above.total != below.total:
            assert below.decided_by is None


@SETTINGS
@given(entry_lists(), tie_break_chains, st.sampled_from(KEYS))
def test_adding_a_tie_break_keeps_the_order_it_does_not_separate(
    entries: list[Entry], chain: list[str], extra: str
) -> None:
    before = rank_entries(entries, COMPONENTS, chain)
    after = rank_entries(entries, COMPONENTS, [*chain, extra])
    rank_before, rank_after = positions(before), positions(after)
    scores = {r.contestant_id: r.scores for r in before.ranked}
    for a, b in itertools.combinations(rank_before, 2):
        if scores[a][extra] == scores[b][extra]:
            assert (rank_before[a] < rank_before[b]) == (rank_after[a] < rank_after[b])


@SETTINGS
@given(entry_lists(), tie_break_chains, st.data())
def test_input_order_does_not_matter(
    entries: list[Entry], chain: list[str], data: st.DataObject
) -> None:
    resolutions = data.draw(resolutions_for(entries, chain))
    shuffled = data.draw(st.permutations(entries))
    first = rank_entries(entries, COMPONENTS, chain, resolutions)
    second = rank_entries(shuffled, COMPONENTS, chain, resolutions)
    assert first == second
    assert [dict(r.scores) for r in first.ranked] == [dict(r.scores) for r in second.ranked]


@SETTINGS
@given(entry_lists(allow_missing=False), tie_break_chains, st.randoms(use_true_random=False))
def test_ruling_every_group_resolves_everything(
    entries: list[Entry], chain: list[str], rnd: random.Random
) -> None:
    unresolved = rank_entries(entries, COMPONENTS, chain)
    rulings = []
    for group in unresolved.unresolved_ties:
        order = list(group)
        rnd.shuffle(order)
        rulings.append(Resolution(tuple(order)))
    resolved = rank_entries(entries, COMPONENTS, chain, rulings)
    assert resolved.unresolved_ties == ()
    rank = positions(resolved)
    for ruling in rulings:
        ranks = [rank[cid] for cid in ruling.order]
        assert ranks == list(range(ranks[0], ranks[0] + len(ranks)))
        assert [resolved.ranked[r - 1].decided_by for r in ranks[1:]] == ["resolution"] * (
            len(ranks) - 1
        )
    # contestants outside any group keep their places
    tied = {cid for group in unresolved.unresolved_ties for cid in group}
    before = positions(unresolved)
    assert {c: r for c, r in before.items() if c not in tied} == {
        c: r for c, r in rank.items() if c not in tied
    }


@given(st.lists(decimals(2, 0, 600), min_size=1, max_size=9), st.integers(3, 7))
@settings(max_examples=300, deadline=None)
def test_a_summary_as_a_database_computes_it_gives_the_same_score(
    marks: list[Decimal], trim_from: int
) -> None:
    """The ranking service lets the database sum, count and find the extremes of the marks;
    the rule applied to that summary must equal the rule applied to the marks themselves."""
    summary = MarkSummary(
        count=len(marks), total=sum(marks, Decimal(0)), lowest=min(marks), highest=max(marks)
    )
    kept = sorted(marks)[1:-1] if len(marks) >= trim_from else marks
    expected = half_up_oracle(sum(map(Fraction, kept), Fraction(0)) / len(kept))
    assert aggregate_summary(summary, trim_from) == expected == aggregate_marks(marks, trim_from)
    hundredths = [int(m.scaleb(2)) for m in marks]
    in_hundredths = aggregate_hundredths(
        len(marks), sum(hundredths), min(hundredths), max(hundredths), trim_from
    )
    assert in_hundredths == expected
    assert str(in_hundredths) == str(expected.quantize(Decimal("0.01")))  # exactly 2 places
