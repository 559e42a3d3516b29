"""Column layouts recognised with no options (canonical, Spanish, COD-AB, geoBoundaries), --map, CRS."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from etl.errors import LoadError, UsageError
from etl.load import load_file
from tests.conftest import SHARED_DATA
from tests.etl_builders import parishes, rows, scalar, with_tree, write_csv, write_vector


@pytest.fixture
def tree(engine):
    with_tree(engine)
    return engine


def test_shared_states_file_loads_as_it_is(engine):
    path = SHARED_DATA / "geoBoundaries-VEN-ADM1_simplified.geojson"
    result = load_file(engine, "state", path)
    assert (result.inserted, result.rejected) == (25, 0)
    assert result.layout == "geoboundaries"
    got = dict(rows(engine, "SELECT code, name FROM territory WHERE level = 'state'"))
    assert len(got) == 25
    assert got["01"] == "Distrito Capital" and got["25"] == "Dependencias Federales" and got["24"] == "La Guaira"
    assert scalar(engine, "SELECT iso_code FROM territory WHERE code = '23'") == "VE-V"
    assert scalar(engine, "SELECT attributes->>'source_name' FROM territory WHERE code = '01'") == "Caracas"
    assert scalar(engine, "SELECT count(*) FROM territory WHERE level = 'state' AND geom IS NOT NULL AND label_point IS NOT NULL") == 25
    again = load_file(engine, "state", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 25)


def test_shared_municipalities_table_fills_codes_names_population(engine):
    load_file(engine, "state", SHARED_DATA / "geoBoundaries-VEN-ADM1_simplified.geojson")
    path = SHARED_DATA / "ve_municipalities.csv"
    result = load_file(engine, "municipality", path)
    assert (result.inserted, result.rejected) == (336, 0)
    assert rows(
        engine,
        "SELECT t.name, p.code, t.population, t.attributes->>'capital', round(ST_X(t.label_point)::numeric, 3)::float, "
        "t.geom IS NULL, t.path FROM territory t JOIN territory p ON p.id = t.parent_id WHERE t.code = '0101'",
    ) == [("Libertador", "01", 1943901, "Caracas", -66.969, True, "/01/0101/")]
    # The integrity check runs after every boundary load: a table has no polygons to check.
    assert result.integrity["missing_geometry"] == 336
    assert scalar(engine, "SELECT count(*) FROM integrity_issue WHERE kind = 'missing_geometry'") == 336
    again = load_file(engine, "municipality", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 336)


def test_polygons_after_the_table_update_the_same_rows_and_keep_population(tree, tmp_path):
    table = write_csv(tmp_path / "m.csv", ["ine_code", "name", "population_2011"], [["0102", "Sucre", "5000"]])
    assert load_file(tree, "municipality", table).inserted == 1
    polygons = gpd.GeoDataFrame({"code": ["0102"], "name": ["Sucre"]}, geometry=[box(-66.9, 10.5, -66.85, 10.55)], crs=4326)
    result = load_file(tree, "municipality", write_vector(polygons, tmp_path, "gpkg"))
    assert (result.inserted, result.updated) == (0, 1)
    assert rows(tree, "SELECT population, geom IS NOT NULL FROM territory WHERE code = '0102'") == [(5000, True)]


def test_spanish_layout_with_semicolons(tree, tmp_path):
    path = write_csv(
        tmp_path / "municipios.csv",
        ["Código", "Nombre", "Estado", "Población", "Latitud", "Longitud"],
        [["1502", "Andrés Bello", "15", "1.234", "10.3", "-66.5"]],
        delimiter=";",
    )
    result = load_file(tree, "municipality", path)
    assert result.layout == "spanish" and result.inserted == 1, result.rejects
    assert rows(tree, "SELECT t.name, p.code, t.population FROM territory t JOIN territory p ON p.id = t.parent_id WHERE t.code = '1502'") == [
        ("Andrés Bello", "15", 1234)
    ]


def test_ocha_cod_ab_layout(tree, tmp_path):
    frame = parishes()
    frame = frame.rename(columns={"name": "ADM3_ES"}).drop(columns=["code", "population"])
    frame["ADM3_PCODE"] = ["VE010103", "VE010104"]
    frame["ADM2_PCODE"] = "VE0101"
    frame["ADM2_ES"] = "Libertador"
    frame["ADM1_PCODE"] = "VE01"
    path = write_vector(frame, tmp_path, "shp-zip")
    result = load_file(tree, "parish", path)
    assert result.layout == "cod-ab" and result.inserted == 2, result.rejects
    assert rows(tree, "SELECT t.code, t.name, p.code FROM territory t JOIN territory p ON p.id = t.parent_id WHERE t.code = '010103'") == [
        ("010103", "San José", "0101")
    ]


def test_regven_utm_19n_is_reprojected(tree, tmp_path):
    path = write_vector(parishes(crs=2202), tmp_path, "gpkg")
    result = load_file(tree, "parish", path)
    assert result.inserted == 2
    original = parishes().geometry[0]
    distance = scalar(
        tree, "SELECT ST_HausdorffDistance(geom, ST_GeomFromText(:wkt, 4326)) FROM territory WHERE code = '010103'", wkt=original.wkt
    )
    assert distance < 1e-6


def test_csv_in_utm_needs_crs(tree, tmp_path):
    projected = parishes(crs=2202).geometry.centroid
    path = write_csv(
        tmp_path / "claps.csv", ["code", "name", "households", "x", "y"],
        [["C1", "CLAP", "10", f"{projected[0].x:.2f}", f"{projected[0].y:.2f}"]],
    )
    wrong = load_file(tree, "clap", path)
    assert wrong.inserted == 0 and "fuera de Venezuela" in wrong.rejects[0]["reason"]
    result = load_file(tree, "clap", path, crs=2202)
    assert result.inserted == 1
    # The point lies in parish 010101's square; the deepest territory holding it there is a council or commune.
    assert scalar(tree, "SELECT t.level FROM clap c JOIN territory t ON t.id = c.territory_id") in ("parish", "commune", "council")


def test_map_overrides_and_bad_map_is_usage_error(tree, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["ID_PARR", "NOMBRE_OFICIAL", "MUNI"], [["010103", "San José", "0101"]])
    with pytest.raises(LoadError, match="faltan columnas obligatorias"):
        load_file(tree, "parish", path)
    result = load_file(tree, "parish", path, mapping={"ID_PARR": "code", "NOMBRE_OFICIAL": "name", "MUNI": "municipality_code"})
    assert result.inserted == 1
    with pytest.raises(UsageError):
        load_file(tree, "parish", path, mapping={"ID_PARR": "nonsense"})
    with pytest.raises(UsageError):
        load_file(tree, "parish", path, crs="EPSG:999999")
