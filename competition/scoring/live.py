"""A ranking kept in order, so that a few contestants' scores can change without ranking
everyone again.

Why: during marking every mark renews an event's results, and `rank_entries` over 10,000
entries costs a few hundred milliseconds, almost all of it in keying each entry (rounding,
an exact weighted total, the tie-break key) and sorting.  A `LiveRanking` keeps every entry
keyed and the complete ones sorted by (place key, provisional key); `replace` re-keys only the
entries given, moves them with `bisect`, and places everyone again with the same
`Rules.assemble` as `rank_entries` (groups, rulings, tie notes, what decided each place).
There is no second implementation of the rules: keying, ordering and placing are those of
`competition.scoring.ranking`, and a property test holds `replace` to `rank_entries` of the
same entries.

A `LiveRanking` never changes: `replace` returns a new one (a worker's threads share them).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from competition.scoring.marks import Component
from competition.scoring.ranking import (
    Entry,
    Incomplete,
    Keyed,
    RankedEntry,
    Ranking,
    Resolution,
    Rules,
    incomplete_key,
)

__all__ = ["LiveRanking"]


#: Where one contestant is kept: (complete?, key), the key in the complete list (place key,
#: provisional key) or in the incomplete one (`incomplete_key`). A plain tuple: 10,000 of them
#: are made for every ranking built.
_Slot = tuple[bool, tuple[object, ...]]


class LiveRanking:
    """The entries of one ranking, keyed and sorted, and the `Ranking` they give.

    Built by `build` (the same result as `rank_entries` of the same arguments) or by
    `replace` from an earlier one.
    """

    __slots__ = (
        "_complete",
        "_complete_keys",
        "_incomplete",
        "_incomplete_keys",
        "_slots",
        "ranking",
        "rules",
    )

    rules: Rules
    ranking: Ranking

    def __init__(
        self,
        rules: Rules,
        complete_keys: list[tuple[object, ...]],
        complete: list[Keyed],
        incomplete_keys: list[tuple[object, ...]],
        incomplete: list[Incomplete],
        slots: dict[int, _Slot],
        ranking: Ranking | None = None,
    ) -> None:
        self.rules = rules
        self._complete_keys = complete_keys
        self._complete = complete
        self._incomplete_keys = incomplete_keys
        self._incomplete = incomplete
        self._slots = slots
        if ranking is None:
            ranked, unresolved = rules.assemble(complete)
            ranking = Ranking(
                ranked=ranked, incomplete=tuple(incomplete), unresolved_ties=unresolved
            )
        self.ranking = ranking

    @classmethod
    def build(
        cls,
        entries: Sequence[Entry],
        components: Sequence[Component],
        tie_breaks: Sequence[str] = (),
        resolutions: Sequence[Resolution] = (),
    ) -> LiveRanking:
        """Everyone keyed and sorted; `ranking` is what `rank_entries` gives for the same."""
        rules = Rules.of(components, tie_breaks, resolutions)
        complete: list[tuple[tuple[object, ...], Keyed]] = []
        incomplete: list[tuple[tuple[object, ...], Incomplete]] = []
        slots: dict[int, _Slot] = {}
        for entry in entries:
            contestant_id = entry.contestant_id
            if contestant_id in slots:
                raise ValueError(f"contestant {contestant_id} is entered twice")
            missing = rules.missing(entry)
            if missing:
                key = incomplete_key(entry)
                incomplete.append((key, Incomplete(contestant_id, missing)))
                slots[contestant_id] = (False, key)
            else:
                item = rules.keyed(entry)
                key = (item[0], item[1])
                complete.append((key, item))
                slots[contestant_id] = (True, key)
        # Keys are unique per contestant (the provisional key ends on the id), so sorting on
        # the key alone never compares two entries.
        complete.sort(key=_first)
        incomplete.sort(key=_first)
        return cls(
            rules,
            [key for key, _ in complete],
            [item for _, item in complete],
            [key for key, _ in incomplete],
            [item for _, item in incomplete],
            slots,
        )

    def __contains__(self, contestant_id: object) -> bool:
        return contestant_id in self._slots

    def replace(self, entries: Iterable[Entry]) -> LiveRanking:
        """The ranking with these contestants' entries (new scores) in place of their old ones.

        Each entry must replace a contestant already in the ranking (`KeyError` otherwise):
        someone new, or someone leaving, changes more than scores, and is ranked afresh.

        Only the groups between the lowest and the highest place key a change touched (old
        or new) are placed again, by `Rules.assemble`; the places above them are kept as they
        were, and those below keep their groups and rulings, move by the number of entries
        that became complete or incomplete, and the first of them is told again what separated
        it from the entry now above it.
        """
        rules = self.rules
        complete_keys = list(self._complete_keys)
        complete = list(self._complete)
        incomplete_keys = list(self._incomplete_keys)
        incomplete = list(self._incomplete)
        slots = dict(self._slots)
        replaced: set[int] = set()
        touched: list[tuple[object, ...]] = []  # place keys a change left or arrived at
        for entry in entries:
            contestant_id = entry.contestant_id
            if contestant_id in replaced:
                raise ValueError(f"contestant {contestant_id} is entered twice")
            replaced.add(contestant_id)
            was_complete, old_key = slots[contestant_id]
            if was_complete:
                keys, items = complete_keys, complete
                touched.append(old_key[0])
            else:
                keys, items = incomplete_keys, incomplete
            index = bisect_left(keys, old_key)
            if index == len(keys) or keys[index] != old_key:  # pragma: no cover - a broken state
                raise RuntimeError(f"contestant {contestant_id} is not where it was kept")
            del keys[index]
            del items[index]
            missing = rules.missing(entry)
            if missing:
                key = incomplete_key(entry)
                index = bisect_left(incomplete_keys, key)
                incomplete_keys.insert(index, key)
                incomplete.insert(index, Incomplete(contestant_id, missing))
                slots[contestant_id] = (False, key)
            else:
                item = rules.keyed(entry)
                key = (item[0], item[1])
                index = bisect_left(complete_keys, key)
                complete_keys.insert(index, key)
                complete.insert(index, item)
                slots[contestant_id] = (True, key)
                touched.append(item[0])
        if not touched:
            ranked, unresolved = self.ranking.ranked, self.ranking.unresolved_ties
        else:
            ranked, unresolved = self._placed(complete_keys, complete, min(touched), max(touched))
        return LiveRanking(
            rules,
            complete_keys,
            complete,
            incomplete_keys,
            incomplete,
            slots,
            Ranking(ranked=ranked, incomplete=tuple(incomplete), unresolved_ties=unresolved),
        )

    def _placed(
        self,
        complete_keys: list[tuple[object, ...]],
        complete: list[Keyed],
        low: object,
        high: object,
    ) -> tuple[tuple[RankedEntry, ...], tuple[tuple[int, ...], ...]]:
        """The new complete list placed: this ranking's places above place key `low` kept,
        the groups from `low` to `high` placed again, those below moved."""
        rules = self.rules
        before = self.ranking.ranked
        start = bisect_left(complete_keys, (low,))  # the first place key >= low, in both lists
        end = bisect_left(complete_keys, (high, _TOP))  # the first place key > high, new list
        old_end = bisect_left(self._complete_keys, (high, _TOP))  # … and in the old one
        kept = before[:start]
        above = kept[-1] if kept else None
        middle, middle_ties = rules.assemble(complete[start:end], above, start + 1)
        if middle:
            above = middle[-1]
        moved = before[old_end:]
        shift = end - old_end
        if moved:
            first = moved[0]
            decided_by = rules.separated_by(above, first.total, first.scores)
            if shift or decided_by != first.decided_by:
                moved = (
                    _moved(first, first.rank + shift, decided_by),
                    *(
                        [_moved(e, e.rank + shift, e.decided_by) for e in moved[1:]]
                        if shift
                        else moved[1:]
                    ),
                )
        # The old tie notes above `low` and below `high` stand (a group lies wholly on one
        # side); those between are the middle's.
        slots = self._slots
        ties_above = []
        ties_below = []
        for group in self.ranking.unresolved_ties:
            place = slots[group[0]][1][0]
            if place < low:  # type: ignore[operator]
                ties_above.append(group)
            elif place > high:  # type: ignore[operator]
                ties_below.append(group)
        return kept + middle + moved, (*ties_above, *middle_ties, *ties_below)


class _Top:
    """Greater than any provisional key: (place, _TOP) sorts after every entry of that place."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return True


_TOP = _Top()


def _moved(entry: RankedEntry, rank: int, decided_by: str | None) -> RankedEntry:
    """The same ranked entry at another place (scores and total are the entry's own)."""
    return RankedEntry._trusted(
        rank, entry.contestant_id, entry.number, entry.scores, entry.total, decided_by
    )


def _first(pair: tuple[tuple[object, ...], object]) -> tuple[object, ...]:
    return pair[0]
