"""What an award programme's comprehensive review (综合评议) produces: the experts' scores and
comments per criterion, the rulings at a level's cut, the selected list as published for the
notice, the objections to it, and the certificates of the confirmed stations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.types import ExactDecimal, UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.models.awards import AwardCriterion, AwardLevel, Station
    from competition.models.users import User


class StationReview(db.Model):
    """One expert's judgement of one station on one criterion: points (a points criterion) or
    passed (a pass/fail one), and a comment."""

    __tablename__ = "station_reviews"
    __table_args__ = (UniqueConstraint("station_id", "expert_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("award_criteria.id"))
    points: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 2))
    passed: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    station: Mapped[Station] = relationship()
    expert: Mapped[User] = relationship()
    criterion: Mapped[AwardCriterion] = relationship()


class AwardRuling(db.Model):
    """A recorded ruling where the rules cannot separate stations at a level's cut: the order
    decided for the tied stations (`station_ids`, first = better), why, and by whom."""

    __tablename__ = "award_rulings"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("award_levels.id"))
    station_ids: Mapped[list[Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StationSelection(db.Model):
    """A station on a level's selected list as published for the notice, with its place and
    total then. An upheld objection withdraws it (`withdrawn_at`, why); the row stays."""

    __tablename__ = "station_selections"
    __table_args__ = (
        UniqueConstraint("programme_id", "station_id"),
        CheckConstraint("place >= 1", name="place_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("award_levels.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    place: Mapped[int]
    total: Mapped[Decimal | None] = mapped_column(ExactDecimal(8, 2))
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    station: Mapped[Station] = relationship()
    level: Mapped[AwardLevel] = relationship()


class Objection(db.Model):
    """An objection (异议) to a station during the notice, under a real name; decided with a
    reason (`upheld` withdraws the station from the list, `dismissed` leaves it)."""

    __tablename__ = "award_objections"
    __table_args__ = (
        CheckConstraint("decision IN ('upheld', 'dismissed')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    station: Mapped[Station] = relationship()


class StationCertificate(db.Model):
    """The honour (certificate or plaque) of a confirmed station, with a serial the public can
    verify. Names are kept as printed; a revoked honour stays, saying so."""

    __tablename__ = "station_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), unique=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("award_levels.id"))
    station_name: Mapped[str] = mapped_column(String(200))
    unit_name: Mapped[str] = mapped_column(String(200))
    level_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    station: Mapped[Station] = relationship()
