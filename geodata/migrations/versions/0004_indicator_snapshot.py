"""indicator snapshot; 4-byte counts in indicator_fact

indicator_fact holds derived data only (refilled by `geodata.indicators.refresh`), so it
is rebuilt rather than altered column by column (each ALTER would rewrite a table of a
million rows). Clearing indicator_refresh makes the next read refresh the facts.

Revision ID: 0004_indicator_snapshot
Revises: 0003_integrity_issue
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004_indicator_snapshot"
down_revision: Union[str, None] = "0003_integrity_issue"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The measures as of this revision (the models may grow later; a migration must not follow them).
MEASURES = (
    "cases_reported", "cases_open", "cases_overdue", "cases_with_solution", "cases_resolved", "resolve_days_sum",
    *(f"resolved_in_{i:02d}" for i in range(17)),
    "projects_total", "projects_funded", "projects_in_progress", "projects_stalled", "projects_completed",
    "budget_approved", "deposits_amount", "deliveries", "households_served",
    "agreements_total", "agreements_overdue", "agreements_done",
)


def _create_fact_table(count_type) -> None:
    def column(name):
        if name in ("budget_approved", "deposits_amount"):
            kind = sa.Numeric(20, 2)
        elif name == "resolve_days_sum":
            kind = sa.BigInteger()
        else:
            kind = count_type()
        return sa.Column(name, kind, server_default="0", nullable=False)

    op.create_table(
        "indicator_fact",
        sa.Column("territory_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("round", sa.String(length=10), nullable=False),
        *(column(m) for m in MEASURES),
        sa.ForeignKeyConstraint(
            ["territory_id"], ["territory.id"], name=op.f("fk_indicator_fact_territory_id_territory"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("territory_id", "day", "round", name=op.f("pk_indicator_fact")),
    )


def upgrade() -> None:
    op.drop_table("indicator_fact")
    _create_fact_table(sa.Integer)
    op.execute("DELETE FROM indicator_refresh")
    op.create_table(
        "indicator_snapshot",
        sa.Column("territory_id", sa.BigInteger(), nullable=False),
        sa.Column("households", sa.BigInteger(), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("clap_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("clap_households", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("clap_delivered", sa.Integer(), server_default="0", nullable=False),
        sa.Column("clap_days_since_sum", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("claps_without_recent_delivery", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"], ["territory.id"], name=op.f("fk_indicator_snapshot_territory_id_territory"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("territory_id", name=op.f("pk_indicator_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("indicator_snapshot")
    op.drop_table("indicator_fact")
    _create_fact_table(sa.BigInteger)
    op.execute("DELETE FROM indicator_refresh")
