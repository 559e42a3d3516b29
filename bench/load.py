"""Load benchmark: our `load_file` against ogr2ogr, geopandas `to_postgis` and hand-written SQL.

Same files, same database, same run:
- ~49,000 council-sized polygons (GeoPackage, canonical columns): ours vs
  `ogr2ogr -f PostgreSQL --config PG_USE_COPY YES` vs `geopandas.read_file(...).to_postgis`;
- a 1,000,000-row case CSV (canonical columns, lon/lat): ours vs ogr2ogr vs
  `pandas.read_csv` + `to_postgis` vs the hand-written SQL path (`psql \\copy` into a plain
  table, then `ST_MakePoint` and a GiST index).

Ours includes what the others do not: validation of every value, reference checks, the
merge into the constrained, indexed tables, the run record, the coverage simplification.
The peers load into plain tables of their own (dropped first); each is also timed with
the same constraints and indexes as ours built after its load ("equal work", issue 12:
unique code, checks, the parent reference as a foreign key, the indexes the room uses;
a GiST index for to_postgis, which builds none). Ends with
`ratio=<ours/ogr2ogr wall time for the polygons>`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CATEGORIES = ("water", "electricity", "gas", "roads", "health", "waste", "security", "housing")
STATUSES = ("reported", "assigned", "in_progress", "resolved")
# A block of Venezuela's llanos, clear of the coast: rows × columns of council squares.
ORIGIN = (-68.0, 7.5)
PARISHES = 50


def make_polygons(path: Path, n: int, seed: int = 1) -> None:
    """`n` council-sized (~1 km) polygons with 24 jittered vertices each, in 50 parishes."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    cell = 0.009
    i = np.arange(n)
    cx = ORIGIN[0] + (i % side) * cell + cell / 2
    cy = ORIGIN[1] + (i // side) * cell + cell / 2
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    radius = cell / 2 * (0.85 + 0.1 * rng.random((n, 24)))
    xs = cx[:, None] + radius * np.cos(angles)
    ys = cy[:, None] + radius * np.sin(angles)
    rings = np.stack([np.concatenate([xs, xs[:, :1]], axis=1), np.concatenate([ys, ys[:, :1]], axis=1)], axis=2)
    polygons = shapely.polygons(rings)
    parish = (i * PARISHES // n).astype(int)
    frame = gpd.GeoDataFrame(
        {
            "code": [f"99{p:04d}{k:05d}" for p, k in zip(parish, i)],
            "name": [f"Consejo comunal {k}" for k in i],
            "parish_code": [f"99{p:04d}" for p in parish],
            "households": rng.integers(80, 600, n),
            "population": rng.integers(300, 2400, n),
        },
        geometry=shapely.multipolygons([[p] for p in polygons]),
        crs=4326,
    )
    frame.to_file(path, driver="GPKG", layer="councils", engine="pyogrio")


def make_cases(path: Path, n: int, seed: int = 2) -> None:
    """`n` cases in canonical columns, each with its parish code and a point inside it."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    parish = rng.integers(0, PARISHES, n)
    span = 1.0
    frame = pd.DataFrame(
        {
            "code": np.char.add("K", np.arange(n).astype(str)),
            "reported_date": (np.datetime64("2023-01-01") + rng.integers(0, 600, n)).astype(str),
            "category": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), n)],
            "status": np.array(STATUSES)[rng.integers(0, len(STATUSES), n)],
            "territory_code": np.char.add("99", np.char.zfill(parish.astype(str), 4)),
            "institution": "Hidrocapital",
            "lon": np.round(ORIGIN[0] + rng.random(n) * span, 6),
            "lat": np.round(ORIGIN[1] + rng.random(n) * span, 6),
        }
    )
    frame.to_csv(path, index=False)


# "Equal work" (issue 12): the peers' tables given, after their load, the constraints and
# indexes ours has on `territory` and `case_report` (unique code, checks, the reference to
# the parent resolved as a foreign key, the indexes the room's queries use).
COUNCIL_EQUAL_WORK = """
ALTER TABLE {table} ALTER COLUMN code SET NOT NULL, ALTER COLUMN name SET NOT NULL,
  ADD CONSTRAINT {table}_code_key UNIQUE (code),
  ADD CONSTRAINT {table}_code_not_empty CHECK (code <> ''),
  ADD CONSTRAINT {table}_households CHECK (households IS NULL OR households >= 0),
  ADD CONSTRAINT {table}_population CHECK (population IS NULL OR population >= 0),
  ADD CONSTRAINT {table}_parent FOREIGN KEY (parish_code) REFERENCES territory (code);
CREATE INDEX ON {table} (parish_code);
CREATE INDEX ON {table} (code text_pattern_ops);
"""
CASE_EQUAL_WORK = f"""
ALTER TABLE {{table}} ALTER COLUMN code SET NOT NULL,
  ADD CONSTRAINT {{table}}_code_key UNIQUE (code),
  ADD CONSTRAINT {{table}}_category CHECK (category IN ({", ".join(f"'{c}'" for c in CATEGORIES)})),
  ADD CONSTRAINT {{table}}_status CHECK (status IN ({", ".join(f"'{c}'" for c in STATUSES)})),
  ADD CONSTRAINT {{table}}_territory FOREIGN KEY (territory_code) REFERENCES territory (code);
CREATE INDEX ON {{table}} (territory_code, reported_date);
CREATE INDEX ON {{table}} (reported_date);
CREATE INDEX ON {{table}} (status);
"""
# ogr2ogr builds its GiST index in the load; to_postgis builds none.
GIST = "CREATE INDEX ON {table} USING gist (geometry);"


def _timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    took = time.perf_counter() - start
    print(f"  {label:<44} {took:8.2f} s", flush=True)
    return took


def _pg_conn_string(url) -> str:
    return (
        f"host={url.host} port={url.port} dbname={url.database} user={url.username} password={url.password}"
    )


def _psql(url, sql: str) -> None:
    env = dict(os.environ, PGPASSWORD=url.password or "")
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", str(url.port), "-U", url.username,
         "-d", url.database, "-c", sql],
        check=True, env=env,
    )


def _parents(engine) -> None:
    """The state, municipality and parishes the councils and cases belong to (not timed)."""
    from sqlalchemy import text

    from geodata.territory import rebuild_paths

    with engine.begin() as conn:
        conn.execute(text("INSERT INTO territory (level, code, name) VALUES ('state', '99', 'Estado de prueba')"))
        conn.execute(
            text(
                "INSERT INTO territory (level, code, name, parent_id) "
                "SELECT 'municipality', '9900', 'Municipio de prueba', id FROM territory WHERE code = '99'"
            )
        )
        conn.execute(
            text(
                "INSERT INTO territory (level, code, name, parent_id) "
                "SELECT 'parish', '99' || lpad(g::text, 4, '0'), 'Parroquia ' || g, m.id "
                "FROM generate_series(0, :n - 1) g, territory m WHERE m.code = '9900'"
            ),
            {"n": PARISHES},
        )
        rebuild_paths(conn)


def _reset(engine) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("TRUNCATE case_status_change, case_solution, case_report, etl_reject, etl_run CASCADE"))
        conn.execute(text("DELETE FROM territory WHERE level = 'council'"))
        for table in ("ogr_councils", "gpd_councils", "ogr_cases", "gpd_cases", "sql_cases_raw", "sql_cases"):
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))


def run(url: str, workdir: Path, polygons: int, cases: int) -> dict[str, float]:
    import geopandas as gpd
    import pandas as pd
    from sqlalchemy.engine import make_url

    from etl.load import load_file, refresh_after_load
    from geodata.database import make_engine

    engine = make_engine(url)
    sa_url = make_url(url)
    pg = "PG:" + _pg_conn_string(sa_url)
    gpkg, csv = workdir / "councils.gpkg", workdir / "cases.csv"
    print(f"datos: {polygons:,} polígonos y {cases:,} casos en {workdir}", flush=True)
    if not gpkg.exists():
        make_polygons(gpkg, polygons)
    if not csv.exists():
        make_cases(csv, cases)
    _reset(engine)
    with engine.connect() as conn:
        from sqlalchemy import text

        if not conn.execute(text("SELECT 1 FROM territory WHERE code = '9900'")).scalar():
            conn.commit()
            _parents(engine)
    times: dict[str, float] = {}

    print("polígonos (consejos comunales):", flush=True)
    # Post-load steps (coverage simplification, indicators) run once per batch, as the demo does:
    # timed apart, they are not part of loading a file.
    times["poly_ours"] = _timed(
        "sala load council", lambda: _check(load_file(engine, "council", gpkg, refresh=False), polygons)
    )
    times["poly_post"] = _timed("  después: simplificación + indicadores", lambda: refresh_after_load(engine, {"council"}))
    times["poly_ogr"] = _timed(
        "ogr2ogr -f PostgreSQL (PG_USE_COPY)",
        lambda: subprocess.run(
            ["ogr2ogr", "-f", "PostgreSQL", pg, str(gpkg), "councils", "-nln", "ogr_councils", "-overwrite",
             "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "--config", "PG_USE_COPY", "YES"],
            check=True,
        ),
    )
    times["poly_ogr_eq"] = times["poly_ogr"] + _timed(
        "  + las mismas restricciones e índices", lambda: _psql(sa_url, COUNCIL_EQUAL_WORK.format(table="ogr_councils"))
    )
    times["poly_gpd"] = _timed(
        "geopandas read_file + to_postgis",
        lambda: gpd.read_file(gpkg, engine="pyogrio").to_postgis("gpd_councils", engine, if_exists="replace", index=False),
    )
    times["poly_gpd_eq"] = times["poly_gpd"] + _timed(
        "  + las mismas restricciones e índices",
        lambda: _psql(sa_url, COUNCIL_EQUAL_WORK.format(table="gpd_councils") + GIST.format(table="gpd_councils")),
    )
    times["poly_again"] = _timed(
        "sala load council (otra vez: sin cambios)", lambda: _check(load_file(engine, "council", gpkg, refresh=False), 0)
    )

    print("casos (CSV, 1x10):", flush=True)
    times["case_ours"] = _timed("sala load case", lambda: _check(load_file(engine, "case", csv, refresh=False), cases))
    times["case_post"] = _timed("  después: indicadores", lambda: refresh_after_load(engine, {"case"}))
    times["case_ogr"] = _timed(
        "ogr2ogr -f PostgreSQL (PG_USE_COPY)",
        lambda: subprocess.run(
            ["ogr2ogr", "-f", "PostgreSQL", pg, str(csv), "-nln", "ogr_cases", "-overwrite", "-oo", "X_POSSIBLE_NAMES=lon",
             "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "AUTODETECT_TYPE=YES", "-a_srs", "EPSG:4326",
             # territory codes are text (as in ours), so the foreign key of the equal-work step can hold
             "-mapFieldType", "Integer=String",
             "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "--config", "PG_USE_COPY", "YES"],
            check=True,
        ),
    )

    times["case_ogr_eq"] = times["case_ogr"] + _timed(
        "  + las mismas restricciones e índices", lambda: _psql(sa_url, CASE_EQUAL_WORK.format(table="ogr_cases"))
    )

    def by_geopandas():
        frame = pd.read_csv(csv, dtype={"territory_code": str})
        points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.lon, frame.lat), crs=4326)
        points.to_postgis("gpd_cases", engine, if_exists="replace", index=False)

    times["case_gpd"] = _timed("pandas read_csv + to_postgis", by_geopandas)
    times["case_gpd_eq"] = times["case_gpd"] + _timed(
        "  + las mismas restricciones e índices",
        lambda: _psql(sa_url, CASE_EQUAL_WORK.format(table="gpd_cases") + GIST.format(table="gpd_cases")),
    )

    def by_sql():
        _psql(
            sa_url,
            "CREATE TABLE sql_cases_raw (code text, reported_date date, category text, status text, "
            "territory_code text, institution text, lon double precision, lat double precision)",
        )
        _psql(sa_url, f"\\copy sql_cases_raw FROM '{csv}' WITH (FORMAT csv, HEADER true)")
        _psql(
            sa_url,
            "CREATE TABLE sql_cases AS SELECT code, reported_date, category, status, territory_code, institution, "
            "ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom FROM sql_cases_raw; "
            "CREATE INDEX ON sql_cases USING gist (geom)",
        )

    times["case_sql"] = _timed("psql \\copy + ST_MakePoint + GiST", by_sql)
    times["case_again"] = _timed(
        "sala load case (otra vez: sin cambios)", lambda: _check(load_file(engine, "case", csv, refresh=False), 0)
    )
    engine.dispose()

    print()
    print(f"polígonos: nosotros {polygons / times['poly_ours']:,.0f} filas/s; "
          f"ogr2ogr {polygons / times['poly_ogr']:,.0f}; to_postgis {polygons / times['poly_gpd']:,.0f}")
    print(f"  ogr2ogr/nosotros = {times['poly_ogr'] / times['poly_ours']:.2f}× (meta ≥ 1.3); "
          f"to_postgis/nosotros = {times['poly_gpd'] / times['poly_ours']:.2f}× (meta ≥ 4)")
    print(f"casos: nosotros {cases / times['case_ours']:,.0f} filas/s; ogr2ogr {cases / times['case_ogr']:,.0f}; "
          f"to_postgis {cases / times['case_gpd']:,.0f}; SQL a mano {cases / times['case_sql']:,.0f}")
    print(f"  SQL a mano/nosotros = {times['case_sql'] / times['case_ours']:.2f}× (meta ≥ 1); "
          f"ogr2ogr/nosotros = {times['case_ogr'] / times['case_ours']:.2f}× (meta ≥ 1.5)")
    print("trabajo igual (los pares más las mismas restricciones e índices, construidos después de su carga):")
    for kind, label in (("poly", "polígonos"), ("case", "casos")):
        print(f"  {label}: nosotros {times[kind + '_ours']:.2f} s; ogr2ogr + {times[kind + '_ogr_eq']:.2f} s "
              f"(nosotros/par {times[kind + '_ours'] / times[kind + '_ogr_eq']:.2f}); to_postgis + "
              f"{times[kind + '_gpd_eq']:.2f} s (nosotros/par {times[kind + '_ours'] / times[kind + '_gpd_eq']:.2f})")
    print(f"ratio={times['poly_ours'] / times['poly_ogr']:.3f}")
    return times


def _check(result, expected_inserted: int) -> None:
    if result.rejected or result.inserted != expected_inserted:
        raise SystemExit(f"carga inesperada: {result.to_dict() | {'rejects': result.rejects[:3]}}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--polygons", type=int, default=None, help="49,000 (5,000 with --quick)")
    parser.add_argument("--cases", type=int, default=None, help="1,000,000 (100,000 with --quick)")
    parser.add_argument("--quick", action="store_true", help="smaller files: a smoke run")
    parser.add_argument("--workdir", type=Path, default=None, help="where the generated files go (kept for reuse)")
    args = parser.parse_args(argv)

    from bench.database import bench_database

    polygons = args.polygons or (5_000 if args.quick else 49_000)
    cases = args.cases or (100_000 if args.quick else 1_000_000)
    workdir = args.workdir or Path(tempfile.gettempdir()) / f"sala-bench-data-{polygons}-{cases}"
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)
    with bench_database() as url:
        run(url, workdir, polygons, cases)

if __name__ == "__main__":
    main(sys.argv[1:])
