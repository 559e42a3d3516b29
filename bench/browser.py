"""Debian's Chromium under Playwright, for the benchmarks that need a real browser: the
journey the concurrency benchmark replays, and the throttled first visit.

"The map is drawn" means what a person sees: the choropleth trace holds its territories
and MapLibre has loaded its style, the boundary file and every tile it asked for — not
`networkidle`, which a map with an interval or a slow tile never reaches.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

MAP_DRAWN_JS = """() => {
    const gd = document.querySelector('#map .js-plotly-plot');
    if (!gd || !gd.data || !gd.data[0] || !gd._fullLayout || !gd._fullLayout.map) return false;
    const n = (gd.data[0].locations || []).length;
    const m = gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    return n > 0 && !!m && m.loaded() && m.areTilesLoaded();
}"""


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: install the Debian package `chromium`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_map(page, timeout_ms: float = 120_000) -> None:
    page.wait_for_function(MAP_DRAWN_JS, timeout=timeout_ms, polling=100)


def map_codes(page) -> list[str]:
    return page.evaluate("document.querySelector('#map .js-plotly-plot').data[0].locations")
