"""Planning pack benchmark: how long each stage of `layers.pack.build_pack` takes, and
ogr2ogr writing the same GeoPackage rows side by side.

`python -m bench.pack [--territory 0101] [--runs 1] [--profile out.prof]` reads the demo
database (SALA_DATABASE_URL; read only: the pack writes nothing to the database) and
builds the pack into a temporary folder, printing the wall time of each of its stages
(`PackResult.timings`: check, read, pdf in its child process beside files, wait, zip), then runs
`ogr2ogr -f GPKG` on each pack layer's own query (compiled) as the peer of the
GeoPackage stage. Prints the load average before and after, since the machine is shared.
The goal is the whole pack in ≤ 20 s for Libertador on the national demo.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import subprocess
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 20.0


def run_pack(engine, code: str, folder: Path, profile: str | None = None):
    """One pack, timed: the total (wall clock) and `PackResult.timings` (each stage)."""
    from layers.pack import build_pack

    from sqlalchemy import text

    profiler = cProfile.Profile() if profile else None
    with engine.connect() as conn:
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        before = backend_cpu(backend)
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = build_pack(conn, code, folder / f"pack_{code}.zip")
        if profiler:
            profiler.disable()
        total = time.perf_counter() - start
        after = backend_cpu(backend)
    if profiler:
        profiler.dump_stats(profile)
    if before is not None and after is not None:
        result.timings["postgres_cpu"] = round(after - before, 3)
    return total, result


def backend_cpu(pid: int) -> float | None:
    """CPU seconds of a PostgreSQL backend of this machine (None if it is not here)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peer_gpkg(engine, code: str, folder: Path) -> float:
    """ogr2ogr writing each pack layer's own query (compiled, the same rows) to one GeoPackage."""
    from bench.exports import compiled_sql, pg_env, pg_source
    from layers.pack import PACK_LAYERS
    from layers.registry import LayerParams, resolve_params

    url = engine.url.render_as_string(hide_password=False)
    target = folder / "peer.gpkg"
    with engine.connect() as conn:
        params = resolve_params(conn, LayerParams(territory=code))
    start = time.perf_counter()
    for i, layer_id in enumerate(PACK_LAYERS):
        subprocess.run(["ogr2ogr", "-f", "GPKG", str(target), pg_source(url), "-sql", compiled_sql(layer_id, params),
                        "-nln", layer_id, *(["-update"] if i else [])], check=True, capture_output=True, env=pg_env(url))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--territory", default="0101")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", default=None, help="write a cProfile of the first run here")
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args(argv)

    from geodata.database import get_engine

    engine = get_engine()
    with tempfile.TemporaryDirectory(prefix="sala-bench-pack-") as tmp:
        folder = Path(tmp)
        totals = []
        for run in range(args.runs):
            load = os.getloadavg()
            total, result = run_pack(engine, args.territory, folder, args.profile if run == 0 else None)
            totals.append(total)
            print(f"run {run + 1}: {total:.1f} s, {result.pages} pages, {result.path.stat().st_size / 1e6:.1f} MB "
                  f"(load average before {load[0]:.2f} {load[1]:.2f}, after {os.getloadavg()[0]:.2f})")
            for name, seconds in result.timings.items():
                print(f"    {name:<24} {seconds:6.2f} s")
            result.path.unlink()
        print("features: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
        if not args.no_peer:
            load = os.getloadavg()[0]
            print(f"peer: ogr2ogr, the same GeoPackage rows: {peer_gpkg(engine, args.territory, folder):.1f} s (load {load:.2f})")
    best = min(totals)
    print(f"pack={best:.1f}s goal<={GOAL_SECONDS:.0f}s met={'yes' if best <= GOAL_SECONDS else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
