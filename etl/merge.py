"""Set-based checks and merge, in SQL: from the staging table `stg` into the real tables.

Per kind: (1) rows sharing a key inside the file with different values are refused;
(2) references are resolved with one join each (codes, or the deepest territory that
contains a point) and what does not resolve is refused; (3) one
`INSERT … ON CONFLICT … DO UPDATE … WHERE (old) IS DISTINCT FROM (new)` writes the rest,
so an unchanged row is not touched and `xmax = 0` tells inserted from updated.

Only the columns a file has are written on update: a municipality table without
polygons does not erase polygons loaded before, and a later polygon file does not
erase the population. Identifiers come from this module's own tables, values are bound.
"""

from __future__ import annotations

import contextlib

import numpy as np
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from etl.kinds import TERRITORY_KINDS, TERRITORY_PARENTS, KindSpec
from etl.team_kinds import resolve_team

LEVEL_NAMES = {
    "state": "estado",
    "municipality": "municipio",
    "parish": "parroquia",
    "circuit": "circuito",
    "commune": "comuna",
    "council": "consejo comunal",
}
MAX_REPORTED_REJECTS = 100_000


def staged_keys(kind: str, staged) -> np.ndarray:
    """The key of each validated row of `kind` (a DataFrame), spelled as `_key` spells it."""
    if kind == "clap-delivery":
        days = staged["delivery_date"].to_numpy().astype("datetime64[D]").astype(str)
        return np.array([f"{c}|{d}" for c, d in zip(staged["clap_code"].tolist(), days.tolist())], dtype=object)
    if kind == "consultation-round":  # a row is a round × territory × project (or none)
        parts = zip(staged["code"].tolist(), staged["territory_code"].tolist(), staged["project_code"].tolist())
        return np.array([f"{c}|{t or ''}|{p or ''}" for c, t, p in parts], dtype=object)
    return staged["code"].to_numpy(dtype=object)


def _key(kind: str) -> str:
    if kind == "consultation-round":
        return "(s.code || '|' || coalesce(s.territory_code, '') || '|' || coalesce(s.project_code, ''))"
    return "(s.clap_code || '|' || s.delivery_date::text)" if kind == "clap-delivery" else "s.code"


def _mark_duplicates(conn: Connection, spec: KindSpec, columns: list[str], candidates: list[str]) -> None:
    """`dup`: keys that occur more than once, how many distinct versions, and on which rows.

    Only the `candidates` keys (those the client's `etl.repeats` sieve flagged) are
    looked at: a file without repeated keys costs no grouping of the staging table.
    """
    if not candidates:
        conn.execute(text("CREATE TEMP TABLE dup (k text, variants bigint, rows integer[]) ON COMMIT DROP"))
        return
    territory = spec.kind in TERRITORY_KINDS
    content = ", ".join(("g.geom" if c == "geom" and territory else f"s.{c}") for c in columns if c != "row_number")
    geom_join = "LEFT JOIN stg_geom g ON g.row_number = s.row_number" if territory else ""
    conn.execute(
        text(
            f"""
            CREATE TEMP TABLE dup ON COMMIT DROP AS
            WITH candidate AS (SELECT s.* FROM stg s WHERE {_key(spec.kind)} = ANY(CAST(:keys AS text[]))),
            repeated AS (SELECT {_key(spec.kind)} AS k FROM candidate s GROUP BY 1 HAVING count(*) > 1)
            SELECT x.k, count(DISTINCT x.h) AS variants, array_agg(x.row_number ORDER BY x.row_number) AS rows
            FROM (
                SELECT r.k, s.row_number, md5(ROW({content})::text) AS h
                FROM candidate s JOIN repeated r ON r.k = {_key(spec.kind)} {geom_join}
            ) x
            GROUP BY x.k
            """
        ),
        {"keys": candidates},
    )


DUP_REASON = (
    "WHEN d.variants > 1 THEN 'clave repetida en el archivo con valores distintos (filas ' "
    "|| array_to_string(d.rows[1:10], ', ') || ')'"
)
DUP_JOIN = "LEFT JOIN dup d ON d.k = {key}"
KEEP = "(d.rows IS NULL OR d.rows[1] = s.row_number) AS keep"

