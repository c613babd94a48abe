"""The schema comes from the migrations only, and they agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from competition.core import audit
from competition.extensions import db
from tests.conftest import make_app


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_head_matches_the_models(app):
    with app.app_context():
        assert _differences() == []


def _stamp_triggers() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT DISTINCT trigger_name FROM information_schema.triggers"
    with db.engine.connect() as connection:
        names = connection.execute(text(query)).scalars()
        return {name for name in names if name.endswith("_renews_result_stamp")}


def test_every_table_results_are_made_of_renews_the_result_stamp(app):
    """Cached rankings rely on these triggers (migration 0008). On SQLite a later migration
    that rebuilds one of these tables (batch_alter_table) drops its triggers: it must make
    them again, and this test says so if it does not."""
    tables = ("marks", "tie_resolutions", "rounds", "components")
    tables += ("contestants", "finalists", "events", "units", "absences")
    tables += ("item_marks", "marking_schemes")
    with app.app_context():
        assert _stamp_triggers() == {
            f"{table}_{verb}_renews_result_stamp"
            for table in tables
            for verb in ("insert", "update", "delete")
        }


def test_downgrade_to_base_and_back(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _differences() == []
        assert len(_stamp_triggers()) == 33


def test_booting_the_app_never_touches_the_database(tmp_path):
    path = tmp_path / "empty.sqlite3"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET action = 'forged'",
        "DELETE FROM audit_entries",
    ],
)
def test_the_audit_trail_is_append_only_in_the_database(app, statement):
    with app.app_context():
        audit.record("test.entry", None, reason="kept")
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
        assert db.session.execute(text("SELECT action FROM audit_entries")).scalars().all() == [
            "test.entry"
        ]
