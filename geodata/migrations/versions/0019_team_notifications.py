"""The cabinet's follow-up team (and its working tables' officers) and the room's notifications.

Revision ID: 0019_team_notifications
Revises: 0017_visits
Create Date: 2026-12-02 20:40:00.000000
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0019_team_notifications'
down_revision: Union[str, None] = '0017_visits'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copies of geodata.team_models.seat_sql() and the vocabularies, as of this revision.
SEAT = (
    "role || ':' || lower(btrim(COALESCE(CASE WHEN role = 'liaison' THEN institution "
    "WHEN role = 'spokesperson' THEN area WHEN role IN ('rapporteur', 'secretary', 'systematizer') THEN working_table END, '')))"
)
ROLES = ("role IN ('liaison', 'governor_office', 'mayor_office', 'spokesperson', 'rapporteur', 'secretary', "
         "'systematizer')")


def upgrade() -> None:
    op.create_table('team_member',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('municipality_id', sa.BigInteger(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('area', sa.String(length=24), nullable=True),
    sa.Column('working_table', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('seat', sa.Text(), sa.Computed(SEAT, persisted=True), nullable=False),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint(ROLES, name=op.f('ck_team_member_role')),
    sa.CheckConstraint("area IS NULL OR area IN ('social', 'public_services', 'integral_security')",
                       name=op.f('ck_team_member_area')),
    sa.CheckConstraint("role <> 'liaison' OR institution IS NOT NULL", name=op.f('ck_team_member_liaison_institution')),
    sa.CheckConstraint("role <> 'spokesperson' OR area IS NOT NULL", name=op.f('ck_team_member_spokesperson_area')),
    sa.CheckConstraint("role NOT IN ('rapporteur', 'secretary', 'systematizer') OR working_table IS NOT NULL",
                       name=op.f('ck_team_member_table_role_table')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_team_member_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['territory.id'], name=op.f('fk_team_member_municipality_id_territory'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_member')),
    sa.UniqueConstraint('code', name=op.f('uq_team_member_code')),
    sa.UniqueConstraint('municipality_id', 'seat', name=op.f('uq_team_member_municipality_id_seat'), deferrable=True,
                        initially='DEFERRED')
    )
    op.create_table('notify_subscription',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('room_territory_id', sa.BigInteger(), nullable=True),
    sa.Column('territory_id', sa.BigInteger(), nullable=True),
    sa.Column('kinds', postgresql.ARRAY(sa.String(length=32)), server_default='{}', nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('baselined', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("channel IN ('webhook', 'email')", name=op.f('ck_notify_subscription_channel')),
    sa.ForeignKeyConstraint(['room_territory_id'], ['territory.id'], name=op.f('fk_notify_subscription_room_territory_id_territory'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_notify_subscription_territory_id_territory'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_subscription'))
    )
    op.create_index(op.f('ix_notify_subscription_room_territory_id'), 'notify_subscription', ['room_territory_id'], unique=False)
    op.create_table('notify_delivery',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('subscription_id', sa.BigInteger(), nullable=False),
    sa.Column('alert_key', sa.String(length=200), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'baseline')", name=op.f('ck_notify_delivery_status')),
    sa.ForeignKeyConstraint(['subscription_id'], ['notify_subscription.id'],
                            name=op.f('fk_notify_delivery_subscription_id_notify_subscription'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_delivery')),
    sa.UniqueConstraint('subscription_id', 'alert_key', name=op.f('uq_notify_delivery_subscription_id_alert_key'))
    )
    op.create_index(op.f('ix_notify_delivery_status'), 'notify_delivery', ['status'], unique=False)
    op.create_table('notify_attempt',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('delivery_id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['notify_delivery.id'], name=op.f('fk_notify_attempt_delivery_id_notify_delivery'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_attempt'))
    )
    op.create_index(op.f('ix_notify_attempt_delivery_id'), 'notify_attempt', ['delivery_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_notify_attempt_delivery_id'), table_name='notify_attempt')
    op.drop_table('notify_attempt')
    op.drop_index(op.f('ix_notify_delivery_status'), table_name='notify_delivery')
    op.drop_table('notify_delivery')
    op.drop_index(op.f('ix_notify_subscription_room_territory_id'), table_name='notify_subscription')
    op.drop_table('notify_subscription')
    op.drop_table('team_member')
