"""versions: marks, events and contests count their changes (optimistic concurrency)

A mark's version is its ETag (If-Match on PUT); an event's and a contest's versions travel in
the organisers' edit forms. A request or form made from an older version is refused (409)
instead of overwriting the newer state.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ('contests', 'events', 'marks')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
