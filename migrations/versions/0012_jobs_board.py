"""big contests: background jobs and the venue board

- `jobs`: long work (certificates, notices, blank sheets, review files, large imports) run by a
  worker instead of inside a web request: its kind, parameters, status, progress, result file
  and error, who asked and when; `attempts` counts the workers that took it up (a job killed
  with its worker is taken up again).
- `rounds.board_step`: how far the organiser has revealed a published round's results on the
  venue board (0: nothing yet).

Adding a column does not rebuild a table on SQLite, so no trigger is lost.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import competition.models.types

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("result_path", sa.Text(), nullable=True),
        sa.Column("result_name", sa.String(length=200), nullable=True),
        sa.Column("result_type", sa.String(length=100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", competition.models.types.UTCDateTime(), nullable=False),
        sa.Column("started_at", competition.models.types.UTCDateTime(), nullable=True),
        sa.Column("finished_at", competition.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_jobs_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_jobs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_jobs_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_event_id"), ["event_id"], unique=False)
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("board_step", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN: a batch would rebuild the table on SQLite and lose its
    # result-stamp triggers.
    op.drop_column("rounds", "board_step")
    op.drop_table("jobs")
