"""Which `running` load runs still run: a run whose process or session is gone is `abandoned`.

A load records in `etl_run` the pid and host of its process and the backend pid of the
database session that does its work (`etl.load`). A run still marked `running` is
abandoned when

- its session is gone: the server rolled its transaction back when the client went away
  (kill -9, a crash, a lost machine) and nobody was left to say so; or
- seen from the same host, its process is gone while its session lingers: a session whose
  client is dead can never commit, only hold its locks (and make the next load wait), so
  it is ended here.

`sala load` checks before every run and `sala db status` whenever it is asked. A run
marked wrongly would set its own status when it ends (every run updates its row by id).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError


@dataclass(frozen=True)
class Abandoned:
    run_id: int
    message: str


def this_process() -> dict:
    """What a run records about who runs it (its session's backend pid comes from the server)."""
    return {"pid": os.getpid(), "host": socket.gethostname()}


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def mark_abandoned(conn: Connection) -> list[Abandoned]:
    """Mark the `running` runs whose process or session is gone as `abandoned`; return them.

    The caller commits. A session of another database user whose start the server will
    not show counts as alive: only what is known to be gone is marked.
    """
    runs = conn.execute(
        text(
            """
            SELECT r.id, r.pid, r.host, r.backend_pid,
                   EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid
                           AND (a.backend_start IS NULL OR a.backend_start <= r.started_at)) AS session_alive
            FROM etl_run r WHERE r.status = 'running' AND r.backend_pid IS NOT NULL
            ORDER BY r.id
            """
        )
    ).all()
    here = socket.gethostname()
    marked = []
    for run in runs:
        who = f"pid {run.pid} en {run.host}"
        if not run.session_alive:
            message = (f"carga abandonada: su proceso ({who}) terminó sin registrar el resultado; "
                       "la base de datos deshizo la carga, no se guardó nada")
        elif run.host == here and run.pid is not None and not _process_exists(run.pid):
            ended = _end_session(conn, run.backend_pid)
            message = (f"carga abandonada: su proceso ({who}) ya no existe; "
                       + ("se cerró su sesión en la base de datos, que retenía bloqueos; no se guardó nada" if ended
                          else f"su sesión (pid {run.backend_pid} del servidor) sigue abierta y no se pudo cerrar: "
                               "ciérrela un administrador (pg_terminate_backend)"))
        else:
            continue
        updated = conn.execute(
            text("UPDATE etl_run SET status = 'abandoned', finished_at = now(), message = :msg "
                 "WHERE id = :id AND status = 'running'"),
            {"id": run.id, "msg": message},
        ).rowcount
        if updated:
            marked.append(Abandoned(run.id, message))
    return marked


def _end_session(conn: Connection, backend_pid: int) -> bool:
    """End a server session whose client is dead; False when the server refuses (privileges)."""
    try:
        with conn.begin_nested():
            ended = conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid}).scalar()
    except DBAPIError:
        return False
    return bool(ended)


def running_count(conn: Connection) -> int:
    return conn.execute(text("SELECT count(*) FROM etl_run WHERE status = 'running'")).scalar_one()
