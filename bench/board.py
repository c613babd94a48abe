"""The venue board under load: 1,000 viewers poll one board while marks arrive.

gunicorn serves the app as in bench/load.py (SQLite, 4 workers × 1 thread on loopback). 1,000
viewers (asyncio, one connection per poll, as the sync workers close each one) ask for the
board's state.json every second with If-None-Match, as the page's script does; a judge enters
one mark a second through the API. Prints, next to the targets:

- for each mark, the time from its answer (it is committed by then) until every viewer has
  been answered with a board that includes it (max and p95 over the marks; target ≤ 2 s),
  and per viewer and mark (p95); for reference how long the marks took to be answered;
- the polls answered and how many were 304 (no body, nothing computed);
- the server's processor time per second of wall time while nothing changes (every viewer
  still polling), from /proc/<pid>/stat of the gunicorn master and workers; and for
  reference the same while marks arrive, and the load generator's own (same two cores).

Why polling and not server-sent events: the app runs on sync gunicorn workers, where an open
event stream would hold a whole worker per viewer; a 304 costs one query and no body.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask import Flask  # noqa: E402
from load import WORKERS, serve, stop, usage, worker_failures  # noqa: E402

from competition.contest.services import board as board_service  # noqa: E402
from competition.contest.services import contests  # noqa: E402
from competition.core import users  # noqa: E402
from competition.extensions import db  # noqa: E402
from tests.conftest import make_app, migrate_to_head  # noqa: E402
from tests.pgcluster import free_port  # noqa: E402

VIEWERS = int(os.environ.get("BENCH_VIEWERS", "1000"))
MARKS = int(os.environ.get("BENCH_BOARD_MARKS", "20"))
POLL_SECONDS = 1.0
IDLE_SECONDS = 10.0
WARM_UP_SECONDS = 4.0
CONTESTANTS = 60
TARGET_SECONDS = 2.0


@dataclass
class Viewer:
    """What one viewer was answered: every 200 as (ETag, when it arrived)."""

    seen: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0


def prepare(url: str) -> tuple[int, str, list[int]]:
    """An event of 60 contestants in one unit and one judge; returns the judge's token."""
    migrate_to_head(url)
    app = make_app(url)
    with app.app_context():
        contest = contests.create_contest("大屏测试", "总工会")
        event = contests.create_event(contest, "数控铣工")
        unit = contests.create_unit(contest, "单位")
        organiser = users.create_user("organiser", "organiser-pass", "organiser")
        ids = [
            contests.register_contestant(event, f"选手{n}", unit.id).id for n in range(CONTESTANTS)
        ]
        judge = users.create_user("judge", "judge-password", "judge")
        contests.assign_judge(event, judge.id, organiser)
        token = users.issue_token(judge, timedelta(hours=2)).token
        db.session.commit()
        event_id = event.id
        db.engine.dispose()
    return event_id, token, ids


