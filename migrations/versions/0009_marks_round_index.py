"""marks: drop the index on round_id alone, which the unique key already starts with

The unique key (round_id, contestant_id, component_id, judge_id) serves every lookup by round
(and the foreign key's checks); a second index on round_id only cost every mark written one
more index page to update (bench/load.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 11:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_marks_round_id", table_name="marks")


def downgrade():
    op.create_index("ix_marks_round_id", "marks", ["round_id"], unique=False)
