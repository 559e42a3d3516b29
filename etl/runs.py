"""The record of a load in `etl_run` and its refused rows in `etl_reject`.

A run is recorded first, in a short transaction of its own (`start`), and closed as
loaded, dry run, failed or interrupted (`finish`, `fail`); `etl.load` orchestrates.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from geodata import etl_runs

if TYPE_CHECKING:
    from etl.load import LoadResult

log = logging.getLogger("etl.load")


def start(conn: Connection, kind: str, path: Path, sha: str, options: dict, is_demo: bool) -> int:
    """Record a new run (the caller commits), by this process and this session, after marking
    the runs whose process is gone (`geodata.etl_runs`)."""
    for run in etl_runs.mark_abandoned(conn):
        log.warning("carga %s: %s", run.run_id, run.message)
    return conn.execute(
        text(
            "INSERT INTO etl_run (kind, file_name, sha256, status, options, is_demo, pid, host, backend_pid) "
            "VALUES (:kind, :file, :sha, 'running', CAST(:options AS jsonb), :demo, :pid, :host, pg_backend_pid()) "
            "RETURNING id"
        ),
        {"kind": kind, "file": str(path), "sha": sha, "options": json.dumps(options, default=str), "demo": is_demo,
         **etl_runs.this_process()},
    ).scalar_one()


def finish(conn: Connection, result: LoadResult, status: str) -> None:
    conn.execute(
        text(
            "UPDATE etl_run SET status = :status, finished_at = now(), inserted = :ins, updated = :upd, "
            "unchanged = :unch, rejected = :rej WHERE id = :id"
        ),
        {"status": status, "ins": result.inserted, "upd": result.updated, "unch": max(result.unchanged, 0),
         "rej": result.rejected, "id": result.run_id},
    )


def fail(conn: Connection, run_id: int, message: str, result: LoadResult, status: str = "failed") -> None:
    conn.execute(
        text("UPDATE etl_run SET status = :status, finished_at = now(), message = :msg, rejected = :rej WHERE id = :id"),
        {"status": status, "msg": message[:4000], "rej": result.rejected, "id": run_id},
    )


def store_rejects(conn: Connection, run_id: int, rejects: list[dict]) -> None:
    if not rejects:
        return
    conn.execute(
        text(
            "INSERT INTO etl_reject (run_id, row_number, field, reason, raw) "
            "VALUES (:run, :row, :field, :reason, CAST(:raw AS jsonb))"
        ),
        [
            {"run": run_id, "row": r["row"], "field": r["field"], "reason": r["reason"],
             "raw": json.dumps(r["values"], ensure_ascii=False, default=str)}
            for r in rejects
        ],
    )
