"""Judges' marks and the rulings that settle ties."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from competition.extensions import db
from competition.models.types import ExactDecimal, UTCDateTime, utcnow


class Mark(db.Model):
    """One judge's mark for one contestant's component in one round."""

    __tablename__ = "marks"
    __table_args__ = (UniqueConstraint("round_id", "contestant_id", "component_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique key starts with it (each index costs every mark a write).
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    value: Mapped[Decimal] = mapped_column(ExactDecimal(10, 2))
    # A mark derived from a marking scheme's items is exact only as a fraction (a judgement of
    # 1 on 10 points is 10/3): it is kept here in whole 1/300ths of a point
    # (`scoring.schemes.UNITS_PER_POINT`), and `value` is it rounded for display. None for a
    # mark typed as one number, which `value` holds exactly.
    exact_units: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Counts the mark's changes: its ETag, so a PUT made from an old reading is refused (409)
    # instead of silently undoing someone else's change. The ORM also adds it to every UPDATE.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        """The mark's entity tag (unquoted): which mark, and which of its versions."""
        return f"{self.id}-{self.version}"


class TieResolution(db.Model):
    """An organiser's recorded ruling on one group of contestants tied on every tie-break."""

    __tablename__ = "tie_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    order: Mapped[list[int]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


ABSENT = "absent"
WITHDRAWN = "withdrawn"
ABSENCE_STATUSES = (ABSENT, WITHDRAWN)


class Absence(db.Model):
    """A contestant who did not sit a round (缺考) or withdrew from it (弃权), and why.

    Such a contestant is not ranked, whatever marks they have, and is listed as 缺考/弃权
    rather than with a score of 0 (api-v1 "Absences"). Recorded and undone until the round is
    published; every change is in the audit trail.
    """

    __tablename__ = "absences"
    __table_args__ = (
        UniqueConstraint("round_id", "contestant_id"),
        CheckConstraint("status IN ('absent', 'withdrawn')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ResultStamp(db.Model):
    """A token that changes whenever anything an event's results are made of changes.

    Database triggers (migration 0008) write a new random token on every insert, update or
    delete of the event's marks, contestants, units, finalists, components, rounds, tie
    rulings, absences or the event itself, whichever code or process made the change.
    Computed results are cached under the token they were computed after (`services/results`).
    The token is
    random rather than counted so that no value is ever seen twice: not after a rolled-back
    transaction, a restored backup or a database made afresh for a test.
    """

    __tablename__ = "result_stamps"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)


class ResultChange(db.Model):
    """One (round, contestant, component) whose marks changed, and the result stamp the change
    replaced (`previous`) by a new one (`stamp`).

    Written only by the triggers of `marks` (migration 0015), in the transaction
    of the change, with the event's stamp row locked: so `previous` is the stamp the change
    really followed. A worker that kept a ranking computed after stamp A and finds the stamp
    now B follows these rows from A to B; if it gets there, marks alone changed, and only the
    pairs on the way need reading again (`services/live_ranking.py`). Any other change renews
    the stamp without a row here, and the ranking is worked out afresh. No foreign keys: the
    log outlives nothing and is never joined.
    """

    __tablename__ = "result_changes"
    __table_args__ = (Index("ix_result_changes_event_id_id", "event_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int]
    previous: Mapped[int | None] = mapped_column(BigInteger)
    stamp: Mapped[int] = mapped_column(BigInteger)
    round_id: Mapped[int]
    contestant_id: Mapped[int]
    component_id: Mapped[int]
