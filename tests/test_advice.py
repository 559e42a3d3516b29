"""The «asesoría para la próxima consulta»: needs by sector against the projects chosen and
their execution, for a commune and for a communal circuit; scope and level checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from geodata.access import Scope, ScopeError
from geodata.advice import NotACommune, advice_units, consultation_advice
from geodata.place import resolve_place
from tests.advice_fixtures import TODAY, unit  # noqa: F401 (a fixture)


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
