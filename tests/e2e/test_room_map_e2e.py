"""The room's map drawn by MapLibre directly (assets/room-map.js), in headless Chromium on the
small demo: a territory's hover names it with its value, the map's own buttons reset the
view and download a PNG, a point layer draws every record, and the weekly charts (plotly.js)
wait until they are reached."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from geodata.models import Territory
from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import MAP_JS, screen_point, wait_for_map

pytestmark = pytest.mark.e2e


def _label_point(engine, code: str) -> tuple[float, float, str]:
    with engine.connect() as conn:
        return conn.execute(
            select(func.ST_X(Territory.label_point), func.ST_Y(Territory.label_point), Territory.name).where(Territory.code == code)
        ).one()


def test_a_hover_names_the_territory_and_its_value(page, live_server, demo_engine):
    page.goto(live_server + "/")
    wait_for_map(page, 25)
    lon, lat, name = _label_point(demo_engine, "15")
    expected = page.evaluate(f"{MAP_JS}.figure.data[0].customdata.find(c => c[0] === '15')[2]")
    page.mouse.move(*screen_point(page, lon, lat))
    popup = page.locator(".sala-hover")
    popup.wait_for()
    assert popup.inner_text().split("\n") == [name, f"Casos abiertos: {expected}"]
    # Off the country, nothing is named.
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)
    popup.wait_for(state="detached")


def test_the_maps_buttons_reset_the_view_and_download_a_png(page, live_server):
    page.goto(live_server + "/?territory=01")
    wait_for_map(page)
    zoom = page.evaluate(f"{MAP_JS}.salaMap.getZoom()")
    page.click("#map button[title='Acercar']")
    page.wait_for_function(f"(z) => {{ const m = {MAP_JS}.salaMap; return !m.isMoving() && m.getZoom() > z + 0.5; }}", arg=zoom)
    page.click("#map button[title='Restablecer la vista']")
    page.wait_for_function(f"(z) => Math.abs({MAP_JS}.salaMap.getZoom() - z) < 0.01", arg=zoom)
    with page.expect_download() as download:
        page.click("#map button[title='Descargar el mapa como PNG']")
    assert download.value.suggested_filename == "mapa-sala.png"
    head = open(download.value.path(), "rb").read(8)
    assert head == b"\x89PNG\r\n\x1a\n"


def test_a_point_layer_draws_every_record_in_view(page, live_server):
    page.goto(live_server + "/?territory=0101&layers=cases")
    wait_for_map(page)
    page.wait_for_function(f"() => {MAP_JS}.figure.data.length > 1 && {MAP_JS}.dataset.drawn === '1'")
    drawn = page.evaluate(f"""() => {{
        const node = {MAP_JS}, m = node.salaMap;
        const layer = m.getStyle().layers.find(l => l.type === 'circle');
        const t = node.figure.data.findIndex(d => d.type === 'scattermap');
        // A point near a tile's edge is in both tiles: count each record once.
        return [node.figure.data[t].lon.length, new Set(m.querySourceFeatures(layer.source).map(f => f.properties.i)).size];
    }}""")
    assert drawn[0] > 0 and drawn[1] == drawn[0], drawn
    screenshot(page, "room-map-cases-libertador")


def test_the_weekly_charts_wait_until_they_are_reached(page, live_server):
    page.set_viewport_size({"width": 1350, "height": 940})
    page.goto(live_server + "/")
    wait_for_map(page)
    page.wait_for_timeout(500)
    assert page.evaluate("document.querySelectorAll('.charts .js-plotly-plot').length") == 0
    assert page.evaluate("typeof window.Plotly") == "undefined"
    # Their places are kept (nothing moves when they arrive).
    heights = page.evaluate("[...document.querySelectorAll('.charts > div')].map(d => d.getBoundingClientRect().height)")
    assert len(heights) == 3 and min(heights) >= 240, heights
    page.locator(".charts").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelectorAll('.charts .js-plotly-plot .main-svg').length >= 3")
    after = page.evaluate("[...document.querySelectorAll('.charts > div')].map(d => d.getBoundingClientRect().height)")
    assert after == pytest.approx(heights, abs=2), (heights, after)


@pytest.mark.parametrize("width,height", [(1350, 940), (768, 1024), (390, 844)])
def test_the_attribution_is_in_sight_clear_of_the_legend_and_the_timeline(page, live_server, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server + "/?territory=0101")
    wait_for_map(page)
    attribution = page.locator("#map .maplibregl-ctrl-attrib")
    assert "geoBoundaries" in attribution.inner_text()
    a = attribution.bounding_box()
    frame = page.locator("#map").bounding_box()
    assert a["x"] >= frame["x"] and a["x"] + a["width"] <= frame["x"] + frame["width"] + 1, (a, frame)
    for other in ("#legend-toggle", "div.timeline", "#map .maplibregl-ctrl-top-right"):
        b = page.locator(other).bounding_box()
        apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                 or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
        assert apart, (other, a, b)