TERRITORY_REF_SQL = """
    LEFT JOIN territory tc ON tc.code = s.territory_code
    LEFT JOIN ref_names rn ON tc.id IS NULL AND rn.value = s.territory_code
    LEFT JOIN spatial sj ON sj.row_number = s.row_number
"""
TERRITORY_REF_REASONS = [
    ("WHEN s.territory_code IS NOT NULL AND tc.id IS NULL AND rn.n > 1 THEN 'el nombre «' || s.territory_code || "
     "'» corresponde a ' || rn.n || ' territorios: indique el código'", "territory_code"),
    ("WHEN s.territory_code IS NOT NULL AND tc.id IS NULL AND rn.id IS NULL "
     "THEN 'el territorio «' || s.territory_code || '» no existe'", "territory_code"),
    ("WHEN s.territory_code IS NULL AND sj.id IS NULL THEN 'el punto no cae dentro de ningún territorio cargado'",
     "geometry"),
]


TERRITORY_ID = "COALESCE(tc.id, CASE WHEN rn.n = 1 THEN rn.id END, sj.id)"


def _territory_names(conn: Connection) -> None:
    """`ref_names`: the referenced values that are no code, matched to territory names.

    A room export often names the parish or municipality instead of coding it; a name that
    matches exactly one territory (any case) is as good as its code, an ambiguous one is refused.
    """
    conn.execute(
        text(
            """
            CREATE TEMP TABLE ref_names ON COMMIT DROP AS
            SELECT v.value, min(t.id) AS id, count(t.id) AS n
            FROM (
                SELECT DISTINCT s.territory_code AS value FROM stg s
                WHERE s.territory_code IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM territory x WHERE x.code = s.territory_code)
            ) v
            LEFT JOIN territory t ON lower(t.name) = lower(v.value) AND t.level <> 'circuit'
            GROUP BY v.value
            """
        )
    )


def _spatial_join(conn: Connection, points: bool = True) -> None:
    """`spatial`: for the rows placed by coordinates alone, the deepest loaded territory
    holding the point. Only those rows are joined (a per-row subquery over every staged
    row would cost a sort setup each, even when it has nothing to do). A kind without
    points (the routing table) names its territories by code only: the table is empty."""
    if not points:
        conn.execute(text("CREATE TEMP TABLE spatial (row_number bigint, id bigint) ON COMMIT DROP"))
        return
    conn.execute(
        text(
            """
            CREATE TEMP TABLE spatial ON COMMIT DROP AS
            SELECT s.row_number, (
                SELECT t.id FROM territory t
                WHERE t.level <> 'circuit' AND t.geom && s.geom AND ST_Intersects(t.geom, s.geom)
                ORDER BY t.depth DESC, t.id LIMIT 1
            ) AS id
            FROM stg s WHERE s.territory_code IS NULL AND s.geom IS NOT NULL
            """
        )
    )
    conn.execute(text("ANALYZE spatial"))


def _resolve_sql(spec: KindSpec) -> tuple[str, str, list]:
    """(extra select columns, joins, reason WHEN-clauses with their fields) for a kind: its
    territory refs and `references` as declared in etl.kinds, then what its own merge needs."""
    if spec.kind in TERRITORY_KINDS:
        return _resolve_territory(spec.kind)
    if spec.kind in OWN_RESOLVE:
        return OWN_RESOLVE[spec.kind]()
    cols, joins, reasons = [], "", []
    if spec.territory_refs:
        cols.append(f"{TERRITORY_ID} AS territory_id")
        joins += TERRITORY_REF_SQL
        reasons += TERRITORY_REF_REASONS
    for ref in spec.references:
        cols.append(f"{ref.alias}.id AS {ref.id_column}")
        joins += f"\n            LEFT JOIN {ref.table} {ref.alias} ON {ref.alias}.code = s.{ref.field}"
        guard = "" if ref.required else f"s.{ref.field} IS NOT NULL AND "
        reasons.append((f"WHEN {guard}{ref.alias}.id IS NULL THEN '{ref.label} «' || s.{ref.field} || '» no existe'", ref.field))
    if spec.kind in OWN_COLUMNS:
        extra_cols, extra_joins = OWN_COLUMNS[spec.kind]
        cols.append(extra_cols)
        joins += extra_joins
    reasons += OWN_REASONS.get(spec.kind, [])
    return ", ".join(cols), joins, reasons


