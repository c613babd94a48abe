"""Migration 0004 on a database that already holds a contest: every contestant gets an access
code, and a round published before it gets its notice period."""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from competition.extensions import db
from competition.models.access_codes import ALPHABET


def test_existing_contestants_and_published_rounds_are_backfilled(app):
    with app.app_context():
        downgrade(revision="0001")
        statements = [
            "INSERT INTO users (id, username, password_hash, role, display_name, active, "
            "created_at) VALUES (1, 'o', 'x', 'organiser', '', true, '2026-01-01 00:00:00')",
            "INSERT INTO contests (id, name, host, edition, co_hosts, theme, created_at) "
            "VALUES (1, 'C', 'H', '', '', '', '2026-01-01 00:00:00')",
            "INSERT INTO units (id, contest_id, name) VALUES (1, 1, 'U')",
            "INSERT INTO events (id, contest_id, name, group_name, min_finalists_per_unit, "
            "created_at) VALUES (1, 1, 'E', 'G', 3, '2026-01-01 00:00:00')",
            # published on Friday 2026-11-27 at 18:00 in Beijing (10:00 UTC)
            "INSERT INTO rounds (id, event_id, kind, published_at, published_by_id) "
            "VALUES (1, 1, 'preliminary', '2026-11-27 10:00:00', 1)",
            "INSERT INTO rounds (id, event_id, kind) VALUES (2, 1, 'final')",
        ]
        statements += [
            "INSERT INTO contestants (id, event_id, unit_id, number, name, created_at) "
            f"VALUES ({i}, 1, 1, '{i:03d}', 'P{i}', '2026-01-01 00:00:00')"
            for i in range(1, 31)
        ]
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()

        upgrade()
        codes = db.session.execute(text("SELECT access_code FROM contestants")).scalars().all()
        assert len(codes) == 30 and len(set(codes)) == 30
        assert all(len(c) == 8 and set(c) <= set(ALPHABET) for c in codes)
        ends = dict(db.session.execute(text("SELECT id, notice_ends_on FROM rounds")).all())
        assert ends[2] is None
        assert str(ends[1]) == str(date(2026, 12, 4))  # five working days after Friday
        notice = db.session.execute(text("SELECT notice_working_days FROM contests")).scalar()
        assert notice == 5
