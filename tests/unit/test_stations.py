"""The award programme's rules (competition/scoring/stations.py): worked examples from the
2021 service stations programme, and properties of the selection over random panels."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring.stations import (
    PASS_FAIL,
    Criterion,
    Judgement,
    LevelQuota,
    Ruling,
    StationMarks,
    UnresolvedTie,
    next_in_line,
    points_problem,
    select_levels,
    station_result,
)

D = Decimal
SETTINGS = settings(max_examples=150, deadline=None)

PLACE = Criterion("place", maximum=D(20))  # 有场地
FACILITIES = Criterion("facilities", maximum=D(30))  # 有设施
RULES = Criterion("rules", PASS_FAIL)  # 有制度
CRITERIA = (PLACE, FACILITIES, RULES)
NATIONAL = LevelQuota("national", 0, 1)
CITY = LevelQuota("beijing", 1, 2)
PANEL = frozenset({1, 2, 3})


def marks(
    station_id: int,
    place: int,
    facilities: int,
    *,
    level: int = 0,
    rules: bool = True,
    panel: frozenset[int] = PANEL,
) -> StationMarks:
    """Every expert of the panel gives the same points; the rules criterion passes or not."""
    judgements = tuple(
        j
        for expert in sorted(panel)
        for j in (
            Judgement(expert, "place", points=D(place)),
            Judgement(expert, "facilities", points=D(facilities)),
            Judgement(expert, "rules", passed=rules),
        )
    )
    return StationMarks(station_id, level, panel, judgements)


# ---------------------------------------------------------------- one station
def test_five_experts_drop_the_highest_and_lowest_per_criterion() -> None:
    panel = frozenset(range(1, 6))
    points = [D(10), D(12), D(15), D(18), D(20)]
    judgements = [
        Judgement(e, "place", points=p) for e, p in zip(sorted(panel), points, strict=True)
    ]
    judgements += [Judgement(e, "facilities", points=D("20.5")) for e in panel]
    judgements += [Judgement(e, "rules", passed=True) for e in panel]
    result = station_result(CRITERIA, StationMarks(7, 0, panel, tuple(judgements)))
    assert result.scores["place"] == D("15.00")  # (12 + 15 + 18) / 3
    assert result.scores["facilities"] == D("20.50")
    assert result.total == D("35.50")
    assert result.eligible


def test_mean_of_three_is_rounded_half_up() -> None:
    judgements = [
        Judgement(1, "place", points=D(10)),
        Judgement(2, "place", points=D(10)),
        Judgement(3, "place", points=D("10.01")),
    ]
    judgements += [Judgement(e, "facilities", points=D(0)) for e in PANEL]
    judgements += [Judgement(e, "rules", passed=True) for e in PANEL]
    result = station_result(CRITERIA, StationMarks(1, 0, PANEL, tuple(judgements)))
    assert result.scores["place"] == D("10.00")  # 10.00333…
    assert result.total == D("10.00")


def test_pass_fail_by_majority_and_a_tie_fails() -> None:
    def rules(*votes: bool) -> StationMarks:
        panel = frozenset(range(1, len(votes) + 1))
        judgements = [
            Judgement(e, "rules", passed=v) for e, v in zip(sorted(panel), votes, strict=True)
        ]
        judgements += [Judgement(e, k, points=D(5)) for e in panel for k in ("place", "facilities")]
        return StationMarks(1, 0, panel, tuple(judgements))

    assert station_result(CRITERIA, rules(True, True, False)).eligible
    failed = station_result(CRITERIA, rules(True, False, False))
    assert failed.complete and not failed.eligible and failed.failed == ("rules",)
    tie = station_result(CRITERIA, rules(True, True, False, False))
    assert tie.passes["rules"] is False and not tie.eligible


def test_incomplete_until_every_reviewer_judged_every_criterion() -> None:
    full = marks(1, 10, 10)
    short = StationMarks(1, 0, PANEL, full.judgements[:-1])
    result = station_result(CRITERIA, short)
    assert not result.complete and result.total is None
    assert result.missing == ((3, "rules"),)


def test_a_conflicted_expert_judgement_counts_for_nothing() -> None:
    """Expert 3 sits for the station's own unit: not a reviewer, whatever they send."""
    panel = frozenset({1, 2})
    station = marks(1, 10, 10, panel=panel)
    stray = (Judgement(3, "place", points=D(0)), Judgement(3, "facilities", points=D(0)))
    result = station_result(CRITERIA, StationMarks(1, 0, panel, station.judgements + stray))
    assert result.total == D("20.00")


def test_a_station_nobody_may_review_is_never_complete() -> None:
    result = station_result(CRITERIA, StationMarks(1, 0, frozenset(), ()))
    assert not result.complete and not result.eligible


