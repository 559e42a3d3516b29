"""consultation: rounds of the popular consultation and, per round, the communes and circuits that took part and their votes per project

Revision ID: 0016_consultation
Revises: 0015_communal_system
Create Date: 2026-12-02 20:40:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0016_consultation'
down_revision: Union[str, None] = '0015_communal_system'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('consultation_round',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("code ~ '^[0-9]{4}-[0-9]{1,2}$'", name=op.f('ck_consultation_round_code')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_consultation_round_dates')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_consultation_round_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_round')),
    sa.UniqueConstraint('code', name=op.f('uq_consultation_round_code'))
    )
    op.create_table('consultation_vote',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.BigInteger(), nullable=False),
    sa.Column('territory_id', sa.BigInteger(), nullable=False),
    sa.Column('project_id', sa.BigInteger(), nullable=True),
    sa.Column('votes', sa.Integer(), nullable=True),
    sa.Column('voters', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('voters IS NULL OR voters >= 0', name=op.f('ck_consultation_vote_voters')),
    sa.CheckConstraint('votes IS NULL OR votes >= 0', name=op.f('ck_consultation_vote_votes')),
    sa.ForeignKeyConstraint(['load_run_id'], ['etl_run.id'], name=op.f('fk_consultation_vote_load_run_id_etl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_consultation_vote_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['consultation_round.id'], name=op.f('fk_consultation_vote_round_id_consultation_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_consultation_vote_territory_id_territory'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_vote')),
    sa.UniqueConstraint('round_id', 'territory_id', 'project_id', name=op.f('uq_consultation_vote_round_id_territory_id_project_id'), postgresql_nulls_not_distinct=True)
    )
    op.create_index(op.f('ix_consultation_vote_project_id'), 'consultation_vote', ['project_id'], unique=False)
    op.create_index(op.f('ix_consultation_vote_territory_id'), 'consultation_vote', ['territory_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_consultation_vote_territory_id'), table_name='consultation_vote')
    op.drop_index(op.f('ix_consultation_vote_project_id'), table_name='consultation_vote')
    op.drop_table('consultation_vote')
    op.drop_table('consultation_round')
