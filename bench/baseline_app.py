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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The app's connection settings (WAL, busy timeout) apply to every engine once imported.
import competition.extensions  # noqa: F401

engine = create_engine(
    os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
    connect_args={"timeout": 30} if os.environ["DATABASE_URL"].startswith("sqlite") else {},
)
metadata = MetaData()
rows = Table(
    "baseline_rows", metadata, Column("id", Integer, primary_key=True), Column("value", String(20))
)
metadata.create_all(engine)
app = Flask(__name__)


@app.put("/row")
def put_row() -> tuple[dict[str, str], int]:
    value = str((request.get_json() or {}).get("value"))
    with engine.begin() as connection:
        connection.execute(insert(rows).values(value=value))
    return {"value": value}, 200
