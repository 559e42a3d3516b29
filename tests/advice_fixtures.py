"""A commune in a circuit with cases, projects, deposits and consultation rounds, for the
advice for the next consultation (geodata.advice, layers.advice)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from etl.load import load_file
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
