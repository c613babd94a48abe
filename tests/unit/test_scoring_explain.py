"""Places explained from both rows (`scoring.explain`): worked examples from domain.md's
tie-break chain, and the property that every note has its mirror on the other row."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from competition.scoring import Component, Entry, Resolution, rank_entries
from competition.scoring.explain import Neighbour, neighbours

COMPONENTS = [
    Component("theory", Decimal("0.3")),
    Component("practical", Decimal("0.7")),
    Component("time_used", Decimal("0"), higher_is_better=False),
]
CHAIN = ["practical", "time_used"]


def _entry(cid: int, theory: str, practical: str, time: str) -> Entry:
    scores = {
        "theory": Decimal(theory),
        "practical": Decimal(practical),
        "time_used": Decimal(time),
    }
    return Entry(cid, f"{cid:03d}", scores)


def test_both_rows_of_a_tie_broken_by_practical_say_so():
    # 83.00 each: 7 wins on practical (86 against 80), as in the notice that read backwards.
    ranking = rank_entries(
        [_entry(8, "90", "80", "150"), _entry(7, "76", "86", "230"), _entry(1, "99", "99", "1")],
        COMPONENTS,
        CHAIN,
    )
    assert [e.contestant_id for e in ranking.ranked] == [1, 7, 8]
    notes = neighbours(ranking)
    assert notes[7] == (Neighbour(rank=3, above=True, by="practical"),)
    assert notes[8] == (Neighbour(rank=2, above=False, by="practical"),)
    assert 1 not in notes  # its total alone placed it


def test_time_ruling_and_open_tie():
    ranking = rank_entries(
        [
            _entry(1, "70", "70", "180"),
            _entry(2, "70", "70", "200"),  # slower: below 1 by time
            _entry(3, "60", "60", "200"),
            _entry(4, "60", "60", "200"),  # tied with 3 on everything
            _entry(5, "50", "50", "200"),
            _entry(6, "50", "50", "200"),  # tied with 5, ruled 6 first
        ],
        COMPONENTS,
        CHAIN,
        [Resolution((6, 5))],
    )
    notes = neighbours(ranking)
    assert notes[1] == (Neighbour(2, True, "time_used"),)
    assert notes[2] == (Neighbour(1, False, "time_used"),)
    assert notes[3] == (Neighbour(4, True, None),) and notes[4] == (Neighbour(3, False, None),)
    assert notes[6] == (Neighbour(6, True, "resolution"),)
    assert notes[5] == (Neighbour(5, False, "resolution"),)


_SCORE = st.sampled_from(["60", "70", "80"])


@given(st.lists(st.tuples(_SCORE, _SCORE, st.sampled_from(["100", "120"])), max_size=12))
def test_every_note_has_its_mirror_on_the_other_row(rows):
    ranking = rank_entries([_entry(i + 1, *row) for i, row in enumerate(rows)], COMPONENTS, CHAIN)
    notes = neighbours(ranking)
    rank_of = {e.contestant_id: e.rank for e in ranking.ranked}
    by_rank = {e.rank: e.contestant_id for e in ranking.ranked}
    for cid, found in notes.items():
        for note in found:
            assert abs(note.rank - rank_of[cid]) == 1
            assert note.above == (note.rank > rank_of[cid])
            mirror = Neighbour(rank_of[cid], not note.above, note.by)
            assert mirror in notes[by_rank[note.rank]]
    for upper, lower in zip(ranking.ranked, ranking.ranked[1:], strict=False):
        above = [n.rank for n in notes.get(lower.contestant_id, ()) if not n.above]
        assert above == ([upper.rank] if upper.total == lower.total else [])


@given(
    st.lists(st.tuples(_SCORE, _SCORE, st.sampled_from(["100", "120"])), max_size=12),
    st.sets(st.integers(min_value=1, max_value=14)),
)
def test_the_notes_of_some_rows_are_those_rows_notes(rows, only):
    """A page asks for the notes of the rows it shows: the same notes, for those rows only."""
    ranking = rank_entries([_entry(i + 1, *row) for i, row in enumerate(rows)], COMPONENTS, CHAIN)
    everyone = neighbours(ranking)
    assert dict(neighbours(ranking, only)) == {c: n for c, n in everyone.items() if c in only}
