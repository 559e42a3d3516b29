"""Many rooms at once: locust on loopback against our server, bounded in time.

`python -m bench.concurrency [--quick] [--server-cmd "…{port}…"] [--users 50,200] [--seconds 60]
[--replica-url URL]`

1. Starts the server, in turn in each configuration: `sala serve --workers 1` (one
   process, waitress), `sala serve` (one gunicorn worker per core) and, with
   `--replica-url` (or SALA_READ_DATABASE_URL), `sala serve` reading from that standby;
   from this checkout on a free port, on the demo database, read only. `--server-cmd`
   takes instead any one command with `{port}` (and `{sala}` for this checkout's `sala`).
2. Records one journey in Debian's Chromium (Playwright): open `/`, click the first state
   of the ranked table, then its first municipality, switch the indicator to «Casos
   vencidos»; every request the page made is kept, grouped by step, Dash's callback
   bodies included (bench/out/journey.json).
3. Runs locust headless (pip-installed into bench/.peers/locust on first use) with each
   user count for the given time: every user fetches the static bundles once, then
   replays the journey (each GET once, as a browser's cache does) and 8 council tiles of central Caracas (z12–z14) in a loop with
   1–3 s of think time per step; connect timeout 10 s, read timeout 30 s.

Prints per run the requests, throughput, p50/p95/p99 overall and per request kind, the
errors split into refused connections, timeouts and the rest (starvation = refused or
timed out), against the goals (50 users: p95 < 500 ms; 200 users: p95 < 1.5 s, 0 errors,
no starvation). The last line is `ratio=<p95 at the largest user count / its goal>`
(the 50-user goal for other counts).
The load generator shares the machine's two cores with the server: say so when quoting.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.browser import chromium, wait_for_map
from bench.common import PEERS, ROOT, demo_database_url, free_port, server
from bench.tiles import fixed_tiles

OUT = ROOT / "bench" / "out"
GOALS_MS = {50: 500.0, 200: 1500.0}
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/favicon")


def request_kind(path: str) -> str:
    route = urlsplit(path).path
    if route == "/":
        return "page"
    for prefix, kind in (("/_dash-layout", "layout"), ("/_dash-dependencies", "dependencies"),
                         ("/_dash-update-component", "callback"), ("/geo/", "boundaries"), ("/tiles/", "tile")):
        if route.startswith(prefix):
            return kind
    return "static" if route.startswith(STATIC_PREFIXES) else "other"


# --------------------------------------------------------------------------- the journey


def record_journey(base: str) -> dict:
    """What the browser asks our server for, step by step."""
    steps: list[dict] = []
    static: dict[str, dict] = {}
    fetched: set[str] = set()  # a GET seen before came from the browser's cache (versioned, immutable URLs)

    def seen(req) -> None:
        if not req.url.startswith(base):
            return
        path = req.url[len(base):] or "/"
        kind = request_kind(path)
        entry = {"method": req.method, "path": path, "body": req.post_data or "", "kind": kind}
        if req.method == "GET" and path in fetched:
            return
        if req.method == "GET":
            fetched.add(path)
        if kind == "static":
            static.setdefault(path, {**entry, "name": "static"})
        elif steps:
            steps[-1]["requests"].append({**entry, "name": f"{steps[-1]['step']} {kind}"})

    def step(name: str, action, expect_callback: bool = True) -> None:
        steps.append({"step": name, "requests": []})
        if expect_callback:
            with page.expect_response(lambda r: "_dash-update-component" in r.url, timeout=120_000):
                action()
        else:
            action()
        wait_for_map(page)
        page.wait_for_timeout(500)  # the follow-up callbacks (download links) go out too

    def grid_rows() -> None:
        # The ranked table loads its library when it comes into view (dashboard.bundles), as a
        # person scrolling down to it makes it.
        page.locator("#grid").scroll_into_view_if_needed()
        page.wait_for_selector("#grid .ag-row")

    def first_row_click() -> None:
        row = page.locator("#grid .ag-row").first
        row.locator(".ag-cell").first.click()

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.on("request", seen)
        step("open", lambda: page.goto(base + "/"), expect_callback=False)
        grid_rows()
        step("state", first_row_click)
        grid_rows()
        step("municipality", first_row_click)
        # A change of the dropdown's value, as the user's choice makes it.
        step("indicator", lambda: page.evaluate("window.dash_clientside.set_props('indicator', {value: 'cases_overdue'})"))
        territory = page.evaluate("new URLSearchParams(window.location.search).get('territory')")
    tiles = [t for t in fixed_tiles() if t[0] == "Caracas" and t[1] >= 12][:8]
    steps.append({"step": "tiles", "requests": [
        {"method": "GET", "path": f"/tiles/councils/{z}/{x}/{y}.pbf", "body": "", "kind": "tile", "name": "tiles tile"}
        for _, z, x, y in tiles
    ]})
    return {"static": list(static.values()), "steps": steps, "territory": territory}


# --------------------------------------------------------------------------- locust


def locust_bin() -> Path:
    venv = PEERS / "locust"
    binary = venv / "bin" / "locust"
    if not binary.exists():
        print("installing locust into bench/.peers/locust …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "locust"], check=True)
    return binary


def run_locust(base: str, journey_path: Path, users: int, seconds: int) -> dict:
    prefix = OUT / f"locust-{users}"
    for old in OUT.glob(f"locust-{users}_*.csv"):
        old.unlink()
    spawn_rate = max(1, users // 10)
    cmd = [str(locust_bin()), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--users", str(users),
           "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s", "--host", base, "--csv", str(prefix),
           "--only-summary", "--stop-timeout", "5", "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    env = {"SALA_BENCH_JOURNEY": str(journey_path), "PATH": str(PEERS / "locust" / "bin") + ":/usr/bin:/bin"}
    done = subprocess.run(cmd, env=env, timeout=seconds + 120, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    with open(f"{prefix}_stats.csv", newline="") as handle:
        stats = list(csv.DictReader(handle))
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    return {"stats": stats, "failures": failures, "spawn_rate": spawn_rate}


def _errors(failures: list[dict]) -> dict[str, int]:
    out = {"refused": 0, "timeout": 0, "other": 0}
    for row in failures:
        error, n = row["Error"].lower(), int(row["Occurrences"])
        if "refused" in error or "connectionreset" in error or "remotedisconnected" in error:
            out["refused"] += n
        elif "timeout" in error or "timed out" in error:
            out["timeout"] += n
        else:
            out["other"] += n
    return out


def _kind_of(name: str) -> str:
    return name.split()[-1]


def report(users: int, seconds: int, result: dict) -> tuple[float, float]:
    """Print one run; (p95 / goal, requests per second)."""
    stats = result["stats"]
    total = next(r for r in stats if r["Name"] == "Aggregated")
    errors = _errors(result["failures"])
    p50, p95, p99 = (float(total[k]) for k in ("50%", "95%", "99%"))
    requests, failed = int(total["Request Count"]), int(total["Failure Count"])
    goal = GOALS_MS.get(users)
    verdict = ""
    if goal is not None:
        met = p95 < goal and (users < 200 or (failed == 0 and errors["refused"] + errors["timeout"] == 0))
        verdict = f"  (goal p95 < {goal:g} ms{', 0 errors, no starvation' if users >= 200 else ''}: {'met' if met else 'NOT met'})"
    print(f"{users} users, {seconds} s (spawn {result['spawn_rate']}/s): {requests} requests, "
          f"{float(total['Requests/s']):.1f} req/s; p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; "
          f"{failed} failed (refused/reset {errors['refused']}, timed out {errors['timeout']}, other {errors['other']}){verdict}")
    by_kind: dict[str, list[dict]] = {}
    for row in stats:
        if row["Name"] != "Aggregated":
            by_kind.setdefault(_kind_of(row["Name"]), []).append(row)
    for row in sorted((r for r in stats if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"])):
        print(f"    {row['Name']:<24} n={int(row['Request Count']):>6}  p50 {float(row['50%']):7.0f} ms  "
              f"p95 {float(row['95%']):7.0f} ms  max {float(row['Max Response Time']):7.0f} ms  failed {row['Failure Count']}")
    for row in result["failures"][:5]:
        print(f"    error ×{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error'][:160]}")
    return p95 / (goal or GOALS_MS[50]), float(total["Requests/s"])


SERVE = "{sala} serve --host 127.0.0.1 --port {port}"


def configurations(server_cmd: str | None, replica_url: str | None) -> list[tuple[str, str, dict]]:
    """(label, command template, extra environment) of each server to run the users against."""
    if server_cmd:
        return [(server_cmd, server_cmd, {})]
    cores = os.cpu_count() or 1
    found = [("1 process (waitress)", SERVE + " --workers 1", {}), (f"{cores} workers (gunicorn)", SERVE + f" --workers {cores}", {})]
    if replica_url:
        found.append((f"{cores} workers, reads on the replica", SERVE + f" --workers {cores}", {"SALA_READ_DATABASE_URL": replica_url}))
    return found


def run(url: str, server_cmd: str | None, user_counts: list[int], seconds: int, replica_url: str | None = None) -> float:
    OUT.mkdir(parents=True, exist_ok=True)
    sala = str(Path(sys.executable).with_name("sala"))
    locust_bin()
    journey_path = OUT / "journey.json"
    throughput: dict[str, list[float]] = {}
    ratios: dict[str, float] = {}
    for label, template, env in configurations(server_cmd, replica_url):
        port = free_port()
        print(f"server: {label}: {template.replace('{sala}', 'sala')}", flush=True)
        with server(template.format(port=port, sala=sala).split(), port, env={"SALA_DATABASE_URL": url, **env}) as base:
            if not throughput:  # recorded once, on the first server
                started = time.perf_counter()
                journey = record_journey(base)
                journey_path.write_text(json.dumps(journey, indent=1), encoding="utf-8")
                sizes = {s["step"]: len(s["requests"]) for s in journey["steps"]}
                print(f"journey recorded in {time.perf_counter() - started:.0f} s (municipality {journey['territory']}): "
                      f"{len(journey['static'])} static files once, then per loop "
                      + ", ".join(f"{k} {v}" for k, v in sizes.items()) + " requests", flush=True)
            for users in user_counts:
                ratios[label], rate = report(users, seconds, run_locust(base, journey_path, users, seconds))
                throughput.setdefault(label, []).append(rate)
    if len(throughput) > 1:
        first = next(iter(throughput.values()))
        for label, rates in throughput.items():
            print(f"throughput {label}: " + ", ".join(
                f"{users} users {rate:.1f} req/s ({rate / base_rate:.2f}×)" for users, rate, base_rate in zip(user_counts, rates, first)))
    print("load generator and server share the two cores: the server's figures are pessimistic")
    # The ratio is the default server's (`sala serve`: one worker per core, no replica), at the largest user count.
    ratio = list(ratios.values())[0 if len(ratios) == 1 else 1]
    print(f"ratio={ratio:.2f}")
    return ratio


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 users for 15 s: a smoke run")
    parser.add_argument("--server-cmd", default=None, help="server command with {port} (and {sala}); default: sala serve")
    parser.add_argument("--users", default="50,200", help="user counts, comma-separated")
    parser.add_argument("--seconds", type=int, default=60, help="run time per user count")
    parser.add_argument("--replica-url", default=os.environ.get("SALA_READ_DATABASE_URL"),
                        help="a standby of the demo database (`sala db replica`): adds a run reading from it")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    users = [10] if args.quick else [int(u) for u in args.users.split(",")]
    run(demo_database_url(), args.server_cmd, users, 15 if args.quick else args.seconds, args.replica_url)


if __name__ == "__main__":
    main()
