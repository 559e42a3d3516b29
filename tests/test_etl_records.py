"""Records (projects, deposits, CLAPs, deliveries, cases, agreements): links, history, idempotency."""

from __future__ import annotations

import pytest

from etl.load import load_file, refresh_after_load
from geodata.access import ScopeError
from geodata.records import case_history
from tests.etl_builders import counts, rows, scalar, with_tree, write_csv


@pytest.fixture
def loaded(engine, tmp_path):
    """The small tree plus one file of every record kind, in canonical and Spanish layouts."""
    with_tree(engine)
    files = {
        "project": write_csv(
            tmp_path / "proyectos.csv",
            ["codigo", "nombre", "cod_comuna", "consulta", "area", "sector", "presupuesto", "etapa", "avance", "fecha_inicio"],
            [
                ["P1", "Techo escuela", "01010101", "2024-1", "Social", "educación", "1.234,50", "En ejecución", "40", "05/03/2024"],
                ["P2", "Pozo", "0101010101", "2024-2", "servicios públicos", "agua", "1000", "aprobado", "0", "2024-04-01"],
            ],
        ),
        "deposit": write_csv(
            tmp_path / "depositos.csv", ["codigo", "cod_proyecto", "monto", "fecha_deposito", "banco_comunal"],
            [["D1", "P1", "500", "2024-05-01", "Banco Comunal El Panal"]],
        ),
        "clap": write_csv(
            tmp_path / "claps.csv", ["code", "name", "households", "lon", "lat"], [["C1", "CLAP Uno", "120", "-66.99", "10.41"]]
        ),
        "clap-delivery": write_csv(
            tmp_path / "entregas.csv", ["clap_code", "delivery_date", "households_served", "quantity"],
            [["C1", "2024-06-01", "110", "110"], ["C1", "2024-06-15", "115", ""]],
        ),
        "case": write_csv(
            tmp_path / "casos.csv",
            ["code", "reported_date", "category", "status", "territory_code", "institution", "resolved_date", "project_code"],
            [
                ["K1", "2024-02-01", "water", "reported", "0101010101", "Hidrocapital", "", "P2"],
                ["K2", "2024-02-03", "electricity", "resolved", "010102", "Corpoelec", "2024-02-10", ""],
            ],
        ),
        "agreement": write_csv(
            tmp_path / "acuerdos.csv",
            ["code", "municipality_code", "cabinet_date", "area", "text", "institution", "status", "working_table", "due_date",
             "case_codes", "project_codes"],
            [["A1", "0101", "2024-03-01", "servicios publicos", "Reparar tubería", "Hidrocapital", "pendiente", "Mesa de agua",
              "2024-04-01", "K1", "P2"]],
        ),
    }
    results = {kind: load_file(engine, kind, path) for kind, path in files.items()}
    return engine, files, results


def test_every_record_kind_loads(loaded):
    engine, _files, results = loaded
    assert {k: (r.inserted, r.rejected) for k, r in results.items()} == {
        "project": (2, 0), "deposit": (1, 0), "clap": (1, 0), "clap-delivery": (2, 0), "case": (2, 0), "agreement": (1, 0),
    }
    assert rows(engine, "SELECT code, budget::float, stage, progress::float, start_date::text FROM project ORDER BY code") == [
        ("P1", 1234.5, "in_progress", 40.0, "2024-03-05"), ("P2", 1000.0, "approved", 0.0, "2024-04-01"),
    ]
    assert rows(engine, "SELECT c.code, c.area, t.code FROM case_report c JOIN territory t ON t.id = c.territory_id ORDER BY 1") == [
        ("K1", "public_services", "0101010101"), ("K2", "public_services", "010102"),
    ]
    assert rows(engine, "SELECT bank, amount::float FROM deposit") == [("Banco Comunal El Panal", 500.0)]
    assert scalar(engine, "SELECT t.code FROM clap c JOIN territory t ON t.id = c.territory_id") == "0101010101"


def test_links_and_cabinet_are_created(loaded):
    engine, _files, _results = loaded
    assert rows(
        engine,
        "SELECT a.code, t.code, w.name, w.area FROM agreement a JOIN cabinet c ON c.id = a.cabinet_id "
        "JOIN territory t ON t.id = c.municipality_id JOIN working_table w ON w.id = a.working_table_id",
    ) == [("A1", "0101", "Mesa de agua", "public_services")]
    links = rows(
        engine,
        "SELECT c.code, p.code, a.code FROM case_solution s JOIN case_report c ON c.id = s.case_id "
        "LEFT JOIN project p ON p.id = s.project_id LEFT JOIN agreement a ON a.id = s.agreement_id ORDER BY 1, 2, 3",
    )
    assert links == [("K1", "P2", None), ("K1", None, "A1")]
    assert rows(engine, "SELECT a.code, p.code FROM agreement_project x JOIN agreement a ON a.id = x.agreement_id "
                        "JOIN project p ON p.id = x.project_id") == [("A1", "P2")]


def test_reloading_every_file_changes_nothing(loaded):
    engine, files, _results = loaded
    before = counts(engine)
    for kind, path in files.items():
        again = load_file(engine, kind, path)
        assert (again.inserted, again.updated, again.rejected) == (0, 0, 0), kind
    assert counts(engine) == before


