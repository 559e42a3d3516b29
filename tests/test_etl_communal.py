"""The communal system's load kinds (quadrant, defense-plan, business, peace-judge,
peace-case): every format, every reject reason, idempotent reloads."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point, box

from etl.load import load_file
from tests.etl_builders import rows, scalar, with_tree, write_csv, write_vector


@pytest.fixture
def tree(engine):
    with_tree(engine)
    return engine


def reasons(result) -> dict[int, str]:
    return {r["row"]: r["reason"] for r in result.rejects}


# Quadrant Q1 straddles the two parishes of Libertador (-67.0..-66.8 × 10.4..10.5).
QUADRANTS = gpd.GeoDataFrame(
    {
        "codigo": ["Q1", "Q2"],
        "nombre": ["Cuadrante Catedral", "Cuadrante Acevedo"],
        "organo_responsable": ["PNB", "PoliMiranda"],
        "ultimo_reporte": ["2024-06-01", "15/05/2024"],
        "cod_municipio": ["0101", None],  # Q2 is placed by its polygon alone
    },
    geometry=[box(-66.95, 10.42, -66.85, 10.48), box(-66.75, 10.25, -66.65, 10.35)],
    crs=4326,
)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "fgb", "shp", "shp-zip"])
def test_quadrants_load_from_every_vector_format_and_reload_as_noop(tree, tmp_path, fmt):
    path = write_vector(QUADRANTS, tmp_path, fmt)
    first = load_file(tree, "quadrant", path)
    assert (first.inserted, first.rejected) == (2, 0), first.rejects
    got = rows(
        tree,
        "SELECT q.code, q.name, q.responsible_body, q.last_report_date, t.code, round(ST_Area(q.geom)::numeric, 4)::float"
        " FROM peace_quadrant q JOIN territory t ON t.id = q.territory_id ORDER BY q.code",
    )
    assert got == [
        ("Q1", "Cuadrante Catedral", "PNB", dt.date(2024, 6, 1), "0101", 0.006),
        ("Q2", "Cuadrante Acevedo", "PoliMiranda", dt.date(2024, 5, 15), "1501", 0.01),  # the deepest territory holding it
    ]
    again = load_file(tree, "quadrant", path)
    assert (again.inserted, again.updated, again.rejected) == (0, 0, 0)


def test_quadrants_from_csv_with_wkt(tree, tmp_path):
    path = write_csv(
        tmp_path / "cuadrantes.csv",
        ["cod_cuadrante", "cuadrante", "cod_parroquia", "wkt"],
        [["Q9", "Cuadrante Norte", "010101", box(-66.99, 10.41, -66.95, 10.45).wkt]],
    )
    result = load_file(tree, "quadrant", path)
    assert (result.inserted, result.rejected) == (1, 0), result.rejects
    assert scalar(tree, "SELECT GeometryType(geom) FROM peace_quadrant WHERE code = 'Q9'") == "MULTIPOLYGON"


def test_quadrant_rejects(tree, tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "codigo": ["Q1", "Q2", "Q3", "Q4", "Q5"],
            "nombre": ["Bien", "Punto", "Afuera", "Sin territorio", "Fecha futura"],
            "cod_municipio": ["0101", "0101", "0101", "9999", "0101"],
            "ultimo_reporte": ["2024-01-01", None, None, None, (dt.date.today() + dt.timedelta(days=3)).isoformat()],
        },
        geometry=[box(-66.95, 10.42, -66.9, 10.45), Point(-66.9, 10.45), box(10, 40, 11, 41), box(-66.95, 10.42, -66.9, 10.45),
                  box(-66.95, 10.42, -66.9, 10.45)],
        crs=4326,
    )
    path = tmp_path / "q.gpkg"
    frame.to_file(path, driver="GPKG", engine="pyogrio")
    result = load_file(tree, "quadrant", path)
    got = reasons(result)
    assert result.inserted == 1 and len(got) == 4, got
    assert "tipo de geometría «punto» no válido (se esperaba polígono)" in got.values()
    assert any(r.startswith("fuera de Venezuela") for r in got.values())
    assert any("«9999»" in r for r in got.values())
    assert any("«last_report_date» está en el futuro" in r for r in got.values())
    # A table with no polygon at all: each row refused with why, nothing written.
    flat = write_csv(tmp_path / "sin.csv", ["codigo", "nombre", "cod_municipio"], [["Q7", "Sin polígono", "0101"]])
    none = load_file(tree, "quadrant", flat)
    assert (none.inserted, list(reasons(none).values())) == (0, ["falta el polígono del cuadrante de paz"])


def test_defense_plans_csv_and_xlsx(tree, tmp_path):
    csv_path = write_csv(
        tmp_path / "planes.csv",
        ["codigo", "nombre", "cod_parroquia", "zona", "responsable", "estatus", "ultimo_ejercicio"],
        [
            ["PD1", "Plan Altagracia", "010101", "ZODI Capital", "Milicia", "Activo", "10/02/2024"],
            ["PD2", "Plan Antímano", "010102", "", "", "desconocido", ""],
            ["PD3", "Plan futuro", "010102", "", "", "vigente", (dt.date.today() + dt.timedelta(days=1)).isoformat()],
        ],
    )
    result = load_file(tree, "defense-plan", csv_path)
    got = reasons(result)
    assert result.inserted == 1 and len(got) == 2, got
    assert any(r.startswith("«status»: valor desconocido «desconocido»") for r in got.values())
    assert any("«last_review_date» está en el futuro" in r for r in got.values())

    book = Workbook()
    sheet = book.active
    sheet.append(["Código", "Nombre", "Cod Municipio", "Estatus", "Fecha Revisión"])
    sheet.append(["PD4", "Plan Libertador", "0101", "En formulación", dt.datetime(2024, 3, 1)])
    xlsx = tmp_path / "planes.xlsx"
    book.save(xlsx)
    loaded = load_file(tree, "defense-plan", xlsx)
    assert (loaded.inserted, loaded.rejected) == (1, 0), loaded.rejects
    assert rows(tree, "SELECT code, status, last_review_date FROM defense_plan ORDER BY code") == [
        ("PD1", "active", dt.date(2024, 2, 10)),
        ("PD4", "drafting", dt.date(2024, 3, 1)),
    ]


@pytest.mark.parametrize("fmt", ["csv", "geojson", "xlsx"])
def test_businesses_every_format_with_rejects(tree, tmp_path, fmt):
    header = ["codigo", "nombre", "sector", "forma", "trabajadores", "estatus", "lon", "lat"]
    data = [
        ["E1", "Panadería El Panal", "alimentos", "EPS directa", "12", "activa", "-66.99", "10.41"],
        ["E2", "Textil", "textil", "indirecta", "-3", "activa", "-66.93", "10.45"],
        ["E3", "Bloquera", "construcción", "cooperativa", "4", "activa", "-66.93", "10.45"],
        ["E4", "Sin estatus", "agro", "", "2", "", "-66.93", "10.45"],
    ]
    if fmt == "csv":
        path = write_csv(tmp_path / "empresas.csv", header, data)
    elif fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in data:
            sheet.append(row)
        path = tmp_path / "empresas.xlsx"
        book.save(path)
    else:
        frame = gpd.GeoDataFrame(
            [dict(zip(header[:6], r[:6])) for r in data],
            geometry=[Point(float(r[6]), float(r[7])) for r in data],
            crs=4326,
        )
        path = write_vector(frame, tmp_path, "geojson")
    result = load_file(tree, "business", path)
    got = reasons(result)
    assert result.inserted == 1, got
    assert sorted(got.values()) == sorted(
        [
            "«workers» no puede ser menor que 0",
            "«legal_form»: valor desconocido «cooperativa» (se acepta: eps_direct, eps_indirect, exchange_group, family_unit)",
            "falta el campo obligatorio «status»",
        ]
    )
    # Placed by its point: the deepest territory holding it (the council CC La Pastora).
    assert rows(
        tree,
        "SELECT b.code, b.legal_form, b.workers, t.code FROM communal_business b JOIN territory t ON t.id = b.territory_id",
    ) == [("E1", "eps_direct", 12, "0101010101")]


def test_peace_judges_and_cases(tree, tmp_path):
    judges = write_csv(
        tmp_path / "jueces.csv",
        ["codigo", "nombre", "cod_parroquia", "fecha_eleccion"],
        [["J1", "Jueza María Pérez", "010101", "2023-11-05"], ["J2", "Juez sin territorio", "XX", ""]],
    )
    loaded = load_file(tree, "peace-judge", judges)
    assert loaded.inserted == 1 and list(reasons(loaded).values()) == ["el territorio «XX» no existe"], loaded.rejects
    cases = write_csv(
        tmp_path / "casos_paz.csv",
        ["expediente", "cod_juez", "fecha", "materia", "estatus", "resolucion", "fecha_resolucion"],
        [
            ["JP1", "J1", "2024-03-01", "vecinal", "conciliado", "Acuerdo de convivencia", "2024-03-20"],
            ["JP2", "J1", "2024-04-01", "familiar", "en conciliación", "", ""],
            ["JP3", "J404", "2024-04-01", "vecinal", "abierto", "", ""],
            ["JP4", "J1", "2024-04-10", "vecinal", "resuelto", "", "2024-04-01"],
            ["JP5", "J1", "2024-04-10", "vecinal", "archivado", "", ""],
        ],
    )
    result = load_file(tree, "peace-case", cases)
    got = reasons(result)
    assert result.inserted == 2, got
    assert sorted(got.values()) == sorted(
        [
            "el juez de paz «J404» no existe",
            "«resolved_date» es anterior a «case_date»",
            "«status»: valor desconocido «archivado» (se acepta: in_mediation, open, referred, resolved)",
        ]
    )
    assert rows(tree, "SELECT code, status, resolved_date FROM peace_case ORDER BY code") == [
        ("JP1", "resolved", dt.date(2024, 3, 20)),
        ("JP2", "in_mediation", None),
    ]
    again = load_file(tree, "peace-case", cases)
    assert (again.inserted, again.updated) == (0, 0)
