"""Marks, component scores and weighted totals: exact decimals, rounded half-up.

The contest rules (domain.md, "Rounding") keep scores to 2 decimal places, rounded half-up
(四舍五入), and compute weighted totals in exact decimal arithmetic.  Binary floating point cannot
represent 0.30 or 83.335 exactly, and Python's default decimal rounding is banker's rounding
(ROUND_HALF_EVEN), which turns 83.345 into 83.34 where a person with a pencil writes 83.35.
Everything here therefore works on ``decimal.Decimal`` only, in a *local* decimal context, so a
caller's (or a library's) global context can neither change a published score nor be changed by us.
Floats are refused outright rather than converted: ``Decimal(0.1)`` silently carries the binary
error into the score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

__all__ = [
    "Component",
    "MarkSummary",
    "aggregate_hundredths",
    "aggregate_marks",
    "aggregate_summary",
    "aggregate_units",
    "max_total",
    "round_half_up",
    "to_decimal",
    "weighted_total",
]

#: Never fewer significant digits than this in intermediate results (the ``decimal`` default).
_MIN_PRECISION = 28
#: Head-room added on top of what a value's own size needs.
_HEADROOM = 10


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Return ``value`` as a finite ``Decimal``; refuse floats, booleans, NaN and infinities.

    Why: a score that was ever a float is already wrong in its last digits, and ``True`` is an
    ``int`` in Python that nobody means as a mark.  ``int`` is accepted because it is exact.
    ``what`` names the value in the error message.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal (or int), not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{what} must be finite, got {result}")
    return result


#: The fast path: wide enough for every realistic score, weight and total, and trapping anything
#: it cannot do exactly, in which case the sized-context path below takes over. Flags it sets are
#: never read, so sharing it between threads is harmless.
_FAST = Context(prec=60, rounding=ROUND_HALF_UP, traps=[Inexact, InvalidOperation, Overflow])
_HUNDREDTHS = Decimal("0.01")
#: Rounding to 2 places in one step: half-up, and refusing (rather than rounding twice) whatever
#: does not fit 60 digits.
_ROUND = Context(prec=60, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Overflow])
#: Shifting a decimal point is exact given the digits; 999 covers any score a person could type.
_EXACT_SCALE = Context(prec=999, traps=[Inexact, InvalidOperation, Overflow])


def _precision_for(*values: Decimal) -> int:
    """Significant digits that hold every value's integer part plus head-room.

    Why: a fixed precision would make ``quantize`` fail (or, for sums, round) on very large
    values; sizing it from the operands keeps results exact however large the inputs are.
    """
    needed = max((v.adjusted() for v in values if v), default=0)
    return max(_MIN_PRECISION, needed + _HEADROOM)


def _exact_context(*values: Decimal) -> Context:
    """A context in which sums of values and of their pairwise products stay exact.

    Why: the rules demand exact arithmetic for totals.  The precision is sized from the operands
    (digits from the highest integer digit to the lowest decimal, doubled for products, plus
    head-room for carries), and ``Inexact`` is trapped: should that ever fall short we would
    rather fail loudly than publish a silently rounded total.
    """
    top = max([0, *(v.adjusted() for v in values if v)])
    bottom = min([0, *(int(v.as_tuple().exponent) for v in values)])
    digits = top - bottom + 1
    return Context(
        prec=max(_MIN_PRECISION, 2 * digits + _HEADROOM), rounding=ROUND_HALF_UP, traps=[Inexact]
    )


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round ``value`` to ``places`` decimals, halves away from zero (四舍五入).

    The result always carries exactly ``places`` decimals (``Decimal("90")`` -> ``"90.00"``),
    because the API publishes scores as strings with exactly 2 decimals and ``str()`` of the
    result is what gets printed.  For negative values halves also go away from zero
    (-0.005 -> -0.01), the mirror image of the positive case; scores are never negative anyway.
    """
    if type(value) is Decimal and places == 2:
        # The common case, tens of thousands of times per ranking: one C call. Too large a value
        # (or an infinity) raises, a NaN comes back as NaN; both go the careful way below.
        try:
            result = value.quantize(_HUNDREDTHS, context=_ROUND)
        except InvalidOperation:
            result = None
        if result is not None and result.is_finite():
            return result
    value = to_decimal(value)
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be a non-negative int, got {places!r}")
    exponent = _HUNDREDTHS if places == 2 else Decimal(1).scaleb(-places)
    if value.as_tuple().exponent == -places:
        return value  # already exactly `places` decimals: the common case of a stored score
    try:
        return value.quantize(exponent, rounding=ROUND_HALF_UP, context=_FAST)
    except (Inexact, InvalidOperation, Overflow):
        pass  # a value too large for the fast context; size one for it
    with localcontext() as ctx:
        ctx.prec = _precision_for(value) + places
        ctx.rounding = ROUND_HALF_UP
        return value.quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MarkSummary:
    """What the aggregation rule needs of a set of marks: how many, their sum, lowest, highest.

    Why: a database can sum, count and find extremes of 150,000 marks far faster than Python can
    load them; the rule itself (``aggregate_summary``) stays here, written once.
    """

    count: int
    total: Decimal
    lowest: Decimal
    highest: Decimal

    @classmethod
    def of(cls, marks: Sequence[Decimal]) -> MarkSummary:
        values = [to_decimal(m, "mark") for m in marks]
        if not values:
            raise ValueError("cannot aggregate an empty list of marks")
        with localcontext(_exact_context(*values)):
            total = sum(values, Decimal(0))
        return cls(count=len(values), total=total, lowest=min(values), highest=max(values))


