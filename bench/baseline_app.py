"""The load benchmark's baseline: a bare Flask endpoint that inserts one row, nothing else.

Served by gunicorn exactly like the real app, on the same database with the same connection
settings, so the ratio of the two throughputs measures what the real mark endpoint (auth,
validation, rules, locking, audit) costs, not a difference of set-up: on SQLite the app's WAL
journal makes every commit cheaper, and a baseline left on the default journal would flatter
the app (about 40 % of a WAL baseline read as 60-70 % of a rollback-journal one).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The app's connection settings (WAL, busy timeout) apply to every engine once imported.
import competition.extensions  # noqa: F401

metadata = MetaData()
rows = Table(
    "baseline_rows", metadata, Column("id", Integer, primary_key=True), Column("value", String(20))
)


def engine_for(url: str) -> Engine:
    return create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"timeout": 30} if url.startswith("sqlite") else {},
    )


def create_table(url: str) -> None:
    """Run by bench/load.py before gunicorn starts. Not at import: every worker imports this
    module, and four workers creating the table at once raced; the losers died at boot and
    the baseline ran short of workers (a tenth of its real throughput)."""
    engine = engine_for(url)
    metadata.create_all(engine)
    engine.dispose()


engine = engine_for(os.environ.get("DATABASE_URL", "sqlite://"))  # connects on first use
app = Flask(__name__)


@app.put("/row")
def put_row() -> tuple[dict[str, str], int]:
    value = str((request.get_json() or {}).get("value"))
    with engine.begin() as connection:
        connection.execute(insert(rows).values(value=value))
    return {"value": value}, 200
