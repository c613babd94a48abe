"""Worked examples for rank_entries (api-v1.md "Results")."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from competition.scoring import (
    Component,
    Entry,
    Incomplete,
    RankedEntry,
    Ranking,
    Resolution,
    rank_entries,
)

D = Decimal

COMPONENTS = (
    Component("theory", D("0.30")),
    Component("practical", D("0.70")),
    Component("time_used", D("0"), higher_is_better=False),
)
TIE_BREAKS = ("practical", "time_used")


def entry(
    cid: int, number: str, theory: str | None, practical: str | None, time: str | None
) -> Entry:
    scores = {
        key: D(value)
        for key, value in (("theory", theory), ("practical", practical), ("time_used", time))
        if value is not None
    }
    return Entry(contestant_id=cid, number=number, scores=scores)


def summary(ranking: Ranking) -> list[tuple[int, int, str, str | None]]:
    return [(r.rank, r.contestant_id, str(r.total), r.decided_by) for r in ranking.ranked]


class TestOrdering:
    def test_by_total_descending(self) -> None:
        ranking = rank_entries(
            [
                entry(1, "A01", "90", "80", "100"),  # 83.00
                entry(2, "A02", "100", "90", "100"),  # 93.00
                entry(3, "A03", "60", "70", "100"),  # 67.00
            ],
            COMPONENTS,
            TIE_BREAKS,
        )
        assert summary(ranking) == [
            (1, 2, "93.00", None),
            (2, 1, "83.00", None),
            (3, 3, "67.00", None),
        ]
        assert ranking.incomplete == ()
        assert ranking.unresolved_ties == ()

    def test_published_scores_and_total_have_two_places(self) -> None:
        ranking = rank_entries([entry(7, "A07", "90", "80", "95")], COMPONENTS, TIE_BREAKS)
        (only,) = ranking.ranked
        assert {k: str(v) for k, v in only.scores.items()} == {
            "theory": "90.00",
            "practical": "80.00",
            "time_used": "95.00",
        }
        assert str(only.total) == "83.00"
        assert only == RankedEntry(
            rank=1,
            contestant_id=7,
            number="A07",
            scores={"theory": D("90"), "practical": D("80"), "time_used": D("95")},
            total=D("83.00"),
            decided_by=None,
        )

    def test_equal_totals_decided_by_practical(self) -> None:
        # A: theory 90, practical 80 -> 27.0 + 56.0 = 83.00
        # B: theory 76, practical 86 -> 22.8 + 60.2 = 83.00
        ranking = rank_entries(
            [entry(1, "A01", "90", "80", "30"), entry(2, "A02", "76", "86", "90")],
            COMPONENTS,
            TIE_BREAKS,
        )
        assert summary(ranking) == [(1, 2, "83.00", None), (2, 1, "83.00", "practical")]
        assert ranking.unresolved_ties == ()

    def test_then_less_time_used(self) -> None:
        ranking = rank_entries(
            [entry(1, "A01", "90", "80", "45.5"), entry(2, "A02", "90", "80", "40")],
            COMPONENTS,
            TIE_BREAKS,
        )
        assert summary(ranking) == [(1, 2, "83.00", None), (2, 1, "83.00", "time_used")]

    def test_rounded_totals_compare_equal(self) -> None:
        # Raw totals 82.999 (27.006 + 55.993) and 82.997 (26.997 + 56.000) both publish as
        # 83.00, so practical decides, and the higher unpublished raw total ranks second.
        ranking = rank_entries(
            [entry(1, "A01", "90.02", "79.99", "1"), entry(2, "A02", "89.99", "80.00", "1")],
            COMPONENTS,
            TIE_BREAKS,
        )
        assert summary(ranking) == [(1, 2, "83.00", None), (2, 1, "83.00", "practical")]

    def test_tie_breaks_compare_rounded_scores(self) -> None:
        # practical 80.004 and 80.001 both publish as 80.00: not separated by practical.
        ranking = rank_entries(
            [entry(1, "A01", "90", "80.004", "50"), entry(2, "A02", "90", "80.001", "40")],
            COMPONENTS,
            TIE_BREAKS,
        )
        assert summary(ranking) == [(1, 2, "83.00", None), (2, 1, "83.00", "time_used")]

    def test_unknown_tie_break_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="speed"):
            rank_entries([], COMPONENTS, ("practical", "speed"))

    def test_duplicate_contestant_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            rank_entries(
                [entry(1, "A01", "90", "80", "1"), entry(1, "A02", "90", "80", "1")],
                COMPONENTS,
            )

    def test_duplicate_component_key_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            rank_entries([], (Component("a", D("1")), Component("a", D("0"))))

    def test_empty(self) -> None:
        assert rank_entries([], COMPONENTS, TIE_BREAKS) == Ranking((), (), ())


class TestTies:
    """Three contestants equal on total, practical and time: the chain cannot separate them."""

    @staticmethod
    def tied(extra: tuple[Entry, ...] = ()) -> list[Entry]:
        return [
            entry(5, "A10", "90", "80", "40"),
            entry(3, "A02", "90", "80", "40"),
            entry(9, "A9", "90", "80", "40"),
            entry(1, "A01", "95", "90", "40"),  # 91.50, clearly first
            *extra,
        ]

    def test_unresolved_group_by_number_and_listed(self) -> None:
        ranking = rank_entries(self.tied(), COMPONENTS, TIE_BREAKS)
        # provisional order by contest number, naturally: A02, A9, A10
        assert summary(ranking) == [
            (1, 1, "91.50", None),
            (2, 3, "83.00", None),
            (3, 9, "83.00", None),
            (4, 5, "83.00", None),
        ]
        assert ranking.unresolved_ties == ((3, 5, 9),)

    def test_resolution_orders_the_group(self) -> None:
        ranking = rank_entries(
            self.tied(), COMPONENTS, TIE_BREAKS, resolutions=[Resolution(order=(9, 5, 3))]
        )
        assert summary(ranking) == [
            (1, 1, "91.50", None),
            (2, 9, "83.00", None),
            (3, 5, "83.00", "resolution"),
            (4, 3, "83.00", "resolution"),
        ]
        assert ranking.unresolved_ties == ()

    def test_group_separated_from_above_by_tie_break(self) -> None:
        # Someone else with 83.00 but a better practical ranks above the group: the group's
        # first member was separated from them by practical.
        above = entry(2, "A50", "76", "86", "99")
        ranking = rank_entries(self.tied((above,)), COMPONENTS, TIE_BREAKS)
        assert summary(ranking) == [
            (1, 1, "91.50", None),
            (2, 2, "83.00", None),
            (3, 3, "83.00", "practical"),
            (4, 9, "83.00", None),
            (5, 5, "83.00", None),
        ]
        resolved = rank_entries(
            self.tied((above,)), COMPONENTS, TIE_BREAKS, [Resolution((5, 9, 3))]
        )
        assert summary(resolved)[2:] == [
            (3, 5, "83.00", "practical"),
            (4, 9, "83.00", "resolution"),
            (5, 3, "83.00", "resolution"),
        ]

    def test_resolution_no_longer_matching_is_ignored(self) -> None:
        # The ruling covered 3, 5 and 9; since then 9's practical was corrected and only 3 and 5
        # remain tied.  The old ruling must not order the new group.
        changed = [e for e in self.tied() if e.contestant_id != 9]
        changed.append(entry(9, "A9", "90.01", "79.99", "40"))  # 83.00, practical lower
        ranking = rank_entries(changed, COMPONENTS, TIE_BREAKS, [Resolution((9, 5, 3))])
        assert summary(ranking) == [
            (1, 1, "91.50", None),
            (2, 3, "83.00", None),
            (3, 5, "83.00", None),
            (4, 9, "83.00", "practical"),
        ]
        assert ranking.unresolved_ties == ((3, 5),)

    def test_resolution_must_match_exactly(self) -> None:
        for order in ((5, 3), (9, 5, 3, 1), (9, 5, 3, 3), (9, 9, 5)):
            ranking = rank_entries(self.tied(), COMPONENTS, TIE_BREAKS, [Resolution(order)])
            assert ranking.unresolved_ties == ((3, 5, 9),), order

    def test_later_resolution_supersedes(self) -> None:
        ranking = rank_entries(
            self.tied(), COMPONENTS, TIE_BREAKS, [Resolution((9, 5, 3)), Resolution([3, 9, 5])]
        )
        assert [r.contestant_id for r in ranking.ranked] == [1, 3, 9, 5]

    def test_several_groups_in_rank_order(self) -> None:
        entries = [
            entry(20, "B1", "60", "60", "10"),
            entry(11, "B2", "60", "60", "10"),
            *self.tied(),
        ]
        ranking = rank_entries(entries, COMPONENTS, TIE_BREAKS, [Resolution((11, 20))])
        assert ranking.unresolved_ties == ((3, 5, 9),)
        assert [(r.contestant_id, r.decided_by) for r in ranking.ranked[-2:]] == [
            (11, None),
            (20, "resolution"),
        ]
        unresolved = rank_entries(entries, COMPONENTS, TIE_BREAKS)
        assert unresolved.unresolved_ties == ((3, 5, 9), (11, 20))

    def test_without_tie_breaks_equal_totals_are_a_tie(self) -> None:
        ranking = rank_entries(
            [entry(1, "A01", "90", "80", "30"), entry(2, "A02", "76", "86", "90")], COMPONENTS
        )
        assert ranking.unresolved_ties == ((1, 2),)
        assert summary(ranking) == [(1, 1, "83.00", None), (2, 2, "83.00", None)]

    def test_equal_numbers_fall_back_to_id(self) -> None:
        ranking = rank_entries(
            [entry(8, "X", "90", "80", "1"), entry(4, "X", "90", "80", "1")],
            COMPONENTS,
            TIE_BREAKS,
        )
        assert [r.contestant_id for r in ranking.ranked] == [4, 8]


class TestIncomplete:
    def test_missing_any_component_is_not_ranked(self) -> None:
        ranking = rank_entries(
            [
                entry(1, "A03", "90", "80", "40"),
                entry(2, "A10", "90", None, None),
                entry(3, "A02", None, "80", "40"),
                entry(4, "A01", "90", "80", None),  # even a tie-break-only component counts
            ],
            COMPONENTS,
            TIE_BREAKS,
        )
        assert [r.contestant_id for r in ranking.ranked] == [1]
        assert ranking.ranked[0].rank == 1
        assert ranking.incomplete == (
            Incomplete(4, ("time_used",)),
            Incomplete(3, ("theory",)),
            Incomplete(2, ("practical", "time_used")),
        )

    def test_none_counts_as_missing(self) -> None:
        scores = {"theory": D("90"), "practical": None, "time_used": D("1")}
        e = Entry(1, "A01", scores)  # type: ignore[arg-type]
        assert "practical" not in e.scores
        ranking = rank_entries([e], COMPONENTS)
        assert ranking.incomplete == (Incomplete(1, ("practical",)),)

    def test_extra_scores_are_kept_but_unused(self) -> None:
        e = Entry(1, "A01", {"theory": D("90"), "practical": D("80"), "bonus": D("5")})
        ranking = rank_entries([e], COMPONENTS[:2])
        assert ranking.ranked[0].total == D("83.00")
        assert ranking.ranked[0].scores["bonus"] == D("5.00")


class TestDataclasses:
    def test_scores_are_a_read_only_snapshot(self) -> None:
        scores = {"theory": D("90")}
        e = Entry(1, "A01", scores)
        scores["theory"] = D("10")
        assert e.scores["theory"] == D("90")
        with pytest.raises(TypeError):
            e.scores["theory"] = D("0")  # type: ignore[index]
        with pytest.raises(dataclasses.FrozenInstanceError):
            e.number = "B"  # type: ignore[misc]

    def test_equality_and_hash(self) -> None:
        a = Entry(1, "A01", {"theory": D("90")})
        b = Entry(1, "A01", {"theory": D("90.00")})
        c = Entry(1, "A01", {"theory": D("91")})
        assert a == b
        assert a != c
        assert hash(a) == hash(b)
        ranking = rank_entries([a], (Component("theory", D("1")),))
        assert isinstance(hash(ranking), int)

    def test_sequences_become_tuples(self) -> None:
        assert Resolution([1, 2]).order == (1, 2)  # type: ignore[arg-type]
        assert Incomplete(1, ["x"]).missing == ("x",)  # type: ignore[arg-type]

    def test_bad_values_refused(self) -> None:
        with pytest.raises(TypeError):
            Entry(1, "A01", {"theory": 90.0})  # type: ignore[dict-item]
        with pytest.raises(ValueError):
            Entry(1, "A01", {"theory": D("NaN")})
        with pytest.raises(TypeError):
            Entry(1, 7, {})  # type: ignore[arg-type]
