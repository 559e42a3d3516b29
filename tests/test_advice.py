"""The «asesoría para la próxima consulta»: needs by sector against the projects chosen and
their execution, for a commune and for a communal circuit; scope and level checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from geodata.access import Scope, ScopeError
from geodata.advice import NotACommune, advice_units, consultation_advice
from geodata.place import resolve_place
from etl.load import load_file
from tests.advice_fixtures import TODAY, unit  # noqa: F401 (a fixture)
from tests.etl_builders import write_csv


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


def test_a_circuit_is_its_communes_and_its_own_rounds(unit, tmp_path):
    # The circuit's own count of 2024-1 is what it says, not that plus its commune's.
    extra = write_csv(tmp_path / "c.csv", ["consulta", "fecha", "cod_circuito", "votantes"], [["2024-1", "2024-04-21", "0101C01", "900"]])
    assert load_file(unit, "consultation-round", extra).rejected == 0
    data = _advice(unit, "0101C01")
    assert data["unit"]["level"] == "circuit" and [c["code"] for c in data["communes"]] == ["01010101"]
    assert data["totals"]["projects"] == 3 and data["totals"]["cases"] == 4
    assert [(r["code"], r["voters"], r["projects_voted"]) for r in data["rounds"]] == [("2024-2", 2000, 1), ("2024-1", 900, 2)]


def test_level_and_scope_are_checked(unit):
    with pytest.raises(NotACommune):
        _advice(unit, "010101")
    with pytest.raises(ScopeError):
        _advice(unit, "01010101", Scope("director", "15", "/15/"))
    with unit.connect() as conn:
        units = advice_units(conn, resolve_place(conn, "0101"))
        assert [(u["code"], u["level"]) for u in units] == [("0101C01", "circuit"), ("01010101", "commune")]
        assert advice_units(conn, resolve_place(conn, None, Scope("director", "15", "/15/"))) == []


def test_the_page_formats_the_advice_and_lists_units_elsewhere(unit):
    from dashboard import advice_vm
    from dashboard.view import View

    page = advice_vm.advice_page(unit, View("01010101"), today=TODAY)
    assert page.title == "Asesoría para la próxima consulta — Comuna El Panal" and page.units is None
    assert {k["id"]: k["value"] for k in page.kpis}["open_cases"] == "3"
    assert page.sectors[0]["label"] == "Vivienda" and page.sectors[0]["unanswered"]
    assert page.advice[0] == "Vivienda: 2 casos abiertos y ningún proyecto en ejecución ni culminado."
    assert [d["href"] for d in page.downloads] == ["/export/advice/01010101.pdf", "/export/advice/01010101.csv",
                                                    "/export/advice/01010101.xlsx"]
    assert page.chart["data"][0]["y"] == ["Vivienda", "Agua", "Vialidad"]
    choose = advice_vm.advice_page(unit, View("0101"), today=TODAY)
    assert [u["code"] for u in choose.units] == ["0101C01", "01010101"]
    assert choose.units[0]["name"] == "Circuito Caracas Norte (0101C01)"  # no «Circuito comunal Circuito …»
    assert advice_vm.advice_page(unit, View("01010101"), Scope("director", "15", "/15/")).error
