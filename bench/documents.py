"""Printed documents, measured: `make bench` (or `.venv/bin/python bench/documents.py`).

Builds a contest in a throwaway SQLite database (1,000 contestants in 20 units, 500 of them
finalists, both rounds published), then measures, each figure next to its target:

- one certificate, as a contestant downloads it: the median of several warm runs, and the
  first download in a fresh process (loading WeasyPrint, fontconfig and the font's cmap);
- 500 certificates in one PDF, each run in a fresh process whose peak memory is read back;
- the result notice of the 1,000-contestant round;
- the yardstick of issue #22, measured in the same run: 500 plain WeasyPrint pages
  (`baseline`), and the 500 certificates as the certificates job lays them out with 2
  processes (`competition.pdf.parallel`), each as a ratio to it.

Times are wall-clock, judged against the targets; the CPU time of the big documents and the
load average are printed too, since other work on a 2-core machine slows every figure.  The
first batch run issues the 499 certificates not issued yet (as a first print does); the
median is of three runs.  `--quick` runs fewer repetitions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_URL = "https://contest.example.org"
UNITS = 20
PER_UNIT = 50
FINALISTS_PER_UNIT = 25
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "堃",
    "𠮷祥",
    "喆",
    "燚",
)

TARGETS = {
    "single_warm": 0.3,
    "single_cold": 1.5,
    "batch_time": 10.0,
    "batch_memory": 600.0,
    "notice": 5.0,
}


def _app(database: Path):
    from competition.app import create_app

    return create_app(
        {
            "ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "PUBLIC_BASE_URL": BASE_URL,
        }
    )


# ---------------------------------------------------------------- the contest measured
def build(database: Path) -> dict[str, int]:
    """A published contest; marks are inserted in bulk (marking is not what is measured)."""
    from flask_migrate import upgrade

    from competition.contest.services import awards as award_service
    from competition.contest.services import contests as contest_service
    from competition.contest.services import results as result_service
    from competition.contest.services.certificates import set_colours
    from competition.core import users as user_service
    from competition.extensions import db
    from competition.models import Mark
    from competition.models.contests import FINAL, PRELIMINARY

    app = _app(database)
    with app.app_context():
        upgrade()
        organiser = user_service.create_user("bench-org", "bench-password", "organiser", "组委会")
        judge = user_service.create_user("bench-judge", "bench-password", "judge", "裁判长")
        contest = contest_service.create_contest(
            "北京经济技术开发区第五届职工职业技能竞赛",
            "北京经济技术开发区总工会",
            "第五届",
            co_hosts="北京经济技术开发区社会事业局",
            theme="匠心“铣”利剑，助力高精尖",
        )
        set_colours(contest, "#9e1b1e", "#c39b3a", organiser)
        event = contest_service.create_event(contest, "数控铣工", "职工组")
        award_service.set_rules(
            event,
            mode="proportion",
            tiers=[
                {"name": "一等奖", "share": Decimal("0.10")},
                {"name": "二等奖", "share": Decimal("0.20")},
                {"name": "三等奖", "share": Decimal("0.30")},
            ],
            pass_line=Decimal("60"),
            rounding="half_up",
            base="ranked",
            actor=organiser,
        )
        contest_service.assign_judge(event, judge.id, organiser, chief=True)
        components = {c.key: c.id for c in event.components}
        units = [
            contest_service.create_unit(contest, f"北京经开第{n:02d}精密制造有限公司")
            for n in range(1, UNITS + 1)
        ]
        people = []
        for index in range(UNITS * PER_UNIT):
            unit = units[index % UNITS]
            name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index // 7) % len(GIVEN)]
            people.append(
                contest_service.register_contestant(event, name, unit.id, number=f"{index + 1:04d}")
            )

        def marks(round_id: int, who: list) -> None:
            # Distinct totals (practical steps of 0.04), so no tie needs a ruling.
            db.session.bulk_insert_mappings(
                Mark,
                [
                    {
                        "round_id": round_id,
                        "contestant_id": person.id,
                        "component_id": components[key],
                        "judge_id": judge.id,
                        "value": value,
                    }
                    for i, person in enumerate(who)
                    for key, value in (
                        ("theory", Decimal(70 + i % 25)),
                        ("practical", Decimal("50") + Decimal("0.04") * i),
                    )
                ],
            )
            db.session.flush()

        marks(event.round(PRELIMINARY).id, people)
        for unit in units:
            result_service.set_finalists(event, unit.id, FINALISTS_PER_UNIT, organiser)
        result_service.publish_round(event, event.round(PRELIMINARY), organiser)
        finalists = [p for p in people if p.finalist is not None]
        marks(event.round(FINAL).id, finalists)
        result_service.publish_round(event, event.round(FINAL), organiser)
        ranked = result_service.round_results(event, event.round(FINAL)).ranking.ranked
        db.session.commit()
        return {"event_id": event.id, "contestant_id": ranked[0].contestant_id}


# ---------------------------------------------------------------- what is measured
def single(database: Path, contestant_id: int, runs: int) -> dict[str, float]:
    """The first download in this (fresh) process, then `runs` warm ones."""
    from competition.contest.documents.certificates import certificate_pdf
    from competition.extensions import db

    app = _app(database)
    times = []
    with app.app_context():
        for _ in range(runs + 1):
            started = time.perf_counter()
            pdf = certificate_pdf(contestant_id)
            db.session.commit()
            times.append(time.perf_counter() - started)
    return {"cold": times[0], "warm": statistics.median(times[1:]), "bytes": len(pdf)}


def batch(database: Path, event_id: int) -> dict[str, float]:
    """All 500 certificates of the event in one PDF, in this (fresh) process."""
    from competition.contest.documents.certificates import event_certificates_pdf
    from competition.extensions import db
    from competition.models import Event

    app = _app(database)
    with app.app_context():
        event = db.session.get(Event, event_id)
        started, cpu = time.perf_counter(), time.process_time()
        pdf = event_certificates_pdf(event, None)
        db.session.commit()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"time": elapsed, "cpu": cpu, "memory": peak, "bytes": len(pdf)}


def baseline() -> dict[str, float]:
    """Plain WeasyPrint, the yardstick of issue #22: 500 A4-landscape certificate pages (a
    heading, a name, one sentence, a serial) in the same CJK font, one `write_pdf`."""
    from weasyprint import HTML

    pages = "".join(
        f'<section><h1>荣誉证书</h1><p class="name">{SURNAMES[i % len(SURNAMES)]}{GIVEN[i % 7]}</p>'
        "<p>在北京经济技术开发区第五届职工职业技能竞赛数控铣工（职工组）决赛中荣获一等奖。"
        f'特发此证，以资鼓励。</p><p class="serial">证书编号：BJ2026-{i:05d}</p></section>'
        for i in range(UNITS * FINALISTS_PER_UNIT)
    )
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        "@page { size: A4 landscape; margin: 20mm } "
        'body { font-family: "Noto Serif CJK SC", serif } '
        "section { page-break-after: always } section:last-child { page-break-after: auto } "
        "h1 { text-align: center; font-size: 48pt } .name { font-size: 26pt }"
        "</style></head><body>" + pages + "</body></html>"
    )
    started, cpu = time.perf_counter(), time.process_time()
    pdf = HTML(string=html).write_pdf()
    return {
        "time": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "bytes": len(pdf),
    }


def parallel_batch(database: Path, event_id: int, processes: int) -> dict[str, float]:
    """The 500 certificates as the certificates job lays them out: `processes` worker
    processes (started here, as a job starts them), parts joined into one file on disk."""
    from competition.contest.documents.certificates import write_certificates
    from competition.contest.services.certificates import certificates_to_print
    from competition.extensions import db
    from competition.models import Event

    app = _app(database)
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        event = db.session.get(Event, event_id)
        batch = certificates_to_print(event, None)
        db.session.commit()
        target = Path(folder) / "batch.pdf"
        started = time.perf_counter()
        write_certificates(event, batch, target, "single", BASE_URL, processes)
        elapsed = time.perf_counter() - started
        size = target.stat().st_size
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"time": elapsed, "memory": own, "bytes": size}


def notice(database: Path, event_id: int, runs: int) -> dict[str, float]:
    """The preliminary's notice (1,000 ranked): one warm-up, then the median of `runs`."""
    from competition.contest.documents.notices import results_pdf
    from competition.contest.services.results import round_results
    from competition.extensions import db
    from competition.models import Event
    from competition.models.contests import PRELIMINARY

    app = _app(database)
    times, cpus = [], []
    with app.app_context():
        event = db.session.get(Event, event_id)
        for _ in range(runs + 1):
            started, cpu = time.perf_counter(), time.process_time()
            results = round_results(event, event.round(PRELIMINARY))
            pdf = results_pdf(results, identities=True)
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
    return {
        "time": statistics.median(times[1:]),
        "cpu": statistics.median(cpus[1:]),
        "bytes": len(pdf),
        "rows": 1000,
    }


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "child", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=600,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _line(label: str, value: float, target: float, unit: str, cpu: float | None = None) -> str:
    verdict = "ok" if value <= target else "OVER"
    extra = f"   (CPU {cpu:.2f} s)" if cpu is not None else ""
    return f"  {label:<50} {value:8.2f} {unit:<3} target ≤ {target:g} {unit:<3} {verdict}{extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    options = parser.parse_args()
    runs = 3 if options.quick else 7
    batches = 1 if options.quick else 3

    from weasyprint import __version__ as weasyprint_version

    from competition.pdf import render

    with tempfile.TemporaryDirectory(prefix="competition-bench-") as folder:
        database = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        ids = _child("build", str(database))
        built = time.perf_counter() - started
        print(
            f"WeasyPrint {weasyprint_version}, font subsetting by {render.subsetter()}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            f"contest built in {built:.1f} s ({UNITS * PER_UNIT} contestants, "
            f"{UNITS * FINALISTS_PER_UNIT} finalists)"
        )
        one = _child("single", str(database), str(ids["contestant_id"]), str(runs))
        many = [_child("batch", str(database), str(ids["event_id"])) for _ in range(batches)]
        listed = _child("notice", str(database), str(ids["event_id"]), str(runs))
        plain = [_child("baseline") for _ in range(batches)]
        spread = [
            _child("parallel", str(database), str(ids["event_id"]), "2") for _ in range(batches)
        ]

    batch_time = statistics.median(m["time"] for m in many)
    batch_cpu = statistics.median(m["cpu"] for m in many)
    batch_memory = max(m["memory"] for m in many)
    print(_line(f"one certificate, warm (median of {runs})", one["warm"], 0.3, "s"))
    print(_line("one certificate, cold (first in a fresh process)", one["cold"], 1.5, "s"))
    print(
        _line(f"500 certificates in one PDF (median of {batches})", batch_time, 10, "s", batch_cpu)
    )
    print(_line("500 certificates, peak memory of the process", batch_memory, 600, "MB"))
    print(
        _line(
            f"result notice, 1,000 contestants (median of {runs})",
            listed["time"],
            5,
            "s",
            listed["cpu"],
        )
    )
    plain_time = statistics.median(m["time"] for m in plain)
    spread_time = statistics.median(m["time"] for m in spread)
    print(
        f"  plain WeasyPrint baseline, 500 pages (median of {batches}): {plain_time:.2f} s "
        f"(CPU {statistics.median(m['cpu'] for m in plain):.2f} s)"
    )
    print(_line("500 certificates, one process ÷ baseline", batch_time / plain_time, 1.2, "×"))
    print(
        _line(
            "500 certificates, 2 processes (job's path) ÷ baseline",
            spread_time / plain_time,
            0.6,
            "×",
        )
    )
    print(
        f"  2 processes: {spread_time:.2f} s, peak memory of the calling process "
        f"{max(m['memory'] for m in spread):.0f} MB (bench/big_batch.py sums the workers'), "
        f"{spread[0]['bytes'] / 1024 / 1024:.1f} MiB"
    )
    print(
        f"  sizes: one certificate {one['bytes'] / 1024:.0f} KiB, 500 certificates "
        f"{many[0]['bytes'] / 1024 / 1024:.1f} MiB, notice {listed['bytes'] / 1024:.0f} KiB"
    )
    failed = (
        one["warm"] > TARGETS["single_warm"]
        or one["cold"] > TARGETS["single_cold"]
        or batch_time > TARGETS["batch_time"]
        or batch_memory > TARGETS["batch_memory"]
        or listed["time"] > TARGETS["notice"]
    )
    if failed:
        print("  some figures are over their targets (see the load average above)")


def child(args: list[str]) -> None:
    command, database = args[0], Path(args[1] if len(args) > 1 else ".")
    if command == "build":
        result = build(database)
    elif command == "single":
        result = single(database, int(args[2]), int(args[3]))
    elif command == "batch":
        result = batch(database, int(args[2]))
    elif command == "baseline":
        result = baseline()
    elif command == "parallel":
        result = parallel_batch(database, int(args[2]), int(args[3]))
    elif command == "notice":
        result = notice(database, int(args[2]), int(args[3]))
    else:
        raise SystemExit(f"unknown child command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2:])
    else:
        main()
