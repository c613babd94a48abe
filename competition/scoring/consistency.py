"""Judge consistency (api-v1 "Judging in depth"): how each judge's marks of a component sit
against the panel's, so that the chief judge sees a lenient, a severe or a careless judge, and
every unusual mark, before signing the sheets off.

For one component of one round, per judge, over the contestants that judge marked who also
have at least one other judge's mark (a mark nobody else gave has nothing to be compared with):

- ``marks``: how many such contestants there are;
- ``mean_difference``: the mean of (the judge's mark − the panel's score for that contestant),
  the panel's score being the component score exactly as the results compute it (the mean of
  every judge's exact mark, the highest and lowest dropped from ``trim_from`` marks on, rounded
  half-up to 2 places: ``scoring.marks.aggregate_units``), rounded half-up to 2 places. A judge
  who is always 2 points above the panel has +2.00, a severe one a negative value;
- ``rank_correlation``: Spearman's rho between the judge's marks and the panel's scores over
  those contestants (tied values share the mean of their ranks; rho is then Pearson's
  correlation of the ranks), rounded half-up to 2 places; ``None`` with fewer than 3 contestants
  or when either side has no variance (there is no order to agree with). 1.00: the judge orders
  the contestants as the panel does, -1.00: the reverse;
- ``flags``: the contestants whose mark from this judge lies *more than* ``outlier_percent`` %
  of the component's maximum away from the median of the **other** judges' marks for that
  contestant (the judge's own mark would pull the median towards itself). A mark exactly at the
  distance is not flagged: the distance is what the event allows.

Everything is exact: marks are ``Fraction`` (a mark derived from a marking scheme is a whole
number of 1/300ths of a point, 10/3 say, not its rounding 3.33), and only the published numbers
are rounded, once, half-up (四舍五入) like every score. Rho involves a square root, which is
irrational in general; it is still rounded exactly, by comparing squares of rationals. No
floating point anywhere, so two machines always flag the same marks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from competition.scoring.marks import aggregate_units, round_half_up, to_decimal

__all__ = [
    "DEFAULT_OUTLIER_PERCENT",
    "OUTLIER_PERCENT_RANGE",
    "Flag",
    "JudgeConsistency",
    "MarkValue",
    "component_consistency",
    "exact",
    "fraction_half_up",
    "is_outlier",
    "median",
    "outlier_distance",
    "panel_score",
    "rank_correlation",
    "ranks",
]

#: A mark as the rules take it: exact values only (a float is refused, as everywhere here).
MarkValue = Fraction | Decimal | int
#: The published numbers carry 2 decimals, as every score does.
PLACES = 2
#: An event's distance for flagging a mark, in % of the component's maximum: its default (as
#: `Event.outlier_percent`'s) and what it may be set to (1 % flags nearly everything, 100 %
#: nothing, since no mark is further than the maximum from another).
DEFAULT_OUTLIER_PERCENT = 15
OUTLIER_PERCENT_RANGE = (1, 100)


def exact(value: MarkValue, what: str = "mark") -> Fraction:
    """``value`` as an exact ``Fraction``; floats and booleans refused (see ``to_decimal``)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value, what))


def fraction_half_up(value: Fraction, places: int = PLACES) -> Decimal:
    """An exact rational rounded half-up (away from zero) to ``places`` decimals, via
    ``round_half_up``, never ``-0.00``.

    Why truncating first is exact: the value is cut (towards zero) to one decimal more than
    wanted, then rounded. Every rounding boundary (…5 in that extra place) has that many
    decimals, so the cut never carries a value across one: a value at or beyond a boundary is
    cut to a value at or beyond it, one short of it stays short.
    """
    truncated = int(value * 10 ** (places + 1))  # int() of a Fraction cuts towards zero
    result = round_half_up(Decimal(truncated).scaleb(-(places + 1)), places)
    return abs(result) if result == 0 else result