def test_points_above_the_maximum_are_refused() -> None:
    assert points_problem(PLACE, D(21)) is not None
    assert points_problem(PLACE, D("19.999")) is not None
    assert points_problem(PLACE, D("19.99")) is None


# ---------------------------------------------------------------- the selection
def test_a_tie_at_the_cut_needs_a_ruling_and_blocks_lower_levels() -> None:
    stations = [marks(1, 15, 25), marks(2, 15, 25), marks(3, 10, 10)]
    selection = select_levels((NATIONAL, CITY), CRITERIA, stations)
    national = selection.level("national")
    assert national.unresolved is not None
    assert national.unresolved.station_ids == (1, 2)
    assert national.unresolved.seats == 1
    assert national.selected == ()
    assert selection.level("beijing").blocked
    assert not selection.resolved


def test_a_ruling_settles_the_cut_and_the_other_goes_to_beijing() -> None:
    stations = [marks(1, 15, 25), marks(2, 15, 25), marks(3, 10, 10)]
    ruling = Ruling("national", (2, 1))
    selection = select_levels((NATIONAL, CITY), CRITERIA, stations, [ruling])
    assert selection.resolved
    national = selection.level("national")
    assert [p.station_id for p in national.selected] == [2]
    assert national.ranking[0].by_ruling
    beijing = selection.level("beijing")
    assert [p.station_id for p in beijing.selected] == [1, 3]
    assert [p.place for p in beijing.ranking] == [1, 2]


def test_a_ruling_of_another_level_does_not_settle_this_one() -> None:
    stations = [marks(1, 15, 25), marks(2, 15, 25)]
    selection = select_levels((NATIONAL, CITY), CRITERIA, stations, [Ruling("beijing", (2, 1))])
    assert selection.level("national").unresolved is not None


def test_equal_totals_are_split_by_the_criteria_in_order() -> None:
    # Both 40.00 in total; station 2 has more for 有场地, the first criterion.
    stations = [marks(1, 15, 25), marks(2, 20, 20)]
    selection = select_levels((NATIONAL, CITY), CRITERIA, stations)
    assert selection.resolved
    assert [p.station_id for p in selection.level("national").selected] == [2]
    assert [p.station_id for p in selection.level("beijing").selected] == [1]


def test_a_city_applicant_is_never_raised_to_national() -> None:
    stations = [marks(1, 20, 30, level=1), marks(2, 5, 5, level=0)]
    selection = select_levels((NATIONAL, CITY), CRITERIA, stations)
    assert [p.station_id for p in selection.level("national").selected] == [2]
    assert [p.station_id for p in selection.level("beijing").selected] == [1]


def test_a_pass_fail_failure_is_excluded_everywhere() -> None:
    stations = [marks(1, 20, 30, rules=False), marks(2, 5, 5)]
    selection = select_levels((NATIONAL, CITY), CRITERIA, stations)
    assert selection.ineligible == (1,)
    every = [p.station_id for level in selection.levels for p in level.ranking]
    assert every == [2]


def test_incomplete_stations_are_not_ranked() -> None:
    done = marks(1, 10, 10)
    selection = select_levels(
        (NATIONAL, CITY), CRITERIA, [done, StationMarks(2, 0, PANEL, done.judgements[:3])]
    )
    assert selection.incomplete == (2,)
    assert [p.station_id for p in selection.level("national").ranking] == [1]


def test_a_tie_below_the_cut_keeps_distinct_places() -> None:
    stations = [marks(1, 20, 30), marks(2, 10, 10), marks(3, 10, 10)]
    selection = select_levels((NATIONAL,), CRITERIA, stations)
    assert selection.resolved
    assert [(p.place, p.station_id, p.selected) for p in selection.level("national").ranking] == [
        (1, 1, True),
        (2, 2, False),
        (3, 3, False),
    ]


def test_a_tie_inside_the_quota_is_no_cut() -> None:
    stations = [marks(1, 10, 10), marks(2, 10, 10), marks(3, 1, 1)]
    selection = select_levels((LevelQuota("national", 0, 2),), CRITERIA, stations)
    assert selection.resolved
    assert [p.station_id for p in selection.level("national").selected] == [1, 2]


def test_a_vacancy_goes_to_the_best_station_on_no_list() -> None:
    stations = [marks(1, 20, 30), marks(2, 18, 30), marks(3, 15, 30), marks(4, 10, 10)]
    selection = select_levels([NATIONAL, CITY], CRITERIA, stations)
    # 1 national; 2 and 3 Beijing. Station 2 withdrawn from Beijing: 4 is next in line.
    nxt = next_in_line(selection, CRITERIA, [], "beijing", [1, 2, 3])
    assert nxt is not None and not isinstance(nxt, UnresolvedTie)
    assert nxt.station_id == 4
    assert next_in_line(selection, CRITERIA, [], "beijing", [1, 2, 3, 4]) is None


