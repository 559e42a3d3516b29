"""The planning pack of a municipality: a readable PDF, a GeoPackage with every layer, the CSVs."""

from __future__ import annotations

import subprocess
import zipfile

import pyogrio
import pytest

from layers.exports import ExportError
from layers.features import count_features
from layers.pack import PACK_LAYERS, build_pack
from layers.registry import LayerParams, UnknownTerritory
from tests.layers_records import add_records


def test_pack_contains_its_parts(engine, tmp_path):
    with engine.begin() as conn:
        add_records(conn, demo=True)
    target = tmp_path / "pack.zip"
    with engine.connect() as conn:
        result = build_pack(conn, "0101", target)
        expected = {layer_id: count_features(conn, layer_id, LayerParams(territory="0101")) for layer_id in PACK_LAYERS}
    assert result.counts == expected
    assert expected["cases"] == 5 and expected["agreements"] == 3 and expected["municipalities"] == 1
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert {"plan_0101.pdf", "capas_0101.gpkg", "LEAME.txt"} <= names
        assert {f"csv/{layer_id}.csv" for layer_id in PACK_LAYERS} <= names
        archive.extractall(tmp_path / "out")
    out = tmp_path / "out"
    gpkg_layers = {name for name, _ in pyogrio.list_layers(out / "capas_0101.gpkg")}
    assert gpkg_layers == set(PACK_LAYERS)
    for layer_id in PACK_LAYERS:
        assert pyogrio.read_info(out / "capas_0101.gpkg", layer=layer_id)["features"] == expected[layer_id]
        assert len(pyogrio.read_dataframe(out / "csv" / f"{layer_id}.csv", read_geometry=False)) == expected[layer_id]
    text = subprocess.run(["pdftotext", "-layout", str(out / "plan_0101.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Paquete de planificación — Municipio Libertador" in flat
    for heading in ("Área Social", "Área Servicios Públicos", "Área Seguridad Integral", "Casos 1x10 abiertos y vencidos",
                    "Proyectos y su financiamiento", "Rastro del dinero", "Acuerdos del gabinete"):
        assert heading in flat, heading
    assert "C-001" in flat and "A-001" in flat and "P-002" in flat and "D-1" not in flat
    assert "120.000,50" in flat  # the deposit of P-002, in Venezuelan number format
    assert "DATOS DE DEMOSTRACIÓN" in flat
    assert "M-001" not in flat  # Miranda's case is not Libertador's
    pages = subprocess.run(["pdfinfo", str(out / "plan_0101.pdf")], capture_output=True, text=True, check=True).stdout
    assert any(line.startswith("Pages:") and int(line.split()[-1]) >= 8 for line in pages.splitlines())
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "2", "-png", str(out / "plan_0101.pdf"), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p*.png"))) == 2


def test_pack_refuses_what_is_not_a_municipality(engine, tmp_path):
    with engine.begin() as conn:
        add_records(conn)
    with engine.connect() as conn:
        with pytest.raises(ExportError, match="no es un municipio"):
            build_pack(conn, "01", tmp_path / "p.zip")
        with pytest.raises(UnknownTerritory):
            build_pack(conn, "7777", tmp_path / "p.zip")
    assert list(tmp_path.iterdir()) == []


def test_long_tables_are_cut_with_a_note(tmp_path):
    from matplotlib.backends.backend_pdf import PdfPages

    from layers.pack import MAX_TABLE_ROWS, table_pages

    path = tmp_path / "t.pdf"
    with PdfPages(path) as pdf:
        pages = table_pages(pdf, "A4", "Casos", [("Caso", 10), ("Texto", 40)], [[f"C-{i}", "x"] for i in range(2000)])
    assert pages == MAX_TABLE_ROWS // 24
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Se muestran las primeras 480 de 2000 filas" in " ".join(text.split())
