"""Loading one file: read → validate → COPY into staging → set-based merge, in one transaction.

The run is recorded first, in a short transaction of its own, so that a load killed
half-way still leaves an accountable `running` row; the data itself is written in one
transaction that commits whole or not at all. A failure is recorded after the rollback;
Ctrl-C and SIGTERM roll back and record the run as `interrupted`. The run records its
process and database session, so that the next load (or `sala db status`) marks a run
whose process died without a word (kill -9) `abandoned` (geodata.etl_runs). Worker
processes die with the load and never keep its database session open.

What each kind is, writes and points to: etl.kinds; COPY encoding: etl.copy; the run's
record: etl.runs; resolving and merging: etl.merge; worker pools: etl.workers.
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing as mp
import os
import signal
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from etl import copy as copy_format
from etl import merge as merging
from etl import runs
from etl.columns import map_columns
from etl.errors import Interrupted, LoadError, StrictRejects, UsageError
from etl.kinds import KINDS, SPECS, TERRITORY_KINDS
from etl.read import EXCEL_SUFFIXES, Source, file_sha256, open_source
from etl.repeats import RepeatSieve
from etl.validate import (
    Context,
    require_territory_source,
    staging_columns,
    staging_copy_columns,
    staging_ddl,
    validate_chunk,
)
from etl.workers import chunks_in_processes, chunks_in_thread
from geodata import indicators, notify
from geodata.database import is_superuser
from geodata.generalise import simplify_level
from geodata.integrity import run_check
from geodata.territory import rebuild_paths

# SQLSTATE 22023: a setting given a value it cannot take now.
INVALID_PARAMETER_VALUE = "22023"



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


class _DryRun(Exception):
    """Raised inside the transaction to roll back a dry run once its counts are known."""


def load_file(
    engine: Engine,
    kind: str,
    path,
    *,
    layer: str | None = None,
    crs: str | int | None = None,
    mapping: dict[str, str] | None = None,
    strict: bool = False,
    dry_run: bool = False,
    is_demo: bool = False,
    refresh: bool = True,
    progress: bool = False,
) -> LoadResult:
    """Load one file of `kind` into the database; see the module docstring for the guarantees."""
    with _signals_interrupt() as stops:
        return _load_file(engine, kind, Path(path), layer=layer, crs=crs, mapping=mapping, strict=strict,
                          dry_run=dry_run, is_demo=is_demo, refresh=refresh, progress=progress, stops=stops)


def _load_file(engine: Engine, kind: str, path: Path, *, layer, crs, mapping, strict, dry_run, is_demo, refresh,
               progress, stops: list[str]) -> LoadResult:
    if kind not in SPECS:
        raise UsageError(f"tipo desconocido «{kind}»; use uno de: {', '.join(KINDS)}")
    spec = SPECS[kind]
    try:
        source = open_source(path, layer=layer)
        source_crs = _source_crs(source, crs)
        colmap = map_columns(source.columns, spec, mapping, file=str(path))
        has_geometry = source.has_geometry or colmap.has_points or bool(colmap.wkt)
        require_territory_source(spec, colmap, has_geometry, str(path))
    except LoadError as exc:
        # Unreadable or unusable: nothing to load, but the attempt is on record.
        sha = file_sha256(path) if path.exists() else ""
        with engine.begin() as conn:
            run_id = runs.start(conn, kind, path, sha, {"layer": layer, "crs": crs, "mapping": mapping or {}}, is_demo)
            runs.fail(conn, run_id, str(exc), LoadResult(run_id, kind, str(path), sha))
        raise
    sha = file_sha256(path)
    result = LoadResult(None, kind, str(path), sha, dry_run=dry_run, layout=colmap.layout)
    options = {"layer": layer, "crs": crs, "mapping": mapping or {}, "strict": strict, "dry_run": dry_run,
               "layout": colmap.layout, "encoding": source.encoding}
    ctx = Context(spec, colmap, source_crs, str(path), excel=path.suffix.lower() in EXCEL_SUFFIXES)
    present = _present_fields(spec, colmap, source)

    # The run is recorded by the session that then does the work, so that its backend pid
    # tells whether the run still runs (geodata.etl_runs).
    with engine.connect() as conn:
        result.run_id = runs.start(conn, kind, path, sha, options, is_demo)
        conn.commit()
        try:
            with conn.begin(), _Progress(progress, source.total_rows, path.name) as bar:
                _prepare(conn, kind)
                python_rejects, repeated = _stage(conn, spec, source, ctx, result.run_id, bar)
                columns = [name for name, _ in staging_columns(spec)]
                bar.phase("validar")
                merging.resolve(conn, spec, columns, repeated)
                sql_rejects = merging.record_rejects(conn, result.run_id, columns)
                accepted = merging.accepted_count(conn)
                rejects = sorted(python_rejects + sql_rejects, key=lambda r: r["row"] or 0)
                result.rejects, result.rejected = rejects, len(rejects)
                if strict and rejects:
                    first = rejects[0]
                    raise StrictRejects(
                        f"--strict: {len(rejects)} fila(s) rechazada(s); la primera: {first['reason']}",
                        file=str(path), row=first["row"], field=first.get("field"),
                    )
                bar.phase("cargar")
                params = {"run": result.run_id, "demo": is_demo}
                result.inserted, result.updated = merging.merge(conn, spec, present, params)
                result.unchanged = accepted - result.inserted - result.updated
                if kind in TERRITORY_KINDS and (result.updated or (result.inserted and not merging.paths_settled(conn))):
                    rebuild_paths(conn)  # else nothing written, or only new rows under well-placed parents
                if dry_run:
                    raise _DryRun
                if refresh:
                    if kind in TERRITORY_KINDS:
                        _after_territory_load(conn, kind)
                        result.integrity = run_check(conn, level=kind).counts
                    indicators.refresh(conn)
                runs.finish(conn, result, "loaded")
        except _DryRun:
            # The data went back; the run and its rejects stay on record.
            with engine.begin() as record:
                runs.finish(record, result, "dry_run")
                runs.store_rejects(record, result.run_id, result.rejects)
            return result
        except BaseException as exc:
            # An interruption may surface as another error (the driver's, cancelling a COPY):
            # what was received says what happened.
            stop = exc if isinstance(exc, KeyboardInterrupt) else (Interrupted(stops[0]) if stops else None)
            message = _describe(stop or exc, path) if stop or not isinstance(exc, LoadError) else str(exc)
            with contextlib.suppress(Exception):
                with engine.begin() as record:
                    runs.fail(record, result.run_id, message, result, "interrupted" if stop else "failed")
                    if isinstance(exc, StrictRejects):
                        runs.store_rejects(record, result.run_id, result.rejects)
            if stop is not None:
                if stop is exc:
                    raise  # the rollback already happened
                raise stop from exc
            if isinstance(exc, LoadError):
                exc.result = result  # what was found, for the report of a refused file
                raise
            if isinstance(exc, Exception):
                raise LoadError(_describe(exc, path, with_file=False), file=str(path)) from exc
            raise  # SystemExit
    if refresh and (result.inserted or result.updated):
        result.notified = notify.after_change(engine)  # the alerts the load raised, to the rooms subscribed
    return result


@contextlib.contextmanager
def _signals_interrupt():
    """Ctrl-C and SIGTERM (a service stop, `kill`) interrupt the load: it rolls back, ends its
    workers and records the run as interrupted. Yields the signals received, by name. Only
    the main thread may set handlers; elsewhere Ctrl-C is Python's KeyboardInterrupt."""
    received: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def interrupt(signum, frame):
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        received.append(name)
        raise Interrupted(name)

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def refresh_after_load(engine: Engine, kinds: set[str]) -> dict[str, int] | None:
    """The post-load steps for a batch loaded with `refresh=False`: coverage simplification,
    the territorial integrity check (returned as counts per kind of issue) and indicators."""
    levels = [k for k in TERRITORY_KINDS if k in kinds]
    counts = None
    with engine.begin() as conn:
        for level in levels:
            _after_territory_load(conn, level)
        if levels:
            counts = run_check(conn, level=levels[0] if len(levels) == 1 else None).counts
        indicators.refresh(conn)
    notify.after_change(engine)
    return counts


