"""serving lookups: territory by ISO code (expression index, the fallback of `resolve`)
and case_solution by case (the EXISTS of the live sums below the parish); data_version,
a stamp the territory tree's writes bump by a statement trigger (the boundary version,
instead of counting 55,000 rows)

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
    op.create_table('data_version',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_version'))
    )
    op.execute("INSERT INTO data_version (name) VALUES ('territory')")
    # One bump per statement (a load's COPY or multi-row insert is one), in the writer's
    # transaction: readers see the new stamp exactly when they can see the new rows.
    op.execute(
        """
        CREATE FUNCTION bump_territory_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE data_version SET version = version + 1, changed_at = now() WHERE name = 'territory';
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER territory_version AFTER INSERT OR UPDATE OR DELETE ON territory"
        " FOR EACH STATEMENT EXECUTE FUNCTION bump_territory_version()"
    )
    op.execute(
        "CREATE TRIGGER territory_version_truncate AFTER TRUNCATE ON territory"
        " FOR EACH STATEMENT EXECUTE FUNCTION bump_territory_version()"
    )
    # Loads run with session_replication_role = replica (skipping the foreign-key
    # triggers); the stamp must be bumped all the same.
    op.execute("ALTER TABLE territory ENABLE ALWAYS TRIGGER territory_version")
    op.execute("ALTER TABLE territory ENABLE ALWAYS TRIGGER territory_version_truncate")


def downgrade() -> None:
    op.execute("DROP TRIGGER territory_version_truncate ON territory")
    op.execute("DROP TRIGGER territory_version ON territory")
    op.execute("DROP FUNCTION bump_territory_version()")
    op.drop_table('data_version')
    op.drop_index(op.f('ix_case_solution_case_id'), table_name='case_solution')
    op.drop_index('ix_territory_upper_iso_code', table_name='territory')
