"""The «asesoría para la próxima consulta»: needs by sector against the projects chosen and
their execution, for a commune and for a communal circuit; scope and level checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from etl.load import load_file
from geodata.access import Scope, ScopeError
from geodata.advice import NotACommune, advice_units, consultation_advice
from geodata.place import resolve_place
from tests.etl_builders import with_tree, write_csv

TODAY = dt.date(2024, 12, 1)


@pytest.fixture
def unit(engine, tmp_path):
    """Comuna El Panal (in circuit 0101C01): water cases and two water projects (one
    running with half its money deposited, one still a need), a roads project completed,
    housing cases with no project; a case in the other parish, outside the commune."""
    with_tree(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE territory SET circuit_id = (SELECT id FROM territory WHERE code = '0101C01')"
                          " WHERE code = '01010101'"))

    def load(kind, header, data):
        result = load_file(engine, kind, write_csv(tmp_path / f"{kind}.csv", header, data))
        assert result.rejected == 0, result.rejects

    load("project", ["codigo", "nombre", "consulta", "area", "sector", "cod_territorio", "presupuesto", "etapa", "avance"], [
        ["P1", "Red de agua", "2024-1", "servicios", "water", "0101010101", "1000", "en ejecución", "40"],
        ["P2", "Tanque", "2024-2", "servicios", "water", "01010101", "300", "aprobado", "0"],
        ["P3", "Asfaltado", "2024-1", "servicios", "roads", "01010101", "800", "culminado", "100"],
        ["P4", "Otro lado", "2024-1", "servicios", "water", "010102", "999", "en ejecución", "10"],
    ])
    load("deposit", ["codigo", "cod_proyecto", "monto", "fecha"], [
        ["D1", "P1", "500", "2024-05-01"], ["D2", "P3", "800", "2024-03-01"], ["D3", "P4", "100", "2024-03-01"],
    ])
    load("case", ["codigo", "fecha", "categoria", "estatus", "cod_territorio"], [
        ["C1", "2024-11-01", "agua", "reportado", "0101010101"],
        ["C2", "2023-06-01", "agua", "resuelto", "01010101"],
        ["C3", "2024-10-01", "vivienda", "reportado", "0101010101"],
        ["C4", "2024-10-02", "vivienda", "en proceso", "01010101"],
        ["C5", "2024-10-02", "vivienda", "reportado", "010102"],  # Antímano: not the commune's
    ])
    load("consultation-round", ["consulta", "fecha", "cod_comuna", "cod_circuito", "votantes", "cod_proyecto", "votos"], [
        ["2024-1", "2024-04-21", "01010101", "", "850", "P1", "412"],
        ["2024-1", "2024-04-21", "01010101", "", "850", "P3", "300"],
        ["2024-2", "2024-08-25", "", "0101C01", "2000", "P2", "700"],
    ])
    return engine


def _advice(engine, code, scope=Scope()):
    with engine.connect() as conn:
        return consultation_advice(conn, resolve_place(conn, code, scope), TODAY)


def test_a_commune_needs_by_sector_against_its_projects(unit):
    data = _advice(unit, "01010101")
    assert data["unit"]["name"] == "Comuna El Panal" and data["unit"]["level"] == "commune"
    sectors = {s["sector"]: s for s in data["sectors"]}
    assert set(sectors) == {"water", "roads", "housing"}
    water, roads, housing = sectors["water"], sectors["roads"], sectors["housing"]
    assert (water["cases"], water["open_cases"], water["cases_last_year"]) == (2, 1, 1)
    assert (water["projects"], water["aca_needs"], water["running"], water["completed"]) == (2, 1, 1, 0)
    assert (water["approved_amount"], water["deposited"], water["mean_progress"]) == (Decimal(1300), Decimal(500), 20.0)
    assert (roads["cases"], roads["completed"], roads["deposited"]) == (0, 1, Decimal(800))
    assert (housing["open_cases"], housing["projects"], housing["unanswered"]) == (2, 0, True)
    assert data["sectors"][0]["sector"] == "housing"  # open needs with no project come first
    assert [p["code"] for p in data["projects"]] == ["P2", "P3", "P1"]  # newest round first, then by sector; P4 is elsewhere
    assert {p["code"]: p["votes"] for p in data["projects"]} == {"P1": 412, "P2": 700, "P3": 300}
    totals = data["totals"]
    assert (totals["cases"], totals["open_cases"], totals["projects"], totals["aca_needs"]) == (4, 3, 3, 1)
    assert totals["deposited_share"] == round(100 * 1300 / 2100, 1)
    # The rounds it took part in itself (2024-2 was voted circuit-wide: see the circuit's advice).
    assert [(r["code"], r["voters"], r["projects_voted"]) for r in data["rounds"]] == [("2024-1", 850, 2)]


def test_a_circuit_is_its_communes_and_its_own_rounds(unit):
    data = _advice(unit, "0101C01")
    assert data["unit"]["level"] == "circuit" and [c["code"] for c in data["communes"]] == ["01010101"]
    assert data["totals"]["projects"] == 3 and data["totals"]["cases"] == 4
    assert [(r["code"], r["voters"], r["projects_voted"]) for r in data["rounds"]] == [("2024-2", 2000, 1), ("2024-1", 850, 2)]


def test_level_and_scope_are_checked(unit):
    with pytest.raises(NotACommune):
        _advice(unit, "010101")
    with pytest.raises(ScopeError):
        _advice(unit, "01010101", Scope("director", "15", "/15/"))
    with unit.connect() as conn:
        units = advice_units(conn, resolve_place(conn, "0101"))
        assert [(u["code"], u["level"]) for u in units] == [("0101C01", "circuit"), ("01010101", "commune")]
        assert advice_units(conn, resolve_place(conn, None, Scope("director", "15", "/15/"))) == []
