"""Display geometry: each level simplified once, as a coverage.

`territory.geom` keeps the boundary as loaded; `territory.geom_display` is what the map
draws. Simplifying polygon by polygon (`ST_Simplify`) moves the two copies of a shared
border differently and opens slivers and gaps between neighbours; a *coverage*
simplification (GEOS CoverageSimplifier, via `shapely.coverage_simplify`) simplifies each
shared edge once, so neighbours still meet exactly. PostGIS 3.3 has no
`ST_CoverageSimplify` (3.4+), so the geometry makes a round trip through shapely.

The whole level is simplified in one call (not sibling group by sibling group): the
border between two municipalities of different states is shared too, and only a single
coverage keeps it shared. 49,000 councils take a few seconds.
"""

from __future__ import annotations

import numpy as np
import shapely
from sqlalchemy import Connection, text

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

_POLYGON_ID, _MULTIPOLYGON_ID = 3, 6  # shapely.GeometryType


class GeneraliseError(ValueError):
    """The level asked for does not exist."""


def simplify_geometries(geoms, tolerance: float):
    """Coverage-simplify a sequence of shapely polygons; returns one result per input.

    A result that is invalid, empty or not polygonal is replaced by its input, so a
    territory is never left without a drawable shape.
    """
    array = np.asarray(list(geoms), dtype=object)
    if not len(array):
        return []
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
