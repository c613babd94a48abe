"""Marking schemes (评分细则): a component marked item by item, the way a practical is marked.

A scheme's items are of three kinds (domain.md, "Marking scheme"; api-v1 "Judging in depth"):

- ``measurement``: a dimension of the drawing measured against its tolerance. The item's points
  are earned in full when nominal + lower ≤ measured ≤ nominal + upper (a size exactly on a
  limit is inside), none otherwise: there is no partial credit for a size out of tolerance.
- ``judgement``: an aspect such as surface quality, judged 0, 1, 2 or 3 by each judge (the
  WorldSkills scale), worth value ÷ 3 × points.
- ``deduction``: points taken off (安全文明生产), from 0 up to the item's points.

The points of the measurement and judgement items add up to the component's maximum. A judge's
mark is Σ earned − Σ deducted, never below 0 and never above the maximum, and it is **exact**: a
judgement of 1 on 10 points is 10/3. Points have at most 2 decimals and a judgement divides by
3, so every mark is a whole number of 1/300ths of a point (``UNITS_PER_POINT``); marks are kept
and summed as those integers, and the component score (the panel's mean, trimmed from 5 marks)
is rounded half-up to 2 places once, at the end (``scoring.marks.aggregate_units``).

Only ``decimal.Decimal`` and ``int``; messages are Chinese, as the API answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from competition.scoring.marks import to_decimal
from competition.scoring.values import has_places, plain

__all__ = [
    "DEDUCTION",
    "ITEM_KINDS",
    "JUDGEMENT",
    "JUDGEMENT_VALUES",
    "MEASUREMENT",
    "SIZE_PLACES",
    "UNITS_PER_POINT",
    "SchemeItem",
    "earned_units",
    "is_dispute",
    "item_points_display",
    "item_value_problem",
    "judge_units",
    "scheme_problems",
    "units_display",
    "units_of",
]

MEASUREMENT, JUDGEMENT, DEDUCTION = "measurement", "judgement", "deduction"
ITEM_KINDS = (MEASUREMENT, JUDGEMENT, DEDUCTION)
KIND_NAMES = {MEASUREMENT: "测量项", JUDGEMENT: "评价项", DEDUCTION: "扣分项"}
#: A judge's judgement of an item: 0, 1, 2 or 3.
JUDGEMENT_VALUES = (0, 1, 2, 3)
_JUDGEMENT_SCALE = 3
#: A judge's mark of a scheme is a whole number of these per point: points have 2 decimals
#: (×100) and a judgement divides by 3 (×3).
UNITS_PER_POINT = 300
#: Measured sizes and tolerances carry up to 3 decimals (micrometres on a millimetre drawing).
SIZE_PLACES = 3
POINT_PLACES = 2
CODE_LENGTH = 16
NAME_LENGTH = 200


@dataclass(frozen=True)
class SchemeItem:
    """One item of a scheme; ``nominal``, ``lower`` and ``upper`` only for a measurement."""

    code: str
    kind: str
    name: str
    points: Decimal
    nominal: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None

    @property
    def counts_to_maximum(self) -> bool:
        """Measurement and judgement items make up the component's maximum; deductions not."""
        return self.kind in (MEASUREMENT, JUDGEMENT)

    @property
    def limits(self) -> tuple[Decimal, Decimal] | None:
        """The smallest and largest size that earns the item's points (measurement only)."""
        if self.kind != MEASUREMENT:
            return None
        assert self.nominal is not None and self.lower is not None and self.upper is not None
        return self.nominal + self.lower, self.nominal + self.upper


def units_of(points: Decimal | int) -> int:
    """Points (at most 2 decimals) as whole 1/300ths of a point."""
    value = to_decimal(points, "points") * UNITS_PER_POINT
    if value != value.to_integral_value():
        raise ValueError(f"{points} has more than {POINT_PLACES} decimal places")
    return int(value)


