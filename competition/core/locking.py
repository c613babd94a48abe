"""Re-reading a row under a lock, the same way on both databases, and SQLite's writers taking
turns instead of sleeping."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from typing import Any, TypeVar

from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from competition.extensions import db

M = TypeVar("M")
log = logging.getLogger(__name__)

#: Where a session keeps the writers' turn it holds, until its transaction ends.
_HELD = "sqlite_writer_turn"


class WriterTurn:
    """One SQLite database's writers, across the processes and threads of this machine, taking
    turns: a waiting writer is woken the moment the one before it has committed.

    Why: SQLite lets one writer in at a time, and one that finds the database locked sleeps in
    its busy handler, 1, 2, 5, 10 ms and longer, before it looks again. A mark holds the lock
    for well under a millisecond, so under a final's load the lock lay idle more than half the
    time while the other gunicorn workers slept (bench/load.py, then measuring the two one
    after the other: 37-48 % of a bare insert's throughput; with turns, 60-68 %). An advisory
    `flock` on a file beside the database queues them in the kernel instead. SQLite's own
    lock stays what guards the data: the turn only orders the writers that take it
    (`begin_sqlite_write`), and a writer that skips it still gets SQLite's usual waiting. The
    kernel drops the lock of a process that dies, even by SIGKILL, so a killed worker cannot
    hold up the others.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._threads = threading.Lock()  # flock alone does not keep threads apart
        self._owner: int | None = None
        self._depth = 0
        self._fd: int | None = None

    def take(self) -> None:
        me = threading.get_ident()
        if self._owner == me:
            # A second connection of the same thread: SQLite itself refuses it after its busy
            # timeout, as before; waiting for ourselves here would never end.
            self._depth += 1
            return
        self._threads.acquire()
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._owner, self._depth = me, 1

    def give_back(self) -> None:
        self._depth -= 1
        if self._depth:
            return
        self._owner = None
        try:
            assert self._fd is not None
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_turns: dict[str, WriterTurn | None] = {}
_turns_lock = threading.Lock()


def _forget_turns() -> None:
    """A forked child (a gunicorn worker) must open its own lock file: a flock belongs to the
    open file, which parent and child would otherwise share, and would keep neither out."""
    global _turns_lock
    _turns.clear()
    _turns_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_turns)


def writer_turn(engine: Engine) -> WriterTurn | None:
    """The turn of `engine`'s SQLite file, or None: another database, an in-memory one (one
    connection, nobody to wait for), or a folder where the lock file cannot be made."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or "mode=memory" in database:
        return None
    path = os.path.abspath(database) + "-writer"
    with _turns_lock:
        if path not in _turns:
            try:
                os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
            except OSError as error:
                log.warning("SQLite writers wait in turn without %s: %s", path, error)
                _turns[path] = None
            else:
                _turns[path] = WriterTurn(path)
        return _turns[path]


def begin_sqlite_write(session: Session) -> bool:
    """Start `session`'s SQLite transaction as a writer (BEGIN IMMEDIATE), in turn, so that
    what it reads next is the latest committed state and nobody writes until it commits.

    Returns False when the connection is already inside a transaction (the caller wrote
    something earlier): the caller then takes the lock with a write of its own, as SQLite
    lets a transaction do, and without a turn, since a writer in the middle of its
    transaction waiting for one would keep the turn's holder waiting for it. A BEGIN
    IMMEDIATE costs less than the no-op UPDATE it replaces: no page of the locked row is
    rewritten on every mark.
    """
    connection = session.connection()
    if connection.connection.driver_connection.in_transaction:
        return False
    turn = writer_turn(connection.engine)
    if turn is not None:
        turn.take()
        session.info[_HELD] = turn
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _give_back(session)
        raise
    return True


def _give_back(session: Session) -> None:
    turn = session.info.pop(_HELD, None)
    if turn is not None:
        turn.give_back()


@event.listens_for(Session, "after_transaction_end")
def _end_of_turn(session: Session, transaction: SessionTransaction) -> None:
    """The turn ends with the transaction, committed or rolled back, after SQLite's lock."""
    if transaction.parent is None:
        _give_back(session)


def lock_row(model: type[M], row: Any, shared: bool = False) -> M:
    """Re-read `row` under a lock, so two writes that depend on its state cannot interleave:
    the later one sees what the earlier one wrote.

    PostgreSQL locks the row (SELECT … FOR UPDATE). SQLite has no row locks, and its driver
    runs plain SELECTs outside any transaction; the transaction begins as a writer
    (`begin_sqlite_write`), or, when one is already open, a no-op UPDATE takes the
    database's write lock, so the re-read sees the latest committed state and no writer can
    slip in.

    `shared` (SELECT … FOR SHARE on PostgreSQL) is for the many writers that only need the row
    to stay as it is while they work, e.g. judges' marks against the round's publication: they
    go ahead together, and an exclusive lock waits for all of them (and they for it). SQLite
    has one writer at a time whatever is asked.
    """
    key = model.id  # type: ignore[attr-defined]
    if db.session.get_bind().dialect.name == "sqlite" and not begin_sqlite_write(db.session()):
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
