"""The advice for the next consultation as a file: PDF, CSV and XLSX from layers.advice,
`sala export advice` and the route `/export/advice/<code>.<fmt>`; scope and level refused."""

from __future__ import annotations

import csv
import subprocess
import sys

import openpyxl
import pytest
from flask import Flask

from geodata.access import Scope
from geodata.permissions import Actor
from layers.advice import SECTOR_COLUMNS, export_advice
from layers.output import ExportError
from layers.registry import UnknownTerritory
from layers.web import advice_url, register
from tests.advice_fixtures import TODAY, unit  # noqa: F401 (a fixture)

HEADERS = [h for h, _, _ in SECTOR_COLUMNS]


def test_pdf_names_the_commune_its_needs_and_its_projects(unit, tmp_path):
    path = tmp_path / "asesoria.pdf"
    with unit.connect() as conn:
        result = export_advice(conn, "01010101", "pdf", path, today=TODAY)
    assert result.count == 3 and result.pages >= 1
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Asesoría para la próxima consulta popular" in text and "Comuna El Panal (01010101)" in text
    assert f"Página 1 de {result.pages}" in text
    assert "Vivienda: 2 casos abiertos y ningún proyecto en ejecución ni culminado." in text
    assert "1 proyecto elegido aún sin financiar" in text
    for code in ("P1", "P2", "P3"):
        assert f"{code} —" in text
    assert "P4" not in text  # another parish's project
    assert "2024-1" in text and "850" in text  # the round it took part in


def test_csv_and_xlsx_hold_the_sectors_projects_and_rounds(unit, tmp_path):
    with unit.connect() as conn:
        export_advice(conn, "01010101", "csv", tmp_path / "a.csv", today=TODAY)
        export_advice(conn, "0101C01", "xlsx", tmp_path / "a.xlsx", today=TODAY)
    with open(tmp_path / "a.csv", encoding="utf-8-sig") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == HEADERS
    assert [r["sector"] for r in table] == ["housing", "water", "roads"]
    water = table[1]
    assert (water["casos"], water["casos_abiertos"], water["necesidades_aca"], water["monto_aprobado"], water["monto_depositado"]) \
        == ("2", "1", "1", "1300.0", "500.0")
    assert table[0]["sin_respuesta"] == "Sí"
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["sectores", "proyectos", "consultas", "campos", "asesoria"]
    projects = list(book["proyectos"].values)
    assert projects[0][:2] == ("consulta", "codigo") and {r[1] for r in projects[1:]} == {"P1", "P2", "P3"}
    rounds = list(book["consultas"].values)
    assert [(r[0], r[4]) for r in rounds[1:]] == [("2024-2", 2000), ("2024-1", 850)]
    assert dict(book["asesoria"].values)["Comuna o circuito"] == "Circuito Caracas Norte (0101C01)"


def test_refused_level_scope_and_format(unit, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with unit.connect() as conn:
        with pytest.raises(ExportError, match="comuna o un circuito"):
            export_advice(conn, "010101", "pdf", out / "x.pdf")
        with pytest.raises(UnknownTerritory):
            export_advice(conn, "01010101", "pdf", out / "x.pdf", scope=Scope("director", "15", "/15/"))
        with pytest.raises(ExportError, match="no en «docx»"):
            export_advice(conn, "01010101", "docx", out / "x.docx")
    assert not list(out.iterdir())  # nothing left behind


def test_route_and_cli(unit, tmp_path, cli_env):
    server = Flask("test")
    register(server, lambda: unit, lambda: Actor("planificadora", Scope(role="planner")))
    client = server.test_client()
    pdf = client.get(advice_url("01010101", "pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert 'filename="asesoria_01010101.pdf"' in pdf.headers["Content-Disposition"]
    got = client.get(advice_url("01010101", "csv"))
    assert got.status_code == 200 and got.data.decode("utf-8-sig").splitlines()[0] == ",".join(HEADERS)
    assert client.get(advice_url("010101", "pdf")).status_code == 400
    assert client.get(advice_url("99999999", "csv")).status_code == 404
    assert client.get(advice_url("01010101", "docx")).status_code == 400
    for name, scope, status in (("directora", Scope("director"), 403), ("planificadora-miranda", Scope("planner", "15", "/15/"), 404)):
        other = Flask(name)
        register(other, lambda: unit, lambda scope=scope: Actor(name, scope))
        assert other.test_client().get(advice_url("01010101", "pdf")).status_code == status, name  # role; scope

    out = tmp_path / "asesoria.xlsx"
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "advice", "--territory", "0101C01", "-o", str(out)],
                          env=cli_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Asesoría escrita" in done.stdout and out.exists()
    bad = subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "advice", "--territory", "010101", "-o",
                          str(tmp_path / "x.pdf")], env=cli_env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "comuna o un circuito" in bad.stdout + bad.stderr