# --- steps --------------------------------------------------------------------------------------


def _source_crs(source: Source, crs: str | int | None) -> str | None:
    """The CRS to read coordinates in: --crs when given, else the file's; tables default to lon/lat WGS84."""
    if crs is not None:
        from pyproj import CRS
        from pyproj.exceptions import CRSError

        value = f"EPSG:{crs}" if isinstance(crs, int) or str(crs).isdigit() else str(crs)
        try:
            CRS.from_user_input(value)
        except CRSError as exc:
            raise UsageError(f"--crs: «{crs}» no es un sistema de referencia conocido") from exc
        return value
    if source.crs:
        return source.crs
    return "EPSG:4326"


def _present_fields(spec, colmap, source) -> set[str]:
    present = set(colmap.fields)
    if colmap.territory_refs:
        present.add("territory_code")
    if spec.kind in TERRITORY_KINDS:
        if source.has_geometry or colmap.wkt:
            present.add("polygons")
        if colmap.has_points:
            present.add("points")
        if colmap.extra or "registration_date" in colmap.fields or colmap.layout == "geoboundaries":
            present.add("attributes")
        if spec.kind == "state" and "code" in present:
            present.add("iso_code")
    elif source.has_geometry or colmap.has_points or colmap.wkt:
        present.add("geometry")
    return present


