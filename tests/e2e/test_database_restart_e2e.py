"""`sala db down && sala db up` under a running `sala serve`: the page says the database is
away, the server answers 503 in Spanish, and when the database is back (on the same port)
the page catches up by itself, without a reload.

Its own `sala serve` process and its own embedded cluster with the small demo (the
session's cluster is never stopped)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from geodata.embedded import EmbeddedPostgres
from tests.e2e.conftest import ConsoleLog, screenshot
from tests.e2e.test_dashboard_e2e import wait_for_map

pytestmark = pytest.mark.e2e

SALA = str(Path(sys.executable).with_name("sala"))
BANNER = "#db-unavailable"
MESSAGE = "Sin conexión con la base de datos; reintentando…"


def sala(args: list[str], env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run([SALA, *args], env=env, cwd=env["SALA_DATA_DIR"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"sala {' '.join(args)}: {result.stderr}"
    return result


def get(url: str, accept: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError as error:  # not listening (yet)
        return 0, str(error.reason)


def wait_for_status(url: str, status: int, accept: str = "application/json", seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        code, body = get(url, accept)
        if code == status:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} still answers {code}, not {status}: {body[:300]}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def served(data_dir):
    """`sala serve` on a cluster of its own with the small demo: (base URL, env, cluster)."""
    folder = data_dir / f"serve-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALA_")}
    env["SALA_DATA_DIR"] = str(folder)
    sala(["db", "up"], env)
    sala(["demo", "--scale", "small"], env)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(folder / "serve.log", "w") as log:
        server = subprocess.Popen([SALA, "serve", "--port", str(port), "--threads", "4"], env=env, cwd=folder,
                                  stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_status(base + "/salud", 200)
        yield base, env, EmbeddedPostgres(folder / "postgres")
    finally:
        server.terminate()
        server.wait(30)
        subprocess.run([SALA, "db", "down"], env=env, cwd=folder, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_page_survives_a_database_restart(browser, served):
    base, env, cluster = served
    port = cluster.running_port()
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="es-VE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    console = ConsoleLog()
    console.attach(page)
    try:
        page.goto(base + "/?territory=15")
        wait_for_map(page)
        page.evaluate("window.notReloaded = true")

        sala(["db", "down"], env)
        health = json.loads(wait_for_status(base + "/salud", 503))
        assert health == {"error": "database_unavailable", "message": MESSAGE}
        # A page the browser navigates to: 503, in Spanish, reloading itself.
        html = wait_for_status(base + "/?territory=15", 503, accept="text/html", seconds=15)
        assert MESSAGE in html and 'http-equiv="refresh"' in html

        # A change on the open page: its callback is refused, the banner says why.
        page.click("#indicator")
        page.get_by_role("option", name="Cobertura CLAP").click()
        page.wait_for_selector(BANNER, state="visible")
        assert page.inner_text(BANNER) == MESSAGE
        assert "Cobertura CLAP" not in page.inner_text("#legend")
        screenshot(page, "database-unavailable-banner")

        assert "Base de datos lista" in sala(["db", "up"], env).stdout
        assert cluster.running_port() == port  # the same port: the app's engine still points there
        # The page notices by itself, re-sends the refused callback, and shows its answer.
        page.wait_for_selector(BANNER, state="hidden")
        page.wait_for_function("() => document.querySelector('#legend').innerText.includes('Cobertura CLAP')")
        assert page.evaluate("window.notReloaded") is True
        wait_for_map(page)
        assert get(base + "/salud")[0] == 200
        assert get(base + "/?territory=15", accept="text/html")[0] == 200
    finally:
        context.close()
    # What the browser reported: only the refused requests of the outage.
    unexpected = [e for e in console.errors if "503" not in e]
    refused = [e for e in console.errors if e.startswith("HTTP 503")]
    assert unexpected == [], unexpected
    assert refused and all(("/_dash-update-component" in e or "/salud" in e) for e in refused), refused
