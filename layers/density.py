"""Where a point layer's records crowd: counts per grid cell, for a heat map.

Above a few thousand points a map of individual markers is unreadable and its payload
heavy; the room then draws a heat map of every record that is on screen (the same
territory, period, filters and scope as the points), from a few hundred weighted cells
computed in PostGIS, instead of keeping only the newest points.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from layers.features import prepare
from layers.registry import Layer, LayerParams

# Cells across the wider side of the box shown: fine enough for the heat map's blur, few
# enough to stay a few kilobytes.
CELLS_ACROSS = 80


def cell_size(bbox: tuple[float, float, float, float] | None, across: int = CELLS_ACROSS) -> float:
    """The side of a grid cell (degrees) for a map showing `bbox` (None: the country)."""
    if not bbox:
        return 12.0 / across
    xmin, ymin, xmax, ymax = bbox
    return max(max(xmax - xmin, ymax - ymin) / across, 1e-4)


def density_cells(conn: Connection, layer: Layer | str, params: LayerParams, cell: float) -> list[dict]:
    """The records of a point layer counted per `cell`-degree grid cell: `lon`, `lat` (the
    mean position of the cell's records) and `count`, busiest first."""
    layer, params = prepare(conn, layer, params)
    records = layer.select(params).subquery("records")
    x, y = func.ST_X(records.c.geom), func.ST_Y(records.c.geom)
    gx, gy = func.floor(x / cell).label("gx"), func.floor(y / cell).label("gy")
    query = (
        select(func.avg(x), func.avg(y), func.count())
        .where(records.c.geom.is_not(None))
        .group_by(gx, gy)
        .order_by(func.count().desc())
    )
    return [{"lon": round(float(lon), 5), "lat": round(float(lat), 5), "count": int(n)} for lon, lat, n in conn.execute(query)]
