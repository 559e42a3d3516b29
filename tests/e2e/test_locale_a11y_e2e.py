"""Spanish and accessible, in the real Chromium: `lang`, the Spanish strings of Plotly's
toolbar, the date picker and the dropdowns, and axe-core (the npm package, pinned,
installed into bench/.peers/axe-core on first use) with no serious or critical violation."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.common import PEERS, require
from tests.e2e.test_dashboard_e2e import wait_for_map

pytestmark = pytest.mark.e2e

AXE = "axe-core@4.10.2"


@pytest.fixture(scope="session")
def axe_js() -> Path:
    folder = PEERS / "axe-core"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        require("npm", "install Node.js 20 (Debian: nodejs, npm)")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder), AXE], check=True)
    return script


def serious_violations(page, axe_js: Path) -> list[str]:
    # Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays in force for the page itself.
    page.evaluate(axe_js.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_page_is_spanish_with_spanish_toolbar_and_dropdowns(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.title() == "Sala de Autogobierno"
    # The map's buttons (MapLibre's, with its Spanish locale, and ours) and the canvas' name.
    titles = page.eval_on_selector_all("#map .maplibregl-ctrl button", "els => els.map(e => e.title)")
    assert {"Acercar", "Alejar", "Restablecer la vista", "Descargar el mapa como PNG"} <= set(titles), titles
    assert not any(word in t for t in titles for word in ("Zoom", "Download", "Reset", "Toggle")), titles
    assert page.get_attribute("#map canvas", "aria-label") == "Mapa"
    # The weekly charts below the grid are drawn when reached; Plotly's toolbar reads its `es` locale.
    page.locator(".charts").scroll_into_view_if_needed()
    page.wait_for_selector(".charts .js-plotly-plot .modebar-btn", state="attached")
    chart_titles = page.eval_on_selector_all(".charts .modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")
    assert any((t or "").startswith("Descargar") for t in chart_titles), chart_titles
    assert not any("Download" in (t or "") or "Zoom" in (t or "") for t in chart_titles), chart_titles
    # A dropdown's search and its «no results».
    page.click(f"#{'round'} .dash-dropdown") if page.locator("#round .dash-dropdown").count() else page.click("#round")
    search = page.locator("input[type=search], .dash-dropdown-search input, .dash-dropdown-search").first
    search.wait_for()
    assert (search.get_attribute("placeholder") or "") == "Buscar"
    search.fill("zzzzzz")
    page.get_by_text("Sin resultados").first.wait_for()


def test_date_picker_is_spanish_monday_first_without_future_dates(page, live_server):
    import datetime as dt

    page.goto(live_server + "/")
    wait_for_map(page)
    page.locator("#dates").first.click()  # Dash 3 puts the id on the start input itself
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
              "noviembre", "diciembre"]
    today = dt.date.today()
    # The open calendar's caption (the picker also keeps hidden month names to size itself).
    page.wait_for_function("m => document.body.innerText.toLowerCase().includes(m)", arg=months[today.month - 1])
    body = page.inner_text("body").lower()
    assert "january" not in body and "monday" not in body and "mo\ntu" not in body
    assert ("lu" in body) and ("do" in body)


@pytest.mark.parametrize("path", ["/", "/soluciones?territory=0101", "/operador", "/comunal?territory=01",
                                  "/equipo?territory=0101", "/acuerdo?codigo=AC-0101-0001", "/login"])
def test_no_serious_or_critical_axe_violation(page, live_server, axe_js, path):
    # Dash 3's own components (dcc.Dropdown, dcc.RadioItems, dcc.Checklist, dcc.DatePickerRange)
    # are mended by assets/a11y-dash.js: not one serious or critical finding is allowed, on any page.
    page.goto(live_server + path)
    if path == "/":
        wait_for_map(page)
    else:
        page.wait_for_load_state("load")
        page.wait_for_timeout(1500)
    page.wait_for_timeout(300)  # the mending runs on the next animation frame after a render
    assert page.evaluate("document.documentElement.lang") == "es"
    assert serious_violations(page, axe_js) == []


def test_dash_controls_work_from_the_keyboard_with_spanish_names(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    page.wait_for_timeout(300)
    # A dropdown's Tab stop is its button, and Enter opens it; an arrow and Enter choose.
    page.focus("#classification")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "indicator"
    page.keyboard.press("Enter")
    page.locator(".dash-dropdown-option").first.wait_for()
    page.wait_for_timeout(500)  # the open list takes the keyboard (its search box) a moment after it shows
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URL(location.href).searchParams.has('indicator')")
    # Option lists are radio groups and groups named by their label, their inputs the controls.
    assert page.get_attribute("#classes", "role") == "radiogroup"
    assert page.get_attribute("#classes", "aria-label") == "Clases"
    assert page.get_attribute("#layers", "role") == "group"
    assert page.locator("#classes [role=option]").count() == 0
    page.locator("#layers input").first.focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => new URL(location.href).searchParams.get('layers') === 'cases'")
    # The date picker's clear control (shown once a period is set): a Spanish-named button.
    page.get_by_role("button", name="30 días").click()
    clear = page.locator("a.dash-datepicker-clear[aria-label='Borrar fechas'][role=button]")
    clear.wait_for()
    clear.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('#dates').value")


def test_unknown_address_is_a_spanish_not_found(page, live_server):
    page.goto(live_server + "/no-existe")
    page.get_by_text("Página no encontrada").first.wait_for()
    page.get_by_text("Volver a la sala").first.wait_for()


def test_the_page_runs_the_partial_plotly_bundle(page, live_server):
    from dashboard.plotly_bundle import TRACES

    page.goto(live_server + "/")
    wait_for_map(page)
    # The room's map is MapLibre's own: plotly.js is not loaded for it…
    assert page.evaluate("!!document.querySelector('#map .maplibregl-canvas') && typeof window.Plotly === 'undefined'")
    # …but for the weekly charts, once they are reached: the partial bundle.
    page.locator(".charts").scroll_into_view_if_needed()
    page.wait_for_function("() => window.Plotly && document.querySelectorAll('.charts .js-plotly-plot').length === 3")
    assert sorted(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")) == sorted(TRACES)
