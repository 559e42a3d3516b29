"""Follow-up of projects: a follow-up entry may link a record to the agreement it answers
(`link`), and an entry keeps how its value read when it was saved (`label`: a team member's
name and seat), so a member who later moves seats does not rewrite the history.

Revision ID: 0021_followup_projects
Revises: 0019_team_notifications
Create Date: 2026-12-03 06:30:00.000000
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0021_followup_projects'
down_revision: Union[str, None] = '0019_team_notifications'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copies of geodata.models.FOLLOW_UP_ACTIONS, before and as of this revision.
BEFORE = "action IN ('route', 'assign', 'due_date', 'status', 'comment')"
AFTER = "action IN ('route', 'assign', 'due_date', 'status', 'comment', 'link')"


def upgrade() -> None:
    op.add_column('follow_up_entry', sa.Column('label', sa.Text(), nullable=True))
    op.drop_constraint(op.f('ck_follow_up_entry_action'), 'follow_up_entry', type_='check')
    op.create_check_constraint(op.f('ck_follow_up_entry_action'), 'follow_up_entry', AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM follow_up_entry WHERE action = 'link'")
    op.drop_constraint(op.f('ck_follow_up_entry_action'), 'follow_up_entry', type_='check')
    op.create_check_constraint(op.f('ck_follow_up_entry_action'), 'follow_up_entry', BEFORE)
    op.drop_column('follow_up_entry', 'label')
