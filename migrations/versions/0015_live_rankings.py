"""live rankings: a log of the marks' changes that renewed an event's result stamp

A ranking of 10,000 contestants worked out afresh after every mark costs most of a second. A
worker that keeps the last ranking of a round can instead re-read only the marks that changed,
provided it learns exactly which changed since the stamp it computed the ranking after.

The triggers of `marks` (migration 0008) are replaced by ones that, for each (round,
contestant, component) a mark row touches, write the event's new stamp and a row of
`result_changes`: that pair, the stamp it replaced (`previous`) and the new one (`stamp`).
The stamp row is locked first (`SELECT … FOR UPDATE` on PostgreSQL; SQLite writes one at a
time), so `previous` is always the stamp the change really followed. A reader that can walk
from its own stamp to the current one through these rows knows that marks alone changed, and
which; any other change (a contestant, a ruling, the rules…) renews the stamp with no row, the
walk breaks and the ranking is worked out afresh (`services/live_ranking.py`).

A new table and new triggers only: no table is rebuilt on SQLite, so no trigger is lost.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 05:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

VERBS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}

#: SQLite: log the change with the stamp it replaces and a new random one, then make that the
#: event's stamp (the row just written is the event's latest: rowids only grow).
SQLITE_STEP = (
    "INSERT INTO result_changes "
    "(event_id, previous, stamp, round_id, contestant_id, component_id) "
    "SELECT r.event_id, (SELECT s.stamp FROM result_stamps s WHERE s.event_id = r.event_id), "
    "random(), ROW.round_id, ROW.contestant_id, ROW.component_id "
    "FROM rounds r WHERE r.id = ROW.round_id AND WHEN_MOVED; "
    "INSERT INTO result_stamps (event_id, stamp) "
    "SELECT c.event_id, c.stamp FROM result_changes c WHERE c.id = ("
    "SELECT max(l.id) FROM result_changes l "
    "WHERE l.event_id = (SELECT r.event_id FROM rounds r WHERE r.id = ROW.round_id)) "
    "AND WHEN_MOVED "
    "ON CONFLICT (event_id) DO UPDATE SET stamp = excluded.stamp;"
)

#: PostgreSQL: lock the event's stamp row, so that `previous` is the stamp this change follows
#: even while other transactions change marks of the same event.
POSTGRES_STEP = (
    "v_event := NULL; "
    "IF WHEN_MOVED THEN "
    "SELECT r.event_id INTO v_event FROM rounds r WHERE r.id = ROW.round_id; "
    "END IF; "
    "IF v_event IS NOT NULL THEN "
    "v_token := floor((random() - 0.5) * 1.8e19)::bigint; "
    "v_previous := NULL; "
    "SELECT s.stamp INTO v_previous FROM result_stamps s WHERE s.event_id = v_event FOR UPDATE; "
    "INSERT INTO result_stamps (event_id, stamp) VALUES (v_event, v_token) "
    "ON CONFLICT (event_id) DO UPDATE SET stamp = excluded.stamp; "
    "INSERT INTO result_changes "
    "(event_id, previous, stamp, round_id, contestant_id, component_id) "
    "VALUES (v_event, v_previous, v_token, ROW.round_id, ROW.contestant_id, ROW.component_id); "
    "END IF; "
)

#: An update logs the pair it leaves only if it leaves one (a mark moved to another
#: contestant, component or round), and always the pair it arrives at: a changed value is one
#: change row, not two.
MOVED = (
    "(OLD.round_id <> NEW.round_id OR OLD.contestant_id <> NEW.contestant_id "
    "OR OLD.component_id <> NEW.component_id)"
)


def _step(step, verb, row):
    when = MOVED if verb == "update" and row == "OLD" else "true"
    return step.replace("WHEN_MOVED", when).replace("ROW.", row + ".")


#: Migration 0008's triggers of `marks`, put back by the downgrade.
OLD_RENEW = {
    "sqlite": "random()",
    "postgresql": "floor((random() - 0.5) * 1.8e19)::bigint",
}
OLD_STATEMENT = (
    "INSERT INTO result_stamps (event_id, stamp) SELECT e, {token} FROM ({events}) AS touched "
    "WHERE true ON CONFLICT (event_id) DO UPDATE SET stamp = excluded.stamp;"
)
OLD_EVENTS = "SELECT event_id AS e FROM rounds WHERE id = ROW.round_id"


def _drop_triggers(dialect):
    for verb in VERBS:
        name = f"marks_{verb}_renews_result_stamp"
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON marks")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _create_triggers(dialect, body_of, declare=""):
    for verb, rows in VERBS.items():
        name = f"marks_{verb}_renews_result_stamp"
        body = body_of(verb, rows)
        if dialect == "sqlite":
            op.execute(f"CREATE TRIGGER {name} AFTER {verb.upper()} ON marks BEGIN {body} END")
        else:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ "
                f"{declare}BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {verb.upper()} ON marks "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )


def upgrade():
    op.create_table(
        "result_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("previous", sa.BigInteger(), nullable=True),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_changes")),
    )
    op.create_index(
        "ix_result_changes_event_id_id", "result_changes", ["event_id", "id"], unique=False
    )
    dialect = op.get_bind().dialect.name
    step = SQLITE_STEP if dialect == "sqlite" else POSTGRES_STEP
    _drop_triggers(dialect)
    _create_triggers(
        dialect,
        lambda verb, rows: " ".join(_step(step, verb, row) for row in rows),
        "DECLARE v_event integer; v_previous bigint; v_token bigint; ",
    )


def downgrade():
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    _create_triggers(
        dialect,
        lambda verb, rows: " ".join(
            OLD_STATEMENT.format(
                token=OLD_RENEW[dialect], events=OLD_EVENTS.replace("ROW.", row + ".")
            )
            for row in rows
        ),
    )
    op.drop_index("ix_result_changes_event_id_id", table_name="result_changes")
    op.drop_table("result_changes")
