"""organiser console and public pages: notice period, personal access codes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 10:00:00

- contests.notice_working_days (default 5) and events.notice_working_days (an override);
- rounds.notice_ends_on, the last day of a published round's notice period (公示);
- contestants.access_code, unique, for the personal look-up; existing contestants get one here.

"""
import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None

# Kept here rather than imported: a migration must keep doing what it did when it was written.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
NOTICE_DAYS = 5
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def _new_code(taken):
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _notice_end(published_at):
    """Five working days (Mon-Fri) after the local day of publication."""
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    day = published_at.astimezone(LOCAL_ZONE).date()
    left = NOTICE_DAYS
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def upgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_working_days', sa.Integer(), server_default='5', nullable=False))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_working_days', sa.Integer(), nullable=True))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_ends_on', sa.Date(), nullable=True))

    with op.batch_alter_table('contestants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_code', sa.String(length=16), nullable=True))

    connection = op.get_bind()
    contestants = sa.table('contestants', sa.column('id', sa.Integer), sa.column('access_code', sa.String))
    taken = set()
    for (contestant_id,) in connection.execute(sa.select(contestants.c.id)).all():
        connection.execute(
            contestants.update()
            .where(contestants.c.id == contestant_id)
            .values(access_code=_new_code(taken))
        )

    rounds = sa.table('rounds', sa.column('id', sa.Integer), sa.column('published_at', sa.DateTime),
                      sa.column('notice_ends_on', sa.Date))
    published = connection.execute(
        sa.select(rounds.c.id, rounds.c.published_at).where(rounds.c.published_at.is_not(None))
    ).all()
    for round_id, published_at in published:
        if isinstance(published_at, str):  # SQLite without type information
            published_at = datetime.fromisoformat(published_at)
        connection.execute(
            rounds.update().where(rounds.c.id == round_id).values(notice_ends_on=_notice_end(published_at))
        )

    with op.batch_alter_table('contestants', schema=None) as batch_op:
        batch_op.alter_column('access_code', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_contestants_access_code'), ['access_code'])


def downgrade():
    with op.batch_alter_table('contestants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_contestants_access_code'), type_='unique')
        batch_op.drop_column('access_code')

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('notice_ends_on')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('notice_working_days')

    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('notice_working_days')
