"""select_finalists (api-v1.md "From the preliminary to the final")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition.scoring import (
    Component,
    CountAboveRanked,
    CountBelowMinimum,
    CutInsideTie,
    Entry,
    FinalistError,
    Ranking,
    RankingIncomplete,
    Resolution,
    rank_entries,
    select_finalists,
)

D = Decimal
COMPONENTS = (Component("theory", D("0.30")), Component("practical", D("0.70")))


def unit_ranking(
    totals: dict[int, str],
    missing: tuple[int, ...] = (),
    resolutions: tuple[Resolution, ...] = (),
) -> Ranking:
    """Contestants whose theory and practical are both ``total`` (so the total is ``total``)."""
    entries = [
        Entry(cid, f"A{cid:02d}", {"theory": D(t), "practical": D(t)}) for cid, t in totals.items()
    ]
    entries += [Entry(cid, f"A{cid:02d}", {"theory": D("50")}) for cid in missing]
    return rank_entries(entries, COMPONENTS, ("practical",), resolutions)


FIVE = {1: "95", 2: "90", 3: "85", 4: "80", 5: "75"}


def test_top_count_in_rank_order() -> None:
    ranking = unit_ranking({4: "80", 1: "95", 3: "85", 2: "90", 5: "75"})
    assert select_finalists(ranking, 3, 3) == (1, 2, 3)
    assert select_finalists(ranking, 5, 3) == (1, 2, 3, 4, 5)


def test_count_below_minimum() -> None:
    with pytest.raises(CountBelowMinimum) as info:
        select_finalists(unit_ranking(FIVE), 2, 3)
    error = info.value
    assert error.code == "count_below_minimum"
    assert error.status == 422
    assert "3" in error.message
    assert "少于" in str(error)
    assert (error.count, error.minimum) == (2, 3)
    assert isinstance(error, FinalistError)


def test_negative_count_is_below_any_minimum() -> None:
    with pytest.raises(CountBelowMinimum):
        select_finalists(unit_ranking(FIVE), -1, 0)


def test_zero_finalists_when_allowed() -> None:
    assert select_finalists(unit_ranking(FIVE), 0, 0) == ()


def test_count_above_ranked() -> None:
    with pytest.raises(CountAboveRanked) as info:
        select_finalists(unit_ranking(FIVE), 6, 3)
    assert info.value.code == "count_above_ranked"
    assert info.value.status == 422
    assert "6" in info.value.message
    assert "5" in info.value.message


def test_ranking_incomplete() -> None:
    with pytest.raises(RankingIncomplete) as info:
        select_finalists(unit_ranking(FIVE, missing=(9,)), 3, 3)
    assert info.value.code == "ranking_incomplete"
    assert info.value.status == 409
    assert info.value.contestant_ids == (9,)


def test_cut_inside_tie() -> None:
    tied = {1: "95", 2: "90", 3: "85", 4: "85", 5: "70"}
    with pytest.raises(CutInsideTie) as info:
        select_finalists(unit_ranking(tied), 3, 3)
    error = info.value
    assert error.code == "cut_inside_tie"
    assert error.status == 409
    assert error.group == (3, 4)
    assert "第 3 名" in error.message
    assert "第 4 名" in error.message


def test_tie_above_or_below_the_cut_is_fine() -> None:
    above = unit_ranking({1: "95", 2: "95", 3: "85", 4: "80"})
    assert above.unresolved_ties == ((1, 2),)
    assert select_finalists(above, 3, 3) == (1, 2, 3)
    below = unit_ranking({1: "95", 2: "90", 3: "85", 4: "80", 5: "80"})
    assert select_finalists(below, 3, 3) == (1, 2, 3)
    # a tie ending exactly at the cut is fully inside
    ending = unit_ranking({1: "95", 2: "85", 3: "85", 4: "80"})
    assert select_finalists(ending, 3, 3) == (1, 2, 3)
    # everyone is taken: there is no place count + 1
    everyone = unit_ranking({1: "95", 2: "85", 3: "85"})
    assert select_finalists(everyone, 3, 3) == (1, 2, 3)


def test_resolved_tie_at_the_cut_is_fine() -> None:
    tied = {1: "95", 2: "90", 3: "85", 4: "85", 5: "70"}
    ranking = unit_ranking(tied, resolutions=(Resolution((4, 3)),))
    assert select_finalists(ranking, 3, 3) == (1, 2, 4)


def test_checks_in_contract_order() -> None:
    # incomplete and cut inside a tie, and count wrong: the 422s come first
    messy = unit_ranking({1: "90", 2: "90", 3: "90"}, missing=(8,))
    with pytest.raises(CountBelowMinimum):
        select_finalists(messy, 1, 2)
    with pytest.raises(CountAboveRanked):
        select_finalists(messy, 4, 2)
    # count valid: incomplete (409) before cut-inside-tie (409)
    with pytest.raises(RankingIncomplete):
        select_finalists(messy, 2, 2)
    complete = unit_ranking({1: "90", 2: "90", 3: "90"})
    with pytest.raises(CutInsideTie):
        select_finalists(complete, 2, 2)
