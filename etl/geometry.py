"""A chunk's geometry checked and made ready for staging: points, WKT or the file's own
geometries reprojected to WGS84, polygons repaired where they can be, anything outside
Venezuela refused with the likely cause; a boundary's geodesic area computed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from etl.parse import clean_text, parse_number
from etl.polygons import geodesic_area_km2
from etl.read import Chunk

if TYPE_CHECKING:
    from etl.validate import Context, _Marks

# Venezuela's extent with a margin (Isla de Aves lies at 15.7° N).
VENEZUELA_BOUNDS = (-75.0, -0.5, -58.0, 16.0)
# Cross-field order rules the database also enforces: (later, earlier, kind).
POINT_TYPE, POLYGON_TYPES = 0, (3, 6)
TYPE_NAMES = {
    0: "punto",
    1: "línea",
    2: "anillo",
    3: "polígono",
    4: "multipunto",
    5: "multilínea",
    6: "multipolígono",
    7: "colección",
}


NOT_NUMBERS = "coordenadas no numéricas (NaN o infinito) en la geometría"
OUTSIDE = "fuera de Venezuela: ¿latitud y longitud invertidas o sistema de referencia (CRS) equivocado? Indique --crs"


def read_geometry(chunk: Chunk, ctx: Context, marks: _Marks) -> tuple[np.ndarray, np.ndarray, tuple | None, np.ndarray]:
    """(polygons as WKB, points as shapely points, None where absent; or, for a record kind's
    lon/lat columns in WGS84, (lon, lat) arrays, NaN where absent; and the polygons as shapely
    geometries, None where absent); marks geometry rejects."""
    spec, colmap = ctx.spec, ctx.colmap
    n = len(chunk.frame)
    geoms = np.full(n, None, dtype=object)
    if chunk.geometry is not None:
        geoms = np.asarray(chunk.geometry, dtype=object)
        if spec.geometry in ("polygon", "area"):
            missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
            marks.mark(missing, "geometría vacía", "geometry")
        else:
            marks.mark(shapely.is_empty(geoms) & ~shapely.is_missing(geoms), "geometría vacía", "geometry")
    elif colmap.has_points:
        lon, bad_lon = parse_number(clean_text(chunk.frame[colmap.lon]))
        lat, bad_lat = parse_number(clean_text(chunk.frame[colmap.lat]))
        marks.mark((bad_lon | bad_lat).to_numpy(), "coordenadas no numéricas", "lon")
        half = lon.isna() ^ lat.isna()
        marks.mark(half.to_numpy(), "falta la latitud o la longitud", "lat" if lat.isna().any() else "lon")
        both = (lon.notna() & lat.notna()).to_numpy()
        if ctx.transformer is None and not spec.boundary:
            # Plain numbers in, plain numbers out: the same checks as below without building points.
            x, y = lon.to_numpy(dtype=float), lat.to_numpy(dtype=float)
            xmin, ymin, xmax, ymax = VENEZUELA_BOUNDS
            live = both & marks.ok
            marks.mark(live & ((x < xmin) | (x > xmax) | (y < ymin) | (y > ymax)), OUTSIDE, "geometry")
            live = both & marks.ok
            return np.full(n, None, dtype=object), None, (np.where(live, x, np.nan), np.where(live, y, np.nan)), None
        geoms[both] = shapely.points(lon.to_numpy()[both], lat.to_numpy()[both])
    elif colmap.wkt:
        text = clean_text(chunk.frame[colmap.wkt])
        present = text.notna().to_numpy()
        parsed = shapely.from_wkt(text.to_numpy()[present], on_invalid="ignore")
        geoms[present] = parsed
        values = text.to_numpy()

        def unreadable(mask):  # the value quoted: a cell holding a note instead (an export's «too large for Excel») says why
            return [f"WKT ilegible: «{v[:80]}»" for v in values[mask]]

        marks.mark(present & shapely.is_missing(geoms), unreadable, colmap.wkt)
        marks.mark(shapely.is_empty(geoms) & ~shapely.is_missing(geoms), "geometría vacía", "geometry")
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms) & marks.ok
    changed = np.zeros(n, dtype=bool)
    if not present.any():
        return np.full(n, None, dtype=object), np.full(n, None, dtype=object), None, np.full(n, None, dtype=object)

    if ctx.transformer is not None:
        transformer = ctx.transformer

        def reproject(xy):
            x, y = transformer.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        geoms[present] = shapely.transform(geoms[present], reproject)
        changed[present] = True

    type_ids = np.full(n, -1)
    type_ids[present] = shapely.get_type_id(geoms[present])
    is_point = type_ids == POINT_TYPE
    is_polygon = np.isin(type_ids, POLYGON_TYPES)
    expected = {"polygon": "polígono o punto", "area": "polígono"}.get(spec.geometry, "punto")
    allowed = {"polygon": is_point | is_polygon, "area": is_polygon}.get(spec.geometry, is_point)
    wrong = present & ~allowed
    if wrong.any():
        names = np.array([TYPE_NAMES.get(t, str(t)) for t in type_ids], dtype=object)
        marks.mark(wrong, lambda m: "tipo de geometría «" + names[m] + f"» no válido (se esperaba {expected})", "geometry")

    check = present & marks.ok & is_polygon
    if check.any():
        invalid_idx = np.flatnonzero(check)[~shapely.is_valid(geoms[check])]
        for i in invalid_idx:
            if not np.isfinite(shapely.get_coordinates(geoms[i])).all():  # no repair for a vertex at NaN
                marks.mark(np.arange(n) == i, NOT_NUMBERS, "geometry")
                continue
            repaired = _repair(geoms[i])
            if repaired is None:
                marks.mark(
                    np.arange(n) == i,
                    f"geometría inválida que no se puede reparar ({shapely.is_valid_reason(geoms[i])})",
                    "geometry",
                )
            else:
                geoms[i] = repaired
                changed[i] = True

    live = present & marks.ok
    if live.any():
        bounds = np.full((n, 4), np.nan)
        bounds[live] = shapely.bounds(geoms[live])
        marks.mark(live & ~np.isfinite(bounds).all(axis=1), NOT_NUMBERS, "geometry")
        live = present & marks.ok
        xmin, ymin, xmax, ymax = VENEZUELA_BOUNDS
        outside = live & ((bounds[:, 0] < xmin) | (bounds[:, 2] > xmax) | (bounds[:, 1] < ymin) | (bounds[:, 3] > ymax))
        marks.mark(outside, OUTSIDE, "geometry")
    live = present & marks.ok
    polygons = np.full(n, None, dtype=object)
    points = np.full(n, None, dtype=object)
    poly_rows, point_rows = live & is_polygon, live & is_point
    # WKB without SRID (the merge sets 4326): the file's own bytes when untouched, which
    # costs a fraction of encoding the geometry again.
    passthrough = poly_rows & ~changed & (chunk.wkb is not None)
    if passthrough.any():
        polygons[passthrough] = chunk.wkb[passthrough]
    encode = poly_rows & ~passthrough
    if encode.any():
        polygons[encode] = shapely.to_wkb(geoms[encode], output_dimension=2)
    if point_rows.any():
        points[point_rows] = geoms[point_rows]
    shapes = np.full(n, None, dtype=object)
    shapes[poly_rows] = geoms[poly_rows]
    return polygons, points, None, shapes


def _repair(geom):
    """make_valid, kept only when the result is still polygonal."""
    fixed = shapely.make_valid(geom)
    type_id = shapely.get_type_id(fixed)
    if type_id in POLYGON_TYPES:
        return fixed
    if type_id == 7:
        parts = [p for p in shapely.get_parts(fixed) if shapely.get_type_id(p) in POLYGON_TYPES and not p.is_empty]
        polys = [q for p in parts for q in shapely.get_parts(p)]
        if polys:
            return shapely.MultiPolygon(polys)
    return None


def geodesic_areas(shapes: np.ndarray, given) -> np.ndarray:
    """The geodesic area of the polygons whose row gives none, computed here, in the reader
    thread, rather than by the database in the merge (where it was most of a polygon load)."""
    area = np.full(len(shapes), np.nan)
    need = np.asarray([s is not None for s in shapes], dtype=bool)
    if given is not None:
        need &= np.asarray(pd.isna(given), dtype=bool)
    if need.any():
        area[need] = geodesic_area_km2(shapes[need])
    return area
