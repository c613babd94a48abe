"""SQLite's writers taking turns (`locking.WriterTurn`, `begin_sqlite_write`): a waiting
writer, in another process or thread, goes on when the holder's transaction ends, whether it
committed, rolled back or died; nothing waits for itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from competition.core import locking
from competition.core.locking import WriterTurn, begin_sqlite_write, writer_turn
from competition.extensions import db
from competition.models import Contest

# A second process holding the turn of the file given as its argument until stdin closes.
_HOLDER = """
import sys
from competition.core.locking import WriterTurn
turn = WriterTurn(sys.argv[1])
turn.take()
print("held", flush=True)
sys.stdin.read()
turn.give_back()
"""


def _taker(turn: WriterTurn) -> tuple[threading.Thread, threading.Event]:
    """A thread taking `turn` (and giving it back), and the event it sets once it has it."""
    got = threading.Event()

    def run() -> None:
        turn.take()
        got.set()
        turn.give_back()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, got


@pytest.fixture
def holder(tmp_path: Path):
    path = str(tmp_path / "db.sqlite3-writer")
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    yield path, process
    process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


def test_a_writer_of_another_process_waits_for_the_turn_and_then_goes_on(holder):
    path, process = holder
    thread, got = _taker(WriterTurn(path))
    assert not got.wait(0.5), "went ahead while another process had the turn"
    assert process.stdin is not None
    process.stdin.close()  # the holder gives the turn back
    assert got.wait(10)
    thread.join(10)


def test_a_killed_holder_holds_nobody_up(holder):
    path, process = holder
    thread, got = _taker(WriterTurn(path))
    assert not got.wait(0.3)
    process.send_signal(signal.SIGKILL)
    assert got.wait(10), "a SIGKILLed worker kept the turn"
    thread.join(10)


def test_threads_take_turns_and_one_thread_may_take_it_twice(tmp_path):
    turn = WriterTurn(str(tmp_path / "db-writer"))
    turn.take()
    turn.take()  # a second connection of the same thread: no waiting for itself
    thread, got = _taker(turn)
    turn.give_back()
    assert not got.wait(0.3), "another thread went ahead while the turn was still held"
    turn.give_back()
    assert got.wait(10)
    thread.join(10)


def test_only_a_sqlite_file_has_a_turn(app, tmp_path):
    from sqlalchemy import create_engine

    for url in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u@localhost/x"):
        assert writer_turn(create_engine(url)) is None
    engine = create_engine(f"sqlite:///{tmp_path}/a.sqlite3")
    turn = writer_turn(engine)
    assert turn is not None and turn.path == f"{tmp_path}/a.sqlite3-writer"
    assert writer_turn(engine) is turn  # one per file in a process
    unwritable = create_engine(f"sqlite:///{tmp_path}/missing/b.sqlite3")
    assert writer_turn(unwritable) is None  # SQLite's own waiting still applies


def test_a_forked_worker_opens_its_own_lock(tmp_path):
    """gunicorn forks its workers: a child sharing the parent's open lock file would share its
    flock too, and the two would not keep each other out."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path}/c.sqlite3")
    turn = writer_turn(engine)
    assert turn is not None
    turn.take()
    try:
        pid = os.fork()
        if pid == 0:  # the child: its own turn, which must wait for the parent's
            code = 1
            try:
                mine = writer_turn(engine)
                if mine is not None and mine is not turn:
                    _thread, got = _taker(mine)
                    code = 0 if not got.wait(0.5) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    finally:
        turn.give_back()
    assert os.waitstatus_to_exitcode(status) == 0


def _sqlite_only(app) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL locks rows; SQLite's writers take turns")


def test_the_turn_lasts_as_long_as_the_transaction(app):
    _sqlite_only(app)
    with app.app_context():
        turn = writer_turn(db.engine)
        assert turn is not None
        for end in (db.session.commit, db.session.rollback):
            assert begin_sqlite_write(db.session())
            assert db.session.info[locking._HELD] is turn
            thread, got = _taker(turn)
            assert not got.wait(0.3), "another writer went ahead inside the transaction"
            end()
            assert locking._HELD not in db.session.info
            assert got.wait(10)
            thread.join(10)


def test_an_error_inside_the_transaction_gives_the_turn_back(app):
    _sqlite_only(app)
    with app.app_context():
        turn = writer_turn(db.engine)
        with pytest.raises(ZeroDivisionError), db.session.begin():
            assert begin_sqlite_write(db.session())
            1 / 0  # noqa: B018
        thread, got = _taker(turn)
        assert got.wait(10)
        thread.join(10)


def test_inside_an_open_transaction_the_caller_takes_the_lock_itself(app):
    """A writer that has already written holds SQLite's lock: waiting for the turn then could
    keep the turn's holder waiting for it, so it is told to lock with a write of its own."""
    _sqlite_only(app)
    with app.app_context():
        db.session.add(Contest(name="职工技能大赛", host="市总工会"))
        db.session.flush()
        assert not begin_sqlite_write(db.session())
        assert locking._HELD not in db.session.info
        db.session.commit()
        assert db.session.scalar(select(Contest.name)) == "职工技能大赛"