def _resolve_territory(kind: str) -> tuple[str, str, list]:
    """A boundary: its parent (and circuit) by code, and a code not already on another level."""
    parents = ", ".join(f"'{p}'" for p in TERRITORY_PARENTS[kind]) or "NULL"
    cols = "p.id AS parent_id, p.path AS parent_path, p.depth AS parent_depth, c.id AS circuit_id"
    joins = f"""
        LEFT JOIN territory ex ON ex.code = s.code
        LEFT JOIN territory p ON p.code = s.parent_code AND p.level IN ({parents})
        LEFT JOIN territory c ON c.code = s.circuit_code AND c.level = 'circuit'
    """
    reasons = [
        (
            f"WHEN ex.id IS NOT NULL AND ex.level <> '{kind}' THEN 'el código «' || s.code || '» ya existe en otro nivel ('"
            " || ex.level || ')'",
            "code",
        ),
        (
            f"WHEN '{kind}' <> 'state' AND p.id IS NULL THEN 'el territorio padre «' || s.parent_code || '» no existe "
            f"(se esperaba: {' o '.join(LEVEL_NAMES[p] for p in TERRITORY_PARENTS[kind]) or '-'}; cargue antes ese nivel)'",
            "parent_code",
        ),
        (
            "WHEN s.circuit_code IS NOT NULL AND c.id IS NULL THEN 'el circuito comunal «' || s.circuit_code || '» no existe'",
            "circuit_code",
        ),
    ]
    return cols, joins, reasons


def _resolve_agreement() -> tuple[str, str, list]:
    """An agreement: its municipality, and every linked case and project must exist."""
    cols = "mu.id AS municipality_id, mc.missing AS missing_cases, mp.missing AS missing_projects"
    joins = """
        LEFT JOIN territory mu ON mu.code = s.municipality_code AND mu.level = 'municipality'
        LEFT JOIN LATERAL (
            SELECT string_agg(x, ', ') AS missing FROM unnest(string_to_array(s.case_codes, ';')) AS u(raw),
                 LATERAL (SELECT btrim(u.raw) AS x) v
            WHERE v.x <> '' AND NOT EXISTS (SELECT 1 FROM case_report cr WHERE cr.code = v.x)
        ) mc ON true
        LEFT JOIN LATERAL (
            SELECT string_agg(x, ', ') AS missing FROM unnest(string_to_array(s.project_codes, ';')) AS u(raw),
                 LATERAL (SELECT btrim(u.raw) AS x) v
            WHERE v.x <> '' AND NOT EXISTS (SELECT 1 FROM project pr WHERE pr.code = v.x)
        ) mp ON true
    """
    reasons = [
        ("WHEN mu.id IS NULL THEN 'el municipio «' || s.municipality_code || '» no existe'", "municipality_code"),
        ("WHEN mc.missing IS NOT NULL THEN 'casos vinculados que no existen: ' || mc.missing", "case_codes"),
        ("WHEN mp.missing IS NOT NULL THEN 'proyectos vinculados que no existen: ' || mp.missing", "project_codes"),
    ]
    return cols, joins, reasons


def resolve(conn: Connection, spec: KindSpec, columns: list[str], candidates: list[str]) -> None:
    """Build `res`: the staged rows with their resolved ids, a reject reason or none, and `keep`.
    `candidates`: the keys that may repeat in the file (see `_mark_duplicates`)."""
    _mark_duplicates(conn, spec, columns, candidates)
    if spec.territory_refs:
        _territory_names(conn)
        _spatial_join(conn, points=spec.geometry in ("point", "area"))
    cols, joins, reasons = _resolve_sql(spec)
    territory = spec.kind in TERRITORY_KINDS
    geom = "g.geom, g.area_km2 AS derived_area_km2, " if territory else ""
    geom_join = "LEFT JOIN stg_geom g ON g.row_number = s.row_number" if territory else ""
    reason_sql = "CASE " + DUP_REASON + " " + " ".join(r for r, _ in reasons) + " END"
    field_sql = "CASE WHEN d.variants > 1 THEN 'code' " + " ".join(
        r.split(" THEN ")[0] + f" THEN '{f}'" for r, f in reasons
    ) + " END"
    conn.execute(
        text(
            f"""
            CREATE TEMP TABLE res ON COMMIT DROP AS
            SELECT s.*, {geom}{cols}, {reason_sql} AS reason, {field_sql} AS reason_field, {KEEP}
            FROM stg s {geom_join} {DUP_JOIN.format(key=_key(spec.kind))} {joins}
            """
        )
    )
    # A fresh temp table has no statistics; the merge's joins plan far better with them. A
    # boundary's merge joins on the code alone: its polygons' statistics are not worth building.
    conn.execute(text("ANALYZE res (code, reason, keep)" if territory else "ANALYZE res"))


