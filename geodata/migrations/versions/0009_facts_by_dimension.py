"""facts by dimension: case_fact (cases by territory, category, status, overdue and day)
and project_fact (projects and deposits by territory, stage, day and round), so the
room's record filters drive the choropleth, KPIs, table and charts

Both hold derived data only (filled by `geodata.indicators.refresh`). Clearing
indicator_refresh makes the next refresh-if-stale fill them.

Revision ID: 0009_facts_by_dimension
Revises: 0008_serving_lookups
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009_facts_by_dimension"
down_revision: Union[str, None] = "0008_serving_lookups"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The measures as of this revision (the models may grow later; a migration must not follow them).
CASE_MEASURES = ("cases_reported", "cases_with_solution", "cases_resolved", "resolve_days_sum",
                 *(f"resolved_in_{i:02d}" for i in range(17)))
PROJECT_MEASURES = ("projects_total", "projects_funded", "projects_in_progress", "projects_stalled",
                    "projects_completed", "budget_approved", "deposits_amount")


def _measure(name: str) -> sa.Column:
    if name in ("budget_approved", "deposits_amount"):
        kind = sa.Numeric(precision=20, scale=2)
    elif name == "resolve_days_sum":
        kind = sa.BigInteger()
    else:
        kind = sa.Integer()
    return sa.Column(name, kind, server_default="0", nullable=False)


def _territory_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["territory_id"], ["territory.id"], name=op.f(f"fk_{table}_territory_id_territory"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "case_fact",
        sa.Column("territory_id", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(_measure(m) for m in CASE_MEASURES),
        _territory_fk("case_fact"),
        sa.PrimaryKeyConstraint("territory_id", "category", "status", "overdue", "day", name=op.f("pk_case_fact")),
    )
    op.create_table(
        "project_fact",
        sa.Column("territory_id", sa.BigInteger(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("round", sa.String(length=10), nullable=False),
        *(_measure(m) for m in PROJECT_MEASURES),
        _territory_fk("project_fact"),
        sa.PrimaryKeyConstraint("territory_id", "stage", "day", "round", name=op.f("pk_project_fact")),
    )
    op.execute("DELETE FROM indicator_refresh")


def downgrade() -> None:
    op.drop_table("project_fact")
    op.drop_table("case_fact")