def _prepare(conn: Connection, kind: str) -> None:
    # Written tables in a self-conflicting mode (two loads of one table queue, never race),
    # referenced tables in SHARE (nobody changes them under us; other loads may read them
    # too), all in one global order so that concurrent loads cannot deadlock. Readers (the
    # dashboard) are never blocked.
    spec = SPECS[kind]
    modes = {table: "SHARE" for table in spec.points_to} | {table: "SHARE ROW EXCLUSIVE" for table in spec.writes}
    for table in sorted(modes):
        conn.execute(text(f"LOCK TABLE {table} IN {modes[table]} MODE"))
    # A million staged rows: keep the temp tables and the merge's hashes in memory, not on disk.
    conn.execute(text("SET LOCAL work_mem = '256MB'"))
    # A crash right after the commit may lose this load (never half of it): run it again.
    conn.execute(text("SET LOCAL synchronous_commit = off"))
    _more_temp_buffers(conn)
    # Every reference the merge writes comes from a join on rows this transaction holds locked,
    # so the foreign-key triggers could only re-check what is already known. Skipping them, as
    # pg_restore --disable-triggers does, halves the merge; only a superuser may.
    if is_superuser(conn):
        conn.execute(text("SET LOCAL session_replication_role = replica"))


def _more_temp_buffers(conn: Connection) -> None:
    """Room for the staged rows in memory. PostgreSQL takes a new `temp_buffers` only
    before the session's first temporary table (even one long dropped): a pooled session
    that already used one at another size keeps it, and the load goes on at that size."""
    try:
        with conn.begin_nested():
            conn.execute(text("SET temp_buffers = '512MB'"))
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != INVALID_PARAMETER_VALUE:
            raise


def _stage(conn: Connection, spec, source: Source, ctx: Context, run_id: int, bar) -> list[dict]:
    """Create the staging table and COPY every validated chunk into it; returns the chunk
    rejects and the keys that may occur more than once in the file.

    The next chunks are read, validated and serialised (by a thread, or by worker
    processes for a long file) while this one is sent and parsed by the server.
    """
    copied = [name for name, _ in staging_copy_columns(spec)]
    conn.execute(text(f"CREATE TEMP TABLE stg ({staging_ddl(spec)}) ON COMMIT DROP"))
    polygons = spec.kind in TERRITORY_KINDS
    if polygons:
        # Polygons travel in a stream of their own, in COPY's binary format: their WKB as it
        # is, with no quoting, escaping or hex to write and parse. With them, their area when
        # computed here (see etl.polygons).
        conn.execute(text("CREATE TEMP TABLE stg_geom (row_number integer, geom geometry, area_km2 double precision) "
                          "ON COMMIT DROP"))
    raw = conn.connection.driver_connection
    rejects: list[dict] = []
    sieve = RepeatSieve(source.total_rows)
    for rows, chunk_rejects, (names, payload), geom_payload, keys in _prepared_chunks(source, ctx, copied, polygons, bar):
        sieve.add(keys)
        if chunk_rejects:
            runs.store_rejects(conn, run_id, chunk_rejects)
            rejects.extend(chunk_rejects)
        if payload:
            with raw.cursor() as cur, cur.copy(f"COPY stg ({', '.join(names)}) FROM STDIN") as copy:
                copy.write(payload)
        if geom_payload:
            sql = "COPY stg_geom (row_number, geom, area_km2) FROM STDIN (FORMAT binary)"
            with raw.cursor() as cur, cur.copy(sql) as copy:
                copy.write(geom_payload)
        bar.advance("validar", rows)
    return rejects, sorted(sieve.suspects)