def record_rejects(conn: Connection, run_id: int, columns: list[str]) -> list[dict]:
    """Store the refused rows of `res` in etl_reject and return them for the report."""
    values = ", ".join(
        f"'{c}', " + ("substr(ST_AsText(r.geom), 1, 200)" if c in ("geom", "label_point") else f"r.{c}")
        for c in columns
        if c not in ("row_number", "attributes")
    )
    rows = conn.execute(
        text(
            f"""
            INSERT INTO etl_reject (run_id, row_number, field, reason, raw)
            SELECT :run, r.row_number, r.reason_field, r.reason, jsonb_strip_nulls(jsonb_build_object({values}))
            FROM res r WHERE r.reason IS NOT NULL
            ORDER BY r.row_number
            RETURNING row_number, field, reason, raw
            """
        ),
        {"run": run_id},
    ).all()
    return [{"row": r.row_number, "reason": r.reason, "field": r.field, "values": r.raw} for r in rows[:MAX_REPORTED_REJECTS]]


def accepted_count(conn: Connection) -> int:
    return conn.execute(text("SELECT count(*) FROM res WHERE reason IS NULL")).scalar_one()


def _merge(conn: Connection, sql: str, params: dict) -> tuple[int, int]:
    row = conn.execute(text(sql), params).one()
    return int(row[0] or 0), int(row[1] or 0)


def _insert(conn: Connection, sql: str, params: dict) -> int:
    return conn.execute(text(sql), params).rowcount


def _upsert(table: str, conflict: str, insert_cols: list[str], select_exprs: list[str], update_cols: list[str],
            source: str, extra_returning: str = "", tail: str = "") -> str:
    """The merge statement: insert, or update only when a written column differs."""
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in update_cols)
    old = ", ".join(f"t.{c}" for c in update_cols)
    new = ", ".join(f"EXCLUDED.{c}" for c in update_cols)
    stamp = ", updated_at = now()" if table in ("territory", "project", "agreement", "case_report", "routing_rule", "team_member") else ""
    return f"""
        WITH m AS (
            INSERT INTO {table} AS t ({', '.join(insert_cols)})
            SELECT {', '.join(select_exprs)} FROM {source}
            ON CONFLICT {conflict} DO UPDATE SET {sets}, load_run_id = EXCLUDED.load_run_id{stamp}
            WHERE ROW({old}) IS DISTINCT FROM ROW({new})
            RETURNING t.id, (t.xmax = 0) AS ins{extra_returning}
        ){tail}
        SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM m
    """


OK_ROWS = "res r WHERE r.reason IS NULL AND r.keep"


def merge(conn: Connection, spec: KindSpec, present: set[str], params: dict) -> tuple[int, int]:
    """Write the accepted rows; returns (inserted, updated). `present`: fields the file has.
    A kind's merge is declared with it (`KindSpec.merge`) unless it has one of its own here."""
    if spec.kind in TERRITORY_KINDS:
        return _merge_territory(conn, spec.kind, present, params)
    if spec.merge is not None:
        m = spec.merge
        return _merge_simple(conn, m.table, m.conflict, m.columns, set(m.always), present, params, key=m.key)
    return OWN_MERGES[spec.kind](conn, present, params)


def _merge_simple(conn, table, conflict, cols, always, present, params, key=("code",), extra_returning="", updated_tail=""):
    """Merge the accepted rows into `table`. `updated_tail`: CTEs that follow the merge `m`
    (with `extra_returning` columns) and act on the rows it updated."""
    written = {c for c in cols if c not in key and (c in always or c in present or _present_alias(c, present))}
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
    sql = _upsert(table, conflict, insert_cols, select_exprs, update_cols, source, extra_returning, updated_tail)
    return _merge(conn, sql, params)


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
    with _indexes_built_at_the_end(conn, table, drop_unique):
        yield True


@contextlib.contextmanager
def _indexes_built_at_the_end(conn: Connection, table: str, drop_unique: bool = False):
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


def _present_alias(column: str, present: set[str]) -> bool:
    """A table column written from a differently named field."""
    return {"territory_id": "territory_code", "project_id": "project_code", "clap_id": "clap_code",
            "geom": "geometry", "municipality_id": "municipality_code"}.get(column) in present


