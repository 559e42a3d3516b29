"""Long exports as jobs, off the request threads.

The planning pack, and any export that is slow (pdf, png, xlsx, kml) or large (more than
`SALA_EXPORT_JOB_THRESHOLD` features), would hold one of the server's few request
threads for as long as it takes: eight of them and a login waits. Instead a request
checks what is asked (bad input is still refused at once), records a job
(`geodata.export_jobs`) and returns its id; a `JobQueue` of `SALA_EXPORT_JOBS` threads
(per server process; more jobs wait queued) makes the file in the data folder
(`exports/<job id>/`), writing its phase and percent to the job as it goes. The page
polls the job and downloads the file when it is done; after `SALA_EXPORT_JOB_HOURS` the
job and its file are deleted. A server that starts fails the unfinished jobs of server
processes of this machine that are gone (a restart, a crash): nobody is left waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from geodata import errors as sala_errors
from geodata import export_jobs as store
from geodata.access import Scope
from layers.exports import FORMATS, check_export, export_layer
from layers.output import DiskFull
from layers.registry import Layer, LayerError, LayerParams

log = logging.getLogger(__name__)

SLOW_FORMATS = ("pdf", "png", "xlsx", "kml")
PACK_MEDIA_TYPE = "application/zip"
DATABASE_DOWN = "No se pudo consultar la base de datos; vuelva a pedir la exportación en unos minutos."

# runner(conn, request, scope, folder, progress) -> (file name in folder, media type, feature count)
Runner = Callable[[Connection, dict, Scope, Path, Callable[[str, int], None]], tuple[str, str, int | None]]


class JobNotFound(sala_errors.NotFound, LayerError):
    def __init__(self):
        super().__init__("Exportación desconocida o vencida: vuelva a pedirla.")


class JobNotReady(sala_errors.Conflict, LayerError):
    def __init__(self, job: store.Job):
        self.job = job
        message = job.message if job.state == store.FAILED else "La exportación aún no está lista."
        super().__init__(message)


# --------------------------------------------------------------------------- what a job is asked


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def layer_request(layer_id: str, fmt: str, params: LayerParams, *, crs: int = 4326, paper: str = "A4",
                  title: str | None = None, query: dict | None = None, labels: str | None = None) -> dict[str, Any]:
    """A layer export, as a job records it (JSON)."""
    return {"kind": "layer", "layer": layer_id, "format": fmt, **_period(params), "filters": params.filters,
            "crs": crs, "paper": paper, "title": title, "query": query or {}, "target": f"{layer_id}.{fmt}",
            "labels": labels}


def pack_request(code: str, params: LayerParams, *, paper: str = "A4", query: dict | None = None) -> dict[str, Any]:
    """A municipality's planning pack, as a job records it (JSON)."""
    return {"kind": "pack", "code": code, **_period(params), "paper": paper, "query": query or {}, "target": f"pack/{code}"}


def _period(params: LayerParams) -> dict[str, Any]:
    return {
        "territory": params.territory,
        "from": params.date_from.isoformat() if params.date_from else None,
        "to": params.date_to.isoformat() if params.date_to else None,
        "round": params.consultation_round,
    }


def request_params(request: dict, scope: Scope) -> LayerParams:
    return LayerParams(
        territory=request.get("territory"),
        date_from=_date(request.get("from")),
        date_to=_date(request.get("to")),
        consultation_round=request.get("round"),
        filters=request.get("filters") or None,
        scope=scope,
    )


def export_filename(layer: Layer, fmt: str, params: LayerParams) -> str:
    """`cases_0101_2025-01-01.gpkg`: the layer, territory and period of a download."""
    parts = [params.territory or "venezuela"]
    if params.date_from:
        parts.append(params.date_from.isoformat())
    if params.date_to:
        parts.append(params.date_to.isoformat())
    form = FORMATS[fmt]
    return f"{layer.id}_{'_'.join(parts)}{'_shp' if form.id == 'shp' else ''}{form.extension}"


