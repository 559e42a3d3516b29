"""Loading one file: read → validate → COPY into staging → set-based merge, in one transaction.

The run is recorded first, in a short transaction of its own, so that a load killed
half-way still leaves an accountable `running` row; the data itself is written in one
transaction that commits whole or not at all. A failure is recorded after the rollback;
Ctrl-C and SIGTERM roll back and record the run as `interrupted`. The run records its
process and database session, so that the next load (or `sala db status`) marks a run
whose process died without a word (kill -9) `abandoned` (geodata.etl_runs). Worker
processes die with the load and never keep its database session open.

What each kind is, writes and points to: its `KindSpec` (etl.spec), found in etl.kinds;
staging (validate, encode, COPY): etl.stage, with etl.validate, etl.copy and the worker
pools of etl.workers; resolving: etl.resolve; merging: etl.merge; the run's record: etl.runs;
the progress bar and the signals: etl.progress.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from etl import merge as merging
from etl import resolve, runs
from etl.columns import map_columns
from etl.errors import Interrupted, LoadError, StrictRejects, UsageError
from etl.kinds import SPECS, TERRITORY_KINDS
from etl.merge_territory import paths_settled
from etl.progress import Progress, signals_interrupt
from etl.read import EXCEL_SUFFIXES, Source, file_sha256, open_source
from etl.runs import LoadResult, describe
from etl.stage import more_temp_buffers, stage
from etl.staging_table import staging_columns
from etl.validate import Context, require_territory_source
from geodata import indicators, notify
from geodata.database import is_superuser
from geodata.generalise import simplify_level
from geodata.integrity import run_check
from geodata.territory import rebuild_paths


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
    with signals_interrupt() as stops:
        return _load_file(engine, kind, Path(path), layer=layer, crs=crs, mapping=mapping, strict=strict,
                          dry_run=dry_run, is_demo=is_demo, refresh=refresh, progress=progress, stops=stops)


def _load_file(engine: Engine, kind: str, path: Path, *, layer, crs, mapping, strict, dry_run, is_demo, refresh,
               progress, stops: list[str]) -> LoadResult:
    if kind not in SPECS:
        raise UsageError(f"tipo desconocido «{kind}»; use uno de: {', '.join(SPECS)}")
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
            with conn.begin(), Progress(progress, source.total_rows, path.name) as bar:
                _prepare(conn, kind)
                python_rejects, repeated = stage(conn, spec, source, ctx, result.run_id, bar)
                columns = [name for name, _ in staging_columns(spec)]
                bar.phase("validar")
                resolve.resolve(conn, spec, columns, repeated)
                sql_rejects = resolve.record_rejects(conn, result.run_id, columns)
                accepted = resolve.accepted_count(conn)
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
                if spec.boundary and (result.updated or (result.inserted and not paths_settled(conn))):
                    rebuild_paths(conn)  # else nothing written, or only new rows under well-placed parents
                if dry_run:
                    raise _DryRun
                if refresh:
                    if spec.boundary:
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
            message = describe(stop or exc, path) if stop or not isinstance(exc, LoadError) else str(exc)
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
                raise LoadError(describe(exc, path, with_file=False), file=str(path)) from exc
            raise  # SystemExit
    if refresh and (result.inserted or result.updated):
        result.notified = notify.after_change(engine)  # the alerts the load raised, to the rooms subscribed
    return result


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
    if spec.boundary:
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
    more_temp_buffers(conn)
    # Every reference the merge writes comes from a join on rows this transaction holds locked,
    # so the foreign-key triggers could only re-check what is already known. Skipping them, as
    # pg_restore --disable-triggers does, halves the merge; only a superuser may.
    if is_superuser(conn):
        conn.execute(text("SET LOCAL session_replication_role = replica"))


def _after_territory_load(conn: Connection, level: str) -> None:
    rebuild_paths(conn)
    simplify_level(conn, level)
