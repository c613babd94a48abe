"""Writing the audit trail. Entries are only ever added; the database refuses anything else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from competition.extensions import db
from competition.models import AuditEntry, User
from competition.models.types import utcnow

_INSERT = insert(AuditEntry.__table__)


def record(
    action: str,
    actor: User | None,
    *,
    event_id: int | None = None,
    round_id: int | None = None,
    contestant_id: int | None = None,
    component_id: int | None = None,
    judge_id: int | None = None,
    old_value: Decimal | None = None,
    new_value: Decimal | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor else None,
        event_id=event_id,
        round_id=round_id,
        contestant_id=contestant_id,
        component_id=component_id,
        judge_id=judge_id,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    return entry


def append(
    action: str,
    actor_id: int,
    *,
    event_id: int,
    round_id: int,
    contestant_id: int,
    component_id: int,
    judge_id: int,
    old_value: Decimal | None,
    new_value: Decimal,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """`record` for a mark, as one prepared INSERT instead of an ORM object (the mark entry's
    hot path writes its mark the same way, `services.marks`); the row is the same."""
    db.session.connection().execute(
        _INSERT,
        {
            "at": utcnow(),
            "action": action,
            "actor_id": actor_id,
            "event_id": event_id,
            "round_id": round_id,
            "contestant_id": contestant_id,
            "component_id": component_id,
            "judge_id": judge_id,
            "old_value": old_value,
            "new_value": new_value,
            "reason": reason,
            "details": details,
        },
    )
