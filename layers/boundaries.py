"""Boundaries on the wire: the children of one territory as GeoJSON, built once and cached.

The map of a level is the simplified geometry (`geom_display`) of the children of the
territory shown, with coordinates rounded to 5 decimals (about a metre), so a drill-down
sends one small file per parent and the browser keeps it (the dashboard serves it under a
versioned URL with long cache headers). The JSON is built inside PostGIS, which is far
faster than assembling it in Python.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, text

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Territory
from geodata.place import Where, code_of, node_of
from layers.lru import LRUCache

COORDINATE_DECIMALS = 5
COUNTRY = "country"  # the code used in URLs and cache keys for the whole country


@dataclass(frozen=True)
class Boundaries:
    """One parent's children as GeoJSON bytes, with the ETag the server sends for them."""

    parent_code: str | None
    body: bytes
    etag: str
    feature_count: int
    bbox: tuple[float, float, float, float] | None

    def as_dict(self) -> dict:
        return json.loads(self.body)


def boundary_version(conn: Connection) -> str:
    """Changes whenever the tree changes: part of every cache key and URL.

    The stamp in `data_version`, which a statement trigger bumps in the same transaction as
    every write to `territory` (loads, path rebuilds, generalisation): one primary-key
    read, shared by every server process. Without the stamp row (deleted by hand) it falls
    back to counting the nodes.
    """
    # The time of the last change makes the stamp differ between databases (a re-created
    # demo at the same count of writes), so keys holding it never mix them up.
    row = conn.execute(text("SELECT version, changed_at FROM data_version WHERE name = 'territory'")).first()
    stamp = None if row is None else f"{row.version}|{row.changed_at.isoformat()}"
    if stamp is None:
        row = conn.execute(text("SELECT count(*), max(id) FROM territory")).one()
        stamp = f"count|{row[0]}|{row[1] or 0}"
    return hashlib.sha1(f"territory|{stamp}".encode()).hexdigest()[:12]


def _parent(conn: Connection, parent_code: Where, scope: Scope):
    if parent_code in ("", COUNTRY):
        return None
    node = node_of(conn, parent_code, scope)
    # Outside the scope reads as "not found", so a director cannot probe other states.
    if node is not None and not (scope.allows(node.path) or scope.ancestor_visible(node.path)):
        raise ScopeError(code_of(parent_code))
    return node


_FEATURES_SQL = text(
    f"""
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'features', COALESCE(json_agg(json_build_object(
            'type', 'Feature',
            'id', t.code,
            'properties', json_build_object('code', t.code, 'name', t.name, 'level', t.level),
            'geometry', ST_AsGeoJSON(COALESCE(t.geom_display, t.geom), {COORDINATE_DECIMALS})::json
        ) ORDER BY t.code), '[]'::json)
    )::text AS body,
    count(*) AS n,
    ST_XMin(ST_Extent(COALESCE(t.geom_display, t.geom))) AS xmin,
    ST_YMin(ST_Extent(COALESCE(t.geom_display, t.geom))) AS ymin,
    ST_XMax(ST_Extent(COALESCE(t.geom_display, t.geom))) AS xmax,
    ST_YMax(ST_Extent(COALESCE(t.geom_display, t.geom))) AS ymax
    FROM territory t
    WHERE t.level <> 'circuit'
      AND COALESCE(t.geom_display, t.geom) IS NOT NULL
      AND ((CAST(:parent_id AS bigint) IS NULL AND t.parent_id IS NULL) OR t.parent_id = CAST(:parent_id AS bigint))
      AND (CAST(:scope_path AS text) IS NULL
           OR starts_with(t.path, CAST(:scope_path AS text)))
    """
)


def _build(conn: Connection, parent_code: str | None, scope: Scope) -> Boundaries:
    parent = _parent(conn, parent_code, scope)
    row = conn.execute(
        _FEATURES_SQL,
        {"parent_id": parent.id if parent else None, "scope_path": scope.territory_path},
    ).one()
    body = row.body.encode()
    bbox = None if row.xmin is None else (row.xmin, row.ymin, row.xmax, row.ymax)
    return Boundaries(
        parent_code=parent.code if parent else None,
        body=body,
        etag=hashlib.sha1(body).hexdigest()[:20],
        feature_count=row.n,
        bbox=bbox,
    )


# A small LRU of built boundaries, keyed by database, version, parent and scope.
_cache = LRUCache(256)


def children_boundaries(conn: Connection, parent_code: Where, scope: Scope = NATIONAL) -> Boundaries:
    """The children of `parent_code` (a Place, a node or a code; None: the states) as
    cached GeoJSON bytes.

    Raises ScopeError when the parent is unknown or outside the scope.
    """
    version = boundary_version(conn)
    key = (str(conn.engine.url), version, code_of(parent_code) or COUNTRY, scope.territory_path)
    return _cache.get_or_build(key, lambda: _build(conn, parent_code, scope))


def children_geojson(conn: Connection, parent_code: str | None, scope: Scope = NATIONAL) -> dict:
    """The children of `parent_code` (None: the states) as a GeoJSON FeatureCollection.

    Each feature has `id` and `properties.code` = the territory code (what the map's
    locations refer to), `properties.name` and `properties.level`.
    """
    return children_boundaries(conn, parent_code, scope).as_dict()


def territory_bbox(conn: Connection, code: Where, scope: Scope = NATIONAL) -> tuple[float, float, float, float] | None:
    """The extent of a territory (a Place, a node or a code; None: of the states visible in the scope)."""
    node = _parent(conn, code, scope)
    if node is None:
        return children_boundaries(conn, None, scope).bbox
    row = conn.execute(
        select(
            func.ST_XMin(func.ST_Extent(Territory.geom)),
            func.ST_YMin(func.ST_Extent(Territory.geom)),
            func.ST_XMax(func.ST_Extent(Territory.geom)),
            func.ST_YMax(func.ST_Extent(Territory.geom)),
        ).where(Territory.id == node.id)
    ).one()
    if row[0] is None:
        return children_boundaries(conn, node, scope).bbox
    return tuple(row)


def clear_cache() -> None:
    _cache.clear()