def aggregate_hundredths(
    count: int, total: int, lowest: int, highest: int, trim_from: int = 5
) -> Decimal:
    """The aggregation rule on a summary of marks counted in whole hundredths.

    Why: marks carry 2 decimals, and a database sums them exactly as integers (``SUM`` of
    hundredths); the rule then needs only integer arithmetic, the fastest exact way there is
    for the 30,000 component scores of a big event. It is ``aggregate_units`` with one unit a
    hundredth, and a property test holds it to ``aggregate_marks``'s answers.
    """
    return aggregate_units(count, total, lowest, highest, 1, trim_from)


def aggregate_units(
    count: int, total: int, lowest: int, highest: int, per_hundredth: int, trim_from: int = 5
) -> Decimal:
    """The aggregation rule on marks counted in whole units of 1/(100 × per_hundredth) point.

    Why: a mark derived from a marking scheme is exact only in 1/300ths of a point (a
    judgement of 1 on 10 points is 10/3; ``scoring.schemes``), and the rule wants the mean of
    the exact marks rounded once. Typed marks join them as hundredths × ``per_hundredth``, so
    one grouped query serves both; ``per_hundredth`` 1 is ``aggregate_hundredths``.
    """
    named = ((total, "sum of marks"), (lowest, "lowest mark"), (highest, "highest mark"))
    for value, what in named:
        if type(value) is not int:
            raise TypeError(
                f"{what} must be an int of units (hundredths × {per_hundredth}), "
                f"not {type(value).__name__}"
            )
    return _aggregate_units(count, total, lowest, highest, trim_from, per_hundredth)


def aggregate_summary(summary: MarkSummary, trim_from: int = 5) -> Decimal:
    """The aggregation rule on a summary of marks; see ``aggregate_marks`` for the rule itself.

    Dropping one highest and one lowest mark and averaging the rest is exactly
    (sum − lowest − highest) / (count − 2), so a summary is all the rule needs.
    """
    values = (
        to_decimal(summary.total, "sum of marks"),
        to_decimal(summary.lowest, "lowest mark"),
        to_decimal(summary.highest, "highest mark"),
    )
    # Whole units of the finest decimal place among them (at least hundredths): exact integers.
    places = max(2, *(-int(v.as_tuple().exponent) for v in values))
    total, lowest, highest = (int(v.scaleb(places, context=_EXACT_SCALE)) for v in values)
    return _aggregate_units(summary.count, total, lowest, highest, trim_from, 10 ** (places - 2))


