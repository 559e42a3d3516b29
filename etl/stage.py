"""Staging a file: room for it in memory (temp_buffers), the staging table created, and
every chunk read, validated and encoded for COPY (by a producer thread, or by worker
processes for a long file: etl.workers) while the previous one is sent to the server.
Polygons travel in binary COPY, to `stg_geom`.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os

import numpy as np
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from etl import copy as copy_format
from etl import runs
from etl.read import Source
from etl.repeats import RepeatSieve
from etl.resolve import staged_keys
from etl.staging_table import staging_copy_columns, staging_ddl
from etl.validate import Context, validate_chunk
from etl.workers import chunks_in_processes, chunks_in_thread

# SQLSTATE 22023: a setting given a value it cannot take now.
INVALID_PARAMETER_VALUE = "22023"


def more_temp_buffers(conn: Connection) -> None:
    """Room for the staged rows in memory. PostgreSQL takes a new `temp_buffers` only
    before the session's first temporary table (even one long dropped): a pooled session
    that already used one at another size keeps it, and the load goes on at that size."""
    try:
        with conn.begin_nested():
            conn.execute(text("SET temp_buffers = '512MB'"))
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != INVALID_PARAMETER_VALUE:
            raise


def stage(conn: Connection, spec, source: Source, ctx: Context, run_id: int, bar) -> tuple[list[dict], list[str]]:
    """Create the staging table and COPY every validated chunk into it; returns the chunk
    rejects and the keys that may occur more than once in the file.

    The next chunks are read, validated and serialised (by a thread, or by worker
    processes for a long file) while this one is sent and parsed by the server.
    """
    copied = [name for name, _ in staging_copy_columns(spec)]
    conn.execute(text(f"CREATE TEMP TABLE stg ({staging_ddl(spec)}) ON COMMIT DROP"))
    polygons = spec.boundary
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
        keys = staged_keys(ctx.spec, staged)
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
