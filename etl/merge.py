"""The merge, in SQL: the accepted rows of `res` (etl.resolve) written into the real tables.

A kind's `Merge` declaration is one `INSERT … ON CONFLICT … DO UPDATE … WHERE (old) IS
DISTINCT FROM (new)`, so an unchanged row is not touched and `xmax = 0` tells inserted from
updated; a kind that a `Merge` cannot say (boundaries, cases, agreements, consultation rounds)
names its `merge_hook`, built from the pieces here. A big first load into an empty table
builds its indexes once, at the end.

Only the columns a file has are written on update: a municipality table without
polygons does not erase polygons loaded before, and a later polygon file does not
erase the population. Identifiers come from the declarations, values are bound.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from etl.spec import KindSpec, Merge

OK_ROWS = "res r WHERE r.reason IS NULL AND r.keep"


def counts(conn: Connection, sql: str, params: dict) -> tuple[int, int]:
    row = conn.execute(text(sql), params).one()
    return int(row[0] or 0), int(row[1] or 0)


def _insert(conn: Connection, sql: str, params: dict) -> int:
    return conn.execute(text(sql), params).rowcount


def upsert_sql(table: str, conflict: str, insert_cols: list[str], select_exprs: list[str], update_cols: list[str],
            source: str, extra_returning: str = "", tail: str = "", stamp: bool = False) -> str:
    """The merge statement: insert, or update only when a written column differs (and, with
    `stamp`, set `updated_at`)."""
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in update_cols)
    old = ", ".join(f"t.{c}" for c in update_cols)
    new = ", ".join(f"EXCLUDED.{c}" for c in update_cols)
    stamped = ", updated_at = now()" if stamp else ""
    return f"""
        WITH m AS (
            INSERT INTO {table} AS t ({', '.join(insert_cols)})
            SELECT {', '.join(select_exprs)} FROM {source}
            ON CONFLICT {conflict} DO UPDATE SET {sets}, load_run_id = EXCLUDED.load_run_id{stamped}
            WHERE ROW({old}) IS DISTINCT FROM ROW({new})
            RETURNING t.id, (t.xmax = 0) AS ins{extra_returning}
        ){tail}
        SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM m
    """


def merge(conn: Connection, spec: KindSpec, present: set[str], params: dict) -> tuple[int, int]:
    """Write the accepted rows; returns (inserted, updated). `present`: fields the file has.
    By the kind's `Merge` declaration, else by its `merge_hook`."""
    if spec.merge is not None:
        return merge_declared(conn, spec, spec.merge, present, params)
    return spec.merge_hook(conn, spec, present, params)


class _OwnMerges(Mapping):
    """The kinds merged by a hook of their own (`KindSpec.merge_hook`), read from the registry."""

    def _hooks(self) -> dict:
        from etl.kinds import SPECS

        return {k: s.merge_hook for k, s in SPECS.items() if s.merge is None and s.merge_hook is not None}

    def __getitem__(self, kind: str):
        return self._hooks()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._hooks())

    def __len__(self) -> int:
        return len(self._hooks())


OWN_MERGES: Mapping = _OwnMerges()


def merge_declared(conn: Connection, spec: KindSpec, m: Merge, present: set[str], params: dict, extra_returning: str = "",
                   updated_tail: str = "") -> tuple[int, int]:
    """Merge the accepted rows into `m.table` as `m` says. `updated_tail`: CTEs that follow the
    merge `m` (with `extra_returning` columns) and act on the rows it updated."""
    cols, key = m.columns, m.key
    aliases = spec.column_fields
    written = {c for c in cols if c not in key and (c in m.always or c in present or aliases.get(c) in present)}
    table = m.table
    insert_cols = list(cols) + ["is_demo", "load_run_id"]
    select_exprs = list(cols.values()) + [":demo", ":run"]
    update_cols = [c for c in cols if c in written] + ["is_demo"]
    with _bulk_indexes(conn, table, drop_unique=True) as bulk:
        if bulk:
            # A big first load into the empty, locked table: nothing to conflict with (the kept
            # rows have distinct keys), so a plain INSERT, its unique keys built once at the end
            # (which would refuse the load, whole, were a key repeated after all).
            # Nothing is updated, so nothing for `updated_tail` to do, and no RETURNING to keep.
            sql = f"INSERT INTO {table} ({', '.join(insert_cols)}) SELECT {', '.join(select_exprs)} FROM {OK_ROWS}"
            return _insert(conn, sql, params), 0
    # Rows identical to the stored ones are set aside by one anti-join, cheaper than letting
    # each of them find its conflict; in key order, the unique index grows at its right edge.
    exprs = dict(zip(insert_cols, select_exprs))
    same = " AND ".join(f"t0.{k} = {cols[k]}" for k in key)
    old = ", ".join(f"t0.{c}" for c in update_cols)
    new = ", ".join(exprs[c] for c in update_cols)
    source = (
        f"{OK_ROWS} AND NOT EXISTS (SELECT 1 FROM {table} t0 WHERE {same} AND ROW({old}) IS NOT DISTINCT FROM ROW({new}))"
        " ORDER BY " + ", ".join(cols[k] for k in key)
    )
    sql = upsert_sql(table, m.conflict, insert_cols, select_exprs, update_cols, source, extra_returning, updated_tail,
                  m.updated_at)
    return counts(conn, sql, params)


