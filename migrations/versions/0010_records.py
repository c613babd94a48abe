"""records that stay true: absences, superseded certificates, notice and certificate wording

- `absences`: 缺考/弃权 per contestant and round, with a reason; a change renews the event's
  result stamp like marks do (migration 0008).
- `certificates`: a certificate may be superseded (kept, with when, why and its replacement)
  instead of one row per contestant and event for ever; at most one is current. The total as
  printed is kept, so a change of total is seen.
- `contests`: the objection contact printed on notices, the certificate's wording.
- `components`: the unit a score is printed in (分钟).
- `audit_entries.contestant_id` loses its foreign key: the trail outlives a contestant
  removed as registered by mistake. SQLite rebuilds the table, so its append-only guard is
  made again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import competition.models.types


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

AUDIT_GUARD_SQLITE = """
CREATE TRIGGER audit_entries_{verb}_refused BEFORE {VERB} ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END
"""

RENEW = {
    "sqlite": "random()",
    "postgresql": "floor((random() - 0.5) * 1.8e19)::bigint",
}
STATEMENT = (
    "INSERT INTO result_stamps (event_id, stamp) SELECT e, {token} FROM ({events}) AS touched "
    "WHERE true ON CONFLICT (event_id) DO UPDATE SET stamp = excluded.stamp;"
)
EVENTS = "SELECT event_id AS e FROM rounds WHERE id = ROW.round_id"
VERBS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def _absences_renew_result_stamps():
    dialect = op.get_bind().dialect.name
    for verb, rows in VERBS.items():
        name = f"absences_{verb}_renews_result_stamp"
        body = " ".join(
            STATEMENT.format(token=RENEW[dialect], events=EVENTS.replace("ROW.", row + "."))
            for row in rows
        )
        if dialect == "sqlite":
            op.execute(f"CREATE TRIGGER {name} AFTER {verb.upper()} ON absences BEGIN {body} END")
        else:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ "
                f"BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {verb.upper()} ON absences "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )


def _guard_audit_trail_sqlite():
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_entries_{verb}_refused")
            op.execute(AUDIT_GUARD_SQLITE.format(verb=verb, VERB=verb.upper()))


def upgrade():
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", competition.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('absent', 'withdrawn')", name=op.f("ck_absences_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["contestant_id"],
            ["contestants.id"],
            name=op.f("fk_absences_contestant_id_contestants"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_absences_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_absences_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
        sa.UniqueConstraint(
            "round_id", "contestant_id", name=op.f("uq_absences_round_id_contestant_id")
        ),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_absences_contestant_id"), ["contestant_id"], unique=False
        )
    _absences_renew_result_stamps()

    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("total", competition.models.types.ExactDecimal(10, 2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("superseded_at", competition.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("supersede_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_certificates_superseded_by_id_certificates"),
            "certificates",
            ["superseded_by_id"],
            ["id"],
        )
        batch_op.drop_constraint("uq_certificates_event_id_contestant_id", type_="unique")
        batch_op.create_index(
            "uq_certificates_current",
            ["event_id", "contestant_id"],
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )

    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("objection_contact", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "certificate_wording", sa.String(length=200), server_default="", nullable=False
            )
        )
    with op.batch_alter_table("components", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unit_label", sa.String(length=16), server_default="", nullable=False)
        )
    # A time component made before this migration is printed in minutes when its name says so.
    op.execute(
        "UPDATE components SET unit_label = '分钟' WHERE higher_is_better = false "
        "AND (name LIKE '%分钟%' OR key = 'time_used')"
    )

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint("fk_audit_entries_contestant_id_contestants", type_="foreignkey")
    _guard_audit_trail_sqlite()


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_audit_entries_contestant_id_contestants",
            "contestants",
            ["contestant_id"],
            ["id"],
        )
    _guard_audit_trail_sqlite()
    with op.batch_alter_table("components", schema=None) as batch_op:
        batch_op.drop_column("unit_label")
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_column("certificate_wording")
        batch_op.drop_column("objection_contact")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("uq_certificates_current")
        batch_op.create_unique_constraint(
            "uq_certificates_event_id_contestant_id", ["event_id", "contestant_id"]
        )
        batch_op.drop_constraint(
            batch_op.f("fk_certificates_superseded_by_id_certificates"), type_="foreignkey"
        )
        batch_op.drop_column("superseded_by_id")
        batch_op.drop_column("supersede_reason")
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("total")
    dialect = op.get_bind().dialect.name
    for verb in VERBS:
        name = f"absences_{verb}_renews_result_stamp"
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON absences")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("absences")