def _merge_territory(conn: Connection, level: str, present: set[str], params: dict) -> tuple[int, int]:
    has_polygons = "polygons" in present
    has_points = "points" in present
    cols = {
        "level": ":level", "code": "r.code", "name": "r.name", "parent_id": "r.parent_id",
        "circuit_id": "r.circuit_id", "iso_code": "r.iso_code", "geom": "ST_Multi(ST_SetSRID(r.geom, 4326))",
        "label_point": "COALESCE(r.label_point, ST_PointOnSurface(ST_SetSRID(r.geom, 4326)))",
        # The area the reader computed, if it could; the database's only for the rest (etl.polygons).
        "area_km2": "COALESCE(r.area_km2, r.derived_area_km2, ST_Area(ST_SetSRID(r.geom, 4326)::geography) / 1e6)",
        "population": "r.population", "households": "r.households",
        "attributes": "COALESCE(r.attributes, '{}'::jsonb)",
        # Right at once for a parent already in place; rebuild_paths mends the rest.
        "path": "COALESCE(r.parent_path, '/') || r.code || '/'",
        "depth": "COALESCE(r.parent_depth + 1, 0)",
    }
    update = ["name", "parent_id"]
    update += [c for c in ("iso_code", "population", "households") if c in present]
    if "circuit_code" in present:
        update.append("circuit_id")
    if has_polygons:
        update.append("geom")
    if has_points:
        update.append("label_point")
    if "area_km2" in present:
        update.append("area_km2")
    update.append("is_demo")
    sets = [f"{c} = EXCLUDED.{c}" for c in update] + ["path = EXCLUDED.path", "depth = EXCLUDED.depth"]
    old = [f"t.{c}" for c in update]
    new = [f"EXCLUDED.{c}" for c in update]
    if has_polygons and not has_points:
        # A label point or area derived from the polygon follows the polygon when it changes.
        sets.append("label_point = CASE WHEN t.label_point IS NULL OR t.geom IS DISTINCT FROM EXCLUDED.geom "
                    "THEN EXCLUDED.label_point ELSE t.label_point END")
    if has_polygons and "area_km2" not in present:
        sets.append("area_km2 = CASE WHEN t.area_km2 IS NULL OR t.geom IS DISTINCT FROM EXCLUDED.geom "
                    "THEN EXCLUDED.area_km2 ELSE t.area_km2 END")
    if "attributes" in present:
        sets.append("attributes = t.attributes || EXCLUDED.attributes")
        old.append("t.attributes")
        new.append("t.attributes || EXCLUDED.attributes")
    params = {**params, "level": level}
    insert = f"""
            INSERT INTO territory AS t ({', '.join(cols)}, is_demo, load_run_id)
            SELECT {', '.join(cols.values())}, :demo, :run FROM {OK_ROWS}"""
    with _first_load_of_level(conn, level) as first:
        if first:
            # No row of this level yet: the kept rows have distinct codes, none of them taken by
            # another level (refused in `res`), so nothing can conflict; the unique key still
            # guards it, and would refuse the load, whole, were a code repeated after all.
            inserted = conn.execute(text(insert), params).rowcount
            return inserted, 0
    # Rows identical to the stored ones (the DO UPDATE's WHERE would skip them) are set aside by
    # one anti-join first: a reload of an unchanged file then derives and checks nothing per row.
    exprs = {**cols, "is_demo": ":demo"}
    same_old = [f"t0.{c}" for c in update]
    same_new = [exprs[c] for c in update]
    if "attributes" in present:
        same_old.append("t0.attributes")
        same_new.append(f"t0.attributes || {cols['attributes']}")
    insert += (
        f" AND NOT EXISTS (SELECT 1 FROM territory t0 WHERE t0.code = r.code "
        f"AND ROW({', '.join(same_old)}) IS NOT DISTINCT FROM ROW({', '.join(same_new)}))"
    )
    sql = f"""
        WITH m AS ({insert}
            ON CONFLICT (code) DO UPDATE SET {', '.join(sets)}, load_run_id = EXCLUDED.load_run_id, updated_at = now()
            WHERE ROW({', '.join(old)}) IS DISTINCT FROM ROW({', '.join(new)})
            RETURNING (t.xmax = 0) AS ins
        )
        SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM m
    """
    return _merge(conn, sql, params)


