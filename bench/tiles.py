"""Council vector tiles, z8–z14: our server against tipg on the same table.

`python -m bench.tiles [--quick]` starts `sala serve` from this checkout on a free port and
tipg (pip-installed into bench/.peers/tipg on first use, run by uvicorn) on another, both
on the demo database (read only), and requests the same tiles from both over keep-alive
connections with `Accept-Encoding: gzip, br`, in turns (our tile, tipg's tile, …):

- ours: `/tiles/councils/{z}/{x}/{y}.pbf`;
- tipg: `/collections/public.territory/tiles/WebMercatorQuad/{z}/{x}/{y}` with
  `level=council` and the same properties as our tiles carry, on the full geometry
  (`geom`; ours uses the display geometry below z10).

The tiles: a 2×2 block at each zoom around central Caracas (dense councils) and around
a rural point of the llanos in Apure. Prints per zoom the p50/p95 latency of each side and
the ratio of p95s (goal ≤ 1.0), bytes on the wire of each, and how many of ours came
compressed (goal: every non-empty one). The last line is `ratio=<ours p95 / tipg p95>`.
"""

from __future__ import annotations

import http.client
import math
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.common import (PEERS, Sample, free_port, goal_text, noise, psycopg_url, run_on_demo, sala_serve_command,
                          server)

AREAS = {"Caracas": (-66.9036, 10.4880), "Apure (rural)": (-68.40, 7.40)}
ZOOMS = tuple(range(8, 15))
P95_GOAL = 1.0
TIPG_VERSION = "tipg"  # the newest on PyPI at install time; `pip show` names it in the output


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def fixed_tiles(quick: bool = False) -> list[tuple[str, int, int, int]]:
    """(area, z, x, y): a 2×2 block per zoom and area (quick: one tile at z8, z11, z14)."""
    out = []
    for area, (lon, lat) in AREAS.items():
        for z in (8, 11, 14) if quick else ZOOMS:
            x, y = tile_of(lon, lat, z)
            block = [(0, 0)] if quick else [(0, 0), (1, 0), (0, 1), (1, 1)]
            out += [(area, z, x + dx, y + dy) for dx, dy in block]
    return out


# --------------------------------------------------------------------------- tipg


def tipg_python() -> Path:
    """tipg and uvicorn in their own virtualenv under bench/.peers (installed once)."""
    venv = PEERS / "tipg"
    python = venv / "bin" / "python"
    if not (venv / "bin" / "uvicorn").exists():
        print("installing tipg + uvicorn into bench/.peers/tipg …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", TIPG_VERSION, "uvicorn"], check=True)
    return python


def tipg_env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": psycopg_url(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.territory"]',
        "TIPG_DB_SPATIAL_EXTENT": "false",  # no extent scan of 55k polygons at start-up
        "TIPG_DB_DATETIME_EXTENT": "false",
        "TIPG_MAX_FEATURES_PER_TILE": "50000",  # as our tile limit and buffer
        "TIPG_TILE_BUFFER": "64",
        "TIPG_CATALOG_TTL": "3600",
    }


def tipg_version(python: Path) -> str:
    out = subprocess.run([str(python), "-m", "pip", "show", "tipg"], capture_output=True, text=True).stdout
    return next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Version:")), "?")


# --------------------------------------------------------------------------- fetching


class Client:
    """One keep-alive connection, as a browser's; `get` returns (seconds, bytes on the wire, encoding, status)."""

    def __init__(self, base: str):
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def get(self, path: str) -> tuple[float, int, str, int]:
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
                response = self.conn.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
                started = time.perf_counter()
        took = time.perf_counter() - started
        return took, len(body), response.getheader("Content-Encoding") or "", response.status


def tile_properties(ours: Client, tiles) -> list[str]:
    """The property names our council tiles carry (read from one tile), for tipg's `properties`."""
    import gzip

    import mapbox_vector_tile

    for _, z, x, y in tiles:
        ours.conn.request("GET", f"/tiles/councils/{z}/{x}/{y}.pbf", headers={"Accept-Encoding": "gzip"})
        response = ours.conn.getresponse()
        body = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if body:
            layer = next(iter(mapbox_vector_tile.decode(body).values()))
            if layer["features"]:
                return sorted(layer["features"][0]["properties"])
    return ["code", "name"]


