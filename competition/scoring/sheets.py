"""When a judge's score sheet counts: second entry (双人录入) and sign-off, as pure rules.

A sheet is one judge's marks of one component in one round. Two checks stand between it and
the results:

- **second entry**: where an organiser asks for it, another person re-enters the sheet blind
  from the judge's paper. A row is checked when both entries agree, or when the disagreement was
  settled by ruling which value stands *and* the judge's mark is that value. A later change of
  the mark reopens the question, so a row is never "checked" against a value it no longer has.
- **sign-off**: the chief judge signs only a complete sheet whose second entry (if required)
  is checked; a signed sheet is locked.

The services count rows and call these; the pages and the publication check read the answers,
so "when does a sheet count" is decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "ROW_AWAITING_FIRST",
    "ROW_AWAITING_SECOND",
    "ROW_EMPTY",
    "ROW_MATCH",
    "ROW_MISMATCH",
    "ROW_SETTLED",
    "SheetCounts",
    "is_checked",
    "second_entry_state",
]

ROW_EMPTY = "empty"  # neither entry yet
ROW_AWAITING_FIRST = "awaiting_first"  # re-entered, but the judge has no mark yet
ROW_AWAITING_SECOND = "awaiting_second"  # marked, not re-entered yet
ROW_MATCH = "match"
ROW_SETTLED = "settled"  # the entries differ; a ruling chose the value the mark now has
ROW_MISMATCH = "mismatch"


def second_entry_state(
    first: Decimal | None, second: Decimal | None, settled: Decimal | None = None
) -> str:
    """The state of one row: the judge's mark, the second entry and any settled value."""
    if first is None:
        return ROW_EMPTY if second is None else ROW_AWAITING_FIRST
    if second is None:
        return ROW_AWAITING_SECOND
    if first == second:
        return ROW_MATCH
    if settled is not None and settled == first:
        return ROW_SETTLED
    return ROW_MISMATCH


def is_checked(state: str) -> bool:
    return state in (ROW_MATCH, ROW_SETTLED)


@dataclass(frozen=True)
class SheetCounts:
    """What a sheet holds, counted: enough to say whether it may be signed and whether it counts.

    `expected` rows are the contestants the judge marks in the round; `entered` have a mark;
    `checked` rows passed second entry; `mismatched` rows wait for a ruling.
    """

    expected: int
    entered: int
    second_entry_required: bool = False
    checked: int = 0
    mismatched: int = 0
    signed: bool = False

    @property
    def empty(self) -> int:
        return max(self.expected - self.entered, 0)

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.entered >= self.expected

    @property
    def verified(self) -> bool:
        """Second entry done and agreed on every row (trivially true where not required)."""
        if not self.second_entry_required:
            return True
        return self.complete and self.checked >= self.expected

    @property
    def started(self) -> bool:
        return self.entered > 0

    def sign_refusal(self) -> str | None:
        """Why the chief judge cannot sign this sheet now, or None when it may be signed."""
        message = self.sign_refusal_message()
        return None if message is None else message[0] % message[1]

    def sign_refusal_message(self) -> tuple[str, dict[str, int]] | None:
        """`sign_refusal` as its message and values, for a page to translate before filling in
        (the messages are in the catalog)."""
        if self.signed:
            return "该评分表已签字", {}
        if not self.complete:
            return "还有 %(empty)d 行未评分，不能签字", {"empty": self.empty}
        if not self.verified:
            if self.mismatched:
                return "二次录入有 %(mismatched)d 行不一致，须先核定", {
                    "mismatched": self.mismatched
                }
            return (
                "二次录入尚未完成（已核对 %(checked)d/%(expected)d 行）",
                {"checked": self.checked, "expected": self.expected},
            )
        return None
