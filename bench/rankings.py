"""Rankings at scale: an event of N contestants × 3 components × 5 judges.

Prints the time of the final round's results JSON (median of warm requests) and the number of
SQL statements per request at 100 and at 10,000 contestants, on SQLite and on PostgreSQL
(a throwaway cluster, as in the tests), next to the targets of the load issue:
results JSON ≤ 250 ms; SQL statements do not grow with the number of contestants.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from competition.extensions import db
from competition.models import Contestant, Finalist, JudgeAssignment, Mark
from competition.services import contests, users
from competition.services.contests import ComponentSpec
from tests.conftest import _create_database, make_app, migrate_to_head
from tests.pgcluster import PostgresCluster

TARGET_MS = 250
JUDGES = 5
COMPONENTS = (
    ComponentSpec("theory", "理论知识", Decimal("0.30"), Decimal("100")),
    ComponentSpec("practical", "技能操作", Decimal("0.70"), Decimal("100")),
    ComponentSpec("time_used", "操作用时", Decimal("0"), Decimal("600"), False),
)


def populate(app, size: int) -> int:
    """An event whose final has `size` finalists, each fully marked by 5 judges."""
    rng = random.Random(size)
    with app.app_context():
        org = users.create_user("org", "organiser-pass", "organiser")
        contest = contests.create_contest("基准竞赛", "总工会")
        ev = contests.create_event(
            contest, "数控铣工", components=COMPONENTS, tie_breaks=("practical", "time_used")
        )
        units = [contests.create_unit(contest, f"单位{i}") for i in range(20)]
        judges = [users.create_user(f"judge{i}", "judge-password", "judge") for i in range(JUDGES)]
        for judge in judges:
            db.session.add(JudgeAssignment(event_id=ev.id, user_id=judge.id))
        db.session.flush()
        rows = [
            {
                "event_id": ev.id,
                "unit_id": units[i % 20].id,
                "number": f"{i + 1:05d}",
                "name": f"选手{i}",
            }
            for i in range(size)
        ]
        db.session.execute(insert(Contestant), rows)
        ids = [c.id for c in db.session.scalars(db.select(Contestant).order_by(Contestant.id))]
        id_units = dict(db.session.execute(db.select(Contestant.id, Contestant.unit_id)).all())
        db.session.execute(
            insert(Finalist),
            [{"event_id": ev.id, "unit_id": id_units[cid], "contestant_id": cid} for cid in ids],
        )
        final = ev.round("final")
        marks = []
        for cid in ids:
            for component in ev.components:
                top = 100 if component.key != "time_used" else 300
                for judge in judges:
                    marks.append(
                        {
                            "round_id": final.id,
                            "contestant_id": cid,
                            "component_id": component.id,
                            "judge_id": judge.id,
                            "value": Decimal(rng.randint(top * 50, top * 100)) / 100,
                        }
                    )
        for start in range(0, len(marks), 20_000):
            db.session.execute(insert(Mark), marks[start : start + 20_000])
        db.session.commit()
        _ = org
        return ev.id


def measure(url: str, size: int, label: str) -> None:
    migrate_to_head(url)
    app = make_app(url)
    event_id = populate(app, size)
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "org", "password": "organiser-pass"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    path = f"/api/v1/events/{event_id}/rounds/final/results"
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*args, **kwargs) -> None:
        statements.append(1)

    timings = []
    for attempt in range(6):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        if attempt:
            timings.append(elapsed)
    ranked = len(response.get_json()["ranking"])
    median = statistics.median(timings)
    verdict = "ok" if size < 10_000 or median <= TARGET_MS else "OVER TARGET"
    print(
        f"{label:<11} {size:>6} contestants ({ranked} ranked): results JSON "
        f"{median:7.1f} ms median (target ≤ {TARGET_MS} ms at 10,000) {verdict}; "
        f"{len(statements)} SQL statements"
    )
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [100, 10_000]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            measure(f"sqlite:///{Path(folder) / f'bench-{size}.sqlite3'}", size, "SQLite")
    cluster = PostgresCluster().start()
    try:
        for size in sizes:
            url = _create_database(cluster.url(), f"bench_{size}")
            measure(url, size, "PostgreSQL")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
