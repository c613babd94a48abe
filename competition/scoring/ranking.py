"""Ranking a round: totals, the tie-break chain, organisers' rulings, and what is left open.

The rules (api-v1.md "Results", domain.md "Ranking") allow no shared places (不设并列名次):
ranks are 1..n and each is used once.  Equal totals go down the event's tie-break chain; a tie
that survives the whole chain is settled only by an organiser's recorded ruling.  Until then the
group is ordered *provisionally* by contest number, and reported, so that nobody can publish a
ranking in which a place was decided silently.

Mappings in the frozen dataclasses: ``Entry.scores`` and ``RankedEntry.scores`` keep the
``Mapping[str, Decimal]`` type the rest of the code reads naturally (``entry.scores["theory"]``),
but the constructor snapshots whatever mapping it is given into a read-only
``types.MappingProxyType`` over a private dict.  So a caller mutating its dict afterwards cannot
change an entry, and nobody can mutate the entry's scores.  The field is excluded from the hash
(``field(hash=False)``) because a mapping proxy is not hashable in Python 3.11; equality still
compares the scores, and equal objects still have equal hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from types import MappingProxyType

from competition.scoring.marks import Component, round_half_up, to_decimal, weighted_total

__all__ = [
    "RESOLUTION",
    "Entry",
    "Incomplete",
    "Keyed",
    "RankedEntry",
    "Ranking",
    "Resolution",
    "Rules",
    "incomplete_key",
    "number_sort_key",
    "rank_entries",
]

#: ``decided_by`` value for places settled by an organiser's ruling.
RESOLUTION = "resolution"

_DIGITS = re.compile(r"([0-9]+)")


def number_sort_key(number: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """Sort key for contest numbers in natural order: "A9" before "A10", "9" before "10".

    Why: the provisional order inside an unresolved tie, and the order of incomplete entries, is
    "by contest number", and a person reading "A10" before "A9" would take it for a mistake.
    Zero-padded numbers of one width ("A07", "A10") sort the same either way.  Runs of digits
    compare by value, other runs as text; the whole string breaks any remaining tie ("7" vs "07")
    so the order is total.
    """
    if number.isascii() and number.isdigit():
        return ((1, int(number), number),), number  # what the general case gives, sooner
    # re.split with a capturing group alternates text, digits, text, ...: odd indexes are digits.
    parts = tuple(
        (1, int(run), run) if index % 2 else (0, 0, run)
        for index, run in enumerate(_DIGITS.split(number))
        if run
    )
    return parts, number


def _frozen_scores(scores: Mapping[str, Decimal | None]) -> Mapping[str, Decimal]:
    """A read-only snapshot of a score mapping; ``None`` means "no score yet" and is dropped.

    Why drop ``None``: a caller building scores from a query naturally gets ``None`` for a
    component nobody has marked; treating it like a missing key makes it count as missing
    rather than crash or rank as zero.
    """
    if not isinstance(scores, Mapping):
        raise TypeError(f"scores must be a mapping, not {type(scores).__name__}")
    snapshot: dict[str, Decimal] = {}
    for key, value in scores.items():
        if value is None:
            continue
        if type(value) is not Decimal or not value.is_finite():
            value = to_decimal(value, f"score {key!r}")
        snapshot[key] = value
    return MappingProxyType(snapshot)


@dataclass(frozen=True)
class Entry:
    """One contestant as the ranking sees them: id, contest number and component scores.

    ``scores`` maps component key to the component's score (normally already rounded to
    2 places); a key may be missing while marking is still under way.
    """

    contestant_id: int
    number: str
    scores: Mapping[str, Decimal] = field(hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.number, str):
            raise TypeError(f"contest number must be a string, not {type(self.number).__name__}")
        object.__setattr__(self, "scores", _frozen_scores(self.scores))


@dataclass(frozen=True)
class Resolution:
    """An organiser's recorded ruling on one tie group: contestant ids, best first.

    It applies only while its ids are *exactly* the members of a current tie group; after marks
    change the group may be different, and an old ruling must not silently order new people.
    A list given as ``order`` is stored as a tuple.
    """

    order: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", tuple(self.order))


@dataclass(frozen=True)
class RankedEntry:
    """A ranked contestant: place, scores (rounded to 2 places), total, and what decided it.

    ``decided_by`` is the key of the tie-break component that separated this contestant from
    the one ranked just above, ``"resolution"`` where an organiser's ruling did, and ``None``
    where the total did (and for rank 1, and inside an unresolved tie).
    """

    rank: int
    contestant_id: int
    number: str
    scores: Mapping[str, Decimal] = field(hash=False)
    total: Decimal
    decided_by: str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", _frozen_scores(self.scores))

    @classmethod
    def _trusted(
        cls,
        rank: int,
        contestant_id: int,
        number: str,
        scores: Mapping[str, Decimal],
        total: Decimal,
        decided_by: str | None,
    ) -> RankedEntry:
        """An entry from values `rank_entries` has already checked and frozen.

        Why: checking and snapshotting the scores again for each of 10,000 people is a good
        part of the time a big ranking takes, and would re-check what was checked a moment ago.
        """
        entry = object.__new__(cls)
        entry.__dict__.update(
            rank=rank,
            contestant_id=contestant_id,
            number=number,
            scores=scores,
            total=total,
            decided_by=decided_by,
        )
        return entry


@dataclass(frozen=True)
class Incomplete:
    """A contestant who cannot be ranked yet, and the component keys still without a score."""

    contestant_id: int
    missing: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "missing", tuple(self.missing))


@dataclass(frozen=True)
class Ranking:
    """The ranking of a round (or of one unit's preliminary).

    ``incomplete`` is ordered by contest number, then id; ``unresolved_ties`` lists each tie
    group that no ruling settles, as ascending contestant ids, groups in rank order.
    """

    ranked: tuple[RankedEntry, ...]
    incomplete: tuple[Incomplete, ...]
    unresolved_ties: tuple[tuple[int, ...], ...]


def _check_components(
    components: Sequence[Component], tie_breaks: Sequence[str]
) -> tuple[Component, ...]:
    """Validate the rule set; return the tie-break components in chain order.

    Why here: an unknown tie-break would otherwise be silently skipped (or crash halfway through
    ranking); a duplicate component key makes "the score of component X" ambiguous.
    """
    by_key: dict[str, Component] = {}
    for component in components:
        if not isinstance(component, Component):
            raise TypeError(f"components must be Component, not {type(component).__name__}")
        if component.key in by_key:
            raise ValueError(f"duplicate component key {component.key!r}")
        by_key[component.key] = component
    if isinstance(tie_breaks, str):
        raise TypeError("tie_breaks must be a sequence of component keys, not a string")
    unknown = [key for key in tie_breaks if key not in by_key]
    if unknown:
        raise ValueError(f"tie_breaks name unknown components: {', '.join(map(repr, unknown))}")
    return tuple(by_key[key] for key in tie_breaks)


def _tie_key(component: Component, score: Decimal) -> Decimal:
    """Sort value for a tie-break score: negated where higher is better, so ascending sorts win."""
    return -score if component.higher_is_better else score


def _matching_resolution(
    group: Sequence[int], resolutions: Iterable[Resolution]
) -> Resolution | None:
    """The last ruling whose ids are exactly ``group`` (no more, no fewer, no repeats), if any.

    Why the last: rulings are passed in the order they were recorded, and a later ruling on the
    same group supersedes an earlier one.
    """
    members = set(group)
    found: Resolution | None = None
    for resolution in resolutions:
        order = resolution.order
        if len(order) == len(members) and set(order) == members:
            found = resolution
    return found


#: A complete entry as the ranking works with it: (place key, provisional key, entry, rounded
#: scores, total). The place key is what decides a place (total, then the tie-break chain); the
#: provisional key (contest number, then id) only orders people the place key cannot tell
#: apart, and is unique per person, so (place key, provisional key) orders everyone totally.
Keyed = tuple[tuple[Decimal, ...], tuple[object, ...], Entry, Mapping[str, Decimal], Decimal]


@dataclass(frozen=True)
class Rules:
    """An event's ranking rules, checked once: what `rank_entries` and `LiveRanking` share.

    Why a value of its own: the incremental ranking (`competition.scoring.live`) must key and
    order entries exactly as `rank_entries` does; both go through `keyed`, `assemble` and
    `incomplete_key` of one `Rules`, so there is one implementation of the rules, not two.
    """

    keys: tuple[str, ...]
    weighted: tuple[Component, ...]
    chain: tuple[Component, ...]
    resolutions: tuple[Resolution, ...]

    @classmethod
    def of(
        cls,
        components: Sequence[Component],
        tie_breaks: Sequence[str] = (),
        resolutions: Sequence[Resolution] = (),
    ) -> Rules:
        chain = _check_components(components, tie_breaks)
        return cls(
            keys=tuple(c.key for c in components),
            weighted=tuple(c for c in components if c.weight > 0),
            chain=chain,
            resolutions=tuple(resolutions),
        )

    def missing(self, entry: Entry) -> tuple[str, ...]:
        """The component keys the entry has no score for, in component order."""
        scores = entry.scores
        return tuple([key for key in self.keys if key not in scores])

    def keyed(self, entry: Entry) -> Keyed:
        """A complete entry (no `missing` keys) keyed for ranking."""
        scores = entry.scores
        # In component order, whatever order the scores came in (a database's grouped query
        # returns them in no set order): the results show them in one order every time.
        rounded = {key: round_half_up(scores[key], 2) for key in self.keys}
        if len(scores) > len(rounded):
            rounded.update(
                (key, round_half_up(value, 2))
                for key, value in scores.items()
                if key not in rounded
            )
        total = weighted_total(rounded, self.weighted)
        place = (-total, *[_tie_key(c, rounded[c.key]) for c in self.chain])
        provisional = (number_sort_key(entry.number), entry.contestant_id)
        return place, provisional, entry, MappingProxyType(rounded), total

    def assemble(
        self,
        complete: Sequence[Keyed],
        above: RankedEntry | None = None,
        first_rank: int = 1,
    ) -> tuple[tuple[RankedEntry, ...], tuple[tuple[int, ...], ...]]:
        """Places, tie notes and rulings for complete entries sorted by (place, provisional).

        Only the groups of equal place keys matter here, and each group's members arrive in
        provisional order, which an unresolved group keeps.  `above` and `first_rank` place a
        run of whole groups below the entries already ranked (`above` the last of them), as
        the incremental ranking does for the part of a ranking a change moved.
        """
        chain = self.chain
        resolutions = self.resolutions
        ranked: list[RankedEntry] = []
        unresolved: list[tuple[int, ...]] = []
        for _, members in groupby(complete, key=itemgetter(0)):
            group = list(members)
            resolved = False
            if len(group) > 1:
                ids = [item[2].contestant_id for item in group]
                resolution = _matching_resolution(ids, resolutions)
                if resolution is None:
                    unresolved.append(tuple(sorted(ids)))
                else:
                    position = {cid: i for i, cid in enumerate(resolution.order)}
                    group.sort(key=lambda item: position[item[2].contestant_id])
                    resolved = True
            for index, (_, _, entry, scores, total) in enumerate(group):
                if index > 0:
                    decided_by = RESOLUTION if resolved else None
                else:
                    decided_by = _separated_by(
                        ranked[-1] if ranked else above, total, scores, chain
                    )
                ranked.append(
                    RankedEntry._trusted(
                        len(ranked) + first_rank,
                        entry.contestant_id,
                        entry.number,
                        scores,
                        total,
                        decided_by,
                    )
                )
        return tuple(ranked), tuple(unresolved)

    def separated_by(
        self, above: RankedEntry | None, total: Decimal, scores: Mapping[str, Decimal]
    ) -> str | None:
        """What put the first member of a group below `above` (see `_separated_by`)."""
        return _separated_by(above, total, scores, self.chain)


def incomplete_key(entry: Entry) -> tuple[object, ...]:
    """The order of incomplete entries: contest number (natural order), then id."""
    return number_sort_key(entry.number), entry.contestant_id


def rank_entries(
    entries: Sequence[Entry],
    components: Sequence[Component],
    tie_breaks: Sequence[str] = (),
    resolutions: Sequence[Resolution] = (),
) -> Ranking:
    """Rank entries by rounded total, then the tie-break chain, then organisers' rulings.

    - An entry missing a score for any component in ``components`` (weighted or not) is not
      ranked; it goes to ``incomplete`` with the missing keys in component order.  A partial
      ranking would place people on scores that are still to come.
    - Order: rounded total descending; then each ``tie_breaks`` component's rounded score,
      descending, or ascending where ``higher_is_better`` is False.  An unknown tie-break key
      raises ``ValueError``; so do duplicate component keys and duplicate contestant ids.
    - Entries equal on the total and every tie-break form a tie group.  A ruling whose ids are
      exactly the group's orders it (every member but the first is ``decided_by
      "resolution"``); rulings matching no current group are ignored.  An unresolved group is
      ordered provisionally by contest number (natural order, then id), reported in
      ``unresolved_ties``, and its members carry ``decided_by None``.
    - Scores are rounded to 2 places on the way in (a no-op for published scores), so totals,
      comparisons and the output all use what is published.

    The result depends only on the *set* of entries, never on their input order: every sort
    ends on a key that is unique per contestant.
    """
    rules = Rules.of(components, tie_breaks, resolutions)
    seen: set[int] = set()
    complete: list[Keyed] = []
    incomplete: list[tuple[Entry, tuple[str, ...]]] = []
    for entry in entries:
        contestant_id = entry.contestant_id
        if contestant_id in seen:
            raise ValueError(f"contestant {contestant_id} is entered twice")
        seen.add(contestant_id)
        missing = rules.missing(entry)
        if missing:
            incomplete.append((entry, missing))
        else:
            complete.append(rules.keyed(entry))
    complete.sort(key=itemgetter(1))
    complete.sort(key=itemgetter(0))  # stable: a tie keeps the provisional order
    ranked, unresolved = rules.assemble(complete)
    incomplete.sort(key=lambda item: incomplete_key(item[0]))
    return Ranking(
        ranked=ranked,
        incomplete=tuple(Incomplete(e.contestant_id, missing) for e, missing in incomplete),
        unresolved_ties=unresolved,
    )


def _separated_by(
    above: RankedEntry | None,
    total: Decimal,
    scores: Mapping[str, Decimal],
    chain: Sequence[Component],
) -> str | None:
    """What put the first member of a group below the entry just above it.

    ``None`` at rank 1 and where the totals differ (the total is the rule, not a tie-break);
    otherwise the first tie-break component whose rounded score differs.
    """
    if above is None or above.total != total:
        return None
    for component in chain:
        if above.scores[component.key] != scores[component.key]:
            return component.key
    return None  # unreachable: equal on everything would have put both in one group
