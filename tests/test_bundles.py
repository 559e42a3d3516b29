"""The room's page: AG Grid's bundle is not among its scripts but is served on demand; the
first screen's dcc chunks are; plotly.js is preloaded; Dash's polyfill is not written
(dashboard.bundles)."""

from __future__ import annotations

import re

from dashboard import bundles
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
    assert f'<link rel="preload" href="{DASH_PLOTLY_PATH}" as="script">' in page
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
