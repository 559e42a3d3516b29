"""Export benchmark: our exports against `ogr2ogr` reading the very same SQL.

`python -m bench.exports [--quick]` reads the demo database (SALA_DATABASE_URL, or the
embedded one with the national demo; read only) and times, ours and ogr2ogr in turns:

- the national council CSV (every council, with its indicators: `layers.exports.export_layer`)
  vs `ogr2ogr -f CSV PG:… -sql "<the layer's query, compiled>"` (goal ≤ 3×);
- Libertador's cases (territory 0101) as GeoPackage (goal ≤ 2×), KML and XLSX (goal
  within 3×) vs ogr2ogr's GPKG, KML and XLSX drivers on the same query.

The peer reads exactly our layer's query, so the ratio measures what we add: the
writing path (streaming, batching, attribute conversion) and, for territory layers, the
indicators joined by code (ogr2ogr's rows carry the territory attributes only).

`python -m bench.exports --synthetic [--councils 49000] [--cases 200000]` is the older
run on a throwaway PostGIS (or SALA_BENCH_DATABASE_URL) filled with council squares and
case points: GeoPackage and CSV of both layers vs ogr2ogr, the peak memory of a
200,000-feature export, and council tiles at z12 vs a hand-written `ST_AsMVT` (the
floor; tipg is the tile peer in `bench.tiles`).

Prints min/median/max of each side and the ratio; the last line is
`ratio=<the worst ours/peer median>`; lower is better, 1.0 is parity.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ORIGIN = (-68.0, 7.5)
CELL = 0.009


def fill(engine, councils: int, cases: int) -> None:
    from geodata.territory import rebuild_paths

    side = math.ceil(math.sqrt(councils))
    size = side * CELL
    box = f"ST_Multi(ST_MakeEnvelope({ORIGIN[0]}, {ORIGIN[1]}, {ORIGIN[0] + size}, {ORIGIN[1] + size}, 4326))"
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO territory (level, code, name, geom) VALUES ('state', '99', 'Estado Banco', {box})"))
        conn.execute(text(
            f"INSERT INTO territory (level, code, name, parent_id, geom) SELECT 'municipality', '9901', 'Municipio Banco', id, {box} "
            "FROM territory WHERE code = '99'"))
        conn.execute(text(
            f"INSERT INTO territory (level, code, name, parent_id, geom) SELECT 'parish', '990101', 'Parroquia Banco', id, {box} "
            "FROM territory WHERE code = '9901'"))
        conn.execute(text(
            """
            INSERT INTO territory (level, code, name, parent_id, geom, households, population)
            SELECT 'council', '990101' || lpad(i::text, 6, '0'), 'Consejo comunal Nº ' || i, p.id,
                   ST_Multi(ST_MakeEnvelope(:x0 + (i % :side) * :cell, :y0 + (i / :side) * :cell,
                                            :x0 + (i % :side + 1) * :cell, :y0 + (i / :side + 1) * :cell, 4326)),
                   100 + i % 400, 400 + i % 1600
            FROM generate_series(0, :n - 1) AS i, territory p WHERE p.code = '990101'
            """), {"x0": ORIGIN[0], "y0": ORIGIN[1], "side": side, "cell": CELL, "n": councils})
        conn.execute(text(
            """
            INSERT INTO case_report (code, reported_date, category, area, status, territory_id, institution, description, geom)
            SELECT 'B-' || i, date '2025-01-01' + (i % 300),
                   (ARRAY['water','electricity','roads','health'])[1 + i % 4],
                   (ARRAY['public_services','public_services','public_services','social'])[1 + i % 4],
                   (ARRAY['reported','assigned','in_progress','resolved'])[1 + i % 4],
                   c.id, 'Institución ' || (i % 20), 'Descripción del caso número ' || i,
                   ST_SetSRID(ST_MakePoint(:x0 + ((i % :councils) % :side + random()) * :cell,
                                           :y0 + ((i % :councils) / :side + random()) * :cell), 4326)
            FROM generate_series(1, :n) AS i
            JOIN territory c ON c.code = '990101' || lpad((i % :councils)::text, 6, '0')
            """), {"x0": ORIGIN[0], "y0": ORIGIN[1], "side": side, "cell": CELL, "councils": councils, "n": cases})
        rebuild_paths(conn)
        conn.execute(text("ANALYZE"))


def pg_source(url: str) -> str:
    """GDAL's connection string; the password goes in PGPASSWORD (`pg_env`), not on a command line."""
    u = make_url(url)
    return f"PG:host={u.host} port={u.port} dbname={u.database} user={u.username}"


def pg_env(url: str) -> dict[str, str]:
    return {**os.environ, "PGPASSWORD": make_url(url).password or ""}


