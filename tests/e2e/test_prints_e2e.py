"""The planning pack from the browser: started by a click, its progress on screen, then
downloaded and read page by page as a cabinet would."""

from __future__ import annotations

import re
import subprocess
import zipfile

from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import wait_for_map


def test_pack_from_the_browser_shows_progress_and_reads_as_a_plan(page, live_server, tmp_path):
    page.goto(live_server + "/?territory=0101")
    wait_for_map(page)
    page.click("#pack-button")
    page.wait_for_function(
        "() => /Preparando el paquete de planificación… \\d+ %/.test(document.querySelector('#pack-status').innerText)",
        timeout=120_000,
    )
    screenshot(page, "pack-progress-prints")
    page.wait_for_selector("#pack-file", state="visible", timeout=400_000)
    with page.expect_download() as download:
        page.click("#pack-file")
    path = tmp_path / "paquete.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        archive.extract("plan_0101.pdf", tmp_path)
        # The full lists are beside the plan, not in it; the note says how many pages the plan has.
        assert {"capas_0101.gpkg", "csv/cases.csv", "csv/councils.csv", "LEAME.txt"} <= set(archive.namelist())
        readme = archive.read("LEAME.txt").decode("utf-8")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "plan_0101.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [" ".join(p.split()) for p in text.split("\f") if p.strip()]
    assert len(pages) >= 8
    assert f"plan_0101.pdf: documento imprimible ({len(pages)} páginas)" in readme
    for number, content in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in content
    joined = " ".join(pages)
    for heading in ("Área Social", "Área Servicios Públicos", "Área Seguridad Integral", "Parroquia ",
                    "los 20 más urgentes", "Rastro del dinero", "Acuerdos del gabinete"):
        assert heading in joined, heading
    urgent = next(p for p in pages if "los 20 más urgentes" in p)
    assert 0 < len(re.findall(r"\b\d{4}-\d{2}-\d{2}\b", urgent))


def test_print_view_downloads_the_map_of_exactly_the_rooms_url(page, live_server, tmp_path):
    page.goto(live_server + "/?territory=0101&layers=cases")
    wait_for_map(page)
    page.click("#classification")
    page.get_by_role("option", name="Cuantiles").click()
    page.locator("#classes label:has-text('3') input").check()
    page.wait_for_function("() => window.location.search.includes('classes=3')")
    link = page.get_by_role("link", name=re.compile("^Imprimir vista"))
    assert link.inner_text() == "Imprimir vista"
    search = page.evaluate("window.location.search")
    assert "classification=quantiles" in search and "territory=0101" in search and "layers=cases" in search
    page.wait_for_function("(q) => document.querySelector('#print-link').getAttribute('href') === '/print/map.pdf' + q",
                           arg=search)
    screenshot(page, "print-view-button")
    with page.expect_download(timeout=120_000) as download:
        link.click()
    assert download.value.url == live_server + "/print/map.pdf" + search
    path = tmp_path / "vista.pdf"
    download.value.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Libertador" in text and "cuantiles, 3 clases" in text and "Casos 1x10" in text