def run(url: str, quick: bool = False) -> float:
    python = tipg_python()
    tiles = fixed_tiles(quick)
    rounds = 1 if quick else 3
    our_port, tipg_port = free_port(), free_port()
    tipg_cmd = [str(python), "-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1", "--port", str(tipg_port),
                "--log-level", "warning"]
    with server(sala_serve_command(our_port), our_port, env={"SALA_DATABASE_URL": url}) as our_base, \
            server(tipg_cmd, tipg_port, env=tipg_env(url), probe="/collections") as tipg_base:
        ours, peer = Client(our_base), Client(tipg_base)
        props = tile_properties(ours, tiles)
        # tipg's plain property filter (`level=council`) and the same attributes as ours.
        query = urlencode({"level": "council", "geom-column": "geom", "properties": ",".join(props)}, quote_via=quote)
        paths = {
            "ours": lambda z, x, y: f"/tiles/councils/{z}/{x}/{y}.pbf",
            "tipg": lambda z, x, y: f"/collections/public.territory/tiles/WebMercatorQuad/{z}/{x}/{y}?{query}",
        }
        print(f"tipg {tipg_version(python)} at {tipg_base}, ours at {our_base}; {len(tiles)} tiles × {rounds} round(s); "
              f"properties: {', '.join(props)}", flush=True)
        for _, z, x, y in tiles:  # a first pass, not timed: connections, catalogues, our warm-up thread
            for name, client in (("ours", ours), ("tipg", peer)):
                _, _, _, status = client.get(paths[name](z, x, y))
                if status != 200 and not (name == "ours" and status == 204):
                    raise SystemExit(f"{name} answered {status} for tile {z}/{x}/{y}")
        times = {"ours": defaultdict(list), "tipg": defaultdict(list)}
        wire = {"ours": defaultdict(int), "tipg": defaultdict(int)}
        compressed = {"ours": defaultdict(lambda: [0, 0]), "tipg": defaultdict(lambda: [0, 0])}  # zoom: [compressed, non-empty]
        for _ in range(rounds):
            for area, z, x, y in tiles:
                for name, client in (("ours", ours), ("tipg", peer)):
                    took, size, encoding, _ = client.get(paths[name](z, x, y))
                    times[name][z].append(took)
                    wire[name][z] += size
                    if size:
                        compressed[name][z][1] += 1
                        compressed[name][z][0] += bool(encoding)

    print(f"{'zoom':>4}  {'ours p50/p95 ms':>17}  {'tipg p50/p95 ms':>17}  {'p95 ratio':>9}  {'ours kB':>8}  {'tipg kB':>8}  compressed ours, tipg")
    for z in sorted(times["ours"]):
        a, b = Sample(times["ours"][z]), Sample(times["tipg"][z])
        print(f"{z:>4}  {a.pct(50) * 1000:8.1f}/{a.pct(95) * 1000:8.1f}  {b.pct(50) * 1000:8.1f}/{b.pct(95) * 1000:8.1f}  "
              f"{a.pct(95) / b.pct(95):9.2f}  {wire['ours'][z] / rounds / 1024:8.1f}  {wire['tipg'][z] / rounds / 1024:8.1f}  "
              f"{compressed['ours'][z][0]}/{compressed['ours'][z][1]}, {compressed['tipg'][z][0]}/{compressed['tipg'][z][1]}")
    a = Sample([t for v in times["ours"].values() for t in v])
    b = Sample([t for v in times["tipg"].values() for t in v])
    ratio = a.pct(95) / b.pct(95)
    done, nonempty = (sum(c[0] for c in compressed["ours"].values()), sum(c[1] for c in compressed["ours"].values()))
    print(f"overall: ours p50 {a.pct(50) * 1000:.1f} ms p95 {a.pct(95) * 1000:.1f} ms; tipg p50 {b.pct(50) * 1000:.1f} ms "
          f"p95 {b.pct(95) * 1000:.1f} ms; p95 ratio {ratio:.2f} ({goal_text(ratio, '≤', P95_GOAL)})")
    print(f"bytes on the wire per round: ours {sum(wire['ours'].values()) / rounds / 1024:.0f} kB, "
          f"tipg {sum(wire['tipg'].values()) / rounds / 1024:.0f} kB; ours compressed {done}/{nonempty} "
          f"(goal: every tile: {'met' if done == nonempty else 'NOT met'})")
    print(noise(a, b))
    print(f"ratio={ratio:.2f}")
    return ratio


def main(argv: list[str] | None = None) -> None:
    run_on_demo("bench.tiles", __doc__, run, "one tile per area at z8, z11, z14, one round", argv)


if __name__ == "__main__":
    main()
