"""jobs: the day a job's file was deleted past its keeping days

- `jobs.expired_at`: set by the retention sweep (`JOB_RESULT_DAYS` after the file was made)
  when it deletes a finished job's file; the row stays so its page can say the file has
  expired and offer to make it again.

Adding a column does not rebuild a table on SQLite (and `jobs` carries no trigger).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import competition.models.types

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "jobs",
        sa.Column("expired_at", competition.models.types.UTCDateTime(), nullable=True),
    )


def downgrade():
    op.drop_column("jobs", "expired_at")
