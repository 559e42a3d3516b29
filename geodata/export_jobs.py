"""The `export_job` table: long exports run off the request threads, as every server
process sees them.

A job belongs to the user and scope that started it: `visible` finds it only for the same
user (None while access is open) with the same role and territory, so a job id passed
to another user is as unknown as a made-up one. States go queued → running → done or
failed; a job whose server process is gone (`orphans`) is failed by the next server
that starts on the same machine; a job past `expires_at` is deleted with its file.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from geodata.access import Scope
from geodata.models import ExportJob

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
UNFINISHED = (QUEUED, RUNNING)
RESTARTED = "El servidor se reinició antes de terminar esta exportación; vuelva a pedirla."


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    username: str | None
    scope: Scope
    request: dict[str, Any]
    state: str
    phase: str
    percent: int
    message: str | None
    filename: str | None
    media_type: str | None
    size: int | None
    count: int | None
    worker: str
    created_at: dt.datetime
    expires_at: dt.datetime

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED


_COLUMNS = (
    ExportJob.id, ExportJob.kind, ExportJob.username, ExportJob.scope_role, ExportJob.scope_path, ExportJob.request,
    ExportJob.state, ExportJob.phase, ExportJob.percent, ExportJob.message, ExportJob.filename, ExportJob.media_type,
    ExportJob.size, ExportJob.count, ExportJob.worker, ExportJob.created_at, ExportJob.expires_at,
)


def _job(row) -> Job:
    values = row._asdict()
    role, path = values.pop("scope_role"), values.pop("scope_path")
    code = path.strip("/").rsplit("/", 1)[-1] if path else None
    return Job(scope=Scope(role=role, territory_code=code, territory_path=path), **values)


def create(conn: Connection, kind: str, request: dict[str, Any], *, username: str | None, scope: Scope, worker: str,
           hours: float) -> str:
    """A new queued job; returns its id (random: ids are not guessable)."""
    job_id = secrets.token_urlsafe(18)
    conn.execute(
        insert(ExportJob).values(
            id=job_id, kind=kind, username=username, scope_role=scope.role, scope_path=scope.territory_path,
            request=request, worker=worker, phase="En cola", expires_at=func.now() + dt.timedelta(hours=hours),
        )
    )
    return job_id


def get(conn: Connection, job_id: str) -> Job | None:
    row = conn.execute(select(*_COLUMNS).where(ExportJob.id == job_id, ExportJob.expires_at > func.now())).first()
    return _job(row) if row else None


def visible(conn: Connection, job_id: str, username: str | None, scope: Scope) -> Job | None:
    """The job, if it exists, has not expired and was started by this user in this scope."""
    row = conn.execute(
        select(*_COLUMNS).where(
            ExportJob.id == job_id,
            ExportJob.expires_at > func.now(),
            ExportJob.username.is_not_distinct_from(username),
            ExportJob.scope_role == scope.role,
            ExportJob.scope_path.is_not_distinct_from(scope.territory_path),
        )
    ).first()
    return _job(row) if row else None


def start(conn: Connection, job_id: str) -> Job | None:
    """Mark a queued job running; None if it is no longer queued (failed meanwhile, expired)."""
    row = conn.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.state == QUEUED)
        .values(state=RUNNING, started_at=func.now(), phase="Empezando", percent=0)
        .returning(*_COLUMNS)
    ).first()
    return _job(row) if row else None


def progress(conn: Connection, job_id: str, phase: str, percent: int) -> None:
    conn.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.state == RUNNING)
        .values(phase=phase[:500], percent=max(0, min(100, int(percent))))
    )


def finish(conn: Connection, job_id: str, *, filename: str, media_type: str, size: int, count: int | None,
           hours: float) -> None:
    """Done: the file is ready, and kept `hours` from now."""
    conn.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id)
        .values(state=DONE, phase="Listo", percent=100, filename=filename, media_type=media_type, size=size, count=count,
                finished_at=func.now(), expires_at=func.now() + dt.timedelta(hours=hours))
    )


def fail(conn: Connection, job_id: str, message: str) -> None:
    conn.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.state.in_(UNFINISHED))
        .values(state=FAILED, message=message, finished_at=func.now())
    )


def unfinished(conn: Connection) -> list[Job]:
    return [_job(r) for r in conn.execute(select(*_COLUMNS).where(ExportJob.state.in_(UNFINISHED)))]


def fail_orphans(conn: Connection, workers: list[str]) -> list[str]:
    """Fail the unfinished jobs of these (gone) server processes; returns their ids."""
    if not workers:
        return []
    return list(
        conn.execute(
            update(ExportJob)
            .where(ExportJob.state.in_(UNFINISHED), ExportJob.worker.in_(workers))
            .values(state=FAILED, message=RESTARTED, finished_at=func.now())
            .returning(ExportJob.id)
        ).scalars()
    )


def remove_expired(conn: Connection) -> list[str]:
    """Delete the jobs past their time; returns their ids (their files go with them)."""
    return list(conn.execute(delete(ExportJob).where(ExportJob.expires_at <= func.now()).returning(ExportJob.id)).scalars())


def known_ids(conn: Connection) -> set[str]:
    return set(conn.execute(select(ExportJob.id)).scalars())
