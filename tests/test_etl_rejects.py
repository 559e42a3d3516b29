"""Every reject reason: the row is refused with its reason, kept with its raw values, and the rest loads."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pytest
from shapely import wkt
from shapely.geometry import box

import etl.read
import etl.repeats
from etl.errors import StrictRejects
from etl.load import load_file
from tests.etl_builders import counts, rows, with_tree, write_csv, write_vector


@pytest.fixture
def tree(engine):
    with_tree(engine)
    return engine


def reasons(result) -> dict[int, str]:
    return {r["row"]: r["reason"] for r in result.rejects}


def stored(engine, run_id) -> dict[int, tuple[str, str, dict]]:
    return {r[0]: (r[1], r[2], r[3]) for r in rows(engine, "SELECT row_number, field, reason, raw FROM etl_reject WHERE run_id = :r", r=run_id)}


def test_case_value_rejects(tree, tmp_path):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    path = write_csv(
        tmp_path / "casos.csv",
        ["codigo", "fecha", "categoria", "estatus", "cod_parroquia", "fecha_resolucion", "fecha_limite"],
        [
            ["K1", "2024-01-05", "agua", "recibido", "010101", "", ""],  # fine
            ["", "2024-01-05", "agua", "recibido", "010101", "", ""],  # required field
            ["K3", "31/02/2024", "agua", "recibido", "010101", "", ""],  # impossible date
            ["K4", future, "agua", "recibido", "010101", "", ""],  # future event
            ["K5", "2024-01-05", "marciano", "recibido", "010101", "", ""],  # unknown category
            ["K6", "2024-01-05", "agua", "perdido", "010101", "", ""],  # unknown status
            ["K7", "2024-01-05", "agua", "resuelto", "010101", "2023-12-01", ""],  # resolved before reported
            ["K8", "2024-01-05", "agua", "recibido", "999999", "", ""],  # territory that does not exist
            ["K9", "05-01-2024", "Electricidad", "En Proceso", "010101", "", "2024-02-01"],  # fine, other date form
        ],
    )
    result = load_file(tree, "case", path)
    assert (result.inserted, result.rejected) == (2, 7)
    got = reasons(result)
    assert got[2] == "falta el campo obligatorio «code»"
    assert "no es una fecha válida" in got[3] and "31/02/2024" in got[3]
    assert "está en el futuro" in got[4]
    assert "valor desconocido «marciano»" in got[5]
    assert "valor desconocido «perdido»" in got[6]
    assert got[7] == "«resolved_date» es anterior a «reported_date»"
    assert got[8] == "el territorio «999999» no existe"
    kept = stored(tree, result.run_id)
    assert set(kept) == {2, 3, 4, 5, 6, 7, 8}
    assert kept[5][0] == "category" and kept[5][2]["categoria"] == "marciano"
    assert kept[8][0] == "territory_code"


def test_amounts_progress_and_round_rejects(tree, tmp_path):
    path = write_csv(
        tmp_path / "proyectos.csv",
        ["code", "name", "territory_code", "consultation_round", "area", "sector", "budget", "progress", "stage"],
        [
            ["P1", "Bien", "0101010101", "2024-1", "social", "salud", "1.000,50", "10", "aprobado"],
            ["P2", "Negativo", "0101010101", "2024-1", "social", "salud", "-1", "10", "aprobado"],
            ["P3", "Avance", "0101010101", "2024-1", "social", "salud", "5", "120", "aprobado"],
            ["P4", "Ronda", "0101010101", "primera", "social", "salud", "5", "1", "aprobado"],
            ["P5", "Texto", "0101010101", "2024-1", "social", "salud", "mucho", "1", "aprobado"],
            ["P6", "Area", "0101010101", "2024-1", "deportes", "salud", "5", "1", "aprobado"],
        ],
    )
    result = load_file(tree, "project", path)
    got = reasons(result)
    assert result.inserted == 1 and set(got) == {2, 3, 4, 5, 6}
    assert got[2] == "«budget» no puede ser menor que 0"
    assert got[3] == "«progress» no puede ser mayor que 100"
    assert "debe tener la forma AAAA-N" in got[4]
    assert got[5] == "«budget»: «mucho» no es un número"
    assert "«area»: valor desconocido «deportes»" in got[6]
    assert rows(tree, "SELECT budget::float FROM project") == [(1000.5,)]


def test_references_that_must_exist(tree, tmp_path):
    write_csv(tmp_path / "p.csv", ["code", "name", "territory_code", "consultation_round", "area", "sector"],
              [["P1", "Pozo", "01010101", "2024-1", "servicios públicos", "agua"]])
    assert load_file(tree, "project", tmp_path / "p.csv").inserted == 1
    deposits = write_csv(tmp_path / "d.csv", ["code", "project_code", "amount", "deposit_date"],
                         [["D1", "P1", "10", "2024-01-01"], ["D2", "P404", "10", "2024-01-01"]])
    assert reasons(load_file(tree, "deposit", deposits)) == {2: "el proyecto «P404» no existe"}
    deliveries = write_csv(tmp_path / "e.csv", ["clap_code", "delivery_date", "households_served"], [["X1", "2024-01-01", "3"]])
    assert reasons(load_file(tree, "clap-delivery", deliveries)) == {1: "el CLAP «X1» no existe"}
    agreements = write_csv(
        tmp_path / "a.csv",
        ["code", "municipality_code", "cabinet_date", "area", "text", "institution", "status", "case_codes", "project_codes",
         "due_date"],
        [
            ["A1", "0101", "2024-01-01", "social", "t", "i", "pendiente", "", "P1", "2024-02-01"],
            ["A2", "0101", "2024-01-01", "social", "t", "i", "pendiente", "K404", "", "2024-02-01"],
            ["A3", "0101", "2024-01-01", "social", "t", "i", "pendiente", "", "P1; P405", "2024-02-01"],
            ["A4", "9999", "2024-01-01", "social", "t", "i", "pendiente", "", "", "2024-02-01"],
        ],
    )
    got = reasons(load_file(tree, "agreement", agreements))
    assert got == {
        2: "casos vinculados que no existen: K404",
        3: "proyectos vinculados que no existen: P405",
        4: "el municipio «9999» no existe",
    }
    parishes = write_csv(tmp_path / "q.csv", ["code", "name", "municipality_code"], [["990101", "Huérfana", "9901"]])
    assert "el territorio padre «9901» no existe" in reasons(load_file(tree, "parish", parishes))[1]


def test_duplicate_keys_with_different_values(tree, tmp_path):
    path = write_csv(
        tmp_path / "claps.csv", ["code", "name", "households", "territory_code"],
        [
            ["C1", "Uno", "10", "010101"],
            ["C2", "Dos", "10", "010101"],
            ["C1", "Uno bis", "12", "010101"],
            ["C2", "Dos", "10", "010101"],  # the same row twice: loaded once
        ],
    )
    result = load_file(tree, "clap", path)
    assert (result.inserted, result.unchanged, result.rejected) == (1, 1, 2)
    assert reasons(result) == {
        1: "clave repetida en el archivo con valores distintos (filas 1, 3)",
        3: "clave repetida en el archivo con valores distintos (filas 1, 3)",
    }


def test_repeated_keys_are_found_across_chunks_and_false_alarms_cleared(tree, tmp_path, monkeypatch):
    # Chunks of 2 rows: C1's second version comes two chunks after the first; and an 8-bit
    # sieve flags nearly every key, which the database's exact comparison must clear.
    monkeypatch.setattr(etl.read, "CHUNK_ROWS", 2)
    monkeypatch.setattr(etl.repeats, "MAX_BITS", 8)
    names = [f"C{i}" for i in range(2, 40)]
    path = write_csv(
        tmp_path / "claps.csv", ["code", "name", "households", "territory_code"],
        [["C1", "Uno", "10", "010101"]] + [[c, c, "5", "010101"] for c in names[:3]] + [["C1", "Uno bis", "12", "010101"]]
        + [[c, c, "5", "010101"] for c in names[3:]],
    )
    result = load_file(tree, "clap", path)
    assert (result.inserted, result.rejected) == (len(names), 2)
    assert reasons(result) == {
        1: "clave repetida en el archivo con valores distintos (filas 1, 5)",
        5: "clave repetida en el archivo con valores distintos (filas 1, 5)",
    }


def test_repeat_sieve_flags_every_repeated_key():
    sieve = etl.repeats.RepeatSieve(1000)
    sieve.add(np.array(["A", "B", "B"], dtype=object))  # twice in one chunk
    sieve.add(np.array(["C", "A"], dtype=object))  # again in a later chunk
    assert sieve.suspects == {"A", "B"}


def test_geometry_rejects_and_repair(tree, tmp_path):
    bowtie = wkt.loads("POLYGON((-66.99 10.41, -66.95 10.45, -66.95 10.41, -66.99 10.45, -66.99 10.41))")
    collapsed = wkt.loads("POLYGON((-66.5 10.5, -66.25 10.75, -66 11, -66.5 10.5))")
    frame = gpd.GeoDataFrame(
        {"code": ["010103", "010104", "010105", "010106", "010107", "010108"], "name": list("abcdef")},
        geometry=[
            bowtie,  # self-intersecting: repaired into two triangles
            collapsed,  # no area: make_valid gives a line, not a polygon
            wkt.loads("LINESTRING(-66.99 10.41, -66.95 10.45)"),  # wrong type
            box(10.41, -66.99, 10.45, -66.95),  # latitude and longitude swapped
            wkt.loads("POLYGON EMPTY"),
            box(-66.91, 10.41, -66.87, 10.45),  # fine
        ],
        crs=4326,
    )
    path = write_vector(frame, tmp_path, "geojson")
    result = load_file(tree, "parish", path)
    got = reasons(result)
    assert result.inserted == 2, got
    assert "geometría inválida que no se puede reparar" in got[2]
    assert "tipo de geometría «línea» no válido" in got[3]
    assert "fuera de Venezuela" in got[4]
    assert got[5] == "geometría vacía"
    assert rows(tree, "SELECT ST_IsValid(geom), ST_NumGeometries(geom) FROM territory WHERE code = '010103'") == [(True, 2)]


def test_point_outside_every_territory_and_missing_territory(tree, tmp_path):
    path = write_csv(
        tmp_path / "claps.csv", ["code", "name", "households", "lon", "lat"],
        [["C1", "Dentro", "5", "-66.99", "10.41"], ["C2", "Fuera", "5", "-62.0", "8.0"], ["C3", "Nada", "5", "", ""],
         ["C4", "Roto", "5", "abc", "10"]],
    )
    result = load_file(tree, "clap", path)
    assert result.inserted == 1
    assert reasons(result) == {
        2: "el punto no cae dentro de ningún territorio cargado",
        3: "falta el territorio: ni código de territorio ni coordenadas",
        4: "coordenadas no numéricas",
    }
    # The point in the commune and council squares takes the deepest: the council.
    assert rows(tree, "SELECT t.code FROM clap c JOIN territory t ON t.id = c.territory_id") == [("0101010101",)]


def test_strict_refuses_the_whole_file(tree, tmp_path):
    path = write_csv(tmp_path / "c.csv", ["code", "name", "households", "territory_code"],
                     [["C1", "Uno", "10", "010101"], ["C2", "Dos", "-1", "010101"]])
    before = counts(tree)
    with pytest.raises(StrictRejects, match="fila 2"):
        load_file(tree, "clap", path, strict=True)
    assert counts(tree) == before
    assert rows(tree, "SELECT status, rejected FROM etl_run") == [("failed", 1)]
    assert rows(tree, "SELECT row_number, field FROM etl_reject") == [(2, "households")]  # kept for whoever fixes the file


def test_report_json_has_the_contract_keys(tree, tmp_path):
    path = write_csv(tmp_path / "c.csv", ["code", "name", "households", "territory_code"],
                     [["C1", "Uno", "10", "010101"], ["C2", "Dos", "x", "010101"]])
    result = load_file(tree, "clap", path)
    report = tmp_path / "r.json"
    result.write_report(report)
    data = json.loads(report.read_text())
    assert set(data) >= {"run_id", "kind", "file", "sha256", "inserted", "updated", "unchanged", "rejected", "rejects"}
    assert data["rejects"][0]["row"] == 2 and data["rejects"][0]["values"]["households"] == "x"
    assert len(data["sha256"]) == 64


def test_unreadable_file_is_a_recorded_failure(tree, tmp_path):
    from etl.errors import LoadError

    path = write_csv(tmp_path / "c.csv", ["what", "ever"], [["1", "2"]])
    with pytest.raises(LoadError, match="faltan columnas obligatorias") as info:
        load_file(tree, "clap", path)
    assert str(path) in str(info.value)
    status, message = rows(tree, "SELECT status, message FROM etl_run")[0]
    assert status == "failed" and "faltan columnas" in message
