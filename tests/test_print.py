"""Printed maps: the PDF renders with poppler and says what it shows; PNG at the paper's size."""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image

from layers.exports import export_layer
from layers.printing import DEMO_MARK, nice_length
from layers.registry import LayerParams
from tests.layers_records import add_records


def pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _field(info: str, name: str) -> str:
    for line in info.splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def pdfinfo(path) -> str:
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("demo", [False, True])
def test_pdf_map_has_title_territory_period_legend_sources(engine, tmp_path, demo):
    with engine.begin() as conn:
        add_records(conn, demo=demo)
    path = tmp_path / "mapa.pdf"
    params = LayerParams(territory="0101", filters={"status": ["reported", "in_progress"]})
    with engine.connect() as conn:
        export_layer(conn, "cases", params, "pdf", path, title="Casos abiertos de Libertador")
    text = " ".join(pdftext(path).split())
    assert "Casos abiertos de Libertador" in text
    assert "Municipio Libertador (0101)" in text
    assert "Periodo: todo el periodo" in text
    assert "Estatus: Reportado, En proceso" in text  # the filters, in Spanish
    assert "Leyenda" in text and "Reportado" in text and "En proceso" in text
    assert "Asignado" not in text  # only the values on the map are in the legend
    assert "Fecha de los datos:" in text
    assert "Límites: INE / OCHA vía geoBoundaries, CC BY 3.0 IGO" in text
    assert " km" in text and "N" in text
    assert (DEMO_MARK in text) is demo
    info = pdfinfo(path)
    assert _field(info, "Pages") == "1"
    assert _field(info, "Page size").startswith("841.68 x 595.44 pts")  # A4 landscape
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    rendered = sorted(tmp_path.glob("page*.png"))
    assert len(rendered) == 1
    with Image.open(rendered[0]) as image:
        assert image.width > image.height  # landscape


def test_png_a3_and_polygons(engine, tmp_path):
    with engine.begin() as conn:
        add_records(conn)
    path = tmp_path / "parroquias.png"
    with engine.connect() as conn:
        export_layer(conn, "parishes", LayerParams(territory="0101"), "png", path, paper="A3")
        export_layer(conn, "states", LayerParams(), "pdf", tmp_path / "estados.pdf", paper="A3")
    with Image.open(path) as image:
        assert abs(image.width - 16.54 * 150) <= 1 and abs(image.height - 11.69 * 150) <= 1
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert len(colours) > 20  # something was drawn
    text = " ".join(pdftext(tmp_path / "estados.pdf").split())
    assert "Estados" in text and "Territorio: Venezuela" in text
    assert _field(pdfinfo(tmp_path / "estados.pdf"), "Page size").startswith("1190.88 x 841.68")  # A3 landscape


def test_nice_scale_lengths():
    assert nice_length(7.3) == 5
    assert nice_length(0.34) == 0.2
    assert nice_length(180) == 100
