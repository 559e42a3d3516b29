"""«Sistema comunal» in headless Chromium on the small demo: the map drawn with the
quadrants, the table drilling down by keyboard, a foreign territory refused."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

COM_MAP = "document.querySelector('#com-map .js-plotly-plot')"


def wait_for_communal_map(page, traces: int) -> None:
    page.wait_for_function(
        f"""(traces) => {{
            const gd = {COM_MAP};
            if (!gd || !gd.data || gd.data.length < traces || !gd._fullLayout || !gd._fullLayout.map) return false;
            const m = gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
            return m && m.loaded();
        }}""",
        arg=traces,
    )


def test_municipality_shows_its_quadrants_and_drills_down_by_keyboard(page, live_server, demo_engine):
    page.goto(live_server + "/comunal?territory=0101")
    wait_for_communal_map(page, 4)  # children, quadrants, judges, defence plans
    assert page.inner_text("#com-title") == "Sistema comunal — Libertador"
    quadrants = page.evaluate(f"{COM_MAP}.data[1].locations.length")
    assert quadrants > 0 and page.inner_text("#com-kpi-quadrants .kpi-value").replace(".", "") == str(quadrants)
    first = page.locator("#com-table tbody th a").first
    name = first.inner_text()
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(n) => document.querySelector('#com-title')?.innerText === 'Sistema comunal — ' + n", arg=name)
    assert "territory=" in page.url
    screenshot(page, "communal-parish")


def test_national_page_an_unknown_code_and_a_malformed_one(page, live_server):
    page.goto(live_server + "/comunal")
    wait_for_communal_map(page, 1)
    assert page.locator("#com-table tbody tr").count() >= 2  # the demo's states
    page.goto(live_server + "/comunal?territory=9999")
    page.wait_for_selector("#com-error")
    assert "«9999»" in page.inner_text("#com-error") and "no se encontró" in page.inner_text("#com-error").lower()
    # A malformed code is dropped, as every view drops it: the national page opens.
    page.goto(live_server + "/comunal?territory=%27%3BDROP")
    wait_for_communal_map(page, 1)
    assert page.inner_text("#com-title") == "Sistema comunal — Venezuela"