def test_a_tie_in_line_for_a_vacancy_needs_a_ruling() -> None:
    stations = [marks(1, 20, 30), marks(2, 18, 30), marks(3, 15, 30)]
    stations += [marks(5, 10, 10), marks(4, 10, 10), marks(6, 5, 5)]
    selection = select_levels([NATIONAL, CITY], CRITERIA, stations)
    # Stations 4 and 5 are equal by every rule, below the cut: the id order put 4 first,
    # which decided nobody's place until a place falls vacant.
    tie = next_in_line(selection, CRITERIA, [], "beijing", [1, 2, 3])
    assert tie == UnresolvedTie("beijing", (4, 5), 3, 1)
    # A ruling of the other level settles nothing; one at this level orders them.
    other = [Ruling("national", (5, 4))]
    assert next_in_line(selection, CRITERIA, other, "beijing", [1, 2, 3]) == tie
    ruled = next_in_line(selection, CRITERIA, [Ruling("beijing", (5, 4))], "beijing", [1, 2, 3])
    assert not isinstance(ruled, UnresolvedTie) and ruled is not None
    assert ruled.station_id == 5
    # With one of the two already listed, the other is simply next.
    alone = next_in_line(selection, CRITERIA, [], "beijing", [1, 2, 3, 5])
    assert not isinstance(alone, UnresolvedTie) and alone is not None
    assert alone.station_id == 4


def test_a_station_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError):
        select_levels((NATIONAL,), CRITERIA, [marks(1, 1, 1), marks(1, 2, 2)])


# ---------------------------------------------------------------- properties
station_specs = st.lists(
    st.tuples(st.integers(0, 20), st.integers(0, 30), st.integers(0, 1), st.booleans()),
    min_size=0,
    max_size=12,
)


@SETTINGS
@given(station_specs, st.integers(0, 4), st.integers(0, 5), st.data())
def test_selection_properties(specs, national_quota, city_quota, data) -> None:
    stations = [
        marks(i + 1, place, facilities, level=level, rules=rules)
        for i, (place, facilities, level, rules) in enumerate(specs)
    ]
    levels = (LevelQuota("national", 0, national_quota), LevelQuota("beijing", 1, city_quota))
    rulings = []
    if data.draw(st.booleans()) and stations:
        ids = [s.station_id for s in stations]
        rulings.append(Ruling("national", tuple(data.draw(st.permutations(ids)))))
    selection = select_levels(levels, CRITERIA, stations, rulings)
    seen: set[int] = set()
    for level, quota in zip(selection.levels, (national_quota, city_quota), strict=True):
        if level.blocked:
            continue
        assert len(level.selected) <= quota
        assert [p.place for p in level.ranking] == list(range(1, len(level.ranking) + 1))
        totals = [p.total for p in level.ranking]
        assert totals == sorted(totals, reverse=True)
        chosen = {p.station_id for p in level.selected}
        assert not chosen & seen
        seen |= chosen
        if level.unresolved is None:
            assert len(level.selected) == min(quota, len(level.ranking))
        else:
            tie = level.unresolved
            assert 0 < tie.seats < len(tie.station_ids)
    national = selection.level("national")
    by_id = {s.station_id: s for s in stations}
    assert all(by_id[p.station_id].applied_position == 0 for p in national.ranking)
    for station_id in selection.ineligible:
        assert station_id not in seen
    # with a ruling naming everyone at the national level its cut is always settled
    if rulings:
        assert national.unresolved is None


@SETTINGS
@given(st.lists(st.integers(0, 2000), min_size=1, max_size=7), st.integers(0, 3000))
def test_total_is_the_exact_sum_of_the_criterion_scores(place_marks, facilities) -> None:
    panel = frozenset(range(1, len(place_marks) + 1))
    judgements = [
        Judgement(e, "place", points=D(m).scaleb(-2))
        for e, m in zip(sorted(panel), place_marks, strict=True)
    ]
    judgements += [Judgement(e, "facilities", points=D(facilities).scaleb(-2)) for e in panel]
    judgements += [Judgement(e, "rules", passed=True) for e in panel]
    result = station_result(CRITERIA, StationMarks(1, 0, panel, tuple(judgements)))
    assert result.total == result.scores["place"] + result.scores["facilities"]
    assert D(min(place_marks)).scaleb(-2) <= result.scores["place"]
    assert result.scores["place"] <= D(max(place_marks)).scaleb(-2)
