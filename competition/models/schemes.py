"""Judging in depth: marking schemes (评分细则) and their item marks, the chief judge's notes on
flagged marks, and the units named for 优秀组织奖.

A component with a `MarkingScheme` is marked item by item (`ItemMark`); a judge's mark of the
component (`Mark`) is then derived from their item marks by the rules in `scoring.schemes`
and written by `services.schemes`, never typed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.types import ExactDecimal, UTCDateTime, utcnow

MEASUREMENT = "measurement"
JUDGEMENT = "judgement"
DEDUCTION = "deduction"
ITEM_KINDS = (MEASUREMENT, JUDGEMENT, DEDUCTION)


class MarkingScheme(db.Model):
    """The marking scheme of one component, shared by both rounds."""

    __tablename__ = "marking_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), unique=True)
    # The largest allowed difference between the panel's judgement marks (0..3) on one item;
    # None: no limit.
    max_judgement_spread: Mapped[int | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    items: Mapped[list[SchemeItem]] = relationship(
        order_by="SchemeItem.position", cascade="all, delete-orphan"
    )


class SchemeItem(db.Model):
    """One line of a marking scheme: a measured size, a judged aspect or a deduction."""

    __tablename__ = "scheme_items"
    __table_args__ = (
        UniqueConstraint("scheme_id", "code"),
        CheckConstraint("kind IN ('measurement', 'judgement', 'deduction')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("marking_schemes.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    points: Mapped[Decimal] = mapped_column(ExactDecimal(10, 2))
    # Measurement items only: the nominal size and its deviations (lower is usually negative).
    nominal: Mapped[Decimal | None] = mapped_column(ExactDecimal(12, 3))
    lower: Mapped[Decimal | None] = mapped_column(ExactDecimal(12, 3))
    upper: Mapped[Decimal | None] = mapped_column(ExactDecimal(12, 3))


class ItemMark(db.Model):
    """One judge's mark of one scheme item for one contestant in one round: the measured size,
    the judgement (0..3) or the points deducted, as entered."""

    __tablename__ = "item_marks"
    __table_args__ = (UniqueConstraint("round_id", "contestant_id", "item_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("scheme_items.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    value: Mapped[Decimal] = mapped_column(ExactDecimal(12, 3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class FlagNote(db.Model):
    """The chief judge's acknowledgement of a mark the consistency check flagged, with a note
    (e.g. "复核无误，该选手工件确有缺陷")."""

    __tablename__ = "flag_notes"
    __table_args__ = (UniqueConstraint("round_id", "contestant_id", "component_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"))
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text)
    noted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OrganisationAward(db.Model):
    """A unit the organisers named for the 优秀组织奖 of an event."""

    __tablename__ = "organisation_awards"
    __table_args__ = (UniqueConstraint("event_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