def paths_settled(conn: Connection) -> bool:
    """Whether the rows a territory load inserted got their final path at once, so that the
    whole-tree rebuild (a recursive walk over every territory) has nothing to mend.

    A new row cannot be anyone's parent yet, and its path is its parent's plus its code; that
    holds when the parent's own path was in place (every load ends with the paths rebuilt, and
    nothing else writes the tree). A parent without one (added by hand, never rebuilt) or any
    updated row (its parent may have changed) still calls for the rebuild.
    """
    return not conn.execute(
        text(f"SELECT EXISTS (SELECT 1 FROM {OK_ROWS} AND r.parent_id IS NOT NULL "
             "AND (r.parent_path IS NULL OR r.parent_path NOT LIKE '/%/' OR r.parent_depth IS NULL))")
    ).scalar()


TERRITORY_BULK_MIN_ROWS = 5_000


@contextlib.contextmanager
def _first_load_of_level(conn: Connection, level: str):
    """The first load of a level (none of its rows stored yet, many coming, at least as many as the
    table holds) builds the territory table's secondary indexes once, at the end: growing a GiST
    index polygon by polygon costs several times building it from the whole set.

    Unlike `_bulk_indexes`, the table is not empty: dropping its indexes takes an ACCESS
    EXCLUSIVE lock on `territory` until the load commits, so readers (the dashboard's maps) wait
    for the load. Acceptable for a first load of a level, which happens once per installation;
    later loads of the level keep the indexes and their readers. DDL is transactional: a failed
    load gets the indexes back. The primary and unique keys stay. Yields whether it did.
    """
    big = conn.execute(
        text(
            f"SELECT NOT EXISTS (SELECT 1 FROM territory WHERE level = :level) "
            f"AND (SELECT count(*) FROM {OK_ROWS}) >= GREATEST(:min, (SELECT count(*) FROM territory))"
        ),
        {"level": level, "min": TERRITORY_BULK_MIN_ROWS},
    ).scalar()
    if not big:
        yield False
        return
    with _indexes_built_at_the_end(conn, "territory"):
        yield True


# When an observed status change happened: a closing one on its resolved_date, any other today.
CHANGED_ON = (
    "CASE WHEN m.status IN ('resolved', 'closed') AND m.resolved_date IS NOT NULL THEN m.resolved_date "
    "ELSE GREATEST(current_date, m.reported_date) END"
)


def _merge_case(conn: Connection, present: set[str], params: dict) -> tuple[int, int]:
    cols = {
        "code": "r.code", "reported_date": "r.reported_date", "category": "r.category", "area": "r.area",
        "status": "r.status", "territory_id": "r.territory_id", "institution": "r.institution",
        "due_date": "r.due_date", "resolved_date": "r.resolved_date", "description": "r.description", "geom": "r.geom",
    }
    # History holds what a load observed, not what the case row already says: a new case
    # is "reported" on its reported_date and in its current status since it arrived (both
    # read from case_report by geodata.records.case_history), so a first load writes no
    # history at all. A load that changes a stored case's status writes the change (dated
    # by its resolved_date, else today) and, the first time, the status it arrived in.
    tail = """,
        hist AS (
            INSERT INTO case_status_change (case_id, status, changed_on)
            SELECT m.id, r.old_status, LEAST(m.created_at::date, {changed})
            FROM m JOIN res r ON r.code = m.code AND r.reason IS NULL AND r.keep
            WHERE NOT m.ins AND r.old_status IS DISTINCT FROM m.status AND r.old_status <> 'reported'
              AND NOT EXISTS (SELECT 1 FROM case_status_change h WHERE h.case_id = m.id)
            UNION ALL
            SELECT m.id, m.status, {changed}
            FROM m JOIN res r ON r.code = m.code AND r.reason IS NULL AND r.keep
            WHERE NOT m.ins AND r.old_status IS DISTINCT FROM m.status
            ON CONFLICT DO NOTHING
        )""".replace("{changed}", CHANGED_ON)
    counts = _merge_simple(
        conn, "case_report", "(code)", cols, {"reported_date", "category", "area", "status", "territory_id"}, present,
        params, extra_returning=", t.code, t.status, t.reported_date, t.resolved_date, t.created_at", updated_tail=tail,
    )
    for column, table in (("project", "project_id"), ("agreement", "agreement_id")):
        conn.execute(
            text(
                f"""
                INSERT INTO case_solution (case_id, {table})
                SELECT c.id, r.{table} FROM {OK_ROWS.replace('res r', 'res r JOIN case_report c ON c.code = r.code')}
                  AND r.{table} IS NOT NULL
                ON CONFLICT DO NOTHING
                """
            )
        )
    return counts


