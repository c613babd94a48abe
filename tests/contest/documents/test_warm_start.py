"""Warm start (#22): a worker renders a throwaway certificate before its first request.

What is checked is behaviour, not time (bench/warm_start.py times it): the warm-up renders the
certificate template in the certificate's font and draws the contests' ornaments; the setting
is on in production and off in tests; the gunicorn hook warms only when asked, survives a
failed warm-up; and a real worker started with the project's gunicorn.conf.py warms and then
serves a certificate.
"""

from __future__ import annotations

import gc
import http.client
import os
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from competition.config import load_config
from competition.contest.documents import warm
from competition.contest.services.certificates import set_colours
from competition.extensions import db
from competition.models import Contest, User
from competition.pdf import ornaments, render
from tests.contest.documents.helpers import published_final
from tests.pgcluster import free_port
from tests.support.pdf import embedded_fonts, pdf_text

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def _colour_contest(app: Flask, client: Any, primary: str, accent: str) -> Any:
    final = published_final(app, client)
    with app.app_context():
        contest = db.session.get(Contest, final.contest_id)
        organiser = db.session.scalars(db.select(User).where(User.role == "organiser")).first()
        set_colours(contest, primary, accent, organiser)
        db.session.commit()
    return final


def test_warm_up_renders_the_certificate_in_its_font_and_draws_the_contests_colours(
    app: Flask, client: Any
) -> None:
    _colour_contest(app, client, "#123456", "#abcdef")
    ornaments.ornament_data_uri.cache_clear()

    done = warm.warm_up(app)

    text = pdf_text(done.pdf)
    assert "荣誉证书" in text.replace(" ", "") and "王伟" in text and "WARM-0001" in text
    fonts = embedded_fonts(done.pdf)
    assert any(name.endswith("+Noto-Serif-CJK-SC") for name in fonts), fonts.keys()
    assert "contest/pdf/certificate.html" in done.templates
    assert "contest/pdf/results.html" in done.templates
    assert all(name.startswith("contest/pdf/") for name in done.templates)
    assert done.contests == 1
    # The contest's pair of colours is now drawn: asking for it again is a cache hit.
    hits = ornaments.ornament_data_uri.cache_info().hits
    ornaments.ornament_data_uri("#123456", "#abcdef")
    assert ornaments.ornament_data_uri.cache_info().hits == hits + 1
    assert render._fonts is not None  # the process's one font configuration exists
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Contest)) == 1


def test_warm_up_without_the_tables_still_warms_printing(tmp_path: Path) -> None:
    """A worker started before `db upgrade` (no tables yet) warms the rest and says so."""
    from competition.app import create_app

    bare = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.db"})
    done = warm.warm_up(bare)
    assert done.contests == 0
    assert "荣誉证书" in pdf_text(done.pdf).replace(" ", "")


def test_warm_start_is_on_in_production_and_off_in_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WARM_START", raising=False)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert load_config(str(tmp_path), {"ENV": "production"})["WARM_START"] is True
    assert load_config(str(tmp_path), {"ENV": "testing"})["WARM_START"] is False
    assert load_config(str(tmp_path), {"ENV": "development"})["WARM_START"] is False
    monkeypatch.setenv("WARM_START", "0")
    assert load_config(str(tmp_path), {"ENV": "production"})["WARM_START"] is False
    monkeypatch.setenv("WARM_START", "1")
    assert load_config(str(tmp_path), {"ENV": "testing"})["WARM_START"] is True


class _Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def info(self, message: str, *args: Any) -> None:
        self.lines.append(("info", message % args))

    def exception(self, message: str, *args: Any) -> None:
        self.lines.append(("exception", message % args))


def _hook() -> Any:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]


def test_the_gunicorn_hook_warms_only_when_the_setting_says_so(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Flask] = []

    def fake_warm_up(given: Flask) -> warm.WarmUp:
        calls.append(given)
        return warm.WarmUp(seconds=0.5, pdf=b"%PDF", templates=("contest/pdf/x.html",))

    monkeypatch.setattr(warm, "warm_up", fake_warm_up)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # not this test process's objects
    hook = _hook()

    log = _Log()
    hook(SimpleNamespace(wsgi=app, log=log, pid=1))
    assert calls == [] and log.lines == []  # WARM_START is off in tests

    app.config["WARM_START"] = True
    hook(SimpleNamespace(wsgi=app, log=log, pid=7))
    assert calls == [app]
    assert log.lines == [("info", "worker 7 warmed up in 0.50 s (1 templates)")]

    hook(SimpleNamespace(wsgi=lambda environ, start: [], log=log, pid=8))  # not a Flask app
    assert calls == [app]


def test_a_failed_warm_up_is_logged_and_the_worker_serves(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(given: Flask) -> warm.WarmUp:
        raise RuntimeError("no font")

    monkeypatch.setattr(warm, "warm_up", broken)
    app.config["WARM_START"] = True
    log = _Log()
    _hook()(SimpleNamespace(wsgi=app, log=log, pid=3))
    assert log.lines == [("exception", "warm-up failed; the worker serves without it")]


def _get(port: int, path: str, token: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_a_worker_started_with_the_gunicorn_config_warms_then_serves_a_certificate(
    app: Flask, client: Any, database_url: str, tmp_path: Path
) -> None:
    final = _colour_contest(app, client, "#224466", "#ddcc00")
    with app.app_context():
        db.engine.dispose()
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY="warm-" + "x" * 32,
        COMPETITION_ENV="production",
        PUBLIC_BASE_URL="https://contest.example.org",
    )
    env.pop("WARM_START", None)  # production's default
    command = [GUNICORN, "--workers", "1", "--bind", f"127.0.0.1:{port}", "--log-level", "info"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [*command, "wsgi:app"],
            cwd=ROOT,  # where gunicorn finds gunicorn.conf.py by itself
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            assert server.poll() is None, log_path.read_text(errors="replace")
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer /healthz: " + log_path.read_text())
        logged = log_path.read_text(errors="replace")
        assert "warmed up in" in logged and "warm-up failed" not in logged, logged

        person = final.ranked[0]
        status, body = _get(
            port,
            f"/api/v1/events/{final.event_id}/contestants/{person['contestant_id']}/certificate.pdf",
            final.org.token,
        )
        assert status == 200, body[:300]
        assert person["name"] in pdf_text(body)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
