"""indicators

Revision ID: 0002_indicators
Revises: 8c66f8888d33
Create Date: 2026-11-22 01:59:08.591001
"""

from typing import Sequence, Union

import geoalchemy2
import sqlalchemy as sa
from alembic import op


revision: str = '0002_indicators'
down_revision: Union[str, None] = '8c66f8888d33'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('indicator_refresh',
    sa.Column('id', sa.SmallInteger(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('seconds', sa.Float(), server_default='0', nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_indicator_refresh_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_refresh'))
    )
    op.create_table('indicator_fact',
    sa.Column('territory_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('round', sa.String(length=10), nullable=False),
    sa.Column('cases_reported', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('cases_open', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('cases_overdue', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('cases_with_solution', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('cases_resolved', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolve_days_sum', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_00', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_01', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_02', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_03', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_04', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_05', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_06', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_07', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_08', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_09', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_10', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_11', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_12', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_13', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_14', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_15', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('resolved_in_16', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('projects_total', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('projects_funded', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('projects_in_progress', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('projects_stalled', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('projects_completed', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('budget_approved', sa.Numeric(precision=20, scale=2), server_default='0', nullable=False),
    sa.Column('deposits_amount', sa.Numeric(precision=20, scale=2), server_default='0', nullable=False),
    sa.Column('deliveries', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('households_served', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('agreements_total', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('agreements_overdue', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('agreements_done', sa.BigInteger(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_indicator_fact_territory_id_territory'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('territory_id', 'day', 'round', name=op.f('pk_indicator_fact'))
    )


def downgrade() -> None:
    op.drop_table('indicator_fact')
    op.drop_table('indicator_refresh')
