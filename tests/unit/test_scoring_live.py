"""`scoring.LiveRanking`: a ranking moved on entry by entry is exactly `rank_entries` of the same
entries (places, totals to the digit, what decided each place, tie notes, rulings, incomplete).

Worked examples first, then random sequences of changes with few distinct values (so that
ties, rulings, and entries becoming complete or incomplete are common)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import Component, Entry, LiveRanking, Ranking, Resolution, rank_entries

COMPONENTS = (
    Component("theory", Decimal("0.30")),
    Component("practical", Decimal("0.70")),
    Component("time_used", Decimal("0"), higher_is_better=False),
)
KEYS = tuple(c.key for c in COMPONENTS)
CHAIN = ("practical", "time_used")


def plain(ranking: Ranking) -> tuple[object, ...]:
    """Everything a ranking shows, decimals as their text (Decimal("1.0") == Decimal("1.00"),
    but the results would print them differently)."""
    return (
        [
            (
                r.rank,
                r.contestant_id,
                r.number,
                sorted((k, str(v)) for k, v in r.scores.items()),
                str(r.total),
                r.decided_by,
            )
            for r in ranking.ranked
        ],
        [(i.contestant_id, i.missing) for i in ranking.incomplete],
        ranking.unresolved_ties,
    )


def entry(cid: int, theory: str | None, practical: str | None, time: str | None) -> Entry:
    values = {"theory": theory, "practical": practical, "time_used": time}
    return Entry(cid, f"A{cid}", {k: Decimal(v) for k, v in values.items() if v is not None})


def test_a_mark_moves_one_contestant_and_everyone_between() -> None:
    entries = {
        1: entry(1, "90", "90", "30"),
        2: entry(2, "80", "80", "30"),
        3: entry(3, "70", "70", "30"),
        4: entry(4, "60", "60", "30"),
    }
    live = LiveRanking.build(list(entries.values()), COMPONENTS, CHAIN)
    moved = live.replace([entry(4, "95", "95", "30")])
    assert [r.contestant_id for r in moved.ranking.ranked] == [4, 1, 2, 3]
    assert [r.rank for r in moved.ranking.ranked] == [1, 2, 3, 4]
    entries[4] = entry(4, "95", "95", "30")
    assert plain(moved.ranking) == plain(rank_entries(list(entries.values()), COMPONENTS, CHAIN))
    # the one it came from is unchanged: rankings are shared between a worker's threads
    assert [r.contestant_id for r in live.ranking.ranked] == [1, 2, 3, 4]


def test_a_tie_forms_is_ruled_on_and_breaks_again() -> None:
    ruling = Resolution((3, 2))
    entries = [entry(1, "90", "90", "30"), entry(2, "80", "80", "30"), entry(3, "70", "70", "30")]
    live = LiveRanking.build(entries, COMPONENTS, CHAIN, [ruling])
    tied = live.replace([entry(3, "80", "80", "30")])
    assert [(r.contestant_id, r.decided_by) for r in tied.ranking.ranked] == [
        (1, None),
        (3, None),
        (2, "resolution"),
    ]
    assert tied.ranking.unresolved_ties == ()
    apart = tied.replace([entry(2, "80", "80", "29")])  # less time used: the chain decides
    assert [(r.contestant_id, r.decided_by) for r in apart.ranking.ranked] == [
        (1, None),
        (2, None),
        (3, "time_used"),
    ]


def test_an_unresolved_tie_below_a_change_keeps_its_note_and_moves_down() -> None:
    entries = [entry(1, "90", "90", "30"), entry(2, "70", "70", "30"), entry(3, "70", "70", "30")]
    assert LiveRanking.build(entries, COMPONENTS, CHAIN).ranking.unresolved_ties == ((2, 3),)
    with_fourth = LiveRanking.build([*entries, entry(4, None, None, None)], COMPONENTS, CHAIN)
    assert [i.contestant_id for i in with_fourth.ranking.incomplete] == [4]
    done = with_fourth.replace([entry(4, "95", "95", "30")])
    assert [r.contestant_id for r in done.ranking.ranked] == [4, 1, 2, 3]
    assert done.ranking.unresolved_ties == ((2, 3),)
    assert done.ranking.incomplete == ()
    undone = done.replace([entry(1, None, "90", "30")])
    assert [r.contestant_id for r in undone.ranking.ranked] == [4, 2, 3]
    assert [(i.contestant_id, i.missing) for i in undone.ranking.incomplete] == [(1, ("theory",))]


def test_only_contestants_already_ranked_can_be_replaced() -> None:
    live = LiveRanking.build([entry(1, "90", "90", "30")], COMPONENTS, CHAIN)
    with pytest.raises(KeyError):
        live.replace([entry(2, "90", "90", "30")])
    with pytest.raises(ValueError, match="twice"):
        live.replace([entry(1, "90", "90", "30"), entry(1, "80", "80", "30")])
    with pytest.raises(ValueError, match="twice"):
        LiveRanking.build([entry(1, "90", "90", "30")] * 2, COMPONENTS, CHAIN)


# --- properties --------------------------------------------------------------------------------

score_values = st.sampled_from([None, *(Decimal(v) for v in ("70", "76", "80", "90", "90.004"))])
time_values = st.sampled_from([None, Decimal("30"), Decimal("40"), Decimal("40.001")])
numbers = st.sampled_from(["A1", "A2", "A9", "A10", "B1", "07", "7", ""])


@st.composite
def scores(draw: st.DrawFn) -> dict[str, Decimal | None]:
    return {
        "theory": draw(score_values),
        "practical": draw(score_values),
        "time_used": draw(time_values),
    }


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Entry], list[list[Entry]]]:
    """Entries, then a sequence of changes: each a few contestants' new scores."""
    count = draw(st.integers(1, 14))
    ids = draw(st.lists(st.integers(1, 500), min_size=count, max_size=count, unique=True))
    number = {cid: draw(numbers) for cid in ids}
    first = [Entry(cid, number[cid], draw(scores())) for cid in ids]
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        changed = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        steps.append([Entry(cid, number[cid], draw(scores())) for cid in changed])
    return first, steps


