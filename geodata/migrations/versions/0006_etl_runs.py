"""etl_run: who runs a load (pid, host, database session) and the statuses of stopped loads

`interrupted`: stopped by Ctrl-C or SIGTERM, rolled back and recorded by the load itself.
`abandoned`: its process or database session disappeared without a word (kill -9, a
crash, a lost machine); marked so by the next `sala load` or `sala db status`. Runs left
`running` by earlier versions cannot be checked (they recorded no session) and no load
runs during a migration, so they are marked `abandoned` here.

Revision ID: 0006_etl_runs
Revises: 0005_access
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006_etl_runs"
down_revision: Union[str, None] = "0005_access"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ("running", "loaded", "failed", "dry_run")
NEW = OLD + ("interrupted", "abandoned")


def _status_check(values) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    op.add_column("etl_run", sa.Column("pid", sa.Integer(), nullable=True))
    op.add_column("etl_run", sa.Column("host", sa.String(length=255), nullable=True))
    op.add_column("etl_run", sa.Column("backend_pid", sa.Integer(), nullable=True))
    op.drop_constraint(op.f("ck_etl_run_status"), "etl_run", type_="check")
    op.create_check_constraint(op.f("ck_etl_run_status"), "etl_run", _status_check(NEW))
    op.execute(
        "UPDATE etl_run SET status = 'abandoned', finished_at = now(), "
        "message = 'carga abandonada: su proceso terminó sin registrar el resultado (antes de la migración 0006)' "
        "WHERE status = 'running'"
    )


def downgrade() -> None:
    op.execute("UPDATE etl_run SET status = 'failed' WHERE status IN ('interrupted', 'abandoned')")
    op.drop_constraint(op.f("ck_etl_run_status"), "etl_run", type_="check")
    op.create_check_constraint(op.f("ck_etl_run_status"), "etl_run", _status_check(OLD))
    op.drop_column("etl_run", "backend_pid")
    op.drop_column("etl_run", "host")
    op.drop_column("etl_run", "pid")
