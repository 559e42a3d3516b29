"""In headless Chromium on the small demo: the communal layers chosen in the room's
«Capas» (bubbles above a municipality, quadrants and points below, their figures on
hover), and the «Asesoría para la próxima consulta» page reached from the room and from
«Sistema comunal», with its files."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import MAP_JS, wait_for_map

pytestmark = pytest.mark.e2e


def _busiest_commune(demo_engine) -> tuple[str, str]:
    with demo_engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT t.code, t.name FROM consultation_vote v JOIN territory t ON t.id = v.territory_id"
            " WHERE t.level = 'commune' AND v.project_id IS NOT NULL GROUP BY t.code, t.name ORDER BY count(*) DESC, t.code LIMIT 1"
        )).one())


def test_communal_layers_from_the_picker(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page, 25)
    page.get_by_label("Cuadrantes de paz").check()
    page.get_by_label("Empresas comunales").check()
    page.wait_for_function(f"() => {MAP_JS}.figure.data.length === 3")
    names = page.evaluate(f"{MAP_JS}.figure.data.slice(1).map(t => t.name)")
    assert names == ["Cuadrantes de paz", "Empresas comunales"]
    hover = page.evaluate(f"{MAP_JS}.figure.data[1].customdata[0][3]")
    assert "Sin reporte reciente" in hover and "Casos de seguridad" in hover
    page.wait_for_function("() => window.location.search.includes('quadrants')")
    # Into a municipality: the quadrants themselves and each business, with their popups.
    page.goto(live_server + "/?territory=0101&layers=quadrants,defense_plans,peace_judges")
    wait_for_map(page)
    page.wait_for_function(f"() => {MAP_JS}.figure.data.length === 4")
    kinds = page.evaluate(f"{MAP_JS}.figure.data.slice(1).map(t => [t.type, t.name, (t.locations || t.lon).length])")
    assert [k[:2] for k in kinds] == [["choroplethmap", "Cuadrantes de paz"], ["scattermap", "Planes de defensa"],
                                      ["scattermap", "Jueces de paz"]]
    assert all(n > 0 for *_, n in kinds)
    assert "Última revisión" in page.evaluate(f"{MAP_JS}.figure.data[2].hovertemplate")
    screenshot(page, "room-communal-layers")


def test_advice_page_from_the_room_and_from_communal(page, live_server, demo_engine):
    code, name = _busiest_commune(demo_engine)
    page.goto(live_server + f"/?territory={code}")
    wait_for_map(page)
    link = page.locator("#advice-link")
    link.wait_for(state="visible")
    assert name in link.inner_text()
    link.click()
    page.wait_for_selector("#adv-sectors")
    assert page.inner_text("#adv-title").startswith("Asesoría para la próxima consulta —") and name in page.inner_text("#adv-title")
    assert page.locator("#adv-projects tbody tr").count() > 0 and page.locator("#adv-rounds tbody tr").count() > 0
    assert page.locator("#adv-advice li").count() >= 1
    hrefs = page.eval_on_selector_all("#adv-downloads a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == [f"/export/advice/{code}.pdf", f"/export/advice/{code}.csv", f"/export/advice/{code}.xlsx"]
    pdf = page.request.get(live_server + hrefs[0])
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"
    screenshot(page, "advice-commune")
    # From «Sistema comunal» of its municipality: the list of communes and circuits to choose from.
    municipality = code[:4]
    page.goto(live_server + f"/comunal?territory={municipality}")
    page.locator("#com-advice-link").click()
    page.wait_for_selector("#adv-units")
    assert page.locator("#adv-units a").count() > 0
    page.locator("#adv-units a", has_text=name).first.click()
    page.wait_for_function("(n) => document.querySelector('#adv-title')?.innerText.includes(n)", arg=name)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "advice-commune-phone")


def test_advice_unknown_territory(page, live_server):
    page.goto(live_server + "/asesoria?territory=9999")
    page.wait_for_selector("#adv-error")
    assert "«9999»" in page.inner_text("#adv-error")
