"""Revision 0006 (documents) on a database that already holds contests."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from competition.extensions import db


def test_contests_made_before_0006_get_the_default_colours(app):
    with app.app_context():
        downgrade(revision="0005")
        db.session.execute(
            text(
                "INSERT INTO contests (name, host, edition, co_hosts, theme, created_at) "
                "VALUES ('旧竞赛', '总工会', '', '', '', CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(
            text("SELECT primary_colour, accent_colour FROM contests WHERE name = '旧竞赛'")
        ).one()
        assert tuple(row) == ("#a3161a", "#b8860b")
