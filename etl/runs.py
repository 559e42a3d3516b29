"""The record of a load: what it found (`LoadResult`, the `--report`), its row in `etl_run`
and its refused rows in `etl_reject`.

A run is recorded first, in a short transaction of its own (`start`), and closed as
loaded, dry run, failed or interrupted (`finish`, `fail`, with `describe`'s message);
`etl.load` orchestrates.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text

from etl.errors import Interrupted
from geodata import etl_runs

log = logging.getLogger("etl.load")


@dataclass
class LoadResult:
    run_id: int | None
    kind: str
    file: str
    sha256: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list[dict] = field(default_factory=list)
    dry_run: bool = False
    layout: str = ""
    # After a boundary load: issues found by the territorial integrity check, per kind.
    integrity: dict[str, int] | None = None
    # After a load that changed records: the new alerts notified (geodata.notify.run).
    notified: dict[str, int] | None = None

    def to_dict(self) -> dict:
        """The `--report` JSON."""
        data = asdict(self)
        data.pop("dry_run")
        data.pop("layout")
        data.pop("notified")
        return data

    def write_report(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str), encoding="utf-8")


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


def describe(exc: BaseException, path: Path, with_file: bool = True) -> str:
    if isinstance(exc, KeyboardInterrupt):
        how = exc.signal_name if isinstance(exc, Interrupted) else "Ctrl-C"
        return f"carga interrumpida ({how}): no se guardó nada"
    detail = getattr(exc, "orig", None) or exc
    text_ = f"{type(exc).__name__}: {detail}".strip()
    return f"archivo {path}: {text_}" if with_file else text_
