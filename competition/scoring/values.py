"""What a mark may be, and how a score is written down.

The mark value rule (api-v1.md: "value outside 0..max_score → 422"; domain.md "Rounding": scores
are kept to 2 decimal places): a judge's mark, an expert's review score and a rubric item score
is a number from 0 to the component's maximum (100 for a review) with at most 2 decimal places.
``MarkValueRule`` holds it once with its wording, for the services that refuse a value, for the
API's decimal fields (``places_message``), and for the score sheet's script, which is served the
limits and the words (``MarkValueRule.for_script``) instead of keeping a copy of its own.

Display: every score printed or shown is rounded half-up (四舍五入) to 2 places, the rounding of
``round_half_up``, never Python's default half-even (83.345 is shown as 83.35, not 83.34).
``display`` is that, as text.

The messages are Chinese, as the API answers; the pages translate them through the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from competition.scoring.marks import _EXACT_SCALE, round_half_up, to_decimal

__all__ = [
    "MARK_MINIMUM",
    "MARK_PLACES",
    "PLACES",
    "PLACES_MESSAGE",
    "RANGE",
    "MarkValueRule",
    "display",
    "has_places",
    "mark_value_problem",
    "places_message",
    "plain",
    "weights_problem",
]

#: No mark is below this.
MARK_MINIMUM = Decimal(0)
#: A mark, like every published score, has at most this many decimal places.
MARK_PLACES = 2
#: What is wrong with a value: too many decimal places, or outside minimum..maximum.
PLACES, RANGE = "places", "range"


def plain(value: Decimal | int) -> str:
    """A number as people write a limit: no trailing zeros, no exponent (100, 7.5, 0.3)."""
    return f"{to_decimal(value).normalize(context=_EXACT_SCALE):f}"


def has_places(value: Decimal | int, places: int) -> bool:
    """Whether ``value`` has at most ``places`` decimal places (trailing zeros do not count:
    83.500 has 1).  Exact and independent of any decimal context, whatever the value's size."""
    _sign, digits, exponent = to_decimal(value).as_tuple()
    extra = -int(exponent) - places
    return extra <= 0 or not any(digits[-extra:])


#: The refusal of a value with too many decimal places, as a ``str.format`` template: the API's
#: decimal fields (weights have 4 places) and the mark value rule say it in the same words.
PLACES_MESSAGE = "最多保留 {places} 位小数"


def places_message(places: int = MARK_PLACES) -> str:
    """The refusal of a value with more than ``places`` decimal places: 最多保留 2 位小数."""
    return PLACES_MESSAGE.format(places=places)


@dataclass(frozen=True)
class MarkValueRule:
    """The values a mark of one component may take: ``MARK_MINIMUM``..``maximum`` with at most
    ``MARK_PLACES`` decimal places; ``name`` is the component's, for the wording."""

    maximum: Decimal
    name: str = ""

    minimum: ClassVar[Decimal] = MARK_MINIMUM
    places: ClassVar[int] = MARK_PLACES

    def __post_init__(self) -> None:
        object.__setattr__(self, "maximum", to_decimal(self.maximum, "maximum"))

    @property
    def range_message(self) -> str:
        """理论知识的分数应在 0 到 100 之间; 分数应在 0 到 100 之间 without a name."""
        subject = f"{self.name}的分数" if self.name else "分数"
        return f"{subject}应在 {plain(self.minimum)} 到 {plain(self.maximum)} 之间"

    @property
    def places_message(self) -> str:
        return places_message(self.places)

    def fault(self, value: Decimal | int) -> str | None:
        """``PLACES``, ``RANGE`` or ``None``: what is wrong with ``value``, first failure wins.

        Places are checked first, as the API's decimal fields check them before any range, so
        that every surface refuses 105.555 for the same reason.
        """
        number = to_decimal(value, "mark")
        if not has_places(number, self.places):
            return PLACES
        if not self.minimum <= number <= self.maximum:
            return RANGE
        return None

    def problem(self, value: Decimal | int) -> str | None:
        """Why ``value`` cannot be a mark, in the one wording; ``None`` when it can."""
        fault = self.fault(value)
        if fault == PLACES:
            return self.places_message
        if fault == RANGE:
            return self.range_message
        return None

    def for_script(self) -> dict[str, str | int]:
        """The rule as a page's script checks it before asking the server: the limits as
        decimal strings, the number of places, and the messages in the server's words."""
        return {
            "minimum": plain(self.minimum),
            "maximum": plain(self.maximum),
            "places": self.places,
            "range": self.range_message,
            "places_message": self.places_message,
        }


def mark_value_problem(value: Decimal | int, maximum: Decimal | int, name: str = "") -> str | None:
    """Why ``value`` cannot be a mark out of ``maximum`` (of the component ``name``), or None."""
    return MarkValueRule(to_decimal(maximum, "maximum"), name).problem(value)


def display(value: Decimal | int, places: int = 2) -> str:
    """A score as it is shown and printed: rounded half-up to ``places``, exactly ``places``
    decimals, plain digits (83.345 → "83.35", 90 → "90.00")."""
    return f"{round_half_up(to_decimal(value), places):f}"


def weights_problem(weights: Iterable[Decimal | int]) -> str | None:
    """What is wrong with an event's component weights, or None.

    A total is Σ weight × score over the weighted components (weight 0 is a measure such as
    the time taken, kept for tie-breaks only), so the weights must add up to exactly 1: with
    0.3 + 0.7 a full marks total is a full score, and nothing is scaled afterwards. Exact
    Decimal arithmetic; the message names the sum as it is (0.90, 1.05)."""
    positive = [to_decimal(weight, "weight") for weight in weights]
    positive = [weight for weight in positive if weight > 0]
    if not positive:
        return "至少需要一个权重大于 0 的评分项"
    total = sum(positive, Decimal(0))
    if total != 1:
        return f"各评分项权重之和须为 1，现为 {total}"
    return None
