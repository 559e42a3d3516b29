"""SINCO minutes (layers.minutes), readable headers (`labels="es"`, GeoPackage aliases) and
the download control offering only layers with elements."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import subprocess

import openpyxl
import pytest
from sqlalchemy import insert, select

from geodata.models import Agreement, WorkingTable
from layers.exports import export_layer
from layers.features import layers_with_features
from layers.minutes import HEADERS, NoMinutes, export_minutes
from layers.registry import LayerParams, get_layer
from tests.factories import territory_id as tid
from tests.layers_records import add_records

SESSION = dt.date(2025, 1, 20)
AS_OF = dt.date(2025, 6, 1)
AREA_ORDER = ("1. Área Social", "2. Área Servicios Públicos", "3. Área Seguridad Integral")


@pytest.fixture
def records(engine):
    """The layer records plus 36 more agreements of Libertador's session of 2025-01-20
    (social and public services only), enough for the minutes to run over several pages."""
    with engine.begin() as conn:
        add_records(conn)
        tables = dict(conn.execute(select(WorkingTable.area, WorkingTable.id)).all())
        for i in range(36):
            area = ("social", "public_services")[i % 2]
            conn.execute(insert(Agreement).values(
                code=f"X-{i:03d}", municipality_id=tid(conn, "0101"), working_table_id=tables[area], cabinet_date=SESSION,
                area=area, text=f"Acuerdo adicional número {i} para la mesa de {area}, con un texto algo largo que se parte",
                institution="Hidrocapital", status=("pending", "done", "in_progress")[i % 3],
                due_date=SESSION + dt.timedelta(days=30 + i), done_date=SESSION + dt.timedelta(days=10) if i % 3 == 1 else None))
    return engine


def session_codes(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Agreement.code, Agreement.area).where(Agreement.cabinet_date == SESSION)).all())


def test_minutes_pdf_lists_every_agreement_under_its_area(records, tmp_path):
    path = tmp_path / "acta.pdf"
    with records.connect() as conn:
        result = export_minutes(conn, "0101", SESSION, "pdf", path, as_of=AS_OF)
    codes = session_codes(records)
    assert result.count == len(codes) == 38 and result.pages >= 2
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[: result.pages]
    for number, page in enumerate(pages, start=1):
        assert f"Página {number} de {result.pages}" in page
        assert "Municipio Libertador (0101)" in page and "Gabinete del 2025-01-20" in page
    where = [text.index(heading) for heading in AREA_ORDER]
    assert where == sorted(where)
    area_of = {"social": 0, "public_services": 1, "integral_security": 2}
    for code, area in codes.items():
        at = text.index(f"{code} —")
        section = sum(1 for w in where if w < at) - 1
        assert section == area_of[area], code
    assert "Sin acuerdos en esta área" in text  # no agreement of Seguridad Integral that day
    assert "Vencido hace" in text and "Firmas" in text
    assert "Acta final de acuerdos" in text


def test_minutes_csv_and_xlsx_have_the_documented_columns(records, tmp_path):
    codes = session_codes(records)
    with records.connect() as conn:
        export_minutes(conn, "0101", SESSION, "csv", tmp_path / "acta.csv", as_of=AS_OF)
        export_minutes(conn, "0101", SESSION, "xlsx", tmp_path / "acta.xlsx", as_of=AS_OF)
    with open(tmp_path / "acta.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == HEADERS
    assert {r["codigo_acuerdo"] for r in rows} == set(codes)
    assert [int(r["numero"]) for r in rows] == list(range(1, len(codes) + 1))
    a001 = next(r for r in rows if r["codigo_acuerdo"] == "A-001")
    assert (a001["area"], a001["estatus"], a001["vencido"], a001["fecha_limite"], a001["dias_vencido"]) == (
        "Servicios Públicos", "Pendiente", "Sí", "2025-02-28", str((AS_OF - dt.date(2025, 2, 28)).days))
    assert a001["cod_municipio"] == "0101" and a001["fecha_gabinete"] == "2025-01-20"
    assert a001["mesa_trabajo"] == "Mesa public_services" and a001["ente_responsable"] == "Alcaldía de Libertador"
    book = openpyxl.load_workbook(tmp_path / "acta.xlsx", read_only=True)
    assert book.sheetnames == ["acuerdos", "campos", "acta"]
    sheet = list(book["acuerdos"].iter_rows(values_only=True))
    assert list(sheet[0]) == HEADERS and len(sheet) == len(codes) + 1
    assert [r[0] for r in book["campos"].iter_rows(min_row=2, values_only=True)] == HEADERS


def test_minutes_of_a_day_without_agreements_or_not_a_municipality_are_refused(records, tmp_path):
    with records.connect() as conn:
        with pytest.raises(NoMinutes, match="2025-01-20"):  # the message lists the dates that exist
            export_minutes(conn, "0101", dt.date(2025, 1, 21), "pdf", tmp_path / "a.pdf")
        with pytest.raises(Exception, match="no es un municipio"):
            export_minutes(conn, "01", None, "pdf", tmp_path / "a.pdf")
        latest = export_minutes(conn, "0101", None, "csv", tmp_path / "a.csv")
    assert latest.cabinet_date == dt.date(2025, 2, 10)
    assert not (tmp_path / "a.pdf").exists()


def test_labels_es_heads_csv_and_xlsx_in_spanish_and_the_xlsx_loads_back(records, tmp_path):
    from etl.excel import open_xlsx

    layer = get_layer("cases")
    params = LayerParams(territory="0101")
    with records.connect() as conn:
        export_layer(conn, "cases", params, "csv", tmp_path / "c.csv", labels="es")
        export_layer(conn, "cases", params, "xlsx", tmp_path / "c.xlsx", labels="es")
    with open(tmp_path / "c.csv", encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [f.label for f in layer.fields] + ["longitud", "latitud"]
    book = openpyxl.load_workbook(tmp_path / "c.xlsx", read_only=True)
    assert [c for c in next(book["datos"].iter_rows(values_only=True))] == header
    # `sala load` reads the Spanish header back as the field names, through the `campos` sheet.
    assert open_xlsx(tmp_path / "c.xlsx", None, 100).columns == layer.field_names + ["lon", "lat"]


def test_geopackage_carries_the_spanish_aliases(records, tmp_path):
    path = tmp_path / "a.gpkg"
    with records.connect() as conn:
        export_layer(conn, "agreements", LayerParams(territory="0101"), "gpkg", path)
    with sqlite3.connect(path) as db:
        aliases = dict(db.execute("SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'agreements'").fetchall())
        extension = db.execute("SELECT extension_name FROM gpkg_extensions WHERE table_name = 'gpkg_data_columns'").fetchone()
        title = db.execute("SELECT identifier FROM gpkg_contents WHERE table_name = 'agreements'").fetchone()
    assert aliases["code"] == "Código del acuerdo" and aliases["due_date"] == "Fecha límite"
    assert set(aliases) == set(get_layer("agreements").field_names)
    assert extension == ("gpkg_schema",) and title == ("Acuerdos de gabinete",)


def test_a_layer_with_nothing_in_the_territory_is_not_offered(records):
    from dashboard import viewmodels as vm
    from dashboard.view import View

    with records.connect() as conn:
        offered = {layer.id for layer in layers_with_features(conn, LayerParams(territory="0101"))}
        national = {layer.id for layer in layers_with_features(conn, LayerParams())}
    assert "states" not in offered  # a municipality holds no state: «Estados» would export nothing
    assert {"municipalities", "parishes", "cases", "agreements"} <= offered  # itself, and what lies in it
    assert "states" in national
    options, chosen, note = vm.export_picker(records, View("0101"), "states")
    assert "states" not in [o["value"] for o in options] and chosen == "cases" and note == ""
