"""One case's detail (geodata.records.case_detail): what the map room's case panel shows."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.load import load_file
from geodata.access import Scope, ScopeError
from geodata.records import case_detail
from tests.etl_builders import with_tree, write_csv

CASE_COLUMNS = ["code", "reported_date", "category", "status", "territory_code", "institution", "resolved_date", "due_date",
                "description", "project_code"]


@pytest.fixture
def cases(engine, tmp_path):
    """The small tree, two projects, two cases (K1 linked to P2 and to agreement A1) and an agreement."""
    with_tree(engine)
    files = [
        ("project", write_csv(
            tmp_path / "proyectos.csv", ["codigo", "nombre", "cod_comuna", "consulta", "area", "sector", "presupuesto", "etapa"],
            [["P2", "Pozo", "0101010101", "2024-2", "servicios públicos", "agua", "1000", "aprobado"]],
        )),
        ("case", write_csv(
            tmp_path / "casos.csv", CASE_COLUMNS,
            [
                ["K1", "2024-02-01", "water", "reported", "0101010101", "Hidrocapital", "", "", "Sin agua desde enero", "P2"],
                ["K2", "2024-02-03", "electricity", "resolved", "010102", "Corpoelec", "2024-02-10", "2024-02-20", "", ""],
            ],
        )),
        ("agreement", write_csv(
            tmp_path / "acuerdos.csv",
            ["code", "municipality_code", "cabinet_date", "area", "text", "institution", "status", "due_date", "case_codes"],
            [["A1", "0101", "2024-03-01", "servicios publicos", "Reparar tubería", "Hidrocapital", "pendiente", "2024-04-01", "K1"]],
        )),
    ]
    for kind, path in files:
        assert load_file(engine, kind, path).rejected == 0, kind
    return engine


def detail(engine, code, scope=Scope(), today=dt.date(2024, 6, 1)):
    with engine.connect() as conn:
        return case_detail(conn, code, scope, today=today)


def test_case_detail_is_plain_data_with_solutions_and_timeline(cases):
    k1 = detail(cases, "K1")
    assert {k: k1[k] for k in ("code", "category", "area", "status", "institution", "territory_code", "description")} == {
        "code": "K1", "category": "water", "area": "public_services", "status": "reported", "institution": "Hidrocapital",
        "territory_code": "0101010101", "description": "Sin agua desde enero",
    }
    assert k1["territory_name"] and k1["breadcrumb"][0] == (None, "Venezuela")
    assert [code for code, _ in k1["breadcrumb"][1:3]] == ["01", "0101"]  # state, municipality, … down to the case's territory
    assert k1["breadcrumb"][-1] == ("0101010101", k1["territory_name"])
    assert k1["reported_date"] == dt.date(2024, 2, 1) and k1["due_date"] is None and k1["resolved_date"] is None
    # No due date of its own: due 30 days after the report (geodata.rules), so overdue in June.
    assert k1["due_by"] == dt.date(2024, 3, 2) and k1["overdue"] is True
    assert detail(cases, "K1", today=dt.date(2024, 2, 15))["overdue"] is False
    assert k1["solutions"] == [
        {"kind": "project", "code": "P2", "label": "Pozo", "status": "approved"},
        {"kind": "agreement", "code": "A1", "label": "Reparar tubería", "status": "pending"},
    ]
    assert k1["timeline"] == [("reported", dt.date(2024, 2, 1))]

    k2 = detail(cases, "K2")
    assert (k2["status"], k2["due_date"], k2["resolved_date"]) == ("resolved", dt.date(2024, 2, 20), dt.date(2024, 2, 10))
    assert k2["overdue"] is False and k2["solutions"] == []  # resolved: never overdue
    assert k2["timeline"] == [("reported", dt.date(2024, 2, 3)), ("resolved", dt.date(2024, 2, 10))]


def test_case_whose_status_changed_across_two_loads(cases, tmp_path):
    later = write_csv(
        tmp_path / "casos2.csv", ["code", "reported_date", "category", "status", "territory_code", "resolved_date"],
        [["K1", "2024-02-01", "water", "resolved", "0101010101", "2024-03-01"]],
    )
    assert load_file(cases, "case", later).updated == 1
    k1 = detail(cases, "K1")
    assert k1["status"] == "resolved" and k1["resolved_date"] == dt.date(2024, 3, 1) and k1["overdue"] is False
    assert k1["timeline"] == [("reported", dt.date(2024, 2, 1)), ("resolved", dt.date(2024, 3, 1))]
    assert k1["institution"] == "Hidrocapital" and len(k1["solutions"]) == 2  # kept across the load


def test_case_detail_refuses_outside_the_scope_and_unknown_cases(cases):
    elsewhere = Scope(role="director", territory_code="15", territory_path="/15/")
    with pytest.raises(ScopeError):
        detail(cases, "K1", elsewhere)
    inside = Scope(role="director", territory_code="0101", territory_path="/01/0101/")
    assert detail(cases, "K1", inside)["code"] == "K1"
    with pytest.raises(ScopeError):
        detail(cases, "no-such-case")