def check_request(conn: Connection, request: dict, scope: Scope) -> None:
    """Refuse now what the job would refuse later (unknown layer or territory, not a
    municipality, bad format or CRS, over the size cap): LayerError and its kin."""
    params = request_params(request, scope)
    if request["kind"] == "pack":
        from layers.pack import check_pack

        check_pack(conn, request["code"], params)
    else:
        check_export(conn, request["layer"], params, request["format"], crs=request.get("crs") or 4326)


def needs_job(conn: Connection, layer_id: str, fmt: str, params: LayerParams, threshold: int) -> bool:
    """True for a slow format, or more than `threshold` features (counted no further)."""
    from layers.features import count_at_most

    if fmt in SLOW_FORMATS:
        return True
    return count_at_most(conn, layer_id, params, threshold + 1) > threshold


def run_request(conn: Connection, request: dict, scope: Scope, folder: Path, progress) -> tuple[str, str, int | None]:
    """Make the file a job asks for in `folder`: the pack or a layer export."""
    params = request_params(request, scope)
    if request["kind"] == "pack":
        from layers.pack import build_pack

        filename = f"paquete_{request['code']}.zip"
        result = build_pack(conn, request["code"], folder / filename, params, paper=request.get("paper") or "A4",
                            progress=progress)
        return filename, PACK_MEDIA_TYPE, sum(result.counts.values())
    from layers.registry import get_layer

    layer, fmt = get_layer(request["layer"]), request["format"]
    filename = export_filename(layer, fmt, params)
    result = export_layer(conn, layer, params, fmt, folder / filename, crs=request.get("crs") or 4326,
                          paper=request.get("paper") or "A4", title=request.get("title"), progress=progress,
                          labels=request.get("labels"))
    return filename, FORMATS[fmt].media_type, result.count


# --------------------------------------------------------------------------- server processes


def _start_ticks(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot), or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "?"