def _aggregate_units(
    count: int, total: int, lowest: int, highest: int, trim_from: int, per_hundredth: int
) -> Decimal:
    """The rule itself, on marks counted in whole units of 1/(100 × per_hundredth) point: drop
    one lowest and one highest from `trim_from` marks up, then the mean, rounded half-up to 2
    places.

    Integers make it exact by construction (no precision to size, no double rounding) and
    fast: it runs once per contestant and component, tens of thousands of times per ranking.
    """
    if isinstance(trim_from, bool) or not isinstance(trim_from, int) or trim_from < 3:
        raise ValueError(f"trim_from must be an int of at least 3, got {trim_from!r}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError("cannot aggregate an empty list of marks")
    if count >= trim_from:
        total -= lowest + highest
        count -= 2
    return _hundredths_half_up(total, count * per_hundredth)


def _hundredths_half_up(hundredths: int, divisor: int) -> Decimal:
    """hundredths / divisor, rounded half-up (away from zero) to a whole number of hundredths."""
    quotient, remainder = divmod(abs(hundredths), divisor)
    if 2 * remainder >= divisor:
        quotient += 1
    return Decimal(-quotient if hundredths < 0 else quotient).scaleb(-2, context=_EXACT_SCALE)


def aggregate_marks(marks: Sequence[Decimal], trim_from: int = 5) -> Decimal:
    """A component's score from its judges' marks, rounded half-up to 2 places.

    The arithmetic mean; when there are ``trim_from`` or more marks, exactly one highest and one
    lowest mark are dropped first (domain.md: "with 5 or more judges the highest and the lowest
    are dropped").  Only *one* of each goes even when several judges gave the same extreme mark:
    the rule trims outliers, it does not discard agreement.  The same rule aggregates the expert
    panel's scores in the craftsman-class review.

    Exactness: the sum is exact (an inexact sum raises ``decimal.Inexact``), and the mean is
    rounded half-up from the exact rational value in integer arithmetic, so there is no double
    rounding (a plain round-to-nearest division does not guarantee that).

    Raises ``ValueError`` for no marks (a score of nothing is not 0; the caller must treat the
    component as missing) and for ``trim_from`` below 3 (trimming 2 of 2 marks leaves nothing).
    """
    if isinstance(trim_from, bool) or not isinstance(trim_from, int) or trim_from < 3:
        raise ValueError(f"trim_from must be an int of at least 3, got {trim_from!r}")
    return aggregate_summary(MarkSummary.of(marks), trim_from)


@dataclass(frozen=True)
class Component:
    """One scored part of a round, as the ranking needs it.

    ``weight`` 0 means the component only breaks ties (e.g. practical time used); it is not part
    of the total.  ``higher_is_better`` is False for things like time used, where the smaller
    value wins a tie-break.  The constructor validates eagerly so a bad rule fails where the
    event is configured, not later in the middle of computing a published ranking.
    """

    key: str
    weight: Decimal
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ValueError("component key must be a non-empty string")
        weight = to_decimal(self.weight, f"weight of component {self.key!r}")
        if weight < 0:
            raise ValueError(f"weight of component {self.key!r} must not be negative")
        object.__setattr__(self, "weight", weight)


def weighted_total(scores: Mapping[str, Decimal], components: Sequence[Component]) -> Decimal:
    """Σ weight × score over the components with weight > 0, rounded half-up to 2 places.

    Each score is rounded to 2 places *before* it is weighted (rounding an already rounded
    score changes nothing), because the contract computes the total from the published scores:
    anyone re-adding the published numbers must get the published total.  The weighted sum is
    exact.  A missing score of a weighted component raises ``KeyError`` (naming the key); scores
    of weight-0 components are not needed.
    """
    terms: list[Decimal] = []
    for component in components:
        if component.weight > 0:
            score = round_half_up(scores[component.key], 2)
            terms.extend((component.weight, score))
    try:
        total = Decimal(0)
        for weight, score in zip(terms[::2], terms[1::2], strict=True):
            total = _FAST.add(total, _FAST.multiply(weight, score))
        return round_half_up(total, 2)
    except (Inexact, InvalidOperation, Overflow):
        pass  # beyond the fast context's digits: the sized context below is exact for any size
    with localcontext(_exact_context(*terms)):
        total = sum(
            (weight * score for weight, score in zip(terms[::2], terms[1::2], strict=True)),
            Decimal(0),
        )
    return round_half_up(total, 2)


def max_total(maxima: Mapping[str, Decimal], components: Sequence[Component]) -> Decimal:
    """The best total the rules allow: every weighted component at its maximum, i.e.
    Σ weight × maximum, computed and rounded exactly as ``weighted_total`` computes a total.

    ``maxima`` maps each component's key to its maximum; as in ``weighted_total``, only the
    weighted components need one.  Why it is a rule of its own: a total above it is impossible,
    and a chart or a check of totals must use the same arithmetic as the totals themselves.
    """
    return weighted_total(maxima, components)
