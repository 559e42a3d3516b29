"""Every export format opens with pyogrio and holds the same features and attributes as
the database for a territory and a filter; failures leave nothing at the output path."""

from __future__ import annotations

import datetime as dt
import math
import zipfile

import pandas as pd
import pyogrio
import pytest
import shapely

from layers.exports import FIELDS_FILE, ExportError, ExportTooLarge, export_layer, short_names
from layers.features import features_frame, features_geojson, iter_batches
from layers.registry import LayerError, LayerParams, UnknownTerritory, get_layer
from tests.layers_records import add_records

VECTOR = ["geojson", "gpkg", "shp", "kml", "csv", "xlsx"]
CASES = LayerParams(territory="0101", filters={"status": ["reported", "assigned", "in_progress", "resolved"]})


@pytest.fixture
def records(engine):
    with engine.begin() as conn:
        add_records(conn)
    return engine


def norm(value, kind):
    """One value as text, whatever type the format gave it back as."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if kind == "bool":
        return str(value).lower() in ("true", "1", "1.0")
    if kind == "int":
        return int(float(value))
    if kind == "float":
        return round(float(value), 2)
    if kind == "date":
        if isinstance(value, dt.date | pd.Timestamp):
            return value.strftime("%Y-%m-%d")
        return str(value)[:10].replace("/", "-")
    return str(value)


def table(frame, layer):
    out = {}
    for _, row in frame.iterrows():
        out[str(row["code"])] = {f.name: norm(row[f.name], f.type) for f in layer.fields}
    return out


def read_back(path, fmt, layer):
    if fmt == "shp":
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            assert {f"{layer.id}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} <= names
            assert archive.read(f"{layer.id}.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
            mapping_text = archive.read(FIELDS_FILE).decode("utf-8")
        mapping = dict(line.split("\t")[:2] for line in mapping_text.splitlines() if line.count("\t") == 2)
        frame = pyogrio.read_dataframe(f"/vsizip/{path}/{layer.id}.shp")
        assert all(len(c) <= 10 for c in frame.columns)
        return frame.rename(columns={k: v for k, v in mapping.items() if k != "campo_shp"})
    if fmt == "csv":
        opts = {"X_POSSIBLE_NAMES": "lon", "Y_POSSIBLE_NAMES": "lat"} if layer.geometry_type == "Point" else {"GEOM_POSSIBLE_NAMES": "wkt"}
        return pyogrio.read_dataframe(path, **opts, KEEP_GEOM_COLUMNS="NO")
    if fmt == "xlsx":
        frame = pyogrio.read_dataframe(path, layer="datos", HEADERS="FORCE", FIELD_TYPES="STRING")
        return frame
    frame = pyogrio.read_dataframe(path)
    if fmt == "kml":  # LIBKML reads the placemark's <name> back as `Name`
        frame = frame.rename(columns={"Name": "name"})
    return frame


@pytest.mark.parametrize("fmt", VECTOR)
@pytest.mark.parametrize(
    ("layer_id", "params"),
    [("cases", CASES), ("parishes", LayerParams(territory="0101")), ("projects", LayerParams(filters={"round": ["2025-1"]}))],
)
def test_vector_formats_match_the_database(records, tmp_path, fmt, layer_id, params):
    layer = get_layer(layer_id)
    path = tmp_path / f"out.{ 'zip' if fmt == 'shp' else fmt}"
    with records.connect() as conn:
        expected_frame = features_frame(conn, layer_id, params)
        result = export_layer(conn, layer_id, params, fmt, path)
    assert result.count == len(expected_frame) > 0
    got = read_back(path, fmt, layer)
    assert len(got) == len(expected_frame)
    assert table(got, layer) == table(expected_frame, layer)
    if fmt not in ("xlsx",):
        got_geoms = {str(c): g for c, g in zip(got["code"], got.geometry)}
        for code, geom in zip(expected_frame["code"], expected_frame.geometry):
            assert got_geoms[code] is not None
            assert shapely.equals_exact(shapely.force_2d(got_geoms[code]), geom, tolerance=1e-5) or (
                got_geoms[code].symmetric_difference(geom).area < 1e-9
            ), (fmt, code)
    assert list(tmp_path.iterdir()) == [path]  # no temporary left behind


def test_accents_survive_every_format(records, tmp_path):
    with records.connect() as conn:
        for fmt in VECTOR:
            path = tmp_path / f"a.{ 'zip' if fmt == 'shp' else fmt}"
            export_layer(conn, "agreements", LayerParams(territory="0101"), fmt, path)
            names = set(read_back(path, fmt, get_layer("agreements"))["text"])
            assert "Acuerdo A-001: reparar la tubería de la calle Ñaraulí" in names, fmt


def test_other_crs(records, tmp_path):
    path = tmp_path / "c.gpkg"
    with records.connect() as conn:
        export_layer(conn, "cases", LayerParams(territory="01"), "gpkg", path, crs=2202)
        frame = pyogrio.read_dataframe(path)
        assert frame.crs.to_epsg() == 2202
        assert frame.geometry.x.min() > 100_000  # metres, not degrees
        with pytest.raises(LayerError, match="Sistema de referencia desconocido"):
            export_layer(conn, "cases", LayerParams(), "gpkg", tmp_path / "x.gpkg", crs=999999)
    assert not (tmp_path / "x.gpkg").exists()


def test_geojson_helpers_and_batches(records):
    with records.connect() as conn:
        collection = features_geojson(conn, "cases", CASES, precision=3)
        assert {f["id"] for f in collection["features"]} == {"C-001", "C-002", "C-003", "C-004"}
        first = next(f for f in collection["features"] if f["id"] == "C-001")
        assert first["properties"]["reported_date"] == "2025-03-01"
        assert first["geometry"]["coordinates"] == [-66.99, 10.41]
        batches = list(iter_batches(conn, "cases", LayerParams(), batch_size=4))
        assert [len(b) for b in batches] == [4, 2]
        assert all(list(b.dtypes) == list(batches[0].dtypes) for b in batches)
        empty = list(iter_batches(conn, "cases", LayerParams(filters={"category": ["gas"]})))
        assert len(empty) == 1 and len(empty[0]) == 0


def test_empty_export_still_has_the_schema(records, tmp_path):
    with records.connect() as conn:
        export_layer(conn, "cases", LayerParams(filters={"category": ["gas"]}), "gpkg", tmp_path / "e.gpkg")
    info = pyogrio.read_info(tmp_path / "e.gpkg")
    assert info["features"] == 0
    assert "reported_date" in list(info["fields"])


def test_errors_leave_nothing_behind(records, tmp_path):
    target = tmp_path / "big.gpkg"
    with records.connect() as conn:
        with pytest.raises(ExportTooLarge, match="máximo es 3"):
            export_layer(conn, "cases", LayerParams(), "gpkg", target, max_features=3)
        with pytest.raises(UnknownTerritory):
            export_layer(conn, "cases", LayerParams(territory="9999"), "csv", target)
        with pytest.raises(ExportError, match="Formato desconocido"):
            export_layer(conn, "cases", LayerParams(), "docx", target)
        # a failure while writing: the previous file at the path is kept intact, no temporary remains
        target.write_bytes(b"previous")
        broken = LayerParams(filters={"overdue": ["true"]})
        import layers.exports as exports

        original = exports.write_ogr

        def failing(*args, **kwargs):
            original(*args, **kwargs)
            raise OSError("disco lleno")

        exports.write_ogr = failing
        try:
            with pytest.raises(OSError, match="disco lleno"):
                export_layer(conn, "cases", broken, "gpkg", target)
        finally:
            exports.write_ogr = original
    assert target.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [target]


def test_short_names_are_unique():
    mapping = short_names(["consultation_round", "consultation_rounds", "code", "deposited_pct", "deposited"])
    assert mapping["code"] == "code"
    assert len(set(v.lower() for v in mapping.values())) == 5
    assert all(len(v) <= 10 for v in mapping.values())


def test_mixed_geometry_layer(records, tmp_path):
    layer = get_layer("integrity")
    params = LayerParams(territory="01")
    with records.connect() as conn:
        expected = features_frame(conn, "integrity", params)
        assert len(expected) > 0
        for fmt in ("geojson", "gpkg", "kml", "csv", "xlsx"):
            path = tmp_path / f"i.{fmt}"
            export_layer(conn, "integrity", params, fmt, path)
            if fmt == "csv":
                got = pyogrio.read_dataframe(path, GEOM_POSSIBLE_NAMES="wkt", KEEP_GEOM_COLUMNS="NO")
            elif fmt == "xlsx":
                got = pyogrio.read_dataframe(path, layer="datos", HEADERS="FORCE", FIELD_TYPES="STRING")
            else:
                got = pyogrio.read_dataframe(path)
            assert sorted(int(float(v)) for v in got["issue_id"]) == sorted(expected["issue_id"]), fmt
        with pytest.raises(ExportError, match="Shapefile admite un solo tipo"):
            export_layer(conn, "integrity", params, "shp", tmp_path / "i.zip")
    assert not (tmp_path / "i.zip").exists()
    assert layer.geometry_type == "Geometry"


def test_kml_placemarks_are_named(records, tmp_path):
    path = tmp_path / "casos.kml"
    with records.connect() as conn:
        export_layer(conn, "cases", LayerParams(territory="0101"), "kml", path)
    text = path.read_text(encoding="utf-8")
    assert "<name>C-001</name>" in text
    assert "Reporte C-001: tubería rota" in text


@pytest.mark.parametrize("fmt", ["gpkg", "csv"])
def test_export_indicators_equal_those_of_geodata(records, tmp_path, fmt):
    """The map and the export agree: a territory's indicator values in an export are
    `geodata.indicators.level_values` for it (materialised parishes, live councils)."""
    from geodata.indicators import Period, level_values

    for layer_id, level, params in (
        ("parishes", "parish", LayerParams(territory="0101", date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 6, 30))),
        ("councils", "council", LayerParams(territory="01", consultation_round="2025-1")),
    ):
        layer = get_layer(layer_id)
        path = tmp_path / f"{layer_id}.{fmt}"
        with records.connect() as conn:
            export_layer(conn, layer_id, params, fmt, path)
            period = Period(params.date_from, params.date_to, params.consultation_round)
            expected = level_values(conn, level, within=params.territory, period=period)
        got = table(read_back(path, fmt, layer), layer)
        assert set(got) == set(expected) and expected, layer_id
        for code, values in expected.items():
            for name in layer.indicators:
                assert got[code][name] == norm(values[name], layer.field(name).type), (layer_id, code, name)
        assert any(got[code]["cases_reported"] for code in got), layer_id
