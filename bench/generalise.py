"""Display-geometry benchmark: our coverage simplification against PostGIS polygon by polygon.

`python -m bench.generalise [--levels municipality,parish,council]` runs on the database
`sala` uses (load the national demo first: `sala demo --scale national`) inside a
transaction it rolls back, so nothing is changed. For each level, in the same run:

- ours: `geodata.generalise.simplify_level` (noding, shapely coverage simplification,
  COPY into a temporary table and one UPDATE);
- peer: `UPDATE territory SET geom_display = ST_Multi(ST_SimplifyPreserveTopology(geom, tol))`,
  the usual PostGIS way, which simplifies each polygon on its own;

and for both the quality that matters on a map: slivers (holes in the union of the
level that the boundaries did not have) and overlap between neighbours.

Prints each timing, `ratio=<ours/peer>` (lower is better, 1.0 is parity) and the slivers.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import text

from geodata.database import get_engine
from geodata.generalise import TOLERANCES, simplify_level

def quality(conn, level: str, column: str) -> tuple[int, float]:
    holes = conn.execute(
        text(f"SELECT sum(ST_NumInteriorRings(d.geom)) FROM (SELECT (ST_Dump(ST_Union({column}))).geom FROM territory WHERE level = :level) d"),
        {"level": level},
    ).scalar_one()
    overlap = conn.execute(
        text(f"SELECT sum(ST_Area({column})) - ST_Area(ST_Union({column})) FROM territory WHERE level = :level"),
        {"level": level},
    ).scalar_one()
    return int(holes or 0), float(overlap or 0.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="municipality,parish,commune,council")
    args = parser.parse_args(argv)
    engine = get_engine()
    with engine.connect() as conn:
        for level in args.levels.split(","):
            count = conn.execute(text("SELECT count(*) FROM territory WHERE level = :l AND geom IS NOT NULL"), {"l": level}).scalar_one()
            conn.rollback()
            if not count:
                print(f"{level}: no boundaries loaded; skipped")
                continue
            tolerance = TOLERANCES[level]
            trans = conn.begin()
            try:
                original_holes, _ = quality(conn, level, "geom")
                started = time.perf_counter()
                simplify_level(conn, level)
                ours = time.perf_counter() - started
                ours_holes, ours_overlap = quality(conn, level, "geom_display")
                started = time.perf_counter()
                conn.execute(
                    text("UPDATE territory SET geom_display = ST_Multi(ST_SimplifyPreserveTopology(geom, :tol)) WHERE level = :l"),
                    {"tol": tolerance, "l": level},
                )
                peer = time.perf_counter() - started
                peer_holes, peer_overlap = quality(conn, level, "geom_display")
            finally:
                trans.rollback()
            print(
                f"{level} ({count:,} polygons, tolerance {tolerance}): ours {ours:.2f} s, ST_SimplifyPreserveTopology "
                f"{peer:.2f} s, ratio={ours / peer:.2f}; slivers: boundaries {original_holes}, ours {ours_holes}, "
                f"peer {peer_holes}; overlap (deg²): ours {ours_overlap:.2e}, peer {peer_overlap:.2e}"
            )


if __name__ == "__main__":
    main()
