"""initial schema

Revision ID: 8c66f8888d33
Revises: 
Create Date: 2026-11-22 01:53:04.297101
"""

from typing import Sequence, Union

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = '8c66f8888d33'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table('alert_ack',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('alert_key', sa.String(length=200), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_ack'))
    )
    op.create_index(op.f('ix_alert_ack_alert_key'), 'alert_ack', ['alert_key'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target', sa.Text(), nullable=True),
    sa.Column('detail', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_table('etl_run',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='running', nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('inserted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('updated', sa.Integer(), server_default='0', nullable=False),
    sa.Column('unchanged', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rejected', sa.Integer(), server_default='0', nullable=False),
    sa.Column('options', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.CheckConstraint("status IN ('running', 'loaded', 'failed', 'dry_run')", name=op.f('ck_etl_run_status')),
    sa.CheckConstraint('inserted >= 0 AND updated >= 0 AND unchanged >= 0 AND rejected >= 0', name=op.f('ck_etl_run_counts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_etl_run'))
    )
    op.create_table('shift_log',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('territory_code', sa.String(length=32), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_log'))
    )
    op.create_index(op.f('ix_shift_log_at'), 'shift_log', ['at'], unique=False)
    op.create_table('etl_reject',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.BigInteger(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=100), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('raw', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['etl_run.id'], name=op.f('fk_etl_reject_run_id_etl_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_etl_reject'))
    )
    op.create_index(op.f('ix_etl_reject_run_id_row_number'), 'etl_reject', ['run_id', 'row_number'], unique=False)
    op.create_geospatial_table('territory',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.BigInteger(), nullable=True),
    sa.Column('path', sa.Text(), server_default='', nullable=False),
    sa.Column('depth', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('circuit_id', sa.BigInteger(), nullable=True),
    sa.Column('iso_code', sa.String(length=8), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('geom_display', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('label_point', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('area_km2', sa.Float(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('households', sa.Integer(), nullable=True),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(level = 'state') = (parent_id IS NULL)", name=op.f('ck_territory_parent_by_level')),
    sa.CheckConstraint("code <> ''", name=op.f('ck_territory_code_not_empty')),
    sa.CheckConstraint("level IN ('state', 'municipality', 'parish', 'circuit', 'commune', 'council')", name=op.f('ck_territory_level')),
    sa.CheckConstraint('area_km2 IS NULL OR area_km2 >= 0', name=op.f('ck_territory_area')),
    sa.CheckConstraint('households IS NULL OR households >= 0', name=op.f('ck_territory_households')),
    sa.CheckConstraint('population IS NULL OR population >= 0', name=op.f('ck_territory_population')),
    sa.ForeignKeyConstraint(['circuit_id'], ['territory.id'], name=op.f('fk_territory_circuit_id_territory'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_territory_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['territory.id'], name=op.f('fk_territory_parent_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_territory')),
    sa.UniqueConstraint('code', name=op.f('uq_territory_code'))
    )
    op.create_geospatial_index('idx_territory_geom', 'territory', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_territory_level_parent_id'), 'territory', ['level', 'parent_id'], unique=False)
    op.create_index(op.f('ix_territory_parent_id'), 'territory', ['parent_id'], unique=False)
    op.create_index('ix_territory_path', 'territory', ['path'], unique=False, postgresql_ops={'path': 'text_pattern_ops'})
    op.create_table('app_user',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('scope_territory_id', sa.BigInteger(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role <> 'director' OR scope_territory_id IS NOT NULL", name=op.f('ck_app_user_director_scope')),
    sa.CheckConstraint("role IN ('operator', 'director', 'planner', 'admin')", name=op.f('ck_app_user_role')),
    sa.ForeignKeyConstraint(['scope_territory_id'], ['territory.id'], name=op.f('fk_app_user_scope_territory_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('cabinet',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('municipality_id', sa.BigInteger(), nullable=False),
    sa.Column('installed_date', sa.Date(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_cabinet_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['territory.id'], name=op.f('fk_cabinet_municipality_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cabinet')),
    sa.UniqueConstraint('municipality_id', name=op.f('uq_cabinet_municipality_id'))
    )
    op.create_geospatial_table('case_report',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('reported_date', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('area', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='reported', nullable=False),
    sa.Column('territory_id', sa.BigInteger(), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('resolved_date', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("area IN ('social', 'public_services', 'integral_security')", name=op.f('ck_case_report_area')),
    sa.CheckConstraint("category IN ('water', 'electricity', 'gas', 'telecom', 'roads', 'transport', 'waste', 'health', 'education', 'housing', 'food', 'security', 'other')", name=op.f('ck_case_report_category')),
    sa.CheckConstraint("status IN ('reported', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected')", name=op.f('ck_case_report_status')),
    sa.CheckConstraint('due_date IS NULL OR due_date >= reported_date', name=op.f('ck_case_report_due_after_reported')),
    sa.CheckConstraint('resolved_date IS NULL OR resolved_date >= reported_date', name=op.f('ck_case_report_resolved_after_reported')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_case_report_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_case_report_territory_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_report')),
    sa.UniqueConstraint('code', name=op.f('uq_case_report_code'))
    )
    op.create_geospatial_index('idx_case_report_geom', 'case_report', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_case_report_reported_date'), 'case_report', ['reported_date'], unique=False)
    op.create_index(op.f('ix_case_report_status'), 'case_report', ['status'], unique=False)
    op.create_index(op.f('ix_case_report_territory_id_reported_date'), 'case_report', ['territory_id', 'reported_date'], unique=False)
    op.create_geospatial_table('clap',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.BigInteger(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('households >= 0', name=op.f('ck_clap_households')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_clap_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_clap_territory_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clap')),
    sa.UniqueConstraint('code', name=op.f('uq_clap_code'))
    )
    op.create_geospatial_index('idx_clap_geom', 'clap', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_clap_territory_id'), 'clap', ['territory_id'], unique=False)
    op.create_geospatial_table('project',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('territory_id', sa.BigInteger(), nullable=False),
    sa.Column('consultation_round', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=24), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.Column('budget', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), server_default='VES', nullable=False),
    sa.Column('stage', sa.String(length=16), server_default='proposed', nullable=False),
    sa.Column('progress', sa.Numeric(precision=5, scale=2), server_default='0', nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("area IN ('social', 'public_services', 'integral_security')", name=op.f('ck_project_area')),
    sa.CheckConstraint("consultation_round ~ '^[0-9]{4}-[0-9]{1,2}$'", name=op.f('ck_project_round')),
    sa.CheckConstraint("stage IN ('proposed', 'approved', 'funded', 'in_progress', 'completed', 'stalled')", name=op.f('ck_project_stage')),
    sa.CheckConstraint('budget IS NULL OR budget >= 0', name=op.f('ck_project_budget')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_project_dates')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_project_progress')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_project_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_project_territory_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('code', name=op.f('uq_project_code'))
    )
    op.create_geospatial_index('idx_project_geom', 'project', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_project_consultation_round'), 'project', ['consultation_round'], unique=False)
    op.create_index(op.f('ix_project_stage'), 'project', ['stage'], unique=False)
    op.create_index(op.f('ix_project_territory_id'), 'project', ['territory_id'], unique=False)
    op.create_table('case_status_change',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('reported', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected')", name=op.f('ck_case_status_change_status')),
    sa.ForeignKeyConstraint(['case_id'], ['case_report.id'], name=op.f('fk_case_status_change_case_id_case_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_status_change')),
    sa.UniqueConstraint('case_id', 'changed_on', 'status', name=op.f('uq_case_status_change_case_id_changed_on_status'))
    )
    op.create_table('clap_delivery',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('clap_id', sa.BigInteger(), nullable=False),
    sa.Column('delivery_date', sa.Date(), nullable=False),
    sa.Column('households_served', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('households_served >= 0', name=op.f('ck_clap_delivery_households_served')),
    sa.CheckConstraint('quantity IS NULL OR quantity >= 0', name=op.f('ck_clap_delivery_quantity')),
    sa.ForeignKeyConstraint(['clap_id'], ['clap.id'], name=op.f('fk_clap_delivery_clap_id_clap'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_clap_delivery_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clap_delivery')),
    sa.UniqueConstraint('clap_id', 'delivery_date', name=op.f('uq_clap_delivery_clap_id_delivery_date'))
    )
    op.create_index(op.f('ix_clap_delivery_delivery_date'), 'clap_delivery', ['delivery_date'], unique=False)
    op.create_table('deposit',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('project_id', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='VES', nullable=False),
    sa.Column('deposit_date', sa.Date(), nullable=False),
    sa.Column('bank', sa.String(length=200), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_deposit_amount')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_deposit_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_deposit_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposit')),
    sa.UniqueConstraint('code', name=op.f('uq_deposit_code'))
    )
    op.create_index(op.f('ix_deposit_deposit_date'), 'deposit', ['deposit_date'], unique=False)
    op.create_index(op.f('ix_deposit_project_id'), 'deposit', ['project_id'], unique=False)
    op.create_table('working_table',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('cabinet_id', sa.BigInteger(), nullable=False),
    sa.Column('area', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.CheckConstraint("area IN ('social', 'public_services', 'integral_security')", name=op.f('ck_working_table_area')),
    sa.ForeignKeyConstraint(['cabinet_id'], ['cabinet.id'], name=op.f('fk_working_table_cabinet_id_cabinet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_table')),
    sa.UniqueConstraint('cabinet_id', 'name', name=op.f('uq_working_table_cabinet_id_name'))
    )
    op.create_table('agreement',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('municipality_id', sa.BigInteger(), nullable=False),
    sa.Column('cabinet_id', sa.BigInteger(), nullable=True),
    sa.Column('working_table_id', sa.BigInteger(), nullable=True),
    sa.Column('cabinet_date', sa.Date(), nullable=False),
    sa.Column('area', sa.String(length=24), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("area IN ('social', 'public_services', 'integral_security')", name=op.f('ck_agreement_area')),
    sa.CheckConstraint("status IN ('pending', 'in_progress', 'done')", name=op.f('ck_agreement_status')),
    sa.CheckConstraint('done_date IS NULL OR done_date >= cabinet_date', name=op.f('ck_agreement_done_after_cabinet')),
    sa.CheckConstraint('due_date IS NULL OR due_date >= cabinet_date', name=op.f('ck_agreement_due_after_cabinet')),
    sa.ForeignKeyConstraint(['cabinet_id'], ['cabinet.id'], name=op.f('fk_agreement_cabinet_id_cabinet'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_agreement_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['territory.id'], name=op.f('fk_agreement_municipality_id_territory'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['working_table_id'], ['working_table.id'], name=op.f('fk_agreement_working_table_id_working_table'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('code', name=op.f('uq_agreement_code'))
    )
    op.create_index(op.f('ix_agreement_due_date'), 'agreement', ['due_date'], unique=False)
    op.create_index(op.f('ix_agreement_municipality_id'), 'agreement', ['municipality_id'], unique=False)
    op.create_table('agreement_project',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.BigInteger(), nullable=False),
    sa.Column('project_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_project_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_agreement_project_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_project')),
    sa.UniqueConstraint('agreement_id', 'project_id', name=op.f('uq_agreement_project_agreement_id_project_id'))
    )
    op.create_index(op.f('ix_agreement_project_project_id'), 'agreement_project', ['project_id'], unique=False)
    op.create_table('case_solution',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger(), nullable=False),
    sa.Column('project_id', sa.BigInteger(), nullable=True),
    sa.Column('agreement_id', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('num_nonnulls(project_id, agreement_id) = 1', name=op.f('ck_case_solution_one_solution')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_case_solution_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case_report.id'], name=op.f('fk_case_solution_case_id_case_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_case_solution_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_solution'))
    )
    op.create_index(op.f('ix_case_solution_agreement_id'), 'case_solution', ['agreement_id'], unique=False)
    op.create_index(op.f('ix_case_solution_project_id'), 'case_solution', ['project_id'], unique=False)
    op.create_index('uq_case_solution_agreement', 'case_solution', ['case_id', 'agreement_id'], unique=True, postgresql_where='agreement_id IS NOT NULL')
    op.create_index('uq_case_solution_project', 'case_solution', ['case_id', 'project_id'], unique=True, postgresql_where='project_id IS NOT NULL')


def downgrade() -> None:
    op.drop_index('uq_case_solution_project', table_name='case_solution', postgresql_where='project_id IS NOT NULL')
    op.drop_index('uq_case_solution_agreement', table_name='case_solution', postgresql_where='agreement_id IS NOT NULL')
    op.drop_index(op.f('ix_case_solution_project_id'), table_name='case_solution')
    op.drop_index(op.f('ix_case_solution_agreement_id'), table_name='case_solution')
    op.drop_table('case_solution')
    op.drop_index(op.f('ix_agreement_project_project_id'), table_name='agreement_project')
    op.drop_table('agreement_project')
    op.drop_index(op.f('ix_agreement_municipality_id'), table_name='agreement')
    op.drop_index(op.f('ix_agreement_due_date'), table_name='agreement')
    op.drop_table('agreement')
    op.drop_table('working_table')
    op.drop_index(op.f('ix_deposit_project_id'), table_name='deposit')
    op.drop_index(op.f('ix_deposit_deposit_date'), table_name='deposit')
    op.drop_table('deposit')
    op.drop_index(op.f('ix_clap_delivery_delivery_date'), table_name='clap_delivery')
    op.drop_table('clap_delivery')
    op.drop_table('case_status_change')
    op.drop_index(op.f('ix_project_territory_id'), table_name='project')
    op.drop_index(op.f('ix_project_stage'), table_name='project')
    op.drop_index(op.f('ix_project_consultation_round'), table_name='project')
    op.drop_geospatial_index('idx_project_geom', table_name='project', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('project')
    op.drop_index(op.f('ix_clap_territory_id'), table_name='clap')
    op.drop_geospatial_index('idx_clap_geom', table_name='clap', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('clap')
    op.drop_index(op.f('ix_case_report_territory_id_reported_date'), table_name='case_report')
    op.drop_index(op.f('ix_case_report_status'), table_name='case_report')
    op.drop_index(op.f('ix_case_report_reported_date'), table_name='case_report')
    op.drop_geospatial_index('idx_case_report_geom', table_name='case_report', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('case_report')
    op.drop_table('cabinet')
    op.drop_table('app_user')
    op.drop_index('ix_territory_path', table_name='territory', postgresql_ops={'path': 'text_pattern_ops'})
    op.drop_index(op.f('ix_territory_parent_id'), table_name='territory')
    op.drop_index(op.f('ix_territory_level_parent_id'), table_name='territory')
    op.drop_geospatial_index('idx_territory_geom', table_name='territory', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('territory')
    op.drop_index(op.f('ix_etl_reject_run_id_row_number'), table_name='etl_reject')
    op.drop_table('etl_reject')
    op.drop_index(op.f('ix_shift_log_at'), table_name='shift_log')
    op.drop_table('shift_log')
    op.drop_table('etl_run')
    op.drop_index(op.f('ix_audit_log_at'), table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_alert_ack_alert_key'), table_name='alert_ack')
    op.drop_table('alert_ack')
