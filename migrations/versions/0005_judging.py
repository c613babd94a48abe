"""judging: score sheets, second entry, sign-off, appeals

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_sign_off', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('second_entry_required', sa.Boolean(), nullable=False),
    sa.Column('signed_at', competition.models.types.UTCDateTime(), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', competition.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_sheets_component_id_components')),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_sheets_judge_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_sheets_round_id_rounds')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_sheets_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheets')),
    sa.UniqueConstraint('round_id', 'component_id', 'judge_id', name=op.f('uq_sheets_round_id_component_id_judge_id'))
    )
    with op.batch_alter_table('sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheets_round_id'), ['round_id'], unique=False)

    op.create_table('second_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('contestant_id', sa.Integer(), nullable=False),
    sa.Column('value', competition.models.types.ExactDecimal(10, 2), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', competition.models.types.UTCDateTime(), nullable=False),
    sa.Column('settled_value', competition.models.types.ExactDecimal(10, 2), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('settled_at', competition.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contestant_id'], ['contestants.id'], name=op.f('fk_second_entries_contestant_id_contestants')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_second_entries_entered_by_id_users')),
    sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_second_entries_settled_by_id_users')),
    sa.ForeignKeyConstraint(['sheet_id'], ['sheets.id'], name=op.f('fk_second_entries_sheet_id_sheets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_second_entries')),
    sa.UniqueConstraint('sheet_id', 'contestant_id', name=op.f('uq_second_entries_sheet_id_contestant_id'))
    )
    with op.batch_alter_table('second_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_second_entries_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('contestant_id', sa.Integer(), nullable=False),
    sa.Column('filed_by', sa.String(length=100), nullable=False),
    sa.Column('filed_at', competition.models.types.UTCDateTime(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', competition.models.types.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', competition.models.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("outcome IN ('upheld', 'rejected')", name=op.f('ck_appeals_outcome_known')),
    sa.ForeignKeyConstraint(['contestant_id'], ['contestants.id'], name=op.f('fk_appeals_contestant_id_contestants')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_appeals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_appeals_event_id_events')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_appeals_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_appeals_round_id_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_contestant_id'), ['contestant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_event_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_contestant_id'))

    op.drop_table('appeals')
    with op.batch_alter_table('second_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_second_entries_sheet_id'))

    op.drop_table('second_entries')
    with op.batch_alter_table('sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheets_round_id'))

    op.drop_table('sheets')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('require_sign_off')
