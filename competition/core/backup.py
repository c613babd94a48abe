"""A consistent copy of a live SQLite database, taken while the service runs.

SQLite's online backup API copies page by page under the database's own locking, so judges may
go on entering marks during the copy and the copy is still one consistent state. PostgreSQL is
backed up with its own tool, `pg_dump` (see README).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupError(RuntimeError):
    pass


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database behind `engine` to `target` (which must not exist); return its pages."""
    if engine.dialect.name != "sqlite":
        raise BackupError(
            "This database is PostgreSQL: back it up with pg_dump, e.g. "
            'pg_dump --format=custom --file=competition.dump "$DATABASE_URL"'
        )
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination, pages=1024)
            pages = destination.execute("PRAGMA page_count").fetchone()[0]
            check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            destination.close()
    finally:
        raw.close()
    if check != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {check}")
    return int(pages)
