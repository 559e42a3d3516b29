"""serving lookups: territory by ISO code (expression index, the fallback of `resolve`)
and case_solution by case (the EXISTS of the live sums below the parish)

Revision ID: 0008_serving_lookups
Revises: 0007_export_jobs
Create Date: 2026-12-02 06:45:00.000000
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008_serving_lookups'
down_revision: Union[str, None] = '0007_export_jobs'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_territory_upper_iso_code', 'territory', [sa.text('upper(iso_code)')], unique=False)
    op.create_index(op.f('ix_case_solution_case_id'), 'case_solution', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_case_solution_case_id'), table_name='case_solution')
    op.drop_index('ix_territory_upper_iso_code', table_name='territory')
