"""Thematic maps and record cards in headless Chromium, on the small demo: the user's
classification with counts in the legend, a click on a point opens its card, and a shared
`/?caso=` link opens the room with that card."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from geodata.models import Case, Territory
from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import MAP_JS, loneliest_point, map_locations, wait_for_map

pytestmark = pytest.mark.e2e


def legend_counts(page) -> list[int]:
    return [int(t.replace(".", "")) for t in page.locator("#legend .legend-count").all_inner_texts()]


def test_choosing_a_classification_recolours_and_counts_every_territory(page, live_server):
    page.goto(live_server + "/?territory=15")
    wait_for_map(page)
    n = len(map_locations(page))
    assert "cortes naturales (Jenks), 5 clases" in page.inner_text("#legend")
    assert sum(legend_counts(page)) == n
    page.click("#classification")
    page.get_by_role("option", name="Cuantiles").click()
    page.wait_for_function("() => document.querySelector('#legend').innerText.includes('cuantiles')")
    page.locator("#classes label:has-text('3') input").check()
    page.wait_for_function("() => window.location.search.includes('classes=3')")
    page.wait_for_function("() => document.querySelector('#legend').innerText.includes('3 clases')")
    assert "classification=quantiles" in page.evaluate("window.location.search")
    counts = legend_counts(page)
    assert sum(counts) == n and len(page.locator("#legend .legend-item").all()) <= 4  # 3 classes (+ «Sin datos»)
    # The map's classes follow the legend: as many territories per class index.
    z = page.evaluate(f"{MAP_JS}.figure.data[0].z")
    assert sorted({v for v in z if v >= 0}) == list(range(len([v for v in set(z) if v >= 0])))
    screenshot(page, "map-room-quantiles-3")
    page.reload()
    wait_for_map(page)
    assert "cuantiles, 3 clases" in page.inner_text("#legend")


def test_a_click_on_a_project_point_opens_its_card(page, live_server):
    page.goto(live_server + "/?territory=0101&layers=projects")
    wait_for_map(page)
    page.wait_for_selector("#point-legend .legend-subtitle")
    assert "Proyectos" in page.inner_text("#point-legend")
    x, y, code = loneliest_point(page)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    panel = page.locator("#case-panel")
    panel.wait_for(state="visible")
    page.wait_for_function("(code) => document.querySelector('#case-body').innerText.includes('Proyecto ' + code)", arg=code)
    text = panel.inner_text()
    assert "Etapa" in text and "Depósitos" in text and "Libertador" in text
    assert page.get_attribute("#case-panel .card-share", "href") == f"/?proyecto={code}"
    screenshot(page, "map-room-project-card")


def test_a_shared_case_link_opens_the_room_with_its_card(page, live_server, demo_engine):
    with demo_engine.connect() as conn:
        code, territory = conn.execute(
            select(Case.code, Territory.code).join(Territory, Territory.id == Case.territory_id)
            .where(Territory.code.like("0101%")).order_by(Case.code)
        ).first()
    page.goto(live_server + f"/?caso={code}")
    wait_for_map(page)
    panel = page.locator("#case-panel")
    panel.wait_for(state="visible")
    assert page.inner_text("#case-panel .case-title") == f"Caso {code}"
    assert "Historial" in panel.inner_text()
    # The map is on it: the case's layer drawn, the record's halo, the URL keeps the link.
    names = page.evaluate(f"{MAP_JS}.figure.data.map(t => t.name)")
    assert "seleccion" in names and "Casos 1x10" in names
    assert f"caso={code}" in page.evaluate("window.location.search")
    screenshot(page, "map-room-shared-case")
    # An unknown case: a clear message, no error page.
    page.goto(live_server + "/?caso=NO-EXISTE")
    wait_for_map(page)
    assert "No se encontró el caso «NO-EXISTE»" in page.inner_text("#case-panel")
