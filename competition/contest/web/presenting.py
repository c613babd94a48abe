"""How results read on a page: round names, `decided_by` in words, the score histogram.

Only wording and drawing live here; which place someone gets is decided in
`competition.scoring`, never re-worked out for display.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from competition import scoring
from competition.core.i18n import _
from competition.models import Event
from competition.scoring import FinalistError
from competition.scoring.ranking import RESOLUTION

_BRACKETS = re.compile(r"[（(].*?[)）]")


def short_name(name: str) -> str:
    """A component's name without its unit in brackets: 操作用时(分钟) → 操作用时."""
    return _BRACKETS.sub("", name).strip() or name


def decided_by_text(event: Event, decided_by: str | None) -> str:
    """What separated a contestant from the one above, in words (技能操作成绩高, 操作用时少,
    裁定); empty where the total did."""
    if decided_by is None:
        return ""
    if decided_by == RESOLUTION:
        return _("裁定")
    component = event.component(decided_by)
    if component is None:
        return decided_by
    name = short_name(component.name)
    if component.higher_is_better:
        return _("%(name)s成绩高", name=name)
    return _("%(name)s少", name=name)


def finalist_problem_text(error: FinalistError) -> str:
    """Why a unit's recommendation cannot go ahead, in the reader's language: the rule's own
    wording and numbers (`scoring.finalists`: `error.template`, `error.params`), translated
    whole; scoring.select_finalists decides, this only says it."""
    return _(error.template, **error.params)


def highest_total(event: Event) -> Decimal:
    """The best total the rules allow: every weighted component at its maximum
    (`scoring.max_total`)."""
    return scoring.max_total(
        {c.key: c.max_score for c in event.components},
        [scoring.Component(c.key, c.weight, c.higher_is_better) for c in event.components],
    )


@dataclass(frozen=True)
class Bin:
    low: Decimal
    high: Decimal
    count: int


@dataclass(frozen=True)
class Histogram:
    bins: tuple[Bin, ...]
    total: int

    @property
    def tallest(self) -> int:
        return max((b.count for b in self.bins), default=0)


def histogram(totals: Sequence[Decimal], top: Decimal, max_bins: int = 12) -> Histogram:
    """Totals counted in equal bands of a round width (1, 2, 5, 10, 20, 50 … points), from a
    round number at or below the lowest total up to `top`, in at most `max_bins` bands.

    Starting near the lowest total rather than at 0 keeps the bars readable when everyone
    scored between 70 and 95. Each band holds its lower edge; the last one its upper edge too,
    so a perfect score is counted, not dropped.
    """
    top = max([top, *totals]) if totals else top
    if top <= 0:
        top = Decimal(1)
    lowest = min(totals, default=Decimal(0))
    step, low, count = Decimal(1), Decimal(0), 1
    for step in _steps():
        low = (lowest / step).to_integral_value(rounding=ROUND_FLOOR) * step
        count = max(1, int(((top - low) / step).to_integral_value(rounding=ROUND_CEILING)))
        if count <= max_bins:
            break
    counts = [0] * count
    for total in totals:
        index = int(((total - low) / step).to_integral_value(rounding=ROUND_FLOOR))
        counts[min(max(index, 0), count - 1)] += 1
    edges = [low + step * i for i in range(count + 1)]
    edges[-1] = min(edges[-1], top)
    return Histogram(
        bins=tuple(Bin(edges[i], edges[i + 1], counts[i]) for i in range(count)),
        total=len(totals),
    )


def _steps() -> Iterator[Decimal]:
    """1, 2, 5, 10, 20, 50, … and on: band widths people read without effort."""
    scale = Decimal(1)
    while True:
        for mantissa in (1, 2, 5):
            yield scale * mantissa
        scale *= 10