def units_display(units: int) -> Decimal:
    """Units as points, rounded half-up to 2 places: how an exact mark is shown (10/3 → 3.33)."""
    hundredths, remainder = divmod(abs(units), UNITS_PER_POINT // 100)
    if 2 * remainder >= UNITS_PER_POINT // 100:
        hundredths += 1
    return Decimal(-hundredths if units < 0 else hundredths).scaleb(-2)


def _problems_of_item(item: SchemeItem, seen: set[str]) -> list[str]:
    where = f"评分点 {item.code or '（无编号）'}"
    problems = []
    code = item.code
    if not code or len(code) > CODE_LENGTH:
        problems.append(f"评分点编号不能为空，且不超过 {CODE_LENGTH} 个字符")
    elif code in seen:
        problems.append(f"评分点编号 {code} 重复")
    seen.add(code)
    if item.kind not in ITEM_KINDS:
        kinds = "、".join(ITEM_KINDS)
        problems.append(f"{where}：未知的类型“{item.kind}”（可用：{kinds}）")
        return problems
    if not item.name or len(item.name) > NAME_LENGTH:
        problems.append(f"{where}：名称不能为空，且不超过 {NAME_LENGTH} 个字符")
    points = to_decimal(item.points, "points")
    if points <= 0:
        problems.append(f"{where}：分值须大于 0")
    elif not has_places(points, POINT_PLACES):
        problems.append(f"{where}：分值最多保留 {POINT_PLACES} 位小数")
    sizes = (item.nominal, item.lower, item.upper)
    if item.kind == MEASUREMENT:
        if any(size is None for size in sizes):
            problems.append(f"{where}：测量项须有公称尺寸、下偏差和上偏差")
        else:
            if any(not has_places(to_decimal(s), SIZE_PLACES) for s in sizes if s is not None):
                problems.append(f"{where}：尺寸和偏差最多保留 {SIZE_PLACES} 位小数")
            assert item.lower is not None and item.upper is not None
            if item.lower > item.upper:
                problems.append(f"{where}：下偏差不能大于上偏差")
    elif any(size is not None for size in sizes):
        problems.append(f"{where}：只有测量项有公称尺寸和偏差")
    return problems


def scheme_problems(
    items: Sequence[SchemeItem], max_score: Decimal, max_judgement_spread: int | None
) -> list[str]:
    """Everything wrong with a scheme for a component out of ``max_score``; empty when none.

    All problems at once, so an organiser mending a 评分表 workbook sees every faulty line in
    one preview rather than one per upload."""
    problems: list[str] = []
    seen: set[str] = set()
    for item in items:
        problems.extend(_problems_of_item(item, seen))
    counted = [item for item in items if item.kind in (MEASUREMENT, JUDGEMENT)]
    if not counted:
        problems.append("评分细则至少需要一个测量项或评价项")
    elif not problems:
        total = sum((to_decimal(item.points) for item in counted), Decimal(0))
        if total != to_decimal(max_score, "max_score"):
            problems.append(
                f"测量项和评价项的分值之和须等于该评分项的满分 {plain(max_score)}，"
                f"现为 {plain(total)}"
            )
    spread = max_judgement_spread
    if spread is not None and (
        isinstance(spread, bool) or not isinstance(spread, int) or not 0 <= spread <= 3
    ):
        problems.append("评价分允许的最大差值须为 0 到 3 的整数，或留空表示不限")
    return problems


def item_value_problem(item: SchemeItem, value: Decimal | int) -> str | None:
    """Why ``value`` cannot be a judge's entry for ``item``, or None."""
    number = to_decimal(value, "value")
    if item.kind == MEASUREMENT:
        if not has_places(number, SIZE_PLACES):
            return f"实测尺寸最多保留 {SIZE_PLACES} 位小数"
        if number < 0:
            return "实测尺寸不能为负数"
        return None
    if item.kind == JUDGEMENT:
        if number not in JUDGEMENT_VALUES:
            return f"{item.name}的评价分应为 0、1、2 或 3"
        return None
    if not has_places(number, POINT_PLACES):
        return f"扣分最多保留 {POINT_PLACES} 位小数"
    if not 0 <= number <= item.points:
        return f"{item.name}的扣分应在 0 到 {plain(item.points)} 之间"
    return None


def earned_units(item: SchemeItem, value: Decimal | int) -> int:
    """What ``value`` earns on ``item`` in 1/300ths of a point; a deduction's are negative.

    The value must have passed ``item_value_problem``."""
    number = to_decimal(value, "value")
    if item.kind == MEASUREMENT:
        low, high = item.limits or (Decimal(0), Decimal(0))
        return units_of(item.points) if low <= number <= high else 0
    if item.kind == JUDGEMENT:
        return units_of(item.points) * int(number) // _JUDGEMENT_SCALE
    return -units_of(number)


def judge_units(items: Sequence[SchemeItem], values: Mapping[str, Decimal]) -> int | None:
    """A judge's exact mark of the component in 1/300ths of a point, from their entries by item
    code; None until every measurement and judgement item has an entry (a deduction not yet
    entered counts as none). Never below 0: a deduction cannot make a mark negative."""
    total = 0
    for item in items:
        value = values.get(item.code)
        if value is None:
            if item.counts_to_maximum:
                return None
            continue
        total += earned_units(item, value)
    return max(total, 0)


def item_points_display(item: SchemeItem, value: Decimal | int) -> Decimal:
    """What ``value`` earns on ``item``, rounded half-up to 2 places, for display only (a
    deduction shows as the points taken off, positive)."""
    return units_display(abs(earned_units(item, value)))


def is_dispute(judgements: Sequence[Decimal | int], max_spread: int | None) -> bool:
    """Whether the panel's judgements of one item for one contestant differ by more than the
    scheme allows: a spread of exactly ``max_spread`` is not a dispute; None is no limit."""
    if max_spread is None or len(judgements) < 2:
        return False
    return max(judgements) - min(judgements) > max_spread
