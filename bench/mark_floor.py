"""For reference beside the baseline: the least a correct mark must do, in a bare Flask app.

The same route as the API's mark entry, and the app's own statements and rules
(`services.marks`' module-private ones, borrowed on purpose: copies could drift from them), so
the database does for each mark exactly what it does for the app's: the token's holder and
everything the rules look at, read in one statement under the round's lock; the mark written
only as it was read, with its audit entry (on PostgreSQL in the same statement); one commit.
Around that, nothing: no request log, no security headers, no rate limiter or sign-in hooks,
no Flask-SQLAlchemy session, no marshmallow, no error shapes, no second try when overtaken.
bench/load.py prints its throughput without a target, as a share of the bare insert's: a
ceiling for the app's marks, which do all of this and more, on the same machine.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The app's connection settings (WAL, busy timeout) apply to every engine once imported.
import competition.extensions  # noqa: F401
from competition.contest import policy
from competition.contest.services import marks
from competition.core import audit, users
from competition.core.errors import AppError
from competition.core.locking import writer_turn
from competition.models import Role

engine = create_engine(
    os.environ.get("DATABASE_URL", "sqlite://").replace("postgresql://", "postgresql+psycopg://", 1)
)
POSTGRESQL = engine.dialect.name == "postgresql"
app = Flask(__name__)


@app.put("/api/v1/events/<int:event_id>/rounds/<kind>/marks/<int:contestant_id>/<key>")
def put_mark(
    event_id: int, kind: str, contestant_id: int, key: str
) -> tuple[dict[str, Any], int, dict[str, str]]:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not token:
        abort(401)
    body = request.get_json(silent=True)
    try:
        value = Decimal(str(body["value"]))  # type: ignore[index]
    except (KeyError, TypeError, InvalidOperation):
        abort(422)
    if not value.is_finite():
        abort(422)
    params = {
        "in_event": event_id,
        "in_kind": kind,
        "contestant_id": contestant_id,
        "component_key": key,
        "token_hash": users.hash_token(token),
    }
    # SQLite: one writer at a time, in turn, as the app's (`locking.begin_sqlite_write`).
    turn = None if POSTGRESQL else writer_turn(engine)
    if turn is not None:
        turn.take()
    try:
        with engine.begin() as connection:
            if POSTGRESQL:
                row = connection.execute(marks._BY_TOKEN_SHARED, params).one_or_none()
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                row = connection.execute(marks._BY_TOKEN, params).one_or_none()
            if row is None:
                abort(401)
            bearer, target = marks._bearer_and_target(row, event_id, kind, key)
            if bearer is None:
                abort(401)
            if target.contestant_id is None or target.component_id is None:
                abort(404)
            judges = bearer.role == Role.JUDGE and target.assignment_id is not None
            assigned = target.assigned_unit if judges else policy.NOT_ASSIGNED
            if policy.marking_refusal(assigned, kind, target.contestant_unit):
                abort(403)
            try:  # the app's rules, as `marks.apply` checks them
                marks._check(target, value, False, None, False)
            except AppError as refusal:
                abort(refusal.status)
            if target.mark_id is not None and target.value == value:
                return _answer(bearer, contestant_id, key, value, target.mark_id, target.version)
            entry = audit.entry(
                "mark.set",
                bearer.user_id,
                event_id=event_id,
                round_id=target.round_id,
                contestant_id=contestant_id,
                component_id=target.component_id,
                judge_id=bearer.user_id,
                old_value=target.value,
                new_value=value,
            )
            values: dict[str, Any] = {"value": value, "exact_units": None, "at": entry["at"]}
            if target.mark_id is None:
                version, write = 1, marks._INSERT[engine.dialect.name]
                audited = marks._AUDITED_INSERT
                values.update({name: entry[name] for name in marks._KEY})
            else:
                version, write = target.version + 1, marks._UPDATE
                audited = marks._AUDITED_UPDATE
                values.update(mark_id=target.mark_id, read_version=target.version)
            if POSTGRESQL:
                mark_id = connection.execute(audited, {**values, **audit.bound(entry)}).scalar()
            else:
                mark_id = connection.execute(write, values).scalar()
                if mark_id is not None:
                    connection.execute(audit._INSERT, {n: entry[n] for n in audit.COLUMNS})
            if mark_id is None:  # another writer got there first: the app reads again
                abort(409)
    finally:
        if turn is not None:
            turn.give_back()
    return _answer(bearer, contestant_id, key, value, mark_id, version)


def _answer(
    bearer: users.Bearer, contestant_id: int, key: str, value: Decimal, mark_id: int, version: int
) -> tuple[dict[str, Any], int, dict[str, str]]:
    body = {
        "contestant_id": contestant_id,
        "component": key,
        "judge_id": bearer.user_id,
        "value": f"{value:f}",
    }
    return body, 200, {"ETag": f'"{mark_id}-{version}"'}
