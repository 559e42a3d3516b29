"""Follow-up: the room's follow-up of records, its history, and the routing table.

Revision ID: 0011_followup
Revises: 0009_facts_by_dimension
Create Date: 2026-12-02 17:00:00.000000
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011_followup'
down_revision: Union[str, None] = '0009_facts_by_dimension'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KINDS = "record_kind IN ('case', 'agreement', 'project')"
CATEGORIES = (
    "category IN ('water', 'electricity', 'gas', 'telecom', 'roads', 'transport', 'waste', 'health', "
    "'education', 'housing', 'food', 'security', 'other')"
)


def upgrade() -> None:
    op.create_table('follow_up',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('record_kind', sa.String(length=16), nullable=False),
    sa.Column('record_code', sa.String(length=40), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('assignee', sa.String(length=120), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('status_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint(KINDS, name=op.f('ck_follow_up_record_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
    sa.UniqueConstraint('record_kind', 'record_code', name=op.f('uq_follow_up_record_kind_record_code'))
    )
    op.create_table('follow_up_entry',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('record_kind', sa.String(length=16), nullable=False),
    sa.Column('record_code', sa.String(length=40), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint(KINDS, name=op.f('ck_follow_up_entry_record_kind')),
    sa.CheckConstraint(
        "action IN ('route', 'assign', 'due_date', 'status', 'comment')", name=op.f('ck_follow_up_entry_action')
    ),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_entry'))
    )
    op.create_index(op.f('ix_follow_up_entry_record_kind_record_code_at'), 'follow_up_entry',
                    ['record_kind', 'record_code', 'at'], unique=False)
    op.create_table('routing_rule',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('territory_id', sa.BigInteger(), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint(CATEGORIES, name=op.f('ck_routing_rule_category')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_routing_rule_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_routing_rule_territory_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_routing_rule_code'))
    )
    op.create_index(op.f('ix_routing_rule_category_territory_id'), 'routing_rule', ['category', 'territory_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_routing_rule_category_territory_id'), table_name='routing_rule')
    op.drop_table('routing_rule')
    op.drop_index(op.f('ix_follow_up_entry_record_kind_record_code_at'), table_name='follow_up_entry')
    op.drop_table('follow_up_entry')
    op.drop_table('follow_up')
