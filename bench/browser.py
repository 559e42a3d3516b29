"""Debian's Chromium under Playwright, for the benchmarks that need a real browser: the
journey the concurrency benchmark replays, and the throttled first visit.

"The map is drawn" means what a person sees: the room map's figure holds its territories
and MapLibre is idle after drawing it, with its boundary file and every tile it asked for
loaded (`assets/room-map.js`) — not `networkidle`, which a map with an interval or a slow
tile never reaches.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

MAP_DRAWN_JS = """() => {
    const node = document.getElementById('map');
    const figure = node && node.figure;
    if (!figure || !figure.data[0] || !(figure.data[0].locations || []).length) return false;
    const m = node.salaMap;
    return node.dataset.drawn === '1' && !!m && m.loaded() && m.areTilesLoaded();
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
    return page.evaluate("document.getElementById('map').figure.data[0].locations")
