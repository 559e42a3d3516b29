"""room visits: when each signed-in user last opened the room («Nuevo desde su última visita»)

Revision ID: 0017_visits
Revises: 0018_reporting
Create Date: 2026-12-02 20:40:00.000000
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0017_visits'
down_revision: Union[str, None] = '0018_reporting'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('room_visit',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('visit_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('previous_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_room_visit_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_room_visit'))
    )


def downgrade() -> None:
    op.drop_table('room_visit')
