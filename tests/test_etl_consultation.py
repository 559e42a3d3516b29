"""The load kind `consultation-round`: rounds upserted from their rows (round × commune or
circuit × optional project with its votes), every format, every reject reason, idempotent."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point

from etl.load import load_file
from tests.etl_builders import rows, scalar, with_tree, write_csv, write_vector

HEADER = ["consulta", "nombre_consulta", "fecha_inicio", "fecha_fin", "cod_comuna", "cod_circuito", "votantes",
          "cod_proyecto", "votos"]
GOOD = [
    ["2024-1", "Consulta Popular Nacional 2024-1", "2024-04-21", "2024-04-21", "01010101", "", "850", "", ""],
    ["2024-1", "Consulta Popular Nacional 2024-1", "2024-04-21", "2024-04-21", "01010101", "", "850", "P1", "412"],
    ["2024-1", "Consulta Popular Nacional 2024-1", "2024-04-21", "2024-04-21", "01010101", "", "850", "P2", "301"],
    ["2024-1", "Consulta Popular Nacional 2024-1", "2024-04-21", "2024-04-21", "", "0101C01", "2300", "P1", "990"],
]


@pytest.fixture
def tree(engine, tmp_path):
    with_tree(engine)
    projects = write_csv(
        tmp_path / "proyectos.csv",
        ["codigo", "nombre", "consulta", "area", "sector", "cod_comuna", "presupuesto", "etapa"],
        [
            ["P1", "Rehabilitación de la red de agua", "2024-1", "servicios", "agua", "01010101", "1000", "en ejecución"],
            ["P2", "Techado de la cancha", "2024-1", "servicios", "deporte", "01010101", "500", "aprobado"],
            ["P3", "Casa comunal", "2024-2", "servicios", "vivienda", "01010101", "700", "propuesto"],
        ],
    )
    loaded = load_file(engine, "project", projects)
    assert loaded.rejected == 0, loaded.rejects
    return engine


def reasons(result) -> dict[int, str]:
    return {r["row"]: r["reason"] for r in result.rejects}


def _xlsx(path, header, data):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in data:
        sheet.append(row)
    book.save(path)
    return path


def _stored(engine):
    return rows(
        engine,
        "SELECT cr.code, t.code, p.code, v.votes, v.voters FROM consultation_vote v"
        " JOIN consultation_round cr ON cr.id = v.round_id JOIN territory t ON t.id = v.territory_id"
        " LEFT JOIN project p ON p.id = v.project_id ORDER BY t.code, p.code NULLS FIRST",
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "geojson", "gpkg", "shp-zip"])
def test_rounds_load_from_every_format_and_reload_as_noop(tree, tmp_path, fmt):
    if fmt == "csv":
        path = write_csv(tmp_path / "consulta.csv", HEADER, GOOD)
    elif fmt == "tsv":
        path = write_csv(tmp_path / "consulta.txt", HEADER, GOOD, delimiter=";", encoding="cp1252")
    elif fmt == "xlsx":
        data = [[r[0], r[1], dt.datetime(2024, 4, 21), dt.datetime(2024, 4, 21), *r[4:]] for r in GOOD]
        path = _xlsx(tmp_path / "consulta.xlsx", HEADER, data)
    else:  # a vector layer of the communes that took part (its points are not needed)
        frame = gpd.GeoDataFrame([dict(zip(HEADER, r)) for r in GOOD], geometry=[Point(-66.99, 10.41)] * len(GOOD), crs=4326)
        path = write_vector(frame, tmp_path, fmt)
    first = load_file(tree, "consultation-round", path)
    assert (first.inserted, first.rejected) == (4, 0), first.rejects
    assert rows(tree, "SELECT code, name, start_date, end_date FROM consultation_round") == [
        ("2024-1", "Consulta Popular Nacional 2024-1", dt.date(2024, 4, 21), dt.date(2024, 4, 21))
    ]
    assert _stored(tree) == [
        ("2024-1", "01010101", None, None, 850),
        ("2024-1", "01010101", "P1", 412, 850),
        ("2024-1", "01010101", "P2", 301, 850),
        ("2024-1", "0101C01", "P1", 990, 2300),
    ]
    again = load_file(tree, "consultation-round", path)
    assert (again.inserted, again.updated, again.rejected) == (0, 0, 0)


def test_a_later_file_updates_votes_and_the_round(tree, tmp_path):
    load_file(tree, "consultation-round", write_csv(tmp_path / "a.csv", HEADER, GOOD))
    changed = [["2024-1", "Consulta 2024-1 (corregida)", "2024-04-21", "2024-04-22", "01010101", "", "850", "P1", "420"]]
    result = load_file(tree, "consultation-round", write_csv(tmp_path / "b.csv", HEADER, changed))
    assert (result.inserted, result.updated, result.rejected) == (0, 2, 0), result.rejects  # the vote and the round
    assert scalar(tree, "SELECT votes FROM consultation_vote v JOIN project p ON p.id = v.project_id"
                        " JOIN territory t ON t.id = v.territory_id WHERE p.code = 'P1' AND t.code = '01010101'") == 420
    assert rows(tree, "SELECT name, end_date FROM consultation_round") == [("Consulta 2024-1 (corregida)", dt.date(2024, 4, 22))]
    # A file without name or end date keeps them.
    bare = write_csv(tmp_path / "c.csv", ["ronda", "fecha", "comuna"], [["2024-1", "2024-04-21", "01010101"]])
    assert load_file(tree, "consultation-round", bare).rejected == 0
    assert rows(tree, "SELECT name, end_date FROM consultation_round") == [("Consulta 2024-1 (corregida)", dt.date(2024, 4, 22))]


def test_consultation_rejects(tree, tmp_path):
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    data = [
        ["2024-1", "C", "2024-04-21", "", "01010101", "", "10", "P1", "5"],  # 1: good
        ["2024-X", "C", "2024-04-21", "", "01010101", "", "", "", ""],  # 2: bad round code
        ["2024-1", "C", "", "", "01010101", "", "", "P2", ""],  # 3: no start date
        ["2024-1", "C", "2024-04-21", "2024-04-01", "01010101", "", "", "P2", ""],  # 4: ends before it starts
        ["2024-1", "C", "2024-04-21", "", "01010101", "", "", "P9", "3"],  # 5: unknown project
        ["2024-1", "C", "2024-04-21", "", "01010101", "", "", "P3", "3"],  # 6: project of another round
        ["2024-1", "C", "2024-04-21", "", "01010101", "", "", "", "7"],  # 7: votes with no project
        ["2024-1", "C", "2024-04-21", "", "99999999", "", "", "", ""],  # 8: unknown commune
        ["2024-1", "C", "2024-04-21", "", "", "", "", "", ""],  # 9: no territory
        ["2024-1", "C", "2024-04-21", "", "01010101", "", "-4", "", ""],  # 10: negative voters
        ["2025-1", "C", future, "", "01010101", "", "", "", ""],  # 11: in the future
        ["2024-1", "C", "2024-04-21", "", "01010101", "", "10", "P2", "muchos"],  # 12: votes not a number
    ]
    result = load_file(tree, "consultation-round", write_csv(tmp_path / "mal.csv", HEADER, data))
    got = reasons(result)
    assert result.inserted == 1, got
    assert got == {
        2: "«code» debe tener la forma AAAA-N (p. ej. 2024-1), no «2024-X»",
        3: "falta el campo obligatorio «start_date»",
        4: "«end_date» es anterior a «start_date»",
        5: "el proyecto «P9» no existe",
        6: "el proyecto «P3» es de la consulta 2024-2, no de la 2024-1",
        7: "hay votos sin proyecto: indique «project_code»",
        8: "el territorio «99999999» no existe",
        9: "falta el territorio: ni código de territorio ni coordenadas",
        10: "«voters» no puede ser menor que 0",
        11: f"«start_date» está en el futuro ({future})",
        12: "«votes»: «muchos» no es un número",
    }


def test_territory_must_be_a_commune_or_circuit_and_rows_agree_on_the_round(tree, tmp_path):
    parish = write_csv(tmp_path / "p.csv", ["consulta", "fecha", "territorio"], [["2024-1", "2024-04-21", "010101"]])
    got = reasons(load_file(tree, "consultation-round", parish))
    assert list(got.values()) == ["el territorio «010101» no es una comuna ni un circuito comunal (es parish)"]
    clash = write_csv(
        tmp_path / "c.csv",
        ["consulta", "fecha", "cod_comuna", "cod_proyecto", "votos"],
        [["2024-1", "2024-04-21", "01010101", "P1", "3"], ["2024-1", "2024-04-28", "01010101", "P2", "4"]],
    )
    result = load_file(tree, "consultation-round", clash)
    assert result.inserted == 0
    assert set(reasons(result).values()) == {"la consulta «2024-1» tiene nombres o fechas distintos en el archivo (filas 1, 2)"}
    # The same row twice with different votes is refused as a repeated key.
    twice = write_csv(
        tmp_path / "t.csv",
        ["consulta", "fecha", "cod_comuna", "cod_proyecto", "votos"],
        [["2024-1", "2024-04-21", "01010101", "P1", "3"], ["2024-1", "2024-04-21", "01010101", "P1", "9"]],
    )
    repeated = load_file(tree, "consultation-round", twice)
    assert repeated.inserted == 0 and all(r.startswith("clave repetida en el archivo") for r in reasons(repeated).values())
