"""reporting completeness (silent councils in the indicator snapshot) and the projects' stage history

Revision ID: 0018_reporting
Revises: 0016_consultation
Create Date: 2026-12-02 20:40:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0018_reporting'
down_revision: Union[str, None] = '0016_consultation'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STAGES = "('proposed', 'approved', 'funded', 'in_progress', 'completed', 'stalled')"


def upgrade() -> None:
    op.add_column('indicator_snapshot', sa.Column('councils', sa.Integer(), server_default='0', nullable=False))
    op.add_column('indicator_snapshot', sa.Column('councils_silent', sa.Integer(), server_default='0', nullable=False))
    op.add_column('indicator_snapshot', sa.Column('council_last_report', sa.Date(), nullable=True))
    op.create_table('project_stage_change',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger(), nullable=False),
    sa.Column('previous_stage', sa.String(length=16), nullable=True),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.CheckConstraint(f"stage IN {STAGES}", name=op.f('ck_project_stage_change_stage')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_stage_change_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_stage_change')),
    sa.UniqueConstraint('project_id', 'changed_on', 'stage', name=op.f('uq_project_stage_change_project_id_changed_on_stage'))
    )
    # Every change of a project's stage, whatever wrote it, dated the day it was observed.
    op.execute("""
        CREATE FUNCTION project_stage_history() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO project_stage_change (project_id, previous_stage, stage, changed_on)
            SELECT n.id, o.stage, n.stage, current_date
              FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.stage IS DISTINCT FROM o.stage
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER project_stage_history AFTER UPDATE ON project
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION project_stage_history()
    """)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS project_stage_history ON project")
    op.execute("DROP FUNCTION IF EXISTS project_stage_history()")
    op.drop_table('project_stage_change')
    op.drop_column('indicator_snapshot', 'council_last_report')
    op.drop_column('indicator_snapshot', 'councils_silent')
    op.drop_column('indicator_snapshot', 'councils')
