"""Set-based checks, in SQL: the staged rows (`stg`) resolved into `res`, each with its ids
and a reject reason or none.

Per kind, as its `KindSpec` declares: (1) rows sharing a key inside the file with different
values are refused; (2) territory refs (a code, a name, or the deepest territory that
contains a point), references (a code naming a row of another table) and links (lists of
codes) are resolved with one join each, and what does not resolve is refused with the
declared reason; (3) a kind's `resolve_hook` adds the checks its declaration cannot say.
etl.merge then writes the accepted rows. Identifiers come from the declarations, values are bound.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, text

from etl.spec import KindSpec

MAX_REPORTED_REJECTS = 100_000


def staged_keys(spec: KindSpec, staged) -> np.ndarray:
    """The key of each validated row of `spec` (a DataFrame), spelled as `key_sql` spells it."""
    first, *rest = spec.key
    if not rest:
        return staged[first].to_numpy(dtype=object)
    parts = [[str(v) for v in staged[first].tolist()]] + [_key_text(staged[name]) for name in rest]
    return np.array(["|".join(values) for values in zip(*parts)], dtype=object)


def _key_text(series) -> list[str]:
    if series.dtype.kind == "M":
        return series.to_numpy().astype("datetime64[D]").astype(str).tolist()
    return ["" if v is None else str(v) for v in series.tolist()]


def key_sql(spec: KindSpec) -> str:
    """A staged row's key, in SQL over `s`: its key fields joined by `|` (an empty one as '')."""
    first, *rest = spec.key
    if not rest:
        return f"s.{first}"
    return "(" + " || '|' || ".join([f"s.{first}"] + [f"coalesce(s.{name}::text, '')" for name in rest]) + ")"


def _mark_duplicates(conn: Connection, spec: KindSpec, columns: list[str], candidates: list[str]) -> None:
    """`dup`: keys that occur more than once, how many distinct versions, and on which rows.

    Only the `candidates` keys (those the client's `etl.repeats` sieve flagged) are
    looked at: a file without repeated keys costs no grouping of the staging table.
    """
    if not candidates:
        conn.execute(text("CREATE TEMP TABLE dup (k text, variants bigint, rows integer[]) ON COMMIT DROP"))
        return
    territory = spec.boundary
    content = ", ".join(("g.geom" if c == "geom" and territory else f"s.{c}") for c in columns if c != "row_number")
    geom_join = "LEFT JOIN stg_geom g ON g.row_number = s.row_number" if territory else ""
    conn.execute(
        text(
            f"""
            CREATE TEMP TABLE dup ON COMMIT DROP AS
            WITH candidate AS (SELECT s.* FROM stg s WHERE {key_sql(spec)} = ANY(CAST(:keys AS text[]))),
            repeated AS (SELECT {key_sql(spec)} AS k FROM candidate s GROUP BY 1 HAVING count(*) > 1)
            SELECT x.k, count(DISTINCT x.h) AS variants, array_agg(x.row_number ORDER BY x.row_number) AS rows
            FROM (
                SELECT r.k, s.row_number, md5(ROW({content})::text) AS h
                FROM candidate s JOIN repeated r ON r.k = {key_sql(spec)} {geom_join}
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


def resolve_sql(spec: KindSpec) -> tuple[str, str, list]:
    """(extra select columns, joins, reason WHEN-clauses with their fields) for a kind: its
    territory refs, `references` and `links` as declared, then its `resolve_hook`'s."""
    cols, joins, reasons = [], "", []
    if spec.territory_refs:
        cols.append(f"{TERRITORY_ID} AS territory_id")
        joins += TERRITORY_REF_SQL
        reasons += TERRITORY_REF_REASONS
    for ref in spec.references:
        cols.append(f"{ref.alias}.id AS {ref.id_column}")
        level = f" AND {ref.alias}.level = '{ref.level}'" if ref.level else ""
        joins += f"\n            LEFT JOIN {ref.table} {ref.alias} ON {ref.alias}.code = s.{ref.field}{level}"
        guard = "" if ref.required else f"s.{ref.field} IS NOT NULL AND "
        reasons.append((f"WHEN {guard}{ref.alias}.id IS NULL THEN {ref.reason}", ref.field))
    for link in spec.links:
        cols.append(f"{link.alias}.missing AS {link.field}_missing")
        joins += f"""
        LEFT JOIN LATERAL (
            SELECT string_agg(x, ', ') AS missing FROM unnest(string_to_array(s.{link.field}, ';')) AS u(raw),
                 LATERAL (SELECT btrim(u.raw) AS x) v
            WHERE v.x <> '' AND NOT EXISTS (SELECT 1 FROM {link.table} lk WHERE lk.code = v.x)
        ) {link.alias} ON true"""
        reasons.append((f"WHEN {link.alias}.missing IS NOT NULL THEN '{link.label} que no existen: ' || {link.alias}.missing",
                        link.field))
    if spec.resolve_hook is not None:
        extra_cols, extra_joins, extra_reasons = spec.resolve_hook(spec)
        if extra_cols:
            cols.append(extra_cols)
        joins += extra_joins
        reasons += extra_reasons
    return ", ".join(cols), joins, reasons


def resolve(conn: Connection, spec: KindSpec, columns: list[str], candidates: list[str]) -> None:
    """Build `res`: the staged rows with their resolved ids, a reject reason or none, and `keep`.
    `candidates`: the keys that may repeat in the file (see `_mark_duplicates`)."""
    _mark_duplicates(conn, spec, columns, candidates)
    if spec.territory_refs:
        _territory_names(conn)
        _spatial_join(conn, points=spec.geometry in ("point", "area"))
    cols, joins, reasons = resolve_sql(spec)
    territory = spec.boundary
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
            SELECT s.*, {geom}{cols + ', ' if cols else ''}{reason_sql} AS reason, {field_sql} AS reason_field, {KEEP}
            FROM stg s {geom_join} {DUP_JOIN.format(key=key_sql(spec))} {joins}
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
