"""result stamps: a token per event that database triggers renew on every change to its results

Every insert, update or delete of what an event's results are made of (marks, contestants,
units, finalists, components, rounds, tie rulings, the event) writes a new random token for the
event, from whatever code or process made it. Results are cached under that token, so a cached
ranking is never served after a change.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: table -> (the events a row belongs to, as SQL on the row alias ROW; the columns whose
#: update matters, or None for any). Rounds leave out `id`: locking a round on SQLite is a
#: no-op `UPDATE rounds SET id = id`, which changes nothing a result shows.
WATCHED = {
    "marks": ("SELECT event_id AS e FROM rounds WHERE id = ROW.round_id", None),
    "tie_resolutions": ("SELECT event_id AS e FROM rounds WHERE id = ROW.round_id", None),
    "rounds": (
        "SELECT ROW.event_id AS e",
        ("event_id", "kind", "published_at", "published_by_id", "notice_ends_on"),
    ),
    "components": ("SELECT ROW.event_id AS e", None),
    "contestants": ("SELECT ROW.event_id AS e", None),
    "finalists": ("SELECT ROW.event_id AS e", None),
    "events": ("SELECT ROW.id AS e", None),
    "units": ("SELECT id AS e FROM events WHERE contest_id = ROW.contest_id", None),
}
VERBS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}

#: A new token for each event the row belongs to. SQLite's random() is a 64-bit integer;
#: PostgreSQL's is a double, scaled here to the bigint range.
RENEW = {
    "sqlite": "random()",
    "postgresql": "floor((random() - 0.5) * 1.8e19)::bigint",
}
STATEMENT = (
    "INSERT INTO result_stamps (event_id, stamp) SELECT e, {token} FROM ({events}) AS touched "
    "WHERE true ON CONFLICT (event_id) DO UPDATE SET stamp = excluded.stamp;"
)


def upgrade():
    op.create_table(
        "result_stamps",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_result_stamps")),
    )
    dialect = op.get_bind().dialect.name
    token = RENEW[dialect]
    op.execute(f"INSERT INTO result_stamps (event_id, stamp) SELECT id, {token} FROM events")
    for table, (events, columns) in WATCHED.items():
        for verb, rows in VERBS.items():
            name = f"{table}_{verb}_renews_result_stamp"
            when = verb.upper()
            if verb == "update" and columns:
                when += " OF " + ", ".join(columns)
            body = " ".join(
                STATEMENT.format(token=RENEW[dialect], events=events.replace("ROW.", row + "."))
                for row in rows
            )
            if dialect == "sqlite":
                op.execute(f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {body} END")
            else:
                op.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger AS $$ "
                    f"BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
                )
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {when} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                )


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in WATCHED:
        for verb in VERBS:
            name = f"{table}_{verb}_renews_result_stamp"
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("result_stamps")