BULK_MIN_ROWS = 50_000


@contextlib.contextmanager
def _bulk_indexes(conn: Connection, table: str, drop_unique: bool = False):
    """A big first load into an empty table builds its secondary indexes once, at the end.

    Building an index from sorted data is many times faster than growing it a row at a
    time; the indexes that back constraints (primary key, unique keys) stay, so the merge
    keeps its guarantees. DDL is transactional: a failed load gets its indexes back.
    Only for an empty table, whose readers lose nothing while it is locked. `drop_unique`
    also rebuilds the table's unique constraints, for an insert that needs no arbiter.
    Yields whether it did (the caller may then insert without ON CONFLICT).
    """
    empty = not conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar()
    big = empty and conn.execute(text(f"SELECT count(*) >= {BULK_MIN_ROWS} FROM {OK_ROWS}")).scalar()
    if not big:
        yield False
        return
    _truncate_empty(conn, table)
    with indexes_built_at_the_end(conn, table, drop_unique):
        yield True


@contextlib.contextmanager
def indexes_built_at_the_end(conn: Connection, table: str, drop_unique: bool = False):
    """Drop `table`'s secondary indexes (those backing no constraint; with `drop_unique`, its
    unique constraints too) and build them again, as they were, when the block ends."""
    indexes = conn.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = CAST(:table AS regclass) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        ),
        {"table": table},
    ).all()
    uniques = []
    if drop_unique:
        uniques = conn.execute(
            text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE conrelid = CAST(:table AS regclass) AND contype = 'u'"),
            {"table": table},
        ).all()
    for name, _definition in indexes:
        conn.execute(text(f"DROP INDEX {name}"))
    for name, _definition in uniques:
        conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
    yield
    for _name, definition in indexes:
        conn.execute(text(definition))
    for name, definition in uniques:
        conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))


def _truncate_empty(conn: Connection, table: str) -> None:
    """TRUNCATE the empty table (and the empty tables that reference it, as TRUNCATE requires).

    Nothing is lost, but the table gets a new file in this transaction: with `wal_level =
    minimal` (the embedded cluster's setting) the rows inserted next skip the write-ahead
    log and are synced once at commit, as for a table created in the transaction. When a
    referencing table holds rows, or another session uses one of the tables right now, the
    table is left as it is: the load then writes the WAL, but never waits for the exclusive
    locks TRUNCATE needs (tables other loads lock in another order: a deadlock).
    """
    tables = conn.execute(
        text(
            """
            WITH RECURSIVE refs(rel) AS (
                SELECT CAST(:table AS regclass)::oid
                UNION
                SELECT c.conrelid FROM pg_constraint c JOIN refs ON c.confrelid = refs.rel WHERE c.contype = 'f'
            )
            SELECT rel::regclass::text FROM refs
            """
        ),
        {"table": table},
    ).scalars().all()
    for other in tables:
        if other != table and conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {other})")).scalar():
            return
    try:
        with conn.begin_nested():  # a refused lock undoes only this savepoint
            conn.execute(text(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE NOWAIT"))
    except OperationalError:
        return
    conn.execute(text(f"TRUNCATE {', '.join(tables)}"))
