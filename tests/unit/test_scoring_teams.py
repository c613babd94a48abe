"""Team results (团体成绩), the rule alone: worked examples, refusals and properties."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import RankedTeam, TeamEntry, UnrankedTeam, rank_teams

SETTINGS = settings(max_examples=300, deadline=None)


def entries(*rows: tuple[int, int, str]) -> list[TeamEntry]:
    """(unit, contestant, total) rows in individual order: places 1, 2, 3, … as listed."""
    return [
        TeamEntry(unit_id=unit, contestant_id=cid, total=Decimal(total), rank=place)
        for place, (unit, cid, total) in enumerate(rows, 1)
    ]


# --- worked examples --------------------------------------------------------------------------


def test_the_sum_of_the_best_three_is_exact():
    ranking = rank_teams(
        entries((1, 11, "83.33"), (2, 21, "81.50"), (1, 12, "80.00"), (1, 13, "79.99"),
                (2, 22, "79.00"), (2, 23, "78.00"), (1, 14, "10.00")),
        3,
    )  # fmt: skip
    assert ranking.ranked == (
        RankedTeam(1, 1, Decimal("243.32"), (11, 12, 13), (1, 3, 4)),
        RankedTeam(2, 2, Decimal("238.50"), (21, 22, 23), (2, 5, 6)),
    )
    assert str(ranking.ranked[0].total) == "243.32"  # not 243.31999…
    assert ranking.unranked == ()
    assert ranking.team_size == 3


def test_equal_team_totals_are_ordered_by_the_units_best_place():
    # Unit 2 has the better best place (1st) and ranks first though unit 1 was listed first.
    ranking = rank_teams(
        entries((2, 21, "90.00"), (1, 11, "85.00"), (1, 12, "85.00"), (2, 22, "80.00")),
        2,
    )
    assert [(t.rank, t.unit_id, t.total) for t in ranking.ranked] == [
        (1, 2, Decimal("170.00")),
        (2, 1, Decimal("170.00")),
    ]
    assert ranking.ranked[0].best_place == 1 and ranking.ranked[1].best_place == 2


def test_equal_totals_with_the_better_place_on_the_other_side():
    # Same sums again, now unit 1 holds 1st place: it ranks first.
    ranking = rank_teams(
        entries((1, 11, "90.00"), (2, 21, "85.00"), (2, 22, "85.00"), (1, 12, "80.00")),
        2,
    )
    assert [t.unit_id for t in ranking.ranked] == [1, 2]


def test_a_unit_with_two_finalists_when_three_count_is_unranked_with_the_reason():
    ranking = rank_teams(
        entries((1, 11, "95.00"), (1, 12, "94.00"), (2, 21, "60.00"), (2, 22, "59.00"),
                (2, 23, "58.00")),
        3,
    )  # fmt: skip
    assert [t.unit_id for t in ranking.ranked] == [2]
    assert ranking.ranked[0].rank == 1
    assert ranking.unranked == (UnrankedTeam(unit_id=1, ranked=2, needed=3),)
    assert ranking.unranked[0].reason == "决赛排名的选手 2 名，少于团体成绩计入的 3 名"
    assert ranking.unranked[0].params == {"ranked": 2, "needed": 3}


def test_a_unit_named_without_any_ranked_finalist_is_unranked_with_none():
    ranking = rank_teams(entries((1, 11, "80.00")), 1, units=[3, 1])
    assert [t.unit_id for t in ranking.ranked] == [1]
    assert ranking.unranked == (UnrankedTeam(unit_id=3, ranked=0, needed=1),)


def test_only_the_best_team_size_count_and_members_follow_the_places():
    ranking = rank_teams(
        entries((1, 13, "90.00"), (1, 11, "88.00"), (1, 12, "87.00"), (1, 14, "86.00")), 2
    )
    (team,) = ranking.ranked
    assert team.members == (13, 11) and team.total == Decimal("178.00")


def test_nothing_to_rank():
    ranking = rank_teams([], 3)
    assert ranking.ranked == () and ranking.unranked == ()


def test_the_order_of_the_input_does_not_matter():
    rows = entries((1, 11, "90.00"), (2, 21, "85.00"), (2, 22, "85.00"), (1, 12, "80.00"))
    assert rank_teams(rows, 2) == rank_teams(list(reversed(rows)), 2)


@pytest.mark.parametrize(
    ("rows", "team_size", "error", "words"),
    [
        (entries((1, 11, "90")), 0, ValueError, "at least 1"),
        (entries((1, 11, "90")), True, TypeError, "team_size"),
        ([TeamEntry(1, 11, Decimal(90), 1), TeamEntry(1, 12, Decimal(80), 1)], 2, ValueError,
         "place 1 is given twice"),
        ([TeamEntry(1, 11, Decimal(90), 1), TeamEntry(2, 11, Decimal(80), 2)], 2, ValueError,
         "entered twice"),
        ([TeamEntry(1, 11, Decimal(80), 1), TeamEntry(1, 12, Decimal(90), 2)], 2, ValueError,
         "places must follow the totals"),
        ([TeamEntry(1, 11, 90.0, 1)], 1, TypeError, "Decimal"),  # type: ignore[arg-type]
        ([TeamEntry(1, 11, Decimal("NaN"), 1)], 1, TypeError, "Decimal"),
        ([TeamEntry(1, 11, Decimal(90), 0)], 1, ValueError, "not a place"),
    ],
)  # fmt: skip
def test_inputs_that_would_make_the_rule_lie_are_refused(rows, team_size, error, words):
    with pytest.raises(error, match=words):
        rank_teams(rows, team_size)


# --- properties -------------------------------------------------------------------------------

totals = st.integers(0, 10000).map(lambda i: Decimal(i).scaleb(-2))


@st.composite
def finals(draw: st.DrawFn) -> tuple[list[TeamEntry], int, list[int]]:
    """A final's ranking as the individual rule makes it: totals drawn (ties likely), places
    1..n by total with equal totals in any order, people in up to 6 units; a team size; and
    units that have finalists without a ranked one."""
    people = draw(st.lists(st.tuples(st.integers(1, 6), totals), max_size=30))
    seed = draw(st.integers(0, 2**32 - 1))
    order = list(range(len(people)))
    random.Random(seed).shuffle(order)  # the tie-break chain, as far as the teams can tell
    order.sort(key=lambda i: -people[i][1])
    rows = [
        TeamEntry(unit_id=people[i][0], contestant_id=100 + i, total=people[i][1], rank=place)
        for place, i in enumerate(order, 1)
    ]
    draw(st.randoms()).shuffle(rows)  # the input order is nobody's business
    extra = draw(st.lists(st.integers(1, 8), max_size=4))
    return rows, draw(st.integers(1, 5)), extra


@SETTINGS
@given(finals())
def test_ranks_are_one_to_n_each_once(final):
    rows, size, extra = final
    ranking = rank_teams(rows, size, extra)
    assert [t.rank for t in ranking.ranked] == list(range(1, len(ranking.ranked) + 1))


@SETTINGS
@given(finals())
def test_team_totals_are_the_sums_of_the_best_team_size_totals(final):
    rows, size, extra = final
    by_unit: dict[int, list[TeamEntry]] = defaultdict(list)
    for row in rows:
        by_unit[row.unit_id].append(row)
    ranking = rank_teams(rows, size, extra)
    for team in ranking.ranked:
        people = by_unit[team.unit_id]
        # Oracle: the largest totals, whoever holds them (equal totals sum the same).
        best_totals = sorted((p.total for p in people), reverse=True)[:size]
        assert team.total == sum(best_totals, Decimal(0))
        best_places = sorted(people, key=lambda p: p.rank)[:size]
        assert team.members == tuple(p.contestant_id for p in best_places)
        assert team.member_places == tuple(p.rank for p in best_places)
        assert team.total.as_tuple().exponent >= -2  # exact: no digits beyond the inputs'


@SETTINGS
@given(finals())
def test_the_order_is_by_total_then_best_place(final):
    rows, size, extra = final
    ranked = rank_teams(rows, size, extra).ranked
    for above, below in pairwise(ranked):
        assert above.total >= below.total
        if above.total == below.total:
            assert above.best_place < below.best_place


@SETTINGS
@given(finals())
def test_every_unit_appears_exactly_once(final):
    rows, size, extra = final
    ranking = rank_teams(rows, size, extra)
    seen = Counter([t.unit_id for t in ranking.ranked] + [u.unit_id for u in ranking.unranked])
    assert set(seen) == {r.unit_id for r in rows} | set(extra)
    assert set(seen.values()) <= {1}
    counts = Counter(r.unit_id for r in rows)
    for unit in ranking.unranked:
        assert unit.ranked == counts.get(unit.unit_id, 0) < size == unit.needed
        assert f" {unit.ranked} 名" in unit.reason and f" {size} 名" in unit.reason
    assert all(counts[t.unit_id] >= size for t in ranking.ranked)
    assert [u.unit_id for u in ranking.unranked] == sorted(u.unit_id for u in ranking.unranked)


@SETTINGS
@given(finals(), st.randoms())
def test_the_ranking_does_not_depend_on_the_input_order(final, rnd):
    rows, size, extra = final
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert rank_teams(shuffled, size, extra) == rank_teams(rows, size, extra)