async def _poll(port: int, path: str, etag: str) -> tuple[int, str]:
    """One poll on its own connection: the status and the ETag answered."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: board\r\nIf-None-Match: {etag}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        tag = ""
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"etag":
                tag = value.strip().decode()
            elif name.lower() == b"content-length":
                length = int(value)
        if length:
            await reader.readexactly(length)
        return status, tag
    finally:
        writer.close()


async def _viewer(
    port: int, path: str, viewer: Viewer, tally: Tally, until: list[float], start: float
) -> None:
    """Polls every second from a random offset, as a screen opened at some moment would."""
    await asyncio.sleep(random.random() * POLL_SECONDS)
    etag = '"none"'
    while time.monotonic() < until[0]:
        began = time.monotonic()
        try:
            status, tag = await _poll(port, path, etag)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally.errors += 1
        else:
            tally.statuses[status] += 1
            if status == 200:
                etag = tag
                viewer.seen.append((tag, time.monotonic() - start))
        await asyncio.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - began)))


def _current_tag(app: Flask, event_id: int) -> str:
    """The board's ETag as the database has it now, read here rather than asked of the server,
    whose workers may still answer the previous one for a quarter of a second (`BoardPolls`)."""
    with app.app_context():
        found = board_service.version(event_id, "preliminary")
        assert found is not None
        db.session.remove()
        return f'"{found.version}-zh"'


def _marks(
    url: str,
    port: int,
    event_id: int,
    token: str,
    ids: list[int],
    start: float,
    changes: list[tuple[float, str]],
    put_seconds: list[float],
) -> None:
    """One mark a second; each change noted as (when its answer came, the board's ETag after
    it), and how long each mark took to be answered."""
    app = make_app(url)
    time.sleep(WARM_UP_SECONDS)
    for n in range(MARKS):
        sent = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "PUT",
            f"/api/v1/events/{event_id}/rounds/preliminary/marks/{ids[n]}/theory",
            body=json.dumps({"value": str(60 + n)}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200, response.status
        # The change is committed before the answer: from here on a poll may see it.
        answered = time.monotonic()
        put_seconds.append(answered - sent)
        changes.append((answered - start, _current_tag(app, event_id)))
        time.sleep(max(0.0, 1.0 - (time.monotonic() - sent)))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def bench(label: str, url: str) -> None:
    event_id, token, ids = prepare(url)
    port = free_port()
    path = f"/board/events/{event_id}/preliminary/state.json"
    server = serve("wsgi:app", url, port)
    try:
        viewers = [Viewer() for _ in range(VIEWERS)]
        tally = Tally()
        changes: list[tuple[float, str]] = []
        put_seconds: list[float] = []
        start = time.monotonic()
        marking_seconds = WARM_UP_SECONDS + MARKS + 3.0
        until = [start + marking_seconds + IDLE_SECONDS]
        marker = threading.Thread(
            target=_marks, args=(url, port, event_id, token, ids, start, changes, put_seconds)
        )
        cpu: dict[str, tuple[float, float, float]] = {}

        def sample(name: str) -> None:
            found = usage(server.pid, None)
            cpu[name] = (time.monotonic(), found["server"], found["load generator"])

        async def run() -> None:
            loop = asyncio.get_running_loop()
            tasks = [
                asyncio.create_task(_viewer(port, path, v, tally, until, start)) for v in viewers
            ]
            await asyncio.sleep(WARM_UP_SECONDS)
            sample("marking")
            await asyncio.sleep(marking_seconds - WARM_UP_SECONDS)
            sample("idle")
            await asyncio.sleep(IDLE_SECONDS - 1.0)
            sample("end")
            await asyncio.gather(*tasks)
            del loop

        marker.start()
        asyncio.run(run())
        marker.join()
        failures = worker_failures(port)
    finally:
        stop(server)

    tags_after = {tag: n for n, (_sent, tag) in enumerate(changes)}
    everyone: list[float] = []  # per change, until the last viewer saw it
    each: list[float] = []  # per viewer and change
    missed = 0
    for n, (sent, _tag) in enumerate(changes):
        latest = 0.0
        for viewer in viewers:
            seen = next((t for tag, t in viewer.seen if tags_after.get(tag, -1) >= n), None)
            if seen is None:
                missed += 1
                continue
            each.append(seen - sent)
            latest = max(latest, seen - sent)
        everyone.append(latest)

    def per_second(first: str, second: str, index: int) -> float:
        return (cpu[second][index] - cpu[first][index]) / (cpu[second][0] - cpu[first][0])

    polls = sum(tally.statuses.values())
    seconds = until[0] - start
    print(
        f"[{label}] {VIEWERS} viewers polling every {POLL_SECONDS:g} s, {len(changes)} marks at "
        f"1/s, gunicorn {WORKERS} workers × 1 thread on {os.cpu_count()} cores"
    )
    print(
        f"  every viewer saw each change within: max {max(everyone):.2f} s, "
        f"p95 {_p95(everyone):.2f} s (target ≤ {TARGET_SECONDS:g} s); "
        f"per viewer and change p95 {_p95(each):.2f} s; missed {missed} (target 0); "
        f"a mark answered in p95 {_p95(put_seconds):.2f} s"
    )
    print(
        f"  polls answered: {polls} ({polls / seconds:.0f}/s), "
        f"{tally.statuses[304]} × 304, {tally.statuses[200]} × 200, "
        f"other {polls - tally.statuses[304] - tally.statuses[200]}, "
        f"connection errors {tally.errors}, workers that died {failures}"
    )
    print(
        f"  server processor time while idle: {per_second('idle', 'end', 1):.3f} s per s "
        f"({per_second('idle', 'end', 1) * 1000 / max(polls / seconds, 1):.2f} ms per poll); "
        f"while marks arrive {per_second('marking', 'idle', 1):.3f} s per s; "
        f"load generator {per_second('idle', 'end', 2):.3f} s per s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", f"sqlite:///{folder}/board.sqlite3")


if __name__ == "__main__":
    main()
