"""The area a boundary load computes in the reader thread is PostGIS's geography ST_Area."""

from __future__ import annotations

import numpy as np
import pytest
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


# --- the first load of a level -------------------------------------------------------------------

INDEXES = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'territory' ORDER BY 1"
CONSTRAINTS = "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'territory'::regclass ORDER BY 1"


def _state_and_municipality(engine) -> None:
    from geodata.territory import rebuild_paths
    from tests.factories import add_territory, square

    with engine.begin() as conn:
        add_territory(conn, "state", "01", "Distrito Capital", iso_code="VE-A", geom=square(-67.0, 10.4, 0.2))
        add_territory(conn, "municipality", "0101", "Libertador", "01", geom=square(-67.0, 10.4, 0.2))
        rebuild_paths(conn)


def _parish_grid(tmp_path, n: int = 20, renamed: int | None = None, moved: int | None = None):
    import geopandas as gpd

    records = []
    for i in range(n):
        x, y = -67.0 + (i % 5) * 0.04, 10.4 + (i // 5) * 0.04
        if i == moved:
            x += 0.01
        records.append({"code": f"0101{i:02d}", "name": f"Parroquia {i}" + (" (nueva)" if i == renamed else ""),
                        "geometry": shapely.segmentize(shapely.box(x, y, x + 0.03, y + 0.03), 0.002)})
    folder = tmp_path / f"v{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    return write_vector(gpd.GeoDataFrame(records, geometry="geometry", crs=4326), folder, "gpkg")


def test_first_load_of_a_level_rebuilds_the_indexes_as_they_were(engine, tmp_path, monkeypatch):
    import contextlib

    import etl.merge_territory

    monkeypatch.setattr(etl.merge_territory, "TERRITORY_BULK_MIN_ROWS", 10)
    _state_and_municipality(engine)
    indexes, constraints = rows(engine, INDEXES), rows(engine, CONSTRAINTS)
    rebuilt = []
    original = etl.merge_territory._first_load_of_level

    @contextlib.contextmanager
    def watched(conn, level):
        with original(conn, level) as first:
            rebuilt.append(first)
            yield first

    monkeypatch.setattr(etl.merge_territory, "_first_load_of_level", watched)
    first = load_file(engine, "parish", _parish_grid(tmp_path))
    assert (first.inserted, first.updated, first.rejected) == (20, 0, 0)
    assert rows(engine, INDEXES) == indexes and rows(engine, CONSTRAINTS) == constraints
    assert rows(engine, "SELECT path, depth FROM territory WHERE code = '010107'") == [("/01/0101/010107/", 2)]
    assert rows(engine, "SELECT count(*) FROM territory WHERE level = 'parish' AND ST_Within(label_point, geom) "
                        "AND abs(area_km2 / (ST_Area(geom::geography) / 1e6) - 1) < 1e-6") == [(20,)]

    again = load_file(engine, "parish", _parish_grid(tmp_path))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 20)

    before = rows(engine, "SELECT code, area_km2, ST_AsText(label_point) FROM territory WHERE code IN ('010103', '010104') "
                          "ORDER BY code")
    changed = load_file(engine, "parish", _parish_grid(tmp_path, renamed=3, moved=4))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 2, 18)
    after = rows(engine, "SELECT code, area_km2, ST_AsText(label_point) FROM territory WHERE code IN ('010103', '010104') "
                         "ORDER BY code")
    assert after[0] == before[0]  # renamed: its polygon, area and label point as they were
    assert after[1][1] != before[1][1] and after[1][2] != before[1][2]  # moved: both follow the polygon
    assert rows(engine, "SELECT name FROM territory WHERE code = '010103'") == [("Parroquia 3 (nueva)",)]
    assert rebuilt == [True, False, False]
    assert rows(engine, INDEXES) == indexes and rows(engine, CONSTRAINTS) == constraints


def test_failed_first_load_of_a_level_gets_the_indexes_back(engine, tmp_path, monkeypatch):
    import contextlib

    import etl.merge_territory
    from etl.errors import LoadError

    monkeypatch.setattr(etl.merge_territory, "TERRITORY_BULK_MIN_ROWS", 10)
    _state_and_municipality(engine)
    indexes, constraints = rows(engine, INDEXES), rows(engine, CONSTRAINTS)
    original = etl.merge_territory._first_load_of_level

    @contextlib.contextmanager
    def failing(conn, level):
        with original(conn, level) as first:
            assert first
            yield first
            raise RuntimeError("fallo con los índices quitados")

    monkeypatch.setattr(etl.merge_territory, "_first_load_of_level", failing)
    with pytest.raises(LoadError, match="índices quitados"):
        load_file(engine, "parish", _parish_grid(tmp_path))
    assert rows(engine, INDEXES) == indexes and rows(engine, CONSTRAINTS) == constraints
    assert rows(engine, "SELECT count(*) FROM territory") == [(2,)]


