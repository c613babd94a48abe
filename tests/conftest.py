"""Fixtures: every app-level test runs once on SQLite and once on a real PostgreSQL server.

The schema comes from the migrations, applied once per backend to a template; each test then
starts from an empty copy (a copied file on SQLite, truncated tables on PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy.exc
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from competition.app import create_app
from competition.extensions import db, limiter
from tests.pgcluster import PostgresCluster

BACKENDS = [
    b.strip()
    for b in os.environ.get("COMPETITION_TEST_DATABASES", "sqlite,postgresql").split(",")
    if b.strip()
]


SLOW_FOLDERS = ("browser", "faults")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Whole folders that are slow by nature (a real Chromium, killed workers) are marked here,
    so a new test there is slow without having to say so; single slow tests elsewhere carry
    `@pytest.mark.slow` themselves."""
    root = Path(__file__).parent
    for item in items:
        parts = item.path.relative_to(root).parts
        if parts and parts[0] in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)


def make_app(url: str, **overrides: Any) -> Flask:
    return create_app(
        {"ENV": "testing", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **overrides}
    )


def migrate_to_head(url: str) -> None:
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A server URL: COMPETITION_TEST_POSTGRES_URL if given, else a cluster started here."""
    given = os.environ.get("COMPETITION_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    cluster = PostgresCluster().start()
    try:
        yield cluster.url()
    finally:
        cluster.stop()


def _create_database(server_url: str, name: str) -> str:
    conninfo = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """(backend, template): a migrated SQLite file to copy, or a migrated PostgreSQL URL."""
    backend = request.param
    if backend == "sqlite":
        template = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
        migrate_to_head(f"sqlite:///{template}")
        return backend, template
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        # Under pytest-xdist each worker has its own database (a given server is shared).
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        url = _create_database(server, f"competition_test{'_' + worker if worker else ''}")
        migrate_to_head(url)
        return backend, url
    raise ValueError(f"unknown test database {backend!r}")


@pytest.fixture
def database_url(database: Any, tmp_path: Path) -> str:
    backend, template = database
    if backend == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    engine = create_engine(template)
    _empty_postgres(engine)
    engine.dispose()
    return template


def _empty_postgres(engine: Any) -> None:
    """Every table emptied and every id counting from 1 again, as a fresh database.

    DELETE with triggers and foreign keys off (`session_replication_role`, a superuser's
    setting, which the throwaway cluster's user is) takes 2 ms; TRUNCATE of the same nearly
    empty tables takes 50-140 ms, as each table and index gets a new file: a minute or more
    over the suite. A server given without that right gets the TRUNCATE.
    """
    tables = [f'"{table.name}"' for table in reversed(db.metadata.sorted_tables)]
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("; ".join(f"DELETE FROM {table}" for table in tables)))
            conn.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c "
                    "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
                )
            )
    except sqlalchemy.exc.ProgrammingError:  # not a superuser
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    # Award evidence files go to the test's own folder, not the instance folder.
    app = make_app(database_url, AWARD_UPLOAD_FOLDER=str(tmp_path / "award-files"))
    limiter.reset()  # counts live in this process's memory, shared by every test's app
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()
