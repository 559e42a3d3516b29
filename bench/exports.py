"""Export and tile benchmark: our exports against `ogr2ogr` reading the very same SQL.

`python -m bench.exports [--councils 49000] [--cases 200000]` makes a throwaway embedded
PostGIS (or uses SALA_BENCH_DATABASE_URL), fills one state with council squares and case
points, then times, in the same run:

- GeoPackage and CSV export of `cases` and `councils` with `layers.exports.export_layer`
  vs `ogr2ogr -f GPKG|CSV PG:… -sql "<the layer's query, compiled>"`: the peer reads
  exactly our query, so the ratio measures the writing path (streaming, batching,
  attribute conversion), not the query;
- vector tiles of the councils at zoom 12 over the state with `layers.tiles.render_tile`
  vs a hand-written `ST_AsMVT` over the bare table (the floor: no scope, no registry
  columns). tipg is the peer named in DESIGN.md; it is not installed here.

Prints each timing and `ratio=<ours/peer>`; lower is better, 1.0 is parity.
"""

from __future__ import annotations

import argparse
import math
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
    u = make_url(url)
    return f"PG:host={u.host} port={u.port} dbname={u.database} user={u.username} password={u.password}"


def compiled_sql(layer_id: str) -> str:
    """The layer's query with its parameters inlined, for ogr2ogr's -sql."""
    from layers.registry import LayerParams, get_layer

    layer = get_layer(layer_id)
    sub = layer.select(LayerParams()).subquery("layer")
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


def run(url: str, workdir: Path, councils: int, cases: int) -> list[tuple[str, float, float]]:
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
                subprocess.run(cmd, check=True, capture_output=True)

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=49_000)
    parser.add_argument("--cases", type=int, default=200_000)
    args = parser.parse_args(argv)

    from bench.database import bench_database

    workdir = Path(tempfile.mkdtemp(prefix="sala-bench-exports-out-"))
    try:
        with bench_database("sala-bench-exports-") as url:
            results = run(url, workdir, args.councils, args.cases)
        worst = max(ours / peer for _, ours, peer in results)
        print(f"ratio={worst:.2f} (worst of {len(results)})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    main(sys.argv[1:])
