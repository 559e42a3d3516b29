"""Measure the map room on whatever database SALA_* points at (meant for the national demo):
server-side time of each view model, and in Chromium the bytes of a first and a repeat
visit and the time from a click to the drawn map. Prints a table; not a test.

    SALA_DATA_DIR=... .venv/bin/python scripts/measure_dashboard.py
"""

from __future__ import annotations

import gzip
import json
import statistics
import threading
import time

import waitress
from playwright.sync_api import sync_playwright
from sqlalchemy import func, select, text

from dashboard import solutions_vm as svm
from dashboard import viewmodels as vm
from dashboard.app import create_app
from dashboard.view import View
from geodata.database import get_engine
from geodata.models import Territory
from geodata.settings import get_settings

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MAP_JS = "document.querySelector('#map .js-plotly-plot')"
DRAWN = f"""(count) => {{
    const gd = {MAP_JS};
    if (!gd || !gd.data || !gd._fullLayout || !gd._fullLayout.map) return false;
    const m = gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    return gd.data[0].locations.length === count && m && m.loaded() && !m.isMoving();
}}"""


def server_side(engine) -> None:
    with engine.connect() as conn:
        parish = conn.execute(text("SELECT code FROM territory WHERE level = 'parish' AND code LIKE '0101%' ORDER BY code LIMIT 1")).scalar()
        commune = conn.execute(text("SELECT code FROM territory WHERE level = 'commune' AND path LIKE '/01/0101/%' ORDER BY code LIMIT 1")).scalar()
    views = [
        ("país", View()),
        ("estado 15", View("15")),
        ("municipio 0101", View("0101")),
        (f"parroquia {parish}", View(parish)),
        (f"comuna {commune}", View(commune)),
        ("país + 3 capas", View(layers=("cases", "projects", "claps"))),
        ("municipio 0101 + 3 capas", View("0101", layers=("cases", "projects", "claps"))),
    ]
    print("view model (servidor)        primera   repetida   figura (gzip)   tabla (gzip)")
    for name, view in views:
        started = time.perf_counter()
        room = vm.room(engine, view)
        first = (time.perf_counter() - started) * 1000
        again = []
        for _ in range(3):
            started = time.perf_counter()
            room = vm.room(engine, view)
            again.append((time.perf_counter() - started) * 1000)
        fig = json.dumps(room.figure).encode()
        grid = json.dumps(room.grid_rows).encode()
        print(f"{name:28s} {first:6.0f} ms {statistics.median(again):6.0f} ms   {len(gzip.compress(fig)) / 1024:7.1f} kB   {len(gzip.compress(grid)) / 1024:6.1f} kB")
    for name, view in [("cambio de indicador, país", View(indicator="clap_coverage")), ("cambio de indicador, 0101", View("0101", indicator="cases_overdue"))]:
        started = time.perf_counter()
        switch = vm.indicator_switch(engine, view)
        print(f"{name:28s} {(time.perf_counter() - started) * 1000:6.0f} ms   patch {len(json.dumps(switch.choropleth)) / 1024:.1f} kB")
    for attempt in ("primera", "repetida"):
        started = time.perf_counter()
        svm.solutions_page(engine, View("0101"))
        print(f"Mapa de Soluciones 0101, {attempt}: {(time.perf_counter() - started) * 1000:.0f} ms")


def browser_side(engine, base: str) -> None:
    with engine.connect() as conn:
        def label(code):
            return conn.execute(select(func.ST_X(Territory.label_point), func.ST_Y(Territory.label_point)).where(Territory.code == code)).one()

        def n_children(code):
            return conn.execute(text("SELECT count(*) FROM territory c JOIN territory p ON p.id = c.parent_id WHERE p.code = :c AND c.level <> 'circuit'"), {"c": code}).scalar()

        states = conn.execute(text("SELECT count(*) FROM territory WHERE parent_id IS NULL")).scalar()
        targets = [("15", label("15"), n_children("15"))]
        first_mun = conn.execute(text("SELECT code FROM territory WHERE level = 'municipality' AND code LIKE '15%' ORDER BY code LIMIT 1")).scalar()
        targets.append((first_mun, label(first_mun), n_children(first_mun)))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        seen = []
        page.on("response", lambda r: seen.append((r.url, r.request.sizes()["responseBodySize"] + r.request.sizes()["responseHeadersSize"])))
        started = time.perf_counter()
        page.goto(base + "/")
        page.wait_for_function(DRAWN, arg=states, timeout=60_000)
        drawn = time.perf_counter() - started
        page.wait_for_load_state("networkidle")
        first = sum(b for _, b in seen)
        print(f"\nprimera visita: {first / 1024 / 1024:.2f} MB en {len(seen)} respuestas; mapa dibujado en {drawn:.2f} s")
        for url, size in sorted(seen, key=lambda x: -x[1])[:6]:
            print(f"   {size / 1024:8.1f} kB  {url.replace(base, '')[:90]}")
        for code, (lon, lat), count in targets:
            x, y = page.evaluate(
                f"""([lon, lat]) => {{ const m = {MAP_JS}._fullLayout.map._subplot.map; const p = m.project([lon, lat]);
                    const b = m.getCanvas().getBoundingClientRect(); return [b.left + p.x, b.top + p.y]; }}""",
                [lon, lat],
            )
            seen.clear()
            started = time.perf_counter()
            page.mouse.click(x, y)
            page.wait_for_function(DRAWN, arg=count, timeout=60_000)
            print(f"clic en {code}: mapa de {count} hijos dibujado en {time.perf_counter() - started:.2f} s; {sum(b for _, b in seen) / 1024:.1f} kB transferidos")
        seen.clear()
        started = time.perf_counter()
        page.click("#indicator")
        page.get_by_role("option", name="Cobertura CLAP").click()
        page.wait_for_function("() => document.querySelector('#legend').innerText.includes('Cobertura CLAP')")
        print(f"cambio de indicador: leyenda nueva en {time.perf_counter() - started:.2f} s; {sum(b for _, b in seen) / 1024:.1f} kB transferidos")
        seen.clear()
        page.goto(base + "/")
        page.wait_for_function(DRAWN, arg=states, timeout=60_000)
        page.wait_for_load_state("networkidle")
        print(f"visita repetida: {sum(b for _, b in seen) / 1024:.1f} kB transferidos")
        browser.close()


def main() -> None:
    settings = get_settings()
    engine = get_engine(settings)
    server_side(engine)
    app = create_app(settings)
    server = waitress.create_server(app.server, host="127.0.0.1", port=0, threads=6)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        browser_side(engine, f"http://127.0.0.1:{server.effective_port}")
    finally:
        server.close()


if __name__ == "__main__":
    main()