def _merge_agreement(conn: Connection, present: set[str], params: dict) -> tuple[int, int]:
    conn.execute(
        text(
            f"""
            INSERT INTO cabinet (municipality_id, installed_date, is_demo, load_run_id)
            SELECT r.municipality_id, min(r.cabinet_date), :demo, :run FROM {OK_ROWS}
            GROUP BY r.municipality_id
            ON CONFLICT (municipality_id) DO UPDATE SET installed_date = EXCLUDED.installed_date
            WHERE cabinet.installed_date IS NULL OR cabinet.installed_date > EXCLUDED.installed_date
            """
        ),
        params,
    )
    conn.execute(
        text(
            f"""
            INSERT INTO working_table (cabinet_id, area, name)
            SELECT DISTINCT ON (cb.id, r.working_table) cb.id, r.area, r.working_table
            FROM {OK_ROWS.replace('res r', 'res r JOIN cabinet cb ON cb.municipality_id = r.municipality_id')}
              AND r.working_table IS NOT NULL
            ORDER BY cb.id, r.working_table, r.row_number
            ON CONFLICT (cabinet_id, name) DO NOTHING
            """
        )
    )
    conn.execute(
        text(
            """
            CREATE TEMP TABLE res_agreement ON COMMIT DROP AS
            SELECT r.*, cb.id AS cabinet_id, wt.id AS working_table_id
            FROM res r JOIN cabinet cb ON cb.municipality_id = r.municipality_id
            LEFT JOIN working_table wt ON wt.cabinet_id = cb.id AND wt.name = r.working_table
            WHERE r.reason IS NULL AND r.keep
            """
        )
    )
    cols = {
        "code": "r.code", "municipality_id": "r.municipality_id", "cabinet_id": "r.cabinet_id",
        "working_table_id": "r.working_table_id", "cabinet_date": "r.cabinet_date", "area": "r.area", "text": "r.text",
        "institution": "r.institution", "status": "COALESCE(r.status, 'pending')", "due_date": "r.due_date",
        "done_date": "r.done_date",
    }
    always = {"municipality_id", "cabinet_id", "cabinet_date", "area", "text", "institution", "status"}
    if "working_table" in present:
        always.add("working_table_id")
    written = [c for c in cols if c != "code" and (c in always or c in present)]
    sql = _upsert("agreement", "(code)", list(cols) + ["is_demo", "load_run_id"], list(cols.values()) + [":demo", ":run"],
                  written + ["is_demo"], "res_agreement r")
    counts = _merge(conn, sql, params)
    conn.execute(
        text(
            """
            INSERT INTO agreement_project (agreement_id, project_id)
            SELECT a.id, p.id FROM res_agreement r JOIN agreement a ON a.code = r.code
            CROSS JOIN LATERAL unnest(string_to_array(r.project_codes, ';')) AS u(raw)
            JOIN project p ON p.code = btrim(u.raw)
            ON CONFLICT DO NOTHING
            """
        )
    )
    conn.execute(
        text(
            """
            INSERT INTO case_solution (case_id, agreement_id)
            SELECT c.id, a.id FROM res_agreement r JOIN agreement a ON a.code = r.code
            CROSS JOIN LATERAL unnest(string_to_array(r.case_codes, ';')) AS u(raw)
            JOIN case_report c ON c.code = btrim(u.raw)
            ON CONFLICT DO NOTHING
            """
        )
    )
    return counts


from etl.merge_consultation import CONSULTATION_COLUMNS, CONSULTATION_REASONS, merge_consultation  # noqa: E402 (uses this module)

# The kinds whose resolve or merge is more than their declaration in etl.kinds says.
OWN_RESOLVE = {"agreement": _resolve_agreement, "followup-team": resolve_team}
OWN_COLUMNS = {
    "case": ("ex.status AS old_status", "\n            LEFT JOIN case_report ex ON ex.code = s.code"),
    "consultation-round": CONSULTATION_COLUMNS,
}
OWN_REASONS = {"consultation-round": CONSULTATION_REASONS}
OWN_MERGES = {"case": _merge_case, "agreement": _merge_agreement, "consultation-round": merge_consultation}
