"""The judging workflow around marks: score sheets, their second entry, sign-off and appeals.

A score sheet is one judge's marks of one component in one round. It needs no row until
something happens to it as a whole (second entry required, signed), so `Sheet` rows are made on
demand; a judge's marks alone are a sheet in progress.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.types import ExactDecimal, UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.models.contests import Contestant, Round

APPEAL_UPHELD = "upheld"
APPEAL_REJECTED = "rejected"
APPEAL_OUTCOMES = (APPEAL_UPHELD, APPEAL_REJECTED)


class Sheet(db.Model):
    """The state of one judge's sheet (round × component × judge) as a whole."""

    __tablename__ = "sheets"
    __table_args__ = (UniqueConstraint("round_id", "component_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    second_entry_required: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class SecondEntry(db.Model):
    """A value re-entered blind by another person from the judge's paper sheet.

    `settled_value` is the value that was ruled to stand when the two entries differed; the row
    counts as checked while the judge's mark equals the second entry or the settled value.
    """

    __tablename__ = "second_entries"
    __table_args__ = (UniqueConstraint("sheet_id", "contestant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("sheets.id"), index=True)
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"))
    value: Mapped[Decimal] = mapped_column(ExactDecimal(10, 2))
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    settled_value: Mapped[Decimal | None] = mapped_column(ExactDecimal(10, 2))
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Appeal(db.Model):
    """A written appeal (申诉) against a contestant's marks in one round, and its outcome."""

    __tablename__ = "appeals"
    __table_args__ = (CheckConstraint("outcome IN ('upheld', 'rejected')", name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"), index=True)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subject: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[Round] = relationship()
    contestant: Mapped[Contestant] = relationship()

    @property
    def decided(self) -> bool:
        return self.outcome is not None
