"""End-to-end fixtures: the real app (waitress, in a thread) on the small demo, driven by
Debian's Chromium through Playwright. No browser download; a missing Chromium fails.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from pathlib import Path

import pytest

from geodata.database import make_engine
from geodata.settings import Settings
from tests.conftest import ROOT, create_database_from, drop_database

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
# The demo is generated up to today, as `sala demo` does, so "overdue" and "days since"
# read as they would in a room; the tests compare with the database, not fixed numbers.
DEMO_TODAY = dt.date.today()


@pytest.fixture(scope="session")
def e2e_db_url(template_url):
    """A database holding the small demo (all 25 states; Distrito Capital and Miranda in depth)."""
    from etl.demo.run import load_demo

    url = create_database_from(template_url, f"e2e_{uuid.uuid4().hex[:10]}")
    engine = make_engine(url)
    try:
        load_demo(engine, scale="small", seed=1, today=DEMO_TODAY)
    finally:
        engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def e2e_engine(e2e_db_url):
    engine = make_engine(e2e_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(e2e_db_url, data_dir):
    """The dashboard served by waitress on a free port; yields its base URL."""
    import waitress

    from dashboard.app import create_app

    settings = Settings(database_url=e2e_db_url, data_dir=data_dir, refresh_seconds=5, _env_file=None)
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
    """Errors the page reported: console errors, uncaught exceptions, failed requests."""

    def __init__(self):
        self.errors: list[str] = []

    def attach(self, page) -> None:
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on(
            "response",
            lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )


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
