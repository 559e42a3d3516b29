"""The room's page: AG Grid's bundle is not among its scripts but is served on demand; the
first screen's dcc chunks are; its map's MapLibre is preloaded and plotly.js is not (other
pages preload plotly.js); Dash's polyfill is not written (dashboard.bundles)."""

from __future__ import annotations

import re

from dashboard import bundles, maplibre_bundle
from dashboard.plotly_bundle import DASH_PLOTLY_PATH


def test_the_page_defers_the_grid_and_brings_the_first_screen_forward(demo_url, data_dir):
    from dashboard.app import create_app
    from geodata.settings import Settings

    app = create_app(Settings(database_url=demo_url, data_dir=data_dir, _env_file=None), warm=False)
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert not [s for s in scripts if "dash_ag_grid" in s]
    assert any(s.endswith("/assets/lazy-grid.js") or "/assets/lazy-grid.js?" in s for s in scripts)
    for chunk in ("async-dropdown", "async-datepicker", "async-slider", "async-graph"):
        assert any(f"/dcc/{chunk}." in s for s in scripts), chunk
    assert DASH_PLOTLY_PATH not in page  # the room's map is MapLibre's; its charts load plotly.js when reached
    maplibre = maplibre_bundle.url("maplibre-gl.js")
    assert f'<link rel="preload" href="{maplibre}" as="script">' in page and maplibre in scripts
    assert scripts.index(maplibre) < next(i for i, s in enumerate(scripts) if "/assets/room-map.js" in s)
    for name in ("maplibre-gl.js", "maplibre-gl.css"):
        served = client.get(maplibre_bundle.url(name), headers={"Accept-Encoding": "gzip, br"})
        assert served.status_code == 200 and served.headers["Content-Encoding"] == "br"
        assert "immutable" in served.headers["Cache-Control"]
        assert served.data == (maplibre_bundle.STATIC / (name + ".br")).read_bytes()
    # The country's boundary file, which every view of the room draws, is fetched with the scripts.
    boundaries = re.search(r'<link rel="preload" href="([^"]+)" as="fetch" crossorigin="anonymous">', page).group(1)
    assert boundaries.startswith("/geo/children/country.json?v=")
    assert client.get(boundaries).status_code == 200
    unversioned = client.get("/_sala/maplibre-gl.js", headers={"Accept-Encoding": "identity"})
    assert unversioned.status_code == 200 and "immutable" not in unversioned.headers["Cache-Control"]
    assert unversioned.data.startswith(b"/**\n * MapLibre GL JS")
    assert client.get("/_sala/nothing.js").status_code == 404
    # No @babel/polyfill; its regeneratorRuntime (which dash-renderer needs) comes before the renderer.
    assert not [s for s in scripts if "polyfill" in s]
    regenerator = next(i for i, s in enumerate(scripts) if "/assets/00-regenerator-runtime.js" in s)
    renderer = next(i for i, s in enumerate(scripts) if "/dash-renderer/" in s)
    assert regenerator < renderer
    grid = re.search(r'<meta name="sala-grid-script" content="([^"]+)">', page).group(1)
    assert grid == bundles.grid_bundle_url()
    response = client.get(grid, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]


def test_other_pages_preload_plotly_and_carry_the_grid(demo_url, data_dir):
    from dashboard.app import create_app
    from geodata.settings import Settings

    app = create_app(Settings(database_url=demo_url, data_dir=data_dir, _env_file=None), warm=False)
    page = app.server.test_client().get("/soluciones").get_data(as_text=True)
    assert f'<link rel="preload" href="{DASH_PLOTLY_PATH}" as="script">' in page
    # Only the addresses the room's map needs when it is reached from here (no page load).
    assert "maplibre-gl.js" not in " ".join(re.findall(r'<(?:script|link)[^>]*>', page))
    assert f'<meta name="sala-maplibre-script" content="{maplibre_bundle.url("maplibre-gl.js")}">' in page
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert bundles.grid_bundle_url() in scripts