def test_status_history_follows_changes(loaded, tmp_path):
    engine, _files, _results = loaded

    def history(code):
        with engine.connect() as conn:
            return [(status, day.isoformat()) for status, day in case_history(conn, code)]

    # A first load stores no history: the case row itself says when it was reported and how it is.
    assert scalar(engine, "SELECT count(*) FROM case_status_change") == 0
    assert history("K1") == [("reported", "2024-02-01")]
    assert history("K2") == [("reported", "2024-02-03"), ("resolved", "2024-02-10")]
    changed = write_csv(
        tmp_path / "casos2.csv", ["code", "reported_date", "category", "status", "territory_code", "resolved_date"],
        [["K1", "2024-02-01", "water", "resolved", "0101010101", "2024-03-01"]],
    )
    result = load_file(engine, "case", changed)
    assert (result.inserted, result.updated) == (0, 1)
    assert history("K1") == [("reported", "2024-02-01"), ("resolved", "2024-03-01")]
    assert scalar(engine, "SELECT institution FROM case_report WHERE code = 'K1'") == "Hidrocapital"  # column not in the file: kept
    # A case that arrived in progress keeps that step when it later changes.
    arrived = write_csv(
        tmp_path / "casos3.csv", ["code", "reported_date", "category", "status", "territory_code"],
        [["K3", "2024-02-05", "water", "in_progress", "0101010101"]],
    )
    load_file(engine, "case", arrived)
    today = scalar(engine, "SELECT current_date::text")
    assert history("K3") == [("reported", "2024-02-05"), ("in_progress", today)]
    later = write_csv(
        tmp_path / "casos4.csv", ["code", "reported_date", "category", "status", "territory_code", "resolved_date"],
        [["K3", "2024-02-05", "water", "resolved", "0101010101", "2024-02-20"]],
    )
    load_file(engine, "case", later)
    # It was in progress when it arrived and resolved on 20 February: in progress no later than that.
    assert history("K3") == [("reported", "2024-02-05"), ("in_progress", "2024-02-20"), ("resolved", "2024-02-20")]
    with pytest.raises(ScopeError):
        with engine.connect() as conn:
            case_history(conn, "no-such-case")


def test_changed_row_is_updated_not_duplicated(loaded, tmp_path):
    engine, _files, _results = loaded
    path = write_csv(tmp_path / "claps.csv", ["code", "name", "households", "territory_code"], [["C1", "CLAP Uno", "130", "0101010101"]])
    result = load_file(engine, "clap", path)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 0)
    assert rows(engine, "SELECT code, households FROM clap") == [("C1", 130)]


def test_dry_run_counts_without_writing(loaded, tmp_path):
    engine, _files, _results = loaded
    before = counts(engine)
    path = write_csv(tmp_path / "claps.csv", ["code", "name", "households", "territory_code"],
                     [["C2", "Nuevo", "5", "010101"], ["C3", "Malo", "-5", "010101"]])
    result = load_file(engine, "clap", path, dry_run=True)
    assert (result.inserted, result.rejected) == (1, 1)
    assert counts(engine) == before
    assert scalar(engine, "SELECT status FROM etl_run WHERE id = :id", id=result.run_id) == "dry_run"
    assert scalar(engine, "SELECT row_number FROM etl_reject WHERE run_id = :id", id=result.run_id) == 2


def test_batch_loads_refresh_once(engine, tmp_path):
    with_tree(engine)
    path = write_csv(tmp_path / "claps.csv", ["code", "name", "households", "territory_code"], [["C9", "CLAP", "5", "010101"]])
    result = load_file(engine, "clap", path, refresh=False, is_demo=True)
    assert result.inserted == 1
    refresh_after_load(engine, {"clap", "parish"})
    assert rows(engine, "SELECT is_demo, load_run_id FROM clap") == [(True, result.run_id)]
    assert scalar(engine, "SELECT status FROM etl_run WHERE id = :id", id=result.run_id) == "loaded"


def test_territory_named_instead_of_coded(engine, tmp_path):
    with_tree(engine)
    path = write_csv(
        tmp_path / "claps.csv", ["codigo", "nombre", "familias", "parroquia"],
        [["C1", "Uno", "10", "antímano"], ["C2", "Dos", "10", "Parroquia Inventada"]],
    )
    result = load_file(engine, "clap", path)
    assert result.inserted == 1
    assert {r["row"]: r["reason"] for r in result.rejects} == {2: "el territorio «Parroquia Inventada» no existe"}
    assert scalar(engine, "SELECT t.code FROM clap c JOIN territory t ON t.id = c.territory_id") == "010102"


def test_ambiguous_name_is_refused(engine, tmp_path):
    with_tree(engine)
    with engine.begin() as conn:
        from tests.factories import add_territory

        add_territory(conn, "parish", "150101", "Antímano", "1501")
    path = write_csv(tmp_path / "claps.csv", ["code", "name", "households", "parish"], [["C1", "Uno", "10", "Antímano"]])
    result = load_file(engine, "clap", path)
    assert result.rejects[0]["reason"] == "el nombre «Antímano» corresponde a 2 territorios: indique el código"
