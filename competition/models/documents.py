"""What the printed documents need stored: an event's award rules and issued certificates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.contests import Contestant, Event
from competition.models.types import ExactDecimal, UTCDateTime, utcnow


class AwardRuleSet(db.Model):
    """An event's award rules (see `competition.scoring.awards`); one row per event.

    The tiers are a JSON list of `{"name", "share"}` (shares as decimal strings) or
    `{"name", "count"}`: they are only ever read and written whole.
    """

    __tablename__ = "award_rules"
    __table_args__ = (
        CheckConstraint("mode IN ('proportion', 'count')", name="mode_known"),
        CheckConstraint("rounding IN ('half_up', 'floor', 'ceiling')", name="rounding_known"),
        CheckConstraint("base IN ('ranked', 'passed')", name="base_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)
    mode: Mapped[str] = mapped_column(String(16))
    rounding: Mapped[str] = mapped_column(String(16))
    base: Mapped[str] = mapped_column(String(16))
    pass_line: Mapped[Decimal | None] = mapped_column(ExactDecimal(10, 2))
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Certificate(db.Model):
    """An honour certificate (荣誉证书) as issued: its serial never changes.

    Name, unit, place, total and tier are kept as printed, so the public verification page
    says what the paper says even if a record is corrected later; a reissue (补发) refreshes
    name and unit under the same serial and is written to the audit trail.

    A change after publication that moves the place, total or tier (an upheld appeal, new
    award rules) supersedes the certificate: the row is kept with when and why, and the next
    print issues a replacement under a new serial (`superseded_by_id`). So at most one
    certificate per contestant and event is current (not superseded); revocation is final,
    so a revoked paper cannot quietly come back under a new serial.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        Index(
            "uq_certificates_current",
            "event_id",
            "contestant_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        CheckConstraint("place >= 1", name="place_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"))
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200))
    place: Mapped[int]
    tier: Mapped[str | None] = mapped_column(String(50))
    # The final total as printed on the day (None for certificates issued before it was kept).
    total: Mapped[Decimal | None] = mapped_column(ExactDecimal(10, 2))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reissue_count: Mapped[int] = mapped_column(default=0)
    reissued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    supersede_reason: Mapped[str | None] = mapped_column(Text)
    # The replacement, once printed; None while it is still to print.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    event: Mapped[Event] = relationship()
    contestant: Mapped[Contestant] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None
