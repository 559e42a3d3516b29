"""indicator_total: all-time sums per territory (each over its subtree), filled by the
indicator refresh, so views of the whole period and exports read one row per territory
instead of summing days or records.

The table takes indicator_fact's measure columns as they stand at this revision (LIKE),
without its day and round. indicator_refresh is cleared so the next `refresh_if_stale`
(or load) fills the new table.

Revision ID: 0022_indicator_total
Revises: 0021_followup_projects
Create Date: 2026-12-04 14:10:00.000000
"""

from typing import Sequence, Union

from alembic import op

revision: str = '0022_indicator_total'
down_revision: Union[str, None] = '0021_followup_projects'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("CREATE TABLE indicator_total (LIKE indicator_fact INCLUDING DEFAULTS)")
    op.execute("ALTER TABLE indicator_total DROP COLUMN day, DROP COLUMN round")
    op.execute("ALTER TABLE indicator_total ADD CONSTRAINT pk_indicator_total PRIMARY KEY (territory_id)")
    op.execute(
        "ALTER TABLE indicator_total ADD CONSTRAINT fk_indicator_total_territory_id_territory "
        "FOREIGN KEY (territory_id) REFERENCES territory (id) ON DELETE CASCADE"
    )
    op.execute("DELETE FROM indicator_refresh")


def downgrade() -> None:
    op.drop_table('indicator_total')
