"""award programmes: the service stations (最美工会户外劳动者服务站点)

- The programme, its levels (quota, grant), criteria (the 七有), base-level unions and panel.
- Nominated stations, their evidence per criterion and its files.
- The comprehensive review's scores and comments, rulings at a level's cut, the selected list
  as published, objections, and the confirmed stations' certificates.
- A new role, `union`: a base-level union's account (the role check of `users` is rebuilt;
  `users` carries no trigger, so the SQLite table copy loses nothing).

Only new tables besides that check; nothing of the contests or reviews changes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 05:05:15.978802

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


OLD_ROLES = "role IN ('organiser', 'judge', 'expert', 'trainee')"
NEW_ROLES = "role IN ('organiser', 'judge', 'expert', 'trainee', 'union')"


def _roles(check: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_users_role_known"), check)


def upgrade():
    _roles(NEW_ROLES)
    op.create_table('award_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('nomination_deadline', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('published_at', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('notice_ends_on', sa.Date(), nullable=True),
    sa.Column('confirmed_at', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_signed_at', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_signed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_award_programmes_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['review_signed_by_id'], ['users.id'], name=op.f('fk_award_programmes_review_signed_by_id_users')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_award_programmes_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_programmes')),
    sa.UniqueConstraint('name', name=op.f('uq_award_programmes_name'))
    )
    op.create_table('award_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('preferred', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('max_points', competition.models.types.ExactDecimal(6, 2), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('points', 'pass_fail')", name=op.f('ck_award_criteria_kind_known')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_award_criteria_programme_id_award_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_criteria')),
    sa.UniqueConstraint('programme_id', 'key', name=op.f('uq_award_criteria_programme_id_key'))
    )
    with op.batch_alter_table('award_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_criteria_programme_id'), ['programme_id'], unique=False)

    op.create_table('award_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('grant_amount', competition.models.types.ExactDecimal(12, 2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('grant_amount >= 0', name=op.f('ck_award_levels_grant_not_negative')),
    sa.CheckConstraint('quota >= 0', name=op.f('ck_award_levels_quota_not_negative')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_award_levels_programme_id_award_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_levels')),
    sa.UniqueConstraint('programme_id', 'key', name=op.f('uq_award_levels_programme_id_key'))
    )
    with op.batch_alter_table('award_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_levels_programme_id'), ['programme_id'], unique=False)

    op.create_table('award_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_award_units_programme_id_award_programmes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_award_units_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_units')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_award_units_programme_id_name'))
    )
    with op.batch_alter_table('award_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_units_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_units_user_id'), ['user_id'], unique=False)

    op.create_table('award_rulings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('station_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_award_rulings_decided_by_id_users')),
    sa.ForeignKeyConstraint(['level_id'], ['award_levels.id'], name=op.f('fk_award_rulings_level_id_award_levels')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_award_rulings_programme_id_award_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_rulings'))
    )
    with op.batch_alter_table('award_rulings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_rulings_programme_id'), ['programme_id'], unique=False)

    op.create_table('programme_experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('is_lead', sa.Boolean(), nullable=False),
    sa.Column('created_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_programme_experts_programme_id_award_programmes')),
    sa.ForeignKeyConstraint(['unit_id'], ['award_units.id'], name=op.f('fk_programme_experts_unit_id_award_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_programme_experts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_experts')),
    sa.UniqueConstraint('programme_id', 'user_id', name=op.f('uq_programme_experts_programme_id_user_id'))
    )
    with op.batch_alter_table('programme_experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_experts_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_experts_user_id'), ['user_id'], unique=False)

    op.create_table('stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('district', sa.String(length=50), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=50), nullable=False),
    sa.Column('opening_hours', sa.String(length=100), nullable=False),
    sa.Column('submitted_at', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['award_levels.id'], name=op.f('fk_stations_level_id_award_levels')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_stations_programme_id_award_programmes')),
    sa.ForeignKeyConstraint(['unit_id'], ['award_units.id'], name=op.f('fk_stations_unit_id_award_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stations')),
    sa.UniqueConstraint('programme_id', 'unit_id', 'name', name=op.f('uq_stations_programme_id_unit_id_name'))
    )
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stations_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stations_unit_id'), ['unit_id'], unique=False)

    op.create_table('award_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_at', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("decision IN ('upheld', 'dismissed')", name=op.f('ck_award_objections_decision_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_award_objections_decided_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_award_objections_programme_id_award_programmes')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_award_objections_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_award_objections_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_objections'))
    )
    with op.batch_alter_table('award_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_objections_programme_id'), ['programme_id'], unique=False)

    op.create_table('station_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=32), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('station_name', sa.String(length=200), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('level_name', sa.String(length=200), nullable=False),
    sa.Column('issued_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_station_certificates_issued_by_id_users')),
    sa.ForeignKeyConstraint(['level_id'], ['award_levels.id'], name=op.f('fk_station_certificates_level_id_award_levels')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_station_certificates_programme_id_award_programmes')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_station_certificates_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station_certificates')),
    sa.UniqueConstraint('serial', name=op.f('uq_station_certificates_serial')),
    sa.UniqueConstraint('station_id', name=op.f('uq_station_certificates_station_id'))
    )
    with op.batch_alter_table('station_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_certificates_programme_id'), ['programme_id'], unique=False)

    op.create_table('station_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['award_criteria.id'], name=op.f('fk_station_evidence_criterion_id_award_criteria')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_station_evidence_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station_evidence')),
    sa.UniqueConstraint('station_id', 'criterion_id', name=op.f('uq_station_evidence_station_id_criterion_id'))
    )
    with op.batch_alter_table('station_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_evidence_station_id'), ['station_id'], unique=False)

    op.create_table('station_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', competition.models.types.ExactDecimal(6, 2), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['award_criteria.id'], name=op.f('fk_station_reviews_criterion_id_award_criteria')),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_station_reviews_expert_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_station_reviews_programme_id_award_programmes')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_station_reviews_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station_reviews')),
    sa.UniqueConstraint('station_id', 'expert_id', 'criterion_id', name=op.f('uq_station_reviews_station_id_expert_id_criterion_id'))
    )
    with op.batch_alter_table('station_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_reviews_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_station_reviews_station_id'), ['station_id'], unique=False)

    op.create_table('station_selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.Column('total', competition.models.types.ExactDecimal(8, 2), nullable=True),
    sa.Column('selected_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', competition.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('place >= 1', name=op.f('ck_station_selections_place_positive')),
    sa.ForeignKeyConstraint(['level_id'], ['award_levels.id'], name=op.f('fk_station_selections_level_id_award_levels')),
    sa.ForeignKeyConstraint(['programme_id'], ['award_programmes.id'], name=op.f('fk_station_selections_programme_id_award_programmes')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_station_selections_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station_selections')),
    sa.UniqueConstraint('programme_id', 'station_id', name=op.f('uq_station_selections_programme_id_station_id'))
    )
    with op.batch_alter_table('station_selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_selections_level_id'), ['level_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_station_selections_programme_id'), ['programme_id'], unique=False)

    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', competition.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_id'], ['station_evidence.id'], name=op.f('fk_evidence_files_evidence_id_station_evidence')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_evidence_id'), ['evidence_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_evidence_id'))

    op.drop_table('evidence_files')
    with op.batch_alter_table('station_selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_selections_programme_id'))
        batch_op.drop_index(batch_op.f('ix_station_selections_level_id'))

    op.drop_table('station_selections')
    with op.batch_alter_table('station_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_reviews_station_id'))
        batch_op.drop_index(batch_op.f('ix_station_reviews_programme_id'))

    op.drop_table('station_reviews')
    with op.batch_alter_table('station_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_evidence_station_id'))

    op.drop_table('station_evidence')
    with op.batch_alter_table('station_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_certificates_programme_id'))

    op.drop_table('station_certificates')
    with op.batch_alter_table('award_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_objections_programme_id'))

    op.drop_table('award_objections')
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stations_unit_id'))
        batch_op.drop_index(batch_op.f('ix_stations_programme_id'))

    op.drop_table('stations')
    with op.batch_alter_table('programme_experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_experts_user_id'))
        batch_op.drop_index(batch_op.f('ix_programme_experts_programme_id'))

    op.drop_table('programme_experts')
    with op.batch_alter_table('award_rulings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_rulings_programme_id'))

    op.drop_table('award_rulings')
    with op.batch_alter_table('award_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_units_user_id'))
        batch_op.drop_index(batch_op.f('ix_award_units_programme_id'))

    op.drop_table('award_units')
    with op.batch_alter_table('award_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_levels_programme_id'))

    op.drop_table('award_levels')
    with op.batch_alter_table('award_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_criteria_programme_id'))

    op.drop_table('award_criteria')
    op.drop_table('award_programmes')
    # A base-level union's account has no role to go back to: refuse rather than guess.
    unions = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'union'"))
    if unions.scalar_one():
        raise RuntimeError("remove or re-role the base-level unions' accounts first")
    _roles(OLD_ROLES)
