"""The territory levels' own resolve and merge (the `resolve_hook` and `merge_hook` of each
boundary kind in etl.territory_kinds): a parent (and circuit) found by code, a code not
taken by another level; polygons, label points and areas written as the file has them; the
first load of a level builds the table's indexes at the end; the paths settled at once
where they can be.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Connection, text

from etl.merge import OK_ROWS, counts, indexes_built_at_the_end
from etl.names import LEVEL_WORDS, TERRITORY_PARENTS
from etl.spec import KindSpec

LEVEL_NAMES = {level: word.replace("_", " ") for level, (word, _adm) in LEVEL_WORDS.items()}  # for messages


def resolve_territory(spec: KindSpec) -> tuple[str, str, list]:
    """A boundary: its parent (and circuit) by code, and a code not already on another level."""
    kind = spec.kind
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


def merge_territory(conn: Connection, spec: KindSpec, present: set[str], params: dict) -> tuple[int, int]:
    level = spec.kind
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
    return counts(conn, sql, params)


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
    with indexes_built_at_the_end(conn, "territory"):
        yield True