# --- a boundary file's own codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "codes",
    [["0101", "010101", None, "0101010101"], ["101", "0101"], ["VE01", "0101"], [" 0101", "01"], ["0101C01"],
     ["²3"], [None, None], ["0101010", "01"], [""], ["١٢"]],
)
def test_canonical_codes_pass_as_they_are_and_the_rest_are_normalised(codes):
    """The regex-free shortcut for a column of canonical codes gives what the full rules give."""
    import pandas as pd

    from etl.parse import _canonical_codes, _normalise_codes

    s = pd.Series(codes, dtype=object)
    t = s.astype("string").str.strip().str.replace(r"^[Vv][Ee](\d{2,})$", r"\1", regex=True)
    t = t.where(~t.str.fullmatch(r"\d|\d{3}|\d{5}").fillna(False), "0" + t)
    expected = list(t.astype(object).where(t.notna() & (t != ""), None))
    assert list(_normalise_codes(s)) == expected
    shortcut = _canonical_codes(s)
    assert shortcut is None or list(shortcut) == expected


# --- paths ---------------------------------------------------------------------------------------


def test_new_rows_under_well_placed_parents_need_no_path_rebuild(engine, tmp_path, monkeypatch):
    import etl.load

    _state_and_municipality(engine)
    calls = []
    original = etl.load.rebuild_paths
    monkeypatch.setattr(etl.load, "rebuild_paths", lambda conn: calls.append(1) or original(conn))
    result = load_file(engine, "parish", _parish_grid(tmp_path, n=3), refresh=False)
    assert (result.inserted, calls) == (3, [])
    assert rows(engine, "SELECT path, depth FROM territory WHERE code = '010102'") == [("/01/0101/010102/", 2)]
    changed = load_file(engine, "parish", _parish_grid(tmp_path, n=3, renamed=1), refresh=False)
    assert (changed.updated, calls) == (1, [1])  # an updated row may have moved: rebuilt


def test_a_parent_without_its_path_still_gets_the_tree_rebuilt(engine, tmp_path):
    from tests.factories import add_territory, square

    with engine.begin() as conn:  # added by hand, paths never rebuilt: '' as the column's default
        add_territory(conn, "state", "01", "Distrito Capital", iso_code="VE-A", geom=square(-67.0, 10.4, 0.2))
        add_territory(conn, "municipality", "0101", "Libertador", "01", geom=square(-67.0, 10.4, 0.2))
    result = load_file(engine, "parish", _parish_grid(tmp_path, n=3), refresh=False)
    assert result.inserted == 3
    assert rows(engine, "SELECT code, path, depth FROM territory WHERE code IN ('0101', '010102') ORDER BY code") == [
        ("0101", "/01/0101/", 1), ("010102", "/01/0101/010102/", 2)]


def test_area_of_a_reprojected_file_is_measured_after_reprojection(engine, tmp_path):
    import geopandas as gpd

    with_tree(engine)
    frame = gpd.GeoDataFrame(
        [{"code": "010103", "name": "San José",
          "geometry": shapely.segmentize(shapely.box(-66.99, 10.41, -66.95, 10.45), 0.001)}],
        geometry="geometry", crs=4326,
    ).to_crs(2202)  # REGVEN / UTM 19N: metres, as ministries often send
    result = load_file(engine, "parish", write_vector(frame, tmp_path, "gpkg"))
    assert (result.inserted, result.rejected) == (1, 0)
    (stored, exact, wkb), = rows(
        engine, "SELECT area_km2, ST_Area(geom::geography) / 1e6, ST_AsBinary(geom) FROM territory WHERE code = '010103'"
    )
    assert not np.isnan(geodesic_area_km2(np.array([shapely.from_wkb(bytes(wkb))]))[0])  # the reader's, not the database's
    assert abs(stored / exact - 1) < MAX_RELATIVE_ERROR


def test_a_boundary_load_bumps_the_boundary_version(engine, tmp_path):
    from layers.boundaries import boundary_version

    def version():
        with engine.connect() as conn:
            return boundary_version(conn)

    _state_and_municipality(engine)
    before = version()
    result = load_file(engine, "parish", _parish_grid(tmp_path, n=3), refresh=False)
    assert result.inserted == 3
    after = version()
    assert after != before
    load_file(engine, "parish", _parish_grid(tmp_path, n=3, renamed=1), refresh=False)
    assert version() != after
