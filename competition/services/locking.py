"""Re-reading a row under a lock, the same way on both databases."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select, update

from competition.extensions import db

M = TypeVar("M")


def lock_row(model: type[M], row: Any, shared: bool = False) -> M:
    """Re-read `row` under a lock, so two writes that depend on its state cannot interleave:
    the later one sees what the earlier one wrote.

    PostgreSQL locks the row (SELECT … FOR UPDATE). SQLite has no row locks, and its driver
    runs plain SELECTs outside any transaction; a no-op UPDATE takes the database's write lock
    first, so the re-read sees the latest committed state and no writer can slip in.

    `shared` (SELECT … FOR SHARE on PostgreSQL) is for the many writers that only need the row
    to stay as it is while they work, e.g. judges' marks against the round's publication: they
    go ahead together, and an exclusive lock waits for all of them (and they for it). SQLite
    has one writer at a time whatever is asked.
    """
    key = model.id  # type: ignore[attr-defined]
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(model).where(key == row.id).values(id=key),
            execution_options={"synchronize_session": False},
        )
    locked = db.session.scalar(
        select(model)
        .where(key == row.id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    return locked
