"""Writing the audit trail. Entries are only ever added; the database refuses anything else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import CTE, Insert, bindparam, cast, insert, select

from competition.extensions import db
from competition.models import AuditEntry, User
from competition.models.types import utcnow

_INSERT = insert(AuditEntry.__table__)
#: The columns `entry` gives values to, in order.
COLUMNS = (
    "at",
    "action",
    "actor_id",
    "event_id",
    "round_id",
    "contestant_id",
    "component_id",
    "judge_id",
    "old_value",
    "new_value",
    "reason",
    "details",
)
#: Not the columns' own names: a DML statement that a parameter of its table's column name
#: reaches sets that column with it.
_BOUND = "audit_"


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
    added = AuditEntry(
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
    db.session.add(added)
    return added


def entry(
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
) -> dict[str, Any]:
    """A mark's audit entry as the values of its row, for `append` or `insert_for_each`."""
    return {
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
    }


def append(values: dict[str, Any]) -> None:
    """`record` for a mark (`entry` makes `values`), as one prepared INSERT instead of an ORM
    object (the mark entry's hot path writes its mark the same way, `services.marks`); the row
    is the same."""
    db.session.connection().execute(_INSERT, {name: values[name] for name in COLUMNS})


def insert_for_each(written: CTE) -> Insert:
    """An INSERT of one audit entry for each row `written` returns, the entry's values bound
    as `bound(entry(...))` names them: on PostgreSQL, a CTE of the statement that writes the
    mark, so the mark and its entry go to the server in one round trip and are written
    together or not at all (`services.marks`)."""
    table = AuditEntry.__table__
    # Each cast: a NULL parameter in a SELECT list is text to PostgreSQL otherwise.
    values = select(
        *(
            cast(bindparam(_BOUND + name, type_=table.c[name].type), table.c[name].type)
            for name in COLUMNS
        )
    )
    return insert(table).from_select(list(COLUMNS), values.select_from(written))


def bound(values: dict[str, Any]) -> dict[str, Any]:
    """`entry`'s values as the parameters of `insert_for_each`."""
    return {_BOUND + name: values[name] for name in COLUMNS}
