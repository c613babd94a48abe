"""Production shape: health check, security headers, request logs, backups."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Mark
from tests.conftest import make_app
from tests.support.factories import build_world, judge, mark


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_reports_an_unreachable_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/contests", "/login"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in headers
    secure = client.get("/", base_url="https://contest.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_one_structured_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="competition.requests"):
        client.get("/api/v1/contests", headers={"X-Request-ID": "abc123"})
    records = [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "competition.requests"
    ]
    assert records[-1]["path"] == "/api/v1/contests"
    assert records[-1]["status"] == 200
    assert records[-1]["request_id"] == "abc123"
    assert isinstance(records[-1]["ms"], float)


def test_a_backup_restores_every_mark(app, client, runner, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL is backed up with pg_dump")
    world = build_world(app, client, per_unit=(3,))
    _, api = judge(app, client, world.org, world.event_id, "judge-j")
    for n, cid in enumerate(world.all_contestants()):
        mark(api, world.event_id, "preliminary", cid, "theory", f"{80 + n}.25")
        mark(api, world.event_id, "preliminary", cid, "practical", f"{70 + n}.5")
    out = tmp_path / "copy.sqlite3"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["backup", str(out)])
    assert again.exit_code != 0 and "exists" in again.output

    with app.app_context():
        original = sorted(db.session.execute(select(Mark.contestant_id, Mark.value)).all())
    restored_app = make_app(f"sqlite:///{out}")
    with restored_app.app_context():
        restored = sorted(db.session.execute(select(Mark.contestant_id, Mark.value)).all())
        assert db.session.scalar(select(func.count(Mark.id))) == 6
        db.engine.dispose()
    assert restored == original


def test_backup_of_postgresql_points_to_pg_dump(app, runner, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
    result = runner.invoke(args=["backup", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output


def test_password_guessing_is_slowed_without_locking_everyone_out(app, client):
    from tests.support.factories import PASSWORD, make_user

    make_user(app, "target", "judge")
    make_user(app, "bystander", "judge")
    guess = {"username": "target", "password": "wrong-password"}
    for _ in range(10):
        assert client.post("/api/v1/tokens", json=guess).status_code == 401
    locked = client.post("/api/v1/tokens", json={"username": "target", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "too_many_requests"
    # The same account from another machine, and another account from this one, still work.
    elsewhere = client.post(
        "/api/v1/tokens",
        json={"username": "target", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.8"},
    )
    assert elsewhere.status_code == 201
    other = client.post("/api/v1/tokens", json={"username": "bystander", "password": PASSWORD})
    assert other.status_code == 201


def test_successful_sign_ins_do_not_count(app, client):
    from tests.support.factories import PASSWORD, make_user

    make_user(app, "busy", "judge")
    for _ in range(15):
        ok = client.post("/api/v1/tokens", json={"username": "busy", "password": PASSWORD})
        assert ok.status_code == 201


def test_only_sign_ins_go_through_the_rate_limiter(app):
    """Every other request skips Flask-Limiter's search for limits (a judge's mark included);
    a view that signs someone in must not, or guessing would be unlimited."""
    from competition.core.ratelimits import _not_a_sign_in

    exempt = {
        ("POST", "/api/v1/tokens"): False,
        ("POST", "/login"): False,
        ("PUT", "/api/v1/events/1/rounds/final/marks/2/practical"): True,
        ("GET", "/api/v1/contests"): True,
        ("GET", "/healthz"): True,
    }
    for (method, path), expected in exempt.items():
        with app.test_request_context(path, method=method):
            assert _not_a_sign_in() is expected, path
