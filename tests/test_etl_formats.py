"""Every accepted file format and text encoding loads, and loads again as a no-op."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from etl.load import load_file
from tests.etl_builders import parishes, rows, scalar, with_tree, write_csv, write_vector


@pytest.fixture
def tree(engine):
    with_tree(engine)
    return engine


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "fgb", "shp", "shp-folder", "shp-zip"])
def test_vector_formats_load_and_reload_as_noop(tree, tmp_path, fmt):
    path = write_vector(parishes(), tmp_path, fmt)
    first = load_file(tree, "parish", path)
    assert (first.inserted, first.updated, first.unchanged, first.rejected) == (2, 0, 0, 0)
    got = rows(
        tree,
        "SELECT t.code, t.name, p.code, t.population, t.path, round(t.area_km2::numeric, 0), "
        "ST_Within(t.label_point, t.geom), GeometryType(t.geom) "
        "FROM territory t JOIN territory p ON p.id = t.parent_id WHERE t.code IN ('010103', '010104') ORDER BY t.code",
    )
    assert [tuple(r)[:5] for r in got] == [
        ("010103", "San José", "0101", 1000, "/01/0101/010103/"),
        ("010104", "Santa Rosalía", "0101", 2000, "/01/0101/010104/"),
    ]
    assert all(r[5] > 15 and r[6] and r[7] == "MULTIPOLYGON" for r in got)  # ~4.4 km × 4.4 km
    again = load_file(tree, "parish", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


def test_csv_with_wkt_column(tree, tmp_path):
    frame = parishes()
    path = write_csv(tmp_path / "p.csv", ["code", "name", "wkt"], [[r.code, r.name, r.geometry.wkt] for r in frame.itertuples()])
    result = load_file(tree, "parish", path)
    assert result.inserted == 2
    assert scalar(tree, "SELECT count(*) FROM territory WHERE code LIKE '01010_' AND geom IS NOT NULL") == 4


def test_csv_with_lon_lat_gives_label_points_without_polygons(tree, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["code", "name", "lon", "lat"], [["010103", "San José", "-66.97", "10.43"]])
    result = load_file(tree, "parish", path)
    assert result.inserted == 1
    assert rows(tree, "SELECT ST_X(label_point), ST_Y(label_point), geom IS NULL FROM territory WHERE code = '010103'") == [
        (-66.97, 10.43, True)
    ]


def test_xlsx_with_excel_dates_and_numbers(tree, tmp_path):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["Código", "Nombre", "Cod Parroquia", "Fecha Registro", "Población"])
    sheet.append(["01010199", "Comuna Excel", "010101", dt.datetime(2023, 5, 4), 1500])
    sheet.append(["01010198", "Comuna Serial", "010101", "45000", 1200.0])  # an Excel serial date typed as text
    path = tmp_path / "comunas.xlsx"
    book.save(path)
    result = load_file(tree, "commune", path)
    assert (result.inserted, result.rejected) == (2, 0), result.rejects
    got = rows(tree, "SELECT code, attributes->>'registration_date', population FROM territory WHERE code LIKE '0101019_' ORDER BY code")
    assert got == [("01010198", "2023-03-15", 1200), ("01010199", "2023-05-04", 1500)]


def test_latin1_csv_is_detected(tree, tmp_path):
    path = write_csv(
        tmp_path / "p.csv", ["codigo", "nombre"], [["010103", "San José de Río Chico"], ["010104", "Santa Rosalía"]],
        encoding="cp1252",
    )
    result = load_file(tree, "parish", path)
    assert result.inserted == 2
    assert scalar(tree, "SELECT name FROM territory WHERE code = '010103'") == "San José de Río Chico"


def test_shapefile_cpg_is_honoured_and_cp1252_detected_without_it(tree, tmp_path):
    path = write_vector(parishes(), tmp_path, "shp", encoding="cp1252")
    cpg = path.with_suffix(".cpg")
    assert cpg.exists()
    cpg.unlink()  # as many government exports come: no .cpg, Windows Latin-1 text
    assert b"Rosal\xeda" in path.with_suffix(".dbf").read_bytes()
    result = load_file(tree, "parish", path)
    assert result.inserted == 2
    assert scalar(tree, "SELECT name FROM territory WHERE code = '010104'") == "Santa Rosalía"


def test_shapefile_with_utf8_cpg(tree, tmp_path):
    path = write_vector(parishes(), tmp_path, "shp-zip", encoding="UTF-8")
    result = load_file(tree, "parish", path)
    assert result.inserted == 2
    assert scalar(tree, "SELECT name FROM territory WHERE code = '010103'") == "San José"


def test_unknown_format_and_missing_file_are_load_errors(tree, tmp_path):
    from etl.errors import LoadError

    odd = tmp_path / "data.dat"
    odd.write_text("x")
    with pytest.raises(LoadError, match="formato no reconocido"):
        load_file(tree, "parish", odd)
    with pytest.raises(LoadError, match="no existe"):
        load_file(tree, "parish", tmp_path / "missing.csv")


def test_geopackage_with_several_layers_needs_layer(tree, tmp_path):
    from etl.errors import LoadError

    path = tmp_path / "multi.gpkg"
    parishes().to_file(path, layer="a", driver="GPKG", engine="pyogrio")
    parishes().to_file(path, layer="b", driver="GPKG", engine="pyogrio")
    with pytest.raises(LoadError, match="--layer"):
        load_file(tree, "parish", path)
    assert load_file(tree, "parish", path, layer="b").inserted == 2
