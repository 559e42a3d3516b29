"""End-to-end fixtures: the real app (waitress, in a thread) on the session's small demo
database (`demo_url`, read only), driven by Debian's Chromium through Playwright. No browser download; a missing Chromium fails.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from geodata.settings import Settings
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(demo_url, data_dir):
    """The dashboard served by waitress on a free port; yields its base URL."""
    import waitress

    from dashboard.app import create_app

    settings = Settings(database_url=demo_url, data_dir=data_dir, refresh_seconds=5, _env_file=None)
    app = create_app(settings)
    server = waitress.create_server(app.server, host="127.0.0.1", port=0, threads=6)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package `chromium`")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class ConsoleLog:
    """Errors the page reported: console errors, uncaught exceptions, failed requests, and
    any request leaving this machine (the room works offline)."""

    def __init__(self):
        self.errors: list[str] = []

    def attach(self, page) -> None:
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on(
            "response",
            lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("request", self._local_only)

    def _local_only(self, req) -> None:
        url = req.url
        if not (url.startswith(("http://127.0.0.1:", "blob:", "data:")) or url == "about:blank"):
            self.errors.append(f"request off this machine: {url}")


@pytest.fixture
def console():
    return ConsoleLog()


@pytest.fixture
def page(browser, console, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="es-VE")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    console.attach(pg)
    yield pg
    context.close()
    # Every test also checks the browser said nothing wrong.
    assert console.errors == [], f"browser errors in {request.node.name}: {console.errors}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
