"""The append-only audit trail. The database itself refuses UPDATE and DELETE (see migrations)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competition.extensions import db
from competition.models.types import ExactDecimal, UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    # No foreign key: the trail outlives what it speaks of. A contestant registered by mistake
    # may be removed (services.corrections), and the entries about them, their removal
    # included, stay.
    contestant_id: Mapped[int | None] = mapped_column(index=True)
    component_id: Mapped[int | None] = mapped_column(ForeignKey("components.id"))
    judge_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    old_value: Mapped[Decimal | None] = mapped_column(ExactDecimal(10, 2))
    new_value: Mapped[Decimal | None] = mapped_column(ExactDecimal(10, 2))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
