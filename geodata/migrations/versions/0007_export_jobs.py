"""export_job: long exports (the planning pack, large or slow files) run as jobs off the
request threads; their state lives here so every server process sees the same jobs

Revision ID: 0007_export_jobs
Revises: 0006_etl_runs
Create Date: 2026-12-01 22:49:07.694679
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007_export_jobs'
down_revision: Union[str, None] = '0006_etl_runs'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('export_job',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('scope_role', sa.String(length=16), nullable=False),
    sa.Column('scope_path', sa.Text(), nullable=True),
    sa.Column('request', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('state', sa.String(length=10), server_default='queued', nullable=False),
    sa.Column('phase', sa.Text(), server_default='', nullable=False),
    sa.Column('percent', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('media_type', sa.String(length=120), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('worker', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_job_state')),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_export_job_percent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job'))
    )
    op.create_index(op.f('ix_export_job_expires_at'), 'export_job', ['expires_at'], unique=False)
    op.create_index(op.f('ix_export_job_state'), 'export_job', ['state'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_export_job_state'), table_name='export_job')
    op.drop_index(op.f('ix_export_job_expires_at'), table_name='export_job')
    op.drop_table('export_job')
