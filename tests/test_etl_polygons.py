"""The area a boundary load computes in the reader thread is PostGIS's geography ST_Area."""

from __future__ import annotations

import numpy as np
import pyogrio
import shapely
from sqlalchemy import text

from etl.load import load_file
from etl.polygons import MAX_RELATIVE_ERROR, geodesic_area_km2
from tests.conftest import REFERENCE_DATA
from tests.etl_builders import rows, with_tree, write_vector


def _postgis_area_km2(engine, geoms) -> np.ndarray:
    with engine.connect() as conn:
        got = conn.execute(
            text(
                "SELECT ST_Area(ST_GeomFromWKB(decode(w, 'hex'), 4326)::geography) / 1e6 "
                "FROM unnest(CAST(:w AS text[])) WITH ORDINALITY AS u(w, n) ORDER BY n"
            ),
            {"w": list(shapely.to_wkb(geoms, hex=True))},
        ).scalars().all()
    return np.asarray(got, dtype=float)


def _real_shapes() -> np.ndarray:
    """Venezuela's states, and pieces of them from council to parish size, some with holes and
    several parts, their edges cut to ≤ 0.002° as a real boundary's are."""
    _, _, wkb, _ = pyogrio.raw.read(REFERENCE_DATA / "geoBoundaries-VEN-ADM1_simplified.geojson", force_2d=True)
    states = shapely.from_wkb(wkb)
    shapes = list(states)
    rng = np.random.default_rng(7)
    for state in states:
        x, y = shapely.get_coordinates(shapely.point_on_surface(state))[0]
        for size in (0.01, 0.05, 0.2):
            piece = shapely.intersection(state, shapely.box(x - size, y - size, x + size * rng.random(), y + size))
            hole = shapely.box(x - size / 4, y - size / 4, x + size / 8, y + size / 8)
            shapes += [piece, shapely.difference(piece, hole)]
            shapes.append(shapely.MultiPolygon([shapely.box(x, y, x + size / 3, y + size / 3),
                                                shapely.box(x + size / 2, y, x + size, y + size / 3)]))
    shapes = np.asarray([s for s in shapes if not s.is_empty], dtype=object)
    return shapely.segmentize(shapes, 0.002)


def test_area_matches_postgis_on_real_shapes(engine):
    shapes = _real_shapes()
    assert any(shapely.get_num_interior_rings(s) for s in shapes if s.geom_type == "Polygon")
    mine = geodesic_area_km2(shapes)
    theirs = _postgis_area_km2(engine, shapes)
    computed = ~np.isnan(mine)  # a sliver cut from a state may keep an edge too long
    assert computed.sum() > 0.9 * len(shapes), (computed.sum(), len(shapes))
    assert (np.abs(mine - theirs)[computed] / theirs[computed]).max() < MAX_RELATIVE_ERROR


def test_long_edges_are_left_to_the_database(engine):
    triangle = shapely.Polygon([(-70, 2), (-62, 2), (-66, 11)])  # edges of ~900 km
    council = shapely.segmentize(shapely.box(-66.99, 10.41, -66.98, 10.42), 0.001)
    mine = geodesic_area_km2(np.array([triangle, council, None, shapely.Polygon()], dtype=object))
    assert np.isnan(mine[0]) and np.isnan(mine[2]) and np.isnan(mine[3])
    assert abs(mine[1] / _postgis_area_km2(engine, np.array([council]))[0] - 1) < MAX_RELATIVE_ERROR


def test_loaded_area_is_postgis_area_whoever_computes_it(engine, tmp_path):
    """Short edges: the reader's area; long ones (the builders' 4 km squares): the database's.
    Either way the stored area is the geography area, and a file's own area wins."""
    import geopandas as gpd

    with_tree(engine)
    frame = gpd.GeoDataFrame(
        [
            {"code": "010103", "name": "San José", "geometry": shapely.box(-66.99, 10.41, -66.95, 10.45)},
            {"code": "010104", "name": "Santa Rosalía",
             "geometry": shapely.segmentize(shapely.box(-66.95, 10.41, -66.91, 10.45), 0.001)},
            {"code": "010105", "name": "Catedral", "area_km2": 7.5,
             "geometry": shapely.segmentize(shapely.box(-66.91, 10.41, -66.87, 10.45), 0.001)},
        ],
        geometry="geometry", crs=4326,
    )
    result = load_file(engine, "parish", write_vector(frame, tmp_path, "gpkg"))
    assert (result.inserted, result.rejected) == (3, 0)
    got = rows(
        engine,
        "SELECT code, area_km2, ST_Area(geom::geography) / 1e6 FROM territory WHERE code IN ('010103', '010104', '010105') ORDER BY code",
    )
    assert [r[0] for r in got] == ["010103", "010104", "010105"]
    for _code, stored, exact in got[:2]:
        assert abs(stored / exact - 1) < MAX_RELATIVE_ERROR
    assert got[2][1] == 7.5
