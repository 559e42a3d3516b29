"""The room's first paint: Lighthouse and a throttled first visit, on the demo database.

`python -m bench.lighthouse [--quick]` starts `sala serve` from this checkout on a free
port (read only on the demo database), then

- runs Lighthouse (the npm package `lighthouse@12.2.3`, installed into
  bench/.peers/lighthouse on first use) with Debian's Chromium, desktop preset, against
  `/`: performance and accessibility scores, CLS, total blocking time, LCP, bytes
  transferred and unused JavaScript; three runs (one with --quick), the median quoted;
- opens `/` in Chromium (Playwright) with an empty cache on a link throttled through the
  DevTools protocol (`Network.emulateNetworkConditions`: 1.5 Mbps down, 750 kbps up,
  300 ms latency): seconds until the map is drawn (the choropleth's territories on the
  MapLibre canvas, every tile loaded; not `networkidle`) and bytes on the wire.

Goals (issue 13): performance ≥ 85, accessibility ≥ 95, first visit ≤ 1.2 MB, map ≤ 6 s.
Lighthouse has no peer; the last line is `ratio=<the worst of measure/goal>` (≤ 1: every
goal met; scores enter as goal/score).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.browser import CHROMIUM, chromium, wait_for_map
from bench.common import PEERS, free_port, goal_text, require, run_on_demo, sala_serve_command, server

LIGHTHOUSE = "lighthouse@12.2.3"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
MBPS = 1.5
LATENCY_MS = 300
GOALS = {"performance": 85, "accessibility": 95, "first_visit_mb": 1.2, "map_s": 6.0}


def lighthouse_bin() -> Path:
    folder = PEERS / "lighthouse"
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        require("npm", "install Node.js 20 (Debian: nodejs, npm)")
        print(f"installing {LIGHTHOUSE} into bench/.peers/lighthouse …", flush=True)
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder), LIGHTHOUSE],
                       check=True)
    return binary


def lighthouse_once(url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="sala-bench-lh-") as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [str(lighthouse_bin()), url, "--preset=desktop", f"--chrome-flags={CHROME_FLAGS}",
             "--only-categories=performance,accessibility", "--output=json", f"--output-path={report}", "--quiet"],
            check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300,
        )
        data = json.loads(report.read_text())
    audits = data["audits"]
    unused = audits.get("unused-javascript", {}).get("details", {}) or {}
    return {
        "performance": data["categories"]["performance"]["score"] * 100,
        "accessibility": data["categories"]["accessibility"]["score"] * 100,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "bytes": audits["total-byte-weight"]["numericValue"],
        "unused_js": unused.get("overallSavingsBytes", 0),
    }


def throttled_first_visit(url: str, throttle: bool = True) -> dict:
    """Empty cache, 1.5 Mbps / 300 ms: seconds until the map is drawn, bytes on the wire."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttle:
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": LATENCY_MS,
                "downloadThroughput": MBPS * 1_000_000 / 8, "uploadThroughput": MBPS / 2 * 1_000_000 / 8,
            })
        wire = {"bytes": 0, "requests": 0}

        def finished(event) -> None:
            wire["bytes"] += event.get("encodedDataLength", 0)
            wire["requests"] += 1

        cdp.on("Network.loadingFinished", finished)
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=180_000)
        wait_for_map(page, timeout_ms=180_000)
        took = time.perf_counter() - started
        page.wait_for_timeout(1000)  # what the page still fetches after the map counts as the visit
        context.close()
    return {"map_s": took, "bytes": wire["bytes"], "requests": wire["requests"]}


def run(url: str, quick: bool = False) -> float:
    runs = 1 if quick else 3
    lighthouse_bin()
    port = free_port()
    with server(sala_serve_command(port), port, env={"SALA_DATABASE_URL": url}) as base:
        page = base + "/"
        # A first visit of our own warms the server (indicators, boundaries), as a room running all day is.
        throttled_first_visit(page, throttle=False)
        results = []
        for i in range(runs):
            results.append(lighthouse_once(page))
            print(f"  lighthouse run {i + 1}: performance {results[-1]['performance']:.0f}, "
                  f"accessibility {results[-1]['accessibility']:.0f}", flush=True)
        visits = [throttled_first_visit(page) for _ in range(1 if quick else 2)]

    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    spread = {k: (min(r[k] for r in results), max(r[k] for r in results)) for k in results[0]}
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]} desktop, {runs} run(s), median (min–max):")
    print(f"  performance   {med['performance']:5.0f} ({spread['performance'][0]:.0f}–{spread['performance'][1]:.0f})  "
          f"{goal_text(med['performance'], '≥', GOALS['performance'])}")
    print(f"  accessibility {med['accessibility']:5.0f} ({spread['accessibility'][0]:.0f}–{spread['accessibility'][1]:.0f})  "
          f"{goal_text(med['accessibility'], '≥', GOALS['accessibility'])}")
    print(f"  CLS {med['cls']:.3f}, TBT {med['tbt_ms']:.0f} ms, LCP {med['lcp_s']:.1f} s, "
          f"transferred {med['bytes'] / 1e6:.2f} MB, unused JavaScript {med['unused_js'] / 1e6:.2f} MB")
    visit_s = statistics.median(v["map_s"] for v in visits)
    visit_mb = statistics.median(v["bytes"] for v in visits) / 1e6
    print(f"throttled first visit ({MBPS} Mbps, {LATENCY_MS} ms, empty cache), {len(visits)} run(s): map drawn after "
          + ", ".join(f"{v['map_s']:.1f} s" for v in visits) + f" ({goal_text(visit_s, '≤', GOALS['map_s'])}); "
          + f"{visit_mb:.2f} MB in {visits[0]['requests']} requests ({goal_text(visit_mb, '≤', GOALS['first_visit_mb'])})")
    ratio = max(GOALS["performance"] / max(med["performance"], 1), GOALS["accessibility"] / max(med["accessibility"], 1),
                visit_mb / GOALS["first_visit_mb"], visit_s / GOALS["map_s"])
    print(f"ratio={ratio:.2f}")
    return ratio


def main(argv: list[str] | None = None) -> None:
    run_on_demo("bench.lighthouse", __doc__, run, "one Lighthouse run and one throttled visit", argv)


if __name__ == "__main__":
    main()