@settings(max_examples=300, deadline=None)
@given(histories(), st.lists(st.sampled_from(KEYS), max_size=3, unique=True), st.data())
def test_moved_on_equals_ranked_afresh(
    history: tuple[list[Entry], list[list[Entry]]], chain: list[str], data: st.DataObject
) -> None:
    first, steps = history
    # Rulings on tie groups that some state of the history has (so rulings often apply, and
    # stop applying), plus a random one that mostly matches nothing.
    groups: set[tuple[int, ...]] = set()
    current = {e.contestant_id: e for e in first}
    for step in [[], *steps]:
        current.update({e.contestant_id: e for e in step})
        groups.update(rank_entries(list(current.values()), COMPONENTS, chain).unresolved_ties)
    rulings = [
        Resolution(tuple(data.draw(st.permutations(group))))
        for group in sorted(groups)
        if data.draw(st.booleans())
    ]
    ids = [e.contestant_id for e in first]
    if len(ids) >= 2:
        rulings.append(Resolution(tuple(data.draw(st.permutations(ids))[:2])))
    rulings = data.draw(st.permutations(rulings))

    live = LiveRanking.build(first, COMPONENTS, chain, rulings)
    current = {e.contestant_id: e for e in first}
    assert plain(live.ranking) == plain(rank_entries(first, COMPONENTS, chain, rulings))
    for step in steps:
        live = live.replace(step)
        current.update({e.contestant_id: e for e in step})
        expected = rank_entries(list(current.values()), COMPONENTS, chain, rulings)
        assert plain(live.ranking) == plain(expected)
        assert live.ranking == expected


def test_scores_come_out_in_component_order_whatever_order_they_came_in() -> None:
    """A database's grouped query returns a contestant's components in no set order; the
    results must print them in one order, or a ranking moved on and one worked out afresh
    would differ in their bytes."""
    scores = {"time_used": Decimal("30"), "theory": Decimal("80"), "practical": Decimal("90")}
    ranked = rank_entries([Entry(1, "A1", scores)], COMPONENTS, CHAIN).ranked[0]
    assert list(ranked.scores) == list(KEYS)
    live = LiveRanking.build([Entry(1, "A1", dict(reversed(scores.items())))], COMPONENTS)
    assert list(live.replace([Entry(1, "A1", scores)]).ranking.ranked[0].scores) == list(KEYS)
