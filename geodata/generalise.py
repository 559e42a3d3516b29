"""Display geometry: each level simplified once, as a coverage.

`territory.geom` keeps the boundary as loaded; `territory.geom_display` is what the map
draws. Simplifying polygon by polygon (`ST_Simplify`) moves the two copies of a shared
border differently and opens slivers and gaps between neighbours; a *coverage*
simplification (GEOS CoverageSimplifier, via `shapely.coverage_simplify`) simplifies each
shared edge once, so neighbours still meet exactly. PostGIS 3.3 has no
`ST_CoverageSimplify` (3.4+), so the geometry makes a round trip through shapely.

The whole level is simplified in one call (not sibling group by sibling group): the
border between two municipalities of different states is shared too, and only a single
coverage keeps it shared. Borders whose two sides carry different vertices are noded
first (`node_coverage`): without it the national demo's municipalities came out with
1,215 slivers between neighbours, with it none. Measured on the national demo on this
shared 2-core machine (load ~7): municipalities 1.4 s, parishes 2.4 s, communes 4.2 s,
49,000 councils 20-36 s (noding about half of it); a level that already is a valid
coverage skips the noding.
"""

from __future__ import annotations

import logging

import numpy as np
import shapely
from sqlalchemy import Connection, text

from geodata import errors as sala_errors
from geodata.vocab import LEVELS

# Tolerances in degrees (1e-3 degree is about 110 m at Venezuela's latitudes), coarse
# enough that a national view of a level stays small on the wire and fine enough that
# the smallest units of the level keep their shape. Measured on the 25 first-level units
# of geoBoundaries (28,867 vertices, 584 KB as GeoJSON with 5 decimals): 0.003 gives
# 395 KB, 0.005 259 KB, 0.01 140 KB (6,817 vertices), 0.02 77 KB.
TOLERANCES: dict[str, float] = {
    "state": 0.01,
    "municipality": 0.003,
    "parish": 0.001,
    "circuit": 0.0003,
    "commune": 0.0003,
    "council": 0.0003,
}

log = logging.getLogger(__name__)

# Borders are noded on a 1e-9 degree grid (0.1 mm): vertices that far apart are the same
# point, so a vertex lying *almost* on a neighbour's edge still splits it.
NODING_GRID = 1e-9

_POLYGON_ID, _MULTIPOLYGON_ID = 3, 6  # shapely.GeometryType


class GeneraliseError(sala_errors.InvalidInput):
    """The level asked for does not exist."""


def node_coverage(geoms) -> np.ndarray:
    """The same polygons, with a vertex wherever a neighbour has one on their common border.

    Boundary files (and generated ones) often draw a shared border with different
    vertices on each side: the areas match but the edges do not, and the coverage
    simplifier then treats the two sides as separate edges and simplifies them apart.
    Noding all the borders together (a union of the boundary lines), rebuilding the faces
    and giving each face back to the polygon it lies in makes the edges match exactly;
    areas do not change.
    """
    geoms = np.asarray(geoms, dtype=object)
    try:
        linework = shapely.union_all(shapely.boundary(geoms), grid_size=NODING_GRID)
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    except shapely.errors.GEOSException as exc:
        log.warning("cannot node the coverage (%s): simplifying it as it is", exc)
        return geoms
    face_index, geom_index = shapely.STRtree(geoms).query(shapely.point_on_surface(faces), predicate="within")
    order = np.argsort(geom_index, kind="stable")
    face_index, geom_index = face_index[order], geom_index[order]
    positions = np.arange(len(geoms))
    starts = np.searchsorted(geom_index, positions)
    ends = np.searchsorted(geom_index, positions, side="right")
    noded = geoms.copy()
    for i in positions[ends > starts]:
        own = faces[face_index[starts[i] : ends[i]]]
        noded[i] = own[0] if len(own) == 1 else shapely.coverage_union_all(own)
    # A polygon whose area changed (it overlapped a neighbour, or was invalid) keeps its
    # own edges: better an unmatched border than a territory drawn other than it is.
    # Snapping to the grid moves a border by at most NODING_GRID; more is a real change.
    changed = np.abs(shapely.area(noded) - shapely.area(geoms)) > 2 * NODING_GRID * shapely.length(geoms)
    noded[changed] = geoms[changed]
    return noded


def simplify_geometries(geoms, tolerance: float):
    """Coverage-simplify a sequence of shapely polygons; returns one result per input.

    The input is noded first unless it is already a valid coverage. A result that is
    invalid, empty or not polygonal is replaced by its input, so a territory is never
    left without a drawable shape.
    """
    array = np.asarray(list(geoms), dtype=object)
    if not len(array):
        return []
    if not shapely.coverage_is_valid(array):
        array = node_coverage(array)
    simplified = shapely.coverage_simplify(array, tolerance, simplify_boundary=True)
    kinds = shapely.get_type_id(simplified)
    usable = (
        np.isin(kinds, (_POLYGON_ID, _MULTIPOLYGON_ID))
        & ~shapely.is_empty(simplified)
        & shapely.is_valid(simplified)
    )
    return list(np.where(usable, simplified, array))


def simplify_level(conn: Connection, level: str, tolerance: float | None = None) -> int:
    """Recompute `geom_display` for every territory of `level`; returns the rows written.

    Territories of the level without a boundary get no display geometry either. Runs in
    the caller's transaction (one set-based UPDATE from a temporary table).
    """
    if level not in LEVELS:
        raise GeneraliseError(f"unknown level {level!r}: expected one of {', '.join(LEVELS)}")
    tolerance = TOLERANCES[level] if tolerance is None else tolerance
    rows = conn.execute(
        text("SELECT id, ST_AsBinary(geom) FROM territory WHERE level = :level AND geom IS NOT NULL ORDER BY id"),
        {"level": level},
    ).all()
    cleared = conn.execute(
        text("UPDATE territory SET geom_display = NULL WHERE level = :level AND geom IS NULL AND geom_display IS NOT NULL"),
        {"level": level},
    ).rowcount
    if not rows:
        return cleared

    ids = [row[0] for row in rows]
    geoms = shapely.from_wkb([bytes(row[1]) for row in rows])
    simplified = simplify_geometries(geoms, tolerance)
    wkbs = shapely.to_wkb(simplified)

    conn.execute(text("DROP TABLE IF EXISTS _sala_display"))
    conn.execute(text("CREATE TEMPORARY TABLE _sala_display (id bigint PRIMARY KEY, wkb bytea NOT NULL) ON COMMIT DROP"))
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy("COPY _sala_display (id, wkb) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "bytea"])
            for territory_id, wkb in zip(ids, wkbs):
                copy.write_row((territory_id, wkb))
    finally:
        cursor.close()
    written = conn.execute(
        text(
            """
            UPDATE territory t
            SET geom_display = ST_Multi(ST_GeomFromWKB(d.wkb, 4326))
            FROM _sala_display d
            WHERE t.id = d.id
            """
        )
    ).rowcount
    conn.execute(text("DROP TABLE _sala_display"))
    return written + cleared
