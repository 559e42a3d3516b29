"""Every export format loads back with `sala load`: what a room exports, another room loads.

The small demo's Distrito Capital is exported layer by layer (territory levels, then
projects, CLAPs, agreements and cases) in each format and loaded, in that order, into an
empty database: no row is rejected and every value the export carries comes back.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from etl.load import load_file
from layers.exports import FORMATS, export_layer
from layers.registry import LayerParams
from tests.etl_builders import rows, with_tree, write_csv

TERRITORY = "01"
LOADS = (
    ("states", "state"),
    ("municipalities", "municipality"),
    ("parishes", "parish"),
    ("circuits", "circuit"),
    ("communes", "commune"),
    ("councils", "council"),
    ("projects", "project"),
    ("claps", "clap"),
    ("agreements", "agreement"),
    ("cases", "case"),
)
# What each export carries of a table, as comparable values (floats rounded where a
# format writes fewer digits than the database holds).
SNAPSHOTS = {
    "territory": """
        SELECT t.level, t.code, t.name, p.code, t.population, t.households, round(t.area_km2::numeric, 6)
        FROM territory t LEFT JOIN territory p ON p.id = t.parent_id ORDER BY t.code""",
    "project": """
        SELECT p.code, p.name, p.consultation_round, p.area, p.sector, round(p.budget, 2), p.currency, p.stage,
               round(p.progress, 2), p.start_date, p.end_date, p.description, t.code,
               round(ST_X(p.geom)::numeric, 5), round(ST_Y(p.geom)::numeric, 5)
        FROM project p JOIN territory t ON t.id = p.territory_id ORDER BY p.code""",
    "clap": """
        SELECT c.code, c.name, c.households, t.code, round(ST_X(c.geom)::numeric, 5), round(ST_Y(c.geom)::numeric, 5)
        FROM clap c JOIN territory t ON t.id = c.territory_id ORDER BY c.code""",
    "agreement": """
        SELECT a.code, m.code, a.cabinet_date, a.area, a.text, a.institution, a.status, w.name, a.due_date, a.done_date
        FROM agreement a JOIN territory m ON m.id = a.municipality_id
        LEFT JOIN working_table w ON w.id = a.working_table_id ORDER BY a.code""",
    "case_report": """
        SELECT c.code, c.reported_date, c.category, c.area, c.status, c.institution, c.due_date, c.resolved_date,
               c.description, t.code, round(ST_X(c.geom)::numeric, 5), round(ST_Y(c.geom)::numeric, 5)
        FROM case_report c JOIN territory t ON t.id = c.territory_id ORDER BY c.code""",
}
VECTOR_FORMATS = [f.id for f in FORMATS.values() if f.vector]


def snapshot(engine, table: str) -> list[tuple]:
    return [tuple(r) for r in rows(engine, SNAPSHOTS[table])]


def polygons(engine) -> dict[str, object]:
    return {code: shapely.from_wkb(bytes(wkb)) for code, wkb in rows(
        engine, "SELECT code, ST_AsBinary(geom) FROM territory WHERE geom IS NOT NULL ORDER BY code")}


@pytest.fixture(scope="module")
def source(demo_engine) -> dict:
    """What the demo holds of Distrito Capital, as the exports carry it."""
    tables = {table: [r for r in snapshot(demo_engine, table) if _in_subtree(table, r)] for table in SNAPSHOTS}
    assert all(tables.values()), {t: len(v) for t, v in tables.items()}
    return {"tables": tables, "polygons": {c: g for c, g in polygons(demo_engine).items() if c.startswith(TERRITORY)}}


# The column of each snapshot holding the territory code that tells whether a row was exported.
TERRITORY_COLUMN = {"territory": 1, "project": 12, "clap": 3, "agreement": 1, "case_report": 9}


def _in_subtree(table: str, row: tuple) -> bool:
    return row[TERRITORY_COLUMN[table]].startswith(TERRITORY)


def test_every_vector_format_is_exported():
    assert sorted(VECTOR_FORMATS) == ["csv", "geojson", "gpkg", "kml", "shp", "xlsx"]


@pytest.mark.parametrize("fmt", VECTOR_FORMATS)
def test_every_export_loads_back_with_the_same_values(demo_engine, engine, source, tmp_path, fmt):
    for layer, kind in LOADS:
        path = tmp_path / f"{layer}{FORMATS[fmt].extension}"
        with demo_engine.connect() as conn:
            exported = export_layer(conn, layer, LayerParams(territory=TERRITORY), fmt, path)
        result = load_file(engine, kind, path, refresh=False)
        assert result.rejected == 0, (layer, result.rejects[:3])
        assert result.inserted == exported.count, (layer, result)
    for table, expected in source["tables"].items():
        assert snapshot(engine, table) == expected, table
    loaded = polygons(engine)
    assert loaded.keys() == source["polygons"].keys()
    codes = sorted(loaded)
    # Coordinates travel with 6 decimals in the text formats (10 cm): the shapes are the same.
    distance = shapely.hausdorff_distance(np.array([loaded[c] for c in codes]), np.array([source["polygons"][c] for c in codes]))
    assert distance.max() < 1e-5, codes[int(distance.argmax())]
    # Nothing an export derives (the parent's name, the indicators, KML's placemark fields)
    # is taken for a territory's own attributes.
    assert rows(engine, "SELECT DISTINCT attributes FROM territory") == [({},)]


def test_a_record_placed_at_its_territory_gets_no_point_of_its_own(engine, tmp_path):
    # An export places a case without a point at its territory's (Ubicación: territorio).
    with_tree(engine)
    path = write_csv(
        tmp_path / "cases.csv",
        ["code", "reported_date", "category", "status", "territory_code", "location_source", "lon", "lat"],
        [["P1", "2024-01-02", "water", "reported", "010101", "punto", "-66.99", "10.41"],
         ["T1", "2024-01-02", "water", "reported", "010101", "territorio", "-66.95", "10.45"]],
    )
    result = load_file(engine, "case", path)
    assert (result.inserted, result.rejected) == (2, 0), result.rejects
    assert rows(engine, "SELECT code, ST_AsText(geom) FROM case_report ORDER BY code") == [
        ("P1", "POINT(-66.99 10.41)"), ("T1", None)
    ]


def test_a_polygon_too_large_for_an_excel_cell_is_a_clear_reject(engine, tmp_path):
    # XLSX cells hold 32,767 characters: an export leaves a larger polygon out, and says so in the cell.
    from openpyxl import Workbook

    with_tree(engine)
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "parent_code", "wkt"])
    sheet.append(["010103", "Grande", "0101", "(geometría demasiado grande para Excel: use GeoPackage)"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    result = load_file(engine, "parish", path)
    assert result.rejected == 1
    assert "demasiado grande para Excel" in result.rejects[0]["reason"] and "GeoPackage" in result.rejects[0]["reason"]
