"""Issue 11: the record filters drive the choropleth (and the KPIs), in headless Chromium
on the small demo: choosing the category «Agua» recolours the national map."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geodata.vocab import OPEN_CASE_STATUSES
from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import MAP_JS, wait_for_map

pytestmark = pytest.mark.e2e


def choropleth(page) -> dict[str, tuple[int, str]]:
    """Per state code: its class (z) and the value its hover shows."""
    data = page.evaluate(f"(() => {{ const d = {MAP_JS}.figure.data[0]; return [d.locations, d.z, d.customdata.map(c => c[2])]; }})()")
    return {code: (z, value) for code, z, value in zip(*data)}


def _count(value: str) -> int:
    return 0 if value == "—" else int(value.replace(".", ""))


def test_choosing_agua_recolours_the_national_choropleth(page, live_server, demo_engine):
    with demo_engine.connect() as conn:
        open_water = dict(conn.execute(text(
            "SELECT split_part(t.path, '/', 2), count(*) FROM case_report c JOIN territory t ON t.id = c.territory_id"
            " WHERE c.category = 'water' AND c.status = ANY(:open) GROUP BY 1"), {"open": list(OPEN_CASE_STATUSES)}).all())
        open_all = dict(conn.execute(text(
            "SELECT split_part(t.path, '/', 2), count(*) FROM case_report c JOIN territory t ON t.id = c.territory_id"
            " WHERE c.status = ANY(:open) GROUP BY 1"), {"open": list(OPEN_CASE_STATUSES)}).all())
    page.goto(live_server + "/")
    wait_for_map(page)
    before = choropleth(page)
    assert len(before) >= 2
    # The default indicator is open cases: before the filter, every open case counts.
    assert {code: _count(v) for code, (_z, v) in before.items()} == {c: open_all.get(c, 0) for c in before}
    kpi_before = page.inner_text("#kpi-cases_open .kpi-value")
    page.click("#filter-category")
    page.get_by_role("option", name="Agua", exact=True).click()
    page.wait_for_function("() => window.location.search.includes('category=water')")
    page.wait_for_function(
        f"(before) => JSON.stringify({MAP_JS}.figure.data[0].customdata.map(c => c[2])) !== before",
        arg=__import__("json").dumps([v for _z, v in before.values()]),
    )
    wait_for_map(page, len(before))
    after = choropleth(page)
    # The national choropleth now shows the open water cases of each state, as the
    # database counts them, and its colours changed with them.
    assert {code: _count(v) for code, (_z, v) in after.items()} == {c: open_water.get(c, 0) for c in after}
    assert [v for _z, v in after.values()] != [v for _z, v in before.values()]
    # Its colours follow the new values: a state with more open water cases never sits in a
    # lower class than one with fewer (whether any class changes depends on the day's demo draw).
    ranked = sorted((_count(v), z) for z, v in after.values())
    assert [z for _n, z in ranked] == sorted(z for _n, z in ranked)
    assert len({z for z, _v in after.values()}) > 1 or len(set(open_water.values())) <= 1
    # The KPI follows: the country's open water cases.
    page.wait_for_function("(k) => document.querySelector('#kpi-cases_open .kpi-value').innerText !== k", arg=kpi_before)
    assert _count(page.inner_text("#kpi-cases_open .kpi-value")) == sum(open_water.values())
    screenshot(page, "map-room-agua")


def test_variation_against_the_previous_period_on_kpis_and_map(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    page.click("button.period-button:has-text('30 días')")
    page.wait_for_function("() => new URLSearchParams(window.location.search).has('from')")
    page.wait_for_function("() => document.querySelector('#kpi-cases_open .kpi-change') !== null")
    assert "vs. período anterior" in page.inner_text("#kpi-cases_open .kpi-change")
    page.click("#show label:has-text('Variación')")
    page.wait_for_function("() => document.querySelector('#legend').innerText.includes('Variación de')")
    page.wait_for_function("() => window.location.search.includes('variacion=1')")
    wait_for_map(page)
    # A diverging scale centred at 0: white («Sin cambio») in the middle of the legend.
    assert "Sin cambio" in page.inner_text("#legend")
    scale = page.evaluate(f"{MAP_JS}.figure.data[0].colorscale.map(s => s[1])")
    assert "#f7f7f7" in scale and "#2166ac" in scale
    hovers = page.evaluate(f"{MAP_JS}.figure.data[0].customdata.map(c => c[2])")
    assert any(h.startswith(("+", "−")) for h in hovers) and all("vs." in h for h in hovers)
    screenshot(page, "map-room-variation")
