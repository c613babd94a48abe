"""judging in depth: marking schemes and item marks, exact scheme marks, the final's draw,
judges' own units, flagged-mark notes, team results and 优秀组织奖

- `marking_schemes`, `scheme_items`, `item_marks`: a component marked item by item. Item marks
  and schemes renew the event's result stamp (results list the disputes they cause).
- `marks.exact_units`: a mark derived from items, exact in 1/300ths of a point.
- `finalists.final_number`, `rounds.drawn_at`/`drawn_by_id`: the final's numbers drawn by lot.
- `events.team_size`, `events.outlier_percent`; `flag_notes`; `organisation_awards`.

Adding columns does not rebuild a table on SQLite, so no trigger is lost.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import competition.models.types

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

RENEW = {
    "sqlite": "random()",
    "postgresql": "floor((random() - 0.5) * 1.8e19)::bigint",
}
STATEMENT = (
    "INSERT INTO result_stamps (event_id, stamp) SELECT e, {token} FROM ({events}) AS touched "
    "WHERE true ON CONFLICT (event_id) DO UPDATE SET stamp = excluded.stamp;"
)
WATCHED = {
    "item_marks": "SELECT event_id AS e FROM rounds WHERE id = ROW.round_id",
    "marking_schemes": "SELECT event_id AS e FROM components WHERE id = ROW.component_id",
}
VERBS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def _renew_result_stamps():
    dialect = op.get_bind().dialect.name
    for table, events in WATCHED.items():
        for verb, rows in VERBS.items():
            name = f"{table}_{verb}_renews_result_stamp"
            body = " ".join(
                STATEMENT.format(token=RENEW[dialect], events=events.replace("ROW.", row + "."))
                for row in rows
            )
            if dialect == "sqlite":
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {verb.upper()} ON {table} BEGIN {body} END"
                )
            else:
                op.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger AS $$ "
                    f"BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
                )
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {verb.upper()} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                )


def upgrade():
    op.create_table(
        "marking_schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("max_judgement_spread", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", competition.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_marking_schemes_component_id_components"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_marking_schemes_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marking_schemes")),
        sa.UniqueConstraint("component_id", name=op.f("uq_marking_schemes_component_id")),
    )
    op.create_table(
        "scheme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("points", competition.models.types.ExactDecimal(10, 2), nullable=False),
        sa.Column("nominal", competition.models.types.ExactDecimal(12, 3), nullable=True),
        sa.Column("lower", competition.models.types.ExactDecimal(12, 3), nullable=True),
        sa.Column("upper", competition.models.types.ExactDecimal(12, 3), nullable=True),
        sa.CheckConstraint(
            "kind IN ('measurement', 'judgement', 'deduction')",
            name=op.f("ck_scheme_items_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["marking_schemes.id"],
            name=op.f("fk_scheme_items_scheme_id_marking_schemes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_items")),
        sa.UniqueConstraint("scheme_id", "code", name=op.f("uq_scheme_items_scheme_id_code")),
    )
    with op.batch_alter_table("scheme_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheme_items_scheme_id"), ["scheme_id"], unique=False)
    op.create_table(
        "item_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("value", competition.models.types.ExactDecimal(12, 3), nullable=False),
        sa.Column("created_at", competition.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", competition.models.types.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["contestant_id"],
            ["contestants.id"],
            name=op.f("fk_item_marks_contestant_id_contestants"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["scheme_items.id"], name=op.f("fk_item_marks_item_id_scheme_items")
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"], ["users.id"], name=op.f("fk_item_marks_judge_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_item_marks_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_marks")),
        sa.UniqueConstraint(
            "round_id",
            "contestant_id",
            "item_id",
            "judge_id",
            name=op.f("uq_item_marks_round_id_contestant_id_item_id_judge_id"),
        ),
    )
    with op.batch_alter_table("item_marks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_marks_contestant_id"), ["contestant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_item_marks_item_id"), ["item_id"], unique=False)
    op.create_table(
        "flag_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("noted_by_id", sa.Integer(), nullable=False),
        sa.Column("noted_at", competition.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"], ["components.id"], name=op.f("fk_flag_notes_component_id_components")
        ),
        sa.ForeignKeyConstraint(
            ["contestant_id"],
            ["contestants.id"],
            name=op.f("fk_flag_notes_contestant_id_contestants"),
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"], ["users.id"], name=op.f("fk_flag_notes_judge_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["noted_by_id"], ["users.id"], name=op.f("fk_flag_notes_noted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_flag_notes_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_notes")),
        sa.UniqueConstraint(
            "round_id",
            "contestant_id",
            "component_id",
            "judge_id",
            name=op.f("uq_flag_notes_round_id_contestant_id_component_id_judge_id"),
        ),
    )
    with op.batch_alter_table("flag_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flag_notes_round_id"), ["round_id"], unique=False)
    op.create_table(
        "organisation_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", competition.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_organisation_awards_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["users.id"], name=op.f("fk_organisation_awards_marked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_organisation_awards_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_awards")),
        sa.UniqueConstraint(
            "event_id", "unit_id", name=op.f("uq_organisation_awards_event_id_unit_id")
        ),
    )
    with op.batch_alter_table("organisation_awards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_awards_event_id"), ["event_id"], unique=False
        )

    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exact_units", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("team_size", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.add_column(
            sa.Column("outlier_percent", sa.Integer(), server_default="15", nullable=False)
        )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("drawn_at", competition.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("drawn_by_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("finalists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("final_number", sa.String(length=16), nullable=True))
        batch_op.create_index(
            "uq_finalists_event_id_final_number", ["event_id", "final_number"], unique=True
        )
    _renew_result_stamps()


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
    # Plain ALTER TABLE … DROP COLUMN: a batch would rebuild these tables on SQLite and lose
    # their result-stamp triggers.
    op.drop_index("uq_finalists_event_id_final_number", table_name="finalists")
    op.drop_column("finalists", "final_number")
    op.drop_column("rounds", "drawn_by_id")
    op.drop_column("rounds", "drawn_at")
    op.drop_column("events", "outlier_percent")
    op.drop_column("events", "team_size")
    op.drop_column("marks", "exact_units")
    op.drop_table("organisation_awards")
    op.drop_table("flag_notes")
    op.drop_table("item_marks")
    op.drop_table("scheme_items")
    op.drop_table("marking_schemes")