def compiled_sql(layer_id: str, params=None) -> str:
    """The layer's query (for resolved `params`) with its parameters inlined, for ogr2ogr's -sql."""
    from layers.registry import LayerParams, get_layer

    layer = get_layer(layer_id)
    sub = layer.select(params or LayerParams()).subquery("layer")
    query = select(*[sub.c[n] for n in layer.sql_field_names], sub.c.geom)
    return str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


PEAK = """
import resource, sys
from geodata.database import make_engine
from layers.exports import export_layer
from layers.registry import LayerParams
if sys.argv[2] != "-":
    with make_engine(sys.argv[1]).connect() as conn:
        export_layer(conn, sys.argv[2], LayerParams(), sys.argv[3], sys.argv[4])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_rss_mib(url: str, layer_id: str, fmt: str, path: Path) -> int:
    """Peak resident memory (MiB) of a fresh process making one export ("-": imports only)."""
    out = subprocess.run([sys.executable, "-c", PEAK, url, layer_id, fmt, str(path)], check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_synthetic(url: str, workdir: Path, councils: int, cases: int) -> list[tuple[str, float, float]]:
    from geodata.database import make_engine
    from layers.exports import export_layer
    from layers.registry import LayerParams
    from layers.tiles import render_tile

    engine = make_engine(url)
    t = timed(lambda: fill(engine, councils, cases))
    print(f"data: {councils} councils, {cases} cases in {t:.1f} s")
    results = []
    for layer_id in ("cases", "councils"):
        sql = compiled_sql(layer_id)
        for fmt, driver, ext in (("gpkg", "GPKG", ".gpkg"), ("csv", "CSV", ".csv")):
            ours = workdir / f"ours_{layer_id}{ext}"
            peer = workdir / f"peer_{layer_id}{ext}"
            for p in (ours, peer):
                p.unlink(missing_ok=True)

            def mine():
                with engine.connect() as conn:
                    export_layer(conn, layer_id, LayerParams(), fmt, ours)

            options = ["-lco", "GEOMETRY=AS_XY"] if driver == "CSV" and layer_id == "cases" else (
                ["-lco", "GEOMETRY=AS_WKT"] if driver == "CSV" else [])
            cmd = ["ogr2ogr", "-f", driver, str(peer), pg_source(url), "-sql", sql, "-nln", layer_id, *options]

            def theirs():
                subprocess.run(cmd, check=True, capture_output=True, env=pg_env(url))

            t_ours, t_peer = timed(mine), timed(theirs)
            results.append((f"{layer_id} {fmt} vs ogr2ogr", t_ours, t_peer))
            print(f"{layer_id:9s} {fmt:5s} ours {t_ours:7.2f} s   ogr2ogr {t_peer:7.2f} s   ratio={t_ours / t_peer:.2f}")

    base = peak_rss_mib(url, "-", "-", workdir / "none")
    for fmt in ("gpkg", "csv"):
        peak = peak_rss_mib(url, "cases", fmt, workdir / f"rss_cases.{fmt}")
        size = (workdir / f"rss_cases.{fmt}").stat().st_size / 2**20
        print(f"memory    cases {fmt}: peak {peak} MiB (imports alone {base} MiB) for a {size:.0f} MiB file of {cases} features")

    side = math.ceil(math.sqrt(councils)) * CELL
    z = 12
    n = 2**z
    x0 = int((ORIGIN[0] + 180) / 360 * n)
    x1 = int((ORIGIN[0] + side + 180) / 360 * n)

    def ty(lat):
        return int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)

    y0, y1 = ty(ORIGIN[1] + side), ty(ORIGIN[1])
    tiles = [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    floor_sql = text(
        """
        SELECT ST_AsMVT(f.*, 'councils', 4096, 'geom') FROM (
            SELECT code, name, ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom
            FROM territory WHERE level = 'council'
              AND geom && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)
        ) f WHERE f.geom IS NOT NULL
        """)

    def our_tiles():
        with engine.connect() as conn:
            for x, y in tiles:
                render_tile(conn, "councils", z, x, y)

    def floor_tiles():
        with engine.connect() as conn:
            for x, y in tiles:
                conn.execute(floor_sql, {"z": z, "x": x, "y": y}).scalar()

    t_ours, t_peer = timed(our_tiles), timed(floor_tiles)
    results.append((f"{len(tiles)} council tiles z{z} vs bare ST_AsMVT", t_ours, t_peer))
    print(f"tiles     z{z}   ours {t_ours:7.2f} s   bare SQL {t_peer:7.2f} s   ratio={t_ours / t_peer:.2f} ({len(tiles)} tiles)")
    engine.dispose()
    return results


# What the demo run compares: (label, layer, territory, our format, ogr2ogr driver and options, extension, goal).
DEMO_EXPORTS = (
    ("national councils CSV", "councils", None, "csv", ["-f", "CSV", "-lco", "GEOMETRY=AS_WKT"], ".csv", 3.0),
    ("Libertador cases GPKG", "cases", "0101", "gpkg", ["-f", "GPKG"], ".gpkg", 2.0),
    ("Libertador cases KML", "cases", "0101", "kml", ["-f", "KML"], ".kml", 3.0),
    ("Libertador cases XLSX", "cases", "0101", "xlsx", ["-f", "XLSX"], ".xlsx", 3.0),
)


PEAK_DEMO = """
import resource, sys
from geodata.database import make_engine
from layers.exports import export_layer
from layers.registry import LayerParams
with make_engine(sys.argv[1]).connect() as conn:
    export_layer(conn, sys.argv[2], LayerParams(territory=sys.argv[3] or None), sys.argv[4], sys.argv[5])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_demo_mib(url: str, layer_id: str, territory: str | None, fmt: str, path: Path) -> int:
    """Peak resident memory (MiB) of a fresh process making one export of the demo."""
    path.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", PEAK_DEMO, url, layer_id, territory or "", fmt, str(path)],
                         check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def run_demo(url: str, workdir: Path, quick: bool = False, only: str | None = None) -> float:
    """The exports of DEMO_EXPORTS on the demo database, ours and ogr2ogr in turns; with
    `only` (e.g. "KML,XLSX") the ones whose label holds one of those words. Each line is
    followed by the size of both files and the peak memory of our export (a fresh process)."""
    from geodata.database import make_engine
    from layers.exports import export_layer
    from layers.registry import LayerParams, resolve_params

    from bench.common import alternate, noise, side_by_side

    rounds = 1 if quick else 2  # the council CSV alone takes most of a minute today
    engine = make_engine(url)
    ratios, samples = [], []
    print(f"{rounds} round(s) each, ours then ogr2ogr; same rows (the layer's query, compiled)", flush=True)
    wanted = [w.strip().lower() for w in only.split(",")] if only else None
    for label, layer_id, territory, fmt, driver, ext, goal in DEMO_EXPORTS:
        if wanted and not any(w in label.lower() for w in wanted):
            continue
        with engine.connect() as conn:
            params = resolve_params(conn, LayerParams(territory=territory))
        sql = compiled_sql(layer_id, params)
        ours_path, peer_path = workdir / f"ours_{layer_id}{ext}", workdir / f"peer_{layer_id}{ext}"

        written = {}

        def ours():
            ours_path.unlink(missing_ok=True)
            with engine.connect() as conn:
                written["rows"] = export_layer(conn, layer_id, params, fmt, ours_path).count

        def peer():
            peer_path.unlink(missing_ok=True)
            subprocess.run(["ogr2ogr", *driver, str(peer_path), pg_source(url), "-sql", sql, "-nln", layer_id],
                           check=True, capture_output=True, env=pg_env(url))

        a, b = alternate(ours, peer, rounds)
        ratios.append(side_by_side(f"{label} ({written['rows']:,})", a, b, "ogr2ogr", unit="s", goal=goal))
        samples += [a, b]
        sizes = ours_path.stat().st_size / 2**20, peer_path.stat().st_size / 2**20
        peak = peak_demo_mib(url, layer_id, territory, fmt, workdir / f"rss_{layer_id}{ext}")
        print(f"    files: ours {sizes[0]:.1f} MB, ogr2ogr {sizes[1]:.1f} MB; peak memory of ours {peak} MiB", flush=True)
    engine.dispose()
    print(noise(*samples))
    return max(ratios)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of each: a smoke run")
    parser.add_argument("--synthetic", action="store_true", help="the older run on a throwaway database of squares")
    parser.add_argument("--only", help="demo run: only the exports whose label holds one of these words, e.g. KML,XLSX")
    parser.add_argument("--councils", type=int, default=49_000, help="with --synthetic")
    parser.add_argument("--cases", type=int, default=200_000, help="with --synthetic")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    workdir = Path(tempfile.mkdtemp(prefix="sala-bench-exports-out-"))
    try:
        if args.synthetic:
            from bench.database import bench_database

            with bench_database("sala-bench-exports-") as url:
                results = run_synthetic(url, workdir, args.councils, args.cases)
            worst = max(ours / peer for _, ours, peer in results)
            print(f"ratio={worst:.2f} (worst of {len(results)})")
        else:
            from bench.common import demo_database_url

            print(f"ratio={run_demo(demo_database_url(), workdir, args.quick, args.only):.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
