"""Meeting-ready prints: the printed choropleth fills territories in their class colours
(pixel test), the planning pack reads as a cabinet needs it, the state atlas has a page
per municipality."""

from __future__ import annotations

import re
import subprocess
import zipfile

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from geodata.access import NATIONAL
from geodata.models import Territory
from layers.atlas import build_atlas
from layers.classify import classify, scheme_label
from layers.exports import export_layer
from layers.features import features_frame
from layers.pack import build_pack
from layers.printing import print_view
from layers.registry import LayerParams
from layers.thematic import make_choropleth, parse_view
from tests.layers_records import add_records


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])


def _map_pixels(pdf, tmp_path) -> np.ndarray:
    """The rendered page's map area (left of the legend column, inside the margins)."""
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")], check=True)
    with Image.open(sorted(tmp_path.glob("page*.png"))[0]) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    h, w, _ = pixels.shape
    return pixels[int(h * 0.15) : int(h * 0.92), int(w * 0.03) : int(w * 0.71)]


def _count_near(pixels: np.ndarray, color: str, tolerance: int = 8) -> int:
    return int((np.abs(pixels - _rgb(color)).max(axis=2) <= tolerance).sum())


def test_printed_parish_map_fills_territories_in_class_colours(engine, tmp_path):
    with engine.begin() as conn:
        add_records(conn)
    pdf = tmp_path / "parroquias.pdf"
    with engine.connect() as conn:
        export_layer(conn, "parishes", LayerParams(territory="0101"), "pdf", pdf)
        frame = features_frame(conn, "parishes", LayerParams(territory="0101"))
    choropleth = make_choropleth(frame[["code", "name", "geometry"]], dict(zip(frame["code"], frame["cases_open"])), "cases_open")
    used = [(color, n) for color, _, n in choropleth.legend if n]
    assert len(used) == 2  # two parishes with different open counts: two classes
    pixels = _map_pixels(pdf, tmp_path)
    for color, _ in used:
        # Each class colour covers a real share of the map, not just a legend swatch.
        assert _count_near(pixels, color) > 0.02 * pixels.shape[0] * pixels.shape[1], color
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Casos abiertos (territorios por clase)" in text and "Altagracia" in text and "Antímano" in text
    assert "Ubicación en el país" in text


def test_print_view_reproduces_the_room_url(engine, tmp_path):
    with engine.begin() as conn:
        add_records(conn)
    view = parse_view({"territory": ["0101"], "indicator": ["cases_open"], "layers": ["cases,projects"]})
    pdf = tmp_path / "vista.pdf"
    with engine.connect() as conn:
        theme = print_view(conn, view, NATIONAL, pdf)
    cases = next(p for p in theme.points if p.layer_id == "cases")
    # Open and overdue by default: resolved cases are left out unless a status is asked for.
    assert {label for label, *_ in cases.legend} <= {"Vencido", "Abierto (en plazo)"}
    pixels = _map_pixels(pdf, tmp_path)
    for color, _, n in theme.choropleth.legend:
        if n:
            assert _count_near(pixels, color) > 0, color
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Indicador: Casos abiertos" in text and "Casos 1x10" in text
    with pytest.raises(Exception, match="Indicador desconocido"):
        parse_view({"indicator": ["nope"]})
    # The room's «Clases» travel too: method and number of classes, said in the margin.
    view = parse_view({"territory": ["0101"], "classification": ["quantiles"], "classes": ["3"]})
    with engine.connect() as conn:
        theme = print_view(conn, view, NATIONAL, tmp_path / "cuantiles.pdf")
    values = list(theme.choropleth.frame["value"])
    assert theme.choropleth.scheme == scheme_label(classify(values, "cases_open", k=3, method="quantiles"))
    assert (view.classification, view.classes) == ("quantiles", 3)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "cuantiles.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert f"Clases: {theme.choropleth.scheme}" in text
    with pytest.raises(Exception, match="Clasificación desconocida"):
        parse_view({"classification": ["nope"]})


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(p.split()) for p in text.split("\f") if p.strip()]


def test_pack_pages_read_as_a_cabinet_needs(engine, tmp_path):
    with engine.begin() as conn:
        add_records(conn, demo=True)
    with engine.connect() as conn:
        build_pack(conn, "0101", tmp_path / "pack.zip")
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        archive.extract("plan_0101.pdf", tmp_path)
    pdf = tmp_path / "plan_0101.pdf"
    pages = _pages(pdf)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Página {number} de {total}" in text
        assert "Territorio: Municipio Libertador (0101)" in text and "Periodo: todo el periodo" in text and "Filtros: ninguno" in text
    for area in ("Área Social", "Área Servicios Públicos", "Área Seguridad Integral"):
        assert sum(f"{area} — Municipio Libertador" in p for p in pages) == 1, area
    for parish in ("Altagracia", "Antímano"):  # a page each
        assert sum(f"Parroquia {parish} — Municipio Libertador" in p for p in pages) == 1, parish
    joined = " ".join(pages)
    for heading in ("Casos 1x10 por categoría y por parroquia", "Casos 1x10 abiertos y vencidos: los 20 más urgentes",
                    "Rastro del dinero", "Acuerdos del gabinete: estatus y fecha límite"):
        assert heading in joined, heading
    # The urgent cases: overdue first, then the oldest report first.
    urgent = next(p for p in pages if "los 20 más urgentes" in p)
    rows = re.findall(r"(C-\d+) (\d{4}-\d{2}-\d{2})", urgent)
    assert rows
    with engine.connect() as conn:
        from layers.pack_data import read_cases, urgent as most_urgent
        from layers.registry import resolve_params

        expected = list(most_urgent(read_cases(conn, resolve_params(conn, LayerParams(territory="0101"))))["code"])
    assert [code for code, _ in rows] == expected
    # No text runs off the page.
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', box).group(1))
    assert all(float(x) <= width for x in re.findall(r'xMax="([\d.]+)"', box))


def test_state_atlas_has_a_page_per_municipality(demo_url, tmp_path):
    from geodata.database import make_engine

    engine = make_engine(demo_url)
    try:
        with engine.connect() as conn:
            state = conn.execute(select(Territory.id).where(Territory.code == "15")).scalar_one()
            expected = conn.execute(select(func.count()).where(Territory.parent_id == state, Territory.level == "municipality")).scalar()
            pages = build_atlas(conn, "15", tmp_path / "atlas.pdf")
    finally:
        engine.dispose()
    assert pages == expected > 1
    texts = _pages(tmp_path / "atlas.pdf")
    assert len(texts) == expected
    assert all(t.count("Municipio ") >= 1 and f"de {expected}" in t for t in texts)