def this_process() -> str:
    """`host:pid:start`: this server process, as the jobs it runs record it."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_ticks(os.getpid())}"


def process_gone(worker: str) -> bool:
    """True if `worker` (see `this_process`) is a process of this machine that no longer runs."""
    parts = worker.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False  # another machine's: its own server says when it is gone
    host, pid, started = parts
    ticks = _start_ticks(int(pid))
    # No such process, or another one that got the same pid since.
    return ticks is None or ("?" not in (ticks, started) and ticks != started)


# --------------------------------------------------------------------------- the queue


class JobQueue:
    """At most `workers` jobs at a time in this process, the others queued in order."""

    def __init__(self, engine_getter: Callable[[], Engine], folder: Path, *, workers: int = 2, hours: float = 6.0,
                 threshold: int = 50_000, runner: Runner = run_request):
        self.engine_getter, self.folder, self.runner = engine_getter, Path(folder), runner
        self.workers, self.hours, self.threshold = workers, hours, threshold
        self.worker = this_process()
        self._queue: queue.Queue[str] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, engine_getter: Callable[[], Engine], settings) -> JobQueue:
        return cls(engine_getter, settings.data_dir / "exports", workers=settings.export_jobs, hours=settings.export_job_hours,
                   threshold=settings.export_job_threshold)

    # ---- what requests call

    def submit(self, request: dict, *, username: str | None, scope: Scope) -> store.Job:
        """Check the request (raises LayerError now for bad input), record and queue the job."""
        engine = self.engine_getter()
        with engine.connect() as conn:
            check_request(conn, request, scope)
        with engine.begin() as conn:
            self._sweep(conn)
            job_id = store.create(conn, request["kind"], request, username=username, scope=scope, worker=self.worker,
                                  hours=self.hours)
            job = store.get(conn, job_id)
        self._start_threads()
        self._queue.put(job_id)
        return job

    def status(self, job_id: str, *, username: str | None, scope: Scope) -> store.Job:
        with self.engine_getter().connect() as conn:
            job = store.visible(conn, job_id, username, scope)
        if job is None:
            raise JobNotFound()
        return job

    def file(self, job_id: str, *, username: str | None, scope: Scope) -> tuple[Path, store.Job]:
        """The finished file of a job this user may see."""
        job = self.status(job_id, username=username, scope=scope)
        if job.state != store.DONE:
            raise JobNotReady(job)
        path = self.folder / job.id / job.filename
        if not path.is_file():
            raise JobNotFound()
        return path, job

    # ---- housekeeping

    def recover(self) -> int:
        """At start: fail the unfinished jobs of this machine's gone server processes, and
        delete expired jobs and folders no job owns. Returns the jobs failed."""
        with self.engine_getter().begin() as conn:
            gone = sorted({j.worker for j in store.unfinished(conn) if process_gone(j.worker)})
            failed = store.fail_orphans(conn, gone)
            self._sweep(conn)
            known = store.known_ids(conn) - set(failed)
            # Before the commit: once a job reads «failed», its half-made files are already gone.
            if self.folder.is_dir():
                for entry in self.folder.iterdir():
                    if entry.name not in known:  # expired, failed half-way, or of no job at all
                        shutil.rmtree(entry, ignore_errors=True)
        return len(failed)

    def _sweep(self, conn: Connection) -> None:
        for job_id in store.remove_expired(conn):
            shutil.rmtree(self.folder / job_id, ignore_errors=True)

    # ---- the workers

    def _start_threads(self) -> None:
        with self._lock:
            while len(self._threads) < self.workers:
                thread = threading.Thread(target=self._work, name=f"sala-export-{len(self._threads) + 1}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                self.run(job_id)
            except Exception:  # a worker must outlive any job: the job itself is marked failed in run
                log.exception("export job %s", job_id)
            finally:
                self._queue.task_done()

    def run(self, job_id: str) -> None:
        """Run one queued job here and now (the workers call this)."""
        engine = self.engine_getter()
        with engine.begin() as conn:
            job = store.start(conn, job_id)
        if job is None:
            return
        folder = self.folder / job.id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        last: list[tuple[str, int]] = []

        def progress(phase: str, percent: int) -> None:
            if last and last[0] == (phase, percent):
                return
            last[:] = [(phase, percent)]
            with engine.begin() as conn:
                store.progress(conn, job.id, phase, percent)

        try:
            with engine.connect() as conn:
                filename, media_type, count = self.runner(conn, job.request, job.scope, folder, progress)
            with engine.begin() as conn:
                store.finish(conn, job.id, filename=filename, media_type=media_type, size=(folder / filename).stat().st_size,
                             count=count, hours=self.hours)
                _audit(conn, job, count)
            return
        except (LayerError, DiskFull) as exc:
            message = str(exc)
        except SQLAlchemyError:
            log.exception("export job %s", job.id)
            message = DATABASE_DOWN
        except Exception as exc:
            log.exception("export job %s", job.id)
            message = f"No se pudo preparar la exportación ({type(exc).__name__})."
        shutil.rmtree(folder, ignore_errors=True)
        with engine.begin() as conn:
            store.fail(conn, job.id, message)

    def wait_idle(self) -> None:
        """Until every queued job has run (for tests and the CLI)."""
        self._queue.join()


def _audit(conn: Connection, job: store.Job, count: int | None) -> None:
    """Every download is in `audit_log`, a job's when its file is ready."""
    from geodata.users import audit

    audit(conn, job.username, "export", job.request.get("target"), via="job", job=job.id, count=count,
          query=job.request.get("query") or {})


def describe(job: store.Job) -> dict[str, Any]:
    """A job as the routes answer it (JSON)."""
    out = {
        "id": job.id,
        "state": job.state,
        "phase": job.phase,
        "percent": job.percent,
        "message": job.message,
        "status_url": f"/export/jobs/{job.id}",
        "expires_at": job.expires_at.isoformat(),
    }
    if job.state == store.DONE:
        out.update(file_url=f"/export/jobs/{job.id}/file", filename=job.filename, size=job.size, count=job.count)
    return out