def median(values: Sequence[Fraction]) -> Fraction:
    """The middle value, or the mean of the two middle values of an even count; exact."""
    if not values:
        raise ValueError("the median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def panel_score(marks: Sequence[Fraction], trim_from: int = 5) -> Decimal:
    """The component score from the panel's exact marks: the results' own rule
    (``aggregate_units``: trimmed from ``trim_from`` marks, mean, rounded half-up once), fed
    the marks as whole units of a denominator they all share, so that it is the published
    score and not a second implementation of it."""
    if not marks:
        raise ValueError("cannot aggregate an empty list of marks")
    hundredths = [m * 100 for m in marks]
    per_hundredth = math.lcm(*(h.denominator for h in hundredths))
    units = [int(h * per_hundredth) for h in hundredths]
    return aggregate_units(len(units), sum(units), min(units), max(units), per_hundredth, trim_from)


def outlier_distance(max_score: MarkValue, outlier_percent: int) -> Fraction:
    """How far from the other judges' median a mark may lie: ``outlier_percent`` % of the
    component's maximum (15 % of 100 points: 15 points)."""
    if isinstance(outlier_percent, bool) or not isinstance(outlier_percent, int):
        raise TypeError("outlier_percent must be an int")
    low, high = OUTLIER_PERCENT_RANGE
    if not low <= outlier_percent <= high:
        raise ValueError(f"outlier_percent must be 1..100, got {outlier_percent}")
    return exact(max_score, "max_score") * outlier_percent / 100


def is_outlier(mark: Fraction, others: Sequence[Fraction], distance: Fraction) -> bool:
    """Whether ``mark`` lies more than ``distance`` from the median of ``others`` (the other
    judges' marks for the same contestant); exactly at the distance it does not."""
    return abs(mark - median(others)) > distance


def ranks(values: Sequence[Fraction]) -> list[Fraction]:
    """Ranks 1..n of ``values`` in ascending order, tied values sharing the mean of the ranks
    they occupy (1, 2.5, 2.5, 4)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result: list[Fraction] = [Fraction(0)] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = Fraction(start + end + 2, 2)  # the mean of ranks start+1 .. end+1
        for position in range(start, end + 1):
            result[order[position]] = shared
        start = end + 1
    return result


def rank_correlation(
    xs: Sequence[Fraction], ys: Sequence[Fraction], places: int = PLACES
) -> Decimal | None:
    """Spearman's rho of two paired sequences, rounded half-up to ``places``; None for fewer
    than 3 pairs or when either side has no variance.

    rho = C / √(Vx·Vy) over the average ranks (C their co-variation, V each one's variation).
    Rounded exactly without the root: |rho| rounds to n / 10**places for the largest n with
    n − ½ ≤ 10**places·|rho|, i.e. (2n − 1)²·Vx·Vy ≤ (2·10**places)²·C² (squares of
    rationals), and 0 ≤ n ≤ 10**places since |rho| ≤ 1.
    """
    if len(xs) != len(ys):
        raise ValueError("paired sequences of different lengths")
    if len(xs) < 3:
        return None
    rx, ry = ranks(xs), ranks(ys)
    mean = Fraction(len(xs) + 1, 2)  # the mean of any ranking of n, ties or not
    cov = sum(((a - mean) * (b - mean) for a, b in zip(rx, ry, strict=True)), Fraction(0))
    vx = sum(((a - mean) ** 2 for a in rx), Fraction(0))
    vy = sum(((b - mean) ** 2 for b in ry), Fraction(0))
    if vx == 0 or vy == 0:
        return None
    scale = 10**places
    product, target = vx * vy, (2 * scale) ** 2 * cov**2
    low, high = 0, scale  # the largest n in [0, scale] with (2n - 1)² · product ≤ target
    while low < high:
        n = (low + high + 1) // 2
        if (2 * n - 1) ** 2 * product <= target:
            low = n
        else:
            high = n - 1
    value = Decimal(-low if cov < 0 else low).scaleb(-places)
    return round_half_up(abs(value) if low == 0 else value, places)


@dataclass(frozen=True)
class Flag:
    """One flagged mark: whose, the mark, and the median of the other judges' marks."""

    contestant_id: int
    judge_id: int
    mark: Fraction
    others_median: Fraction

    @property
    def difference(self) -> Fraction:
        return self.mark - self.others_median


@dataclass(frozen=True)
class JudgeConsistency:
    """One judge's consistency on one component (see the module's docstring)."""

    judge_id: int
    marks: int
    mean_difference: Decimal
    rank_correlation: Decimal | None
    flags: tuple[Flag, ...]

    @property
    def flagged(self) -> tuple[int, ...]:
        """The flagged contestants' ids, ascending."""
        return tuple(flag.contestant_id for flag in self.flags)


def component_consistency(
    marks: Mapping[int, Mapping[int, MarkValue]],
    max_score: MarkValue,
    outlier_percent: int,
    trim_from: int = 5,
) -> list[JudgeConsistency]:
    """Every judge's consistency on one component, by judge id.

    ``marks`` maps contestant id → judge id → that judge's exact mark. A judge none of whose
    contestants has another judge's mark is left out: with nothing to compare there is no
    difference, no order and no outlier to speak of (a unit committee's lone judge in the
    preliminary, say).
    """
    distance = outlier_distance(max_score, outlier_percent)
    # judge -> [(contestant, their mark, the panel's score, the others' median)]
    compared: dict[int, list[tuple[int, Fraction, Decimal, Fraction]]] = {}
    for contestant_id, by_judge in marks.items():
        if len(by_judge) < 2:
            continue
        values = {judge_id: exact(value) for judge_id, value in by_judge.items()}
        score = panel_score(list(values.values()), trim_from)
        for judge_id, value in values.items():
            others = [v for j, v in values.items() if j != judge_id]
            compared.setdefault(judge_id, []).append((contestant_id, value, score, median(others)))
    result = []
    for judge_id in sorted(compared):
        rows = sorted(compared[judge_id])
        differences = sum((value - Fraction(score) for _, value, score, _m in rows), Fraction(0))
        flags = tuple(
            Flag(contestant_id, judge_id, value, middle)
            for contestant_id, value, _score, middle in rows
            if abs(value - middle) > distance
        )
        result.append(
            JudgeConsistency(
                judge_id=judge_id,
                marks=len(rows),
                mean_difference=fraction_half_up(differences / len(rows)),
                rank_correlation=rank_correlation(
                    [value for _c, value, _s, _m in rows],
                    [Fraction(score) for _c, _v, score, _m in rows],
                ),
                flags=flags,
            )
        )
    return result
