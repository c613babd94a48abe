"""Writing the audit trail. Entries are only ever added; the database refuses anything else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from competition.extensions import db
from competition.models import AuditEntry, User


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
