"""Hostile files: mixed encodings, NUL bytes, NaN, a shapefile missing a part, formula cells,
neutralised formulas. Each is refused or rejected with a clear Spanish reason, and nothing
already stored is spoiled."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from openpyxl import Workbook

from etl.errors import LoadError
from etl.load import load_file
from tests.etl_builders import counts, parishes, rows, scalar, with_tree, write_csv, write_vector

CASE_HEADER = ["code", "reported_date", "category", "status", "territory_code", "description"]


@pytest.fixture
def tree(engine):
    with_tree(engine)
    return engine


def case_line(code: str, description: str) -> str:
    return f"{code},2024-01-02,water,reported,010101,{description}"


def reasons(result) -> dict[int, str]:
    return {r["row"]: r["reason"] for r in result.rejects}


# --- text encodings ----------------------------------------------------------------------------


def test_mixed_utf8_and_latin1_lines_refuse_the_file_naming_the_lines(tree, tmp_path):
    # The rows are stored right first; a later file mixing encodings must not spoil them.
    good = tmp_path / "good.csv"
    good.write_text("\n".join([",".join(CASE_HEADER), case_line("M1", "Tubería rota en la Peña"),
                               case_line("M2", "Niño sin agua")]) + "\n", encoding="utf-8")
    assert load_file(tree, "case", good).inserted == 2
    lines = [",".join(CASE_HEADER).encode(), case_line("M1", "Tubería rota en la Peña").encode("utf-8"),
             case_line("M2", "Niño sin agua").encode("cp1252"), case_line("M3", "sin acentos").encode(),
             case_line("M4", "Cañería").encode("cp1252")]
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"\n".join(lines) + b"\n")
    before = counts(tree)
    with pytest.raises(LoadError) as info:
        load_file(tree, "case", mixed)
    message = str(info.value)
    assert "mezcla codificaciones" in message and "UTF-8" in message
    assert "línea 2" in message and "líneas 3, 5" in message, message
    assert counts(tree) == before
    assert rows(tree, "SELECT code, description FROM case_report ORDER BY code") == [
        ("M1", "Tubería rota en la Peña"), ("M2", "Niño sin agua")
    ]


def test_latin1_lines_far_past_the_sample_are_found(tree, tmp_path):
    # UTF-8 for the first megabytes (all the encoding sample sees), Latin-1 much later.
    path = tmp_path / "long.csv"
    body = [case_line(f"L{i}", "Tubería número " + str(i)).encode("utf-8") for i in range(40_000)]
    body.insert(35_000, case_line("LX", "Señal débil").encode("cp1252"))
    path.write_bytes(b"\n".join([",".join(CASE_HEADER).encode(), *body]) + b"\n")
    assert path.stat().st_size > 2 << 20
    with pytest.raises(LoadError, match="línea 35002") as info:
        load_file(tree, "case", path)
    assert "mezcla codificaciones" in str(info.value)
    assert scalar(tree, "SELECT count(*) FROM case_report") == 0


# --- NUL and NaN ---------------------------------------------------------------------------------


def test_nul_bytes_in_a_csv_reject_their_rows(tree, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(("\n".join([",".join(CASE_HEADER), case_line("N1", "bien"), case_line("N2", "mal\x00byte"),
                                 case_line("N3", "bien")]) + "\n").encode())
    result = load_file(tree, "case", path)
    assert (result.inserted, result.rejected) == (2, 1), result.rejects
    assert "carácter nulo" in reasons(result)[2] and result.rejects[0]["field"] == "description"
    stored = rows(tree, "SELECT raw FROM etl_reject")[0][0]
    assert stored["code"] == "N2" and "\x00" not in json.dumps(stored)


def test_geojson_nan_attribute_and_coordinates_are_reasons_not_database_errors(tree, tmp_path):
    feature = '{{"type": "Feature", "properties": {props}, "geometry": {{"type": "Point", "coordinates": [{x}, 10.45]}}}}'
    features = [
        feature.format(props='{"code": "G1", "name": "Uno", "households": 5, "territory_code": "010101"}', x="-66.99"),
        feature.format(props='{"code": "G2", "name": "Dos", "households": 5, "territory_code": "010101"}', x="NaN"),
        # NaN where a number must be: a reject, whose raw values must still be storable.
        feature.format(props='{"code": "G3", "name": "Tres", "households": NaN, "territory_code": "010101"}', x="-66.98"),
        feature.format(props='{"code": "G4", "name": "Cuatro", "households": 5, "territory_code": "999999"}', x="-66.97"),
    ]
    path = tmp_path / "claps.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [' + ",".join(features) + "]}", encoding="utf-8")
    result = load_file(tree, "clap", path)
    got = reasons(result)
    assert result.inserted == 1, got
    assert "coordenadas no numéricas" in got[2]
    assert got[3] == "falta el campo obligatorio «households»"
    assert got[4] == "el territorio «999999» no existe"


def test_polygon_with_nan_coordinate_is_a_reject(tree, tmp_path):
    ring = "[[-66.95, 10.41], [NaN, 10.41], [-66.91, 10.45], [-66.95, 10.45], [-66.95, 10.41]]"
    path = tmp_path / "p.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"code": "010103", "name": "A", "population": NaN}, "geometry": '
        '{"type": "Polygon", "coordinates": [[[-66.99, 10.41], [-66.95, 10.41], [-66.95, 10.45], [-66.99, 10.45], [-66.99, 10.41]]]}},'
        '{"type": "Feature", "properties": {"code": "010104", "name": "B"}, "geometry": {"type": "Polygon", "coordinates": ['
        + ring + "]}}]}",
        encoding="utf-8",
    )
    result = load_file(tree, "parish", path)
    assert result.inserted == 1, result.rejects
    assert "coordenadas no numéricas" in reasons(result)[2]
    assert scalar(tree, "SELECT population FROM territory WHERE code = '010103'") is None


# --- a shapefile without one of its parts ------------------------------------------------------


@pytest.mark.parametrize("missing", [".dbf", ".shx", ".shp"])
def test_zipped_shapefile_missing_a_part_names_it(tree, tmp_path, missing):
    folder = write_vector(parishes(), tmp_path, "shp-folder")
    path = tmp_path / "sin.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in folder.iterdir():
            if part.suffix != missing:
                archive.write(part, part.name)
    with pytest.raises(LoadError) as info:
        load_file(tree, "parish", path)
    message = str(info.value)
    assert f"falta el archivo parroquias{missing}" in message, message
    assert "faltan columnas" not in message


@pytest.mark.parametrize("missing", [".dbf", ".shx"])
def test_shapefile_folder_or_file_missing_a_part_names_it(tree, tmp_path, missing):
    shp = write_vector(parishes(), tmp_path, "shp")
    shp.with_suffix(missing).unlink()
    for path in (shp, shp.parent):
        with pytest.raises(LoadError, match=f"falta el archivo parroquias\\{missing}"):
            load_file(tree, "parish", path)


# --- XLSX formulas ----------------------------------------------------------------------------------


def formula_book(path, cached: dict[str, str]) -> None:
    """A sheet with formulas, their cached values set for the cells in `cached` (as a spreadsheet
    program leaves them) and missing for the others (as a library writes them)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "households", "territory_code"])
    sheet.append(["F1", "Uno", "=2*5", "010101"])
    sheet.append(["F2", "Dos", "=3*5", "010101"])
    sheet.append(["F3", "Tres", 7, "010101"])
    sheet.append(["F4", '=CONCAT("Cua","tro")', 8, "010101"])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, value in cached.items():
        kind = "" if value.isdigit() else ' t="str"'
        xml, found = re.subn(rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v ?/>',
                             lambda m: f'<c r="{cell}"{m.group(1)}{kind}><f>{m.group(2)}</f><v>{value}</v>', xml)
        assert found == 1, xml
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_xlsx_formulas_give_their_cached_values_or_a_reject(tree, tmp_path):
    path = tmp_path / "claps.xlsx"
    formula_book(path, {"C2": "10", "B5": "Cuatro"})  # C3 (=3*5) was never calculated
    result = load_file(tree, "clap", path)
    assert result.inserted == 3, result.rejects
    assert list(reasons(result)) == [2]
    reason = reasons(result)[2]
    assert "fórmula" in reason and "=3*5" in reason and "sin valor calculado" in reason, reason
    assert result.rejects[0]["field"] == "households"
    assert rows(tree, "SELECT code, name, households FROM clap ORDER BY code") == [
        ("F1", "Uno", 10), ("F3", "Tres", 7), ("F4", "Cuatro", 8)
    ]


# --- neutralised formulas ---------------------------------------------------------------------


def test_the_apostrophe_that_neutralises_a_formula_is_dropped(tree, tmp_path):
    # Exports put a ' before text starting with = + - @ (OWASP): loading them back undoes it.
    path = write_csv(
        tmp_path / "c.csv", CASE_HEADER + ["institution"],
        [
            ["A1", "2024-01-02", "water", "reported", "010101", "'=HYPERLINK(\"http://x\")", "'+58 212 555"],
            ["A2", "2024-01-02", "water", "reported", "010101", "'-5 grados", "'@alcaldia"],
            ["A3", "2024-01-02", "water", "reported", "010101", "'hola", "'5 de Julio"],
        ],
    )
    result = load_file(tree, "case", path)
    assert (result.inserted, result.rejected) == (3, 0), result.rejects
    assert rows(tree, "SELECT code, description, institution FROM case_report ORDER BY code") == [
        ("A1", '=HYPERLINK("http://x")', "+58 212 555"),
        ("A2", "-5 grados", "@alcaldia"),
        ("A3", "'hola", "'5 de Julio"),  # an apostrophe before anything else is the text's own
    ]