def _serialise(chunk, ctx: Context, copied: list[str], polygons: bool):
    """One chunk validated and written for COPY: (rows read, rejects, (columns, text), polygons in
    binary COPY, keys)."""
    validated = validate_chunk(chunk, ctx)
    staged = validated.staged
    payload, geom_payload, keys = ([], ""), b"", np.zeros(0, dtype=object)
    if len(staged):
        keys = merging.staged_keys(ctx.spec.kind, staged)
        payload = copy_format.text_rows(staged[copied])
        if polygons:
            geom = staged["geom"].to_numpy()
            has = np.asarray([g is not None for g in geom], dtype=bool)
            if has.any():
                geom_payload = copy_format.polygons(staged["row_number"].to_numpy()[has], geom[has], validated.derived_area[has])
    return len(chunk.frame), validated.rejects, payload, geom_payload, keys


# A file this long is validated in worker processes, one per core: validating and writing
# a chunk is Python work that one core cannot do as fast as the server takes it in.
PARALLEL_MIN_ROWS = 200_000


def _prepared_chunks(source: Source, ctx: Context, copied: list[str], polygons: bool, bar):
    """Serialised chunks, in file order, with bounded memory: from worker processes for a
    long file on a machine with cores to spare, else from a producer thread."""
    serialise = functools.partial(_serialise, ctx=ctx, copied=copied, polygons=polygons)
    read = functools.partial(bar.advance, "leer")
    workers = min(os.cpu_count() or 1, 4)
    if workers > 1 and (source.total_rows or 0) >= PARALLEL_MIN_ROWS and "fork" in mp.get_all_start_methods():
        return chunks_in_processes(source.chunks(), serialise, read, workers)
    return chunks_in_thread(source.chunks(), serialise, read)


def _after_territory_load(conn: Connection, level: str) -> None:
    rebuild_paths(conn)
    simplify_level(conn, level)


def _describe(exc: BaseException, path: Path, with_file: bool = True) -> str:
    if isinstance(exc, KeyboardInterrupt):
        how = exc.signal_name if isinstance(exc, Interrupted) else "Ctrl-C"
        return f"carga interrumpida ({how}): no se guardó nada"
    detail = getattr(exc, "orig", None) or exc
    text_ = f"{type(exc).__name__}: {detail}".strip()
    return f"archivo {path}: {text_}" if with_file else text_


class _Progress:
    """A rich progress bar (read, validate, load) when asked for and on a terminal."""

    def __init__(self, enabled: bool, total: int | None, name: str):
        self.enabled, self.total, self.name = enabled, total, name
        self.progress = None
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(stderr=True)
            if console.is_terminal:
                self.progress = Progress(
                    TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True,
                )
                self.progress.start()
                for phase in ("leer", "validar", "cargar"):
                    total = self.total if phase != "cargar" else 1
                    self.tasks[phase] = self.progress.add_task(f"{phase} {self.name}", total=total)
        return self

    def advance(self, phase: str, rows: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.tasks[phase], rows)

    def phase(self, phase: str) -> None:
        if self.progress is not None and phase == "cargar":
            self.progress.update(self.tasks["validar"], completed=self.total or 0)

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.update(self.tasks["cargar"], completed=1)
            self.progress.stop()
        return False


