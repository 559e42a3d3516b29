"""Drill-down view models against the naive path, on the demo database (read only).

`python -m bench.views [--quick]` times, for a fixed list of views (the country, state 15,
municipality 0101, its first parish, that parish's first commune, that commune's first
council):

- ours: `dashboard.viewmodels.room(engine, View(territory=code))`, cold (every cache of
  ours emptied just before: `clear_caches`) and warm (the same view again);
- naive: the children's full geometry with `geopandas.read_postgis`, the indicator (open
  cases) with one SQL group-by over the records, and a Plotly choropleth
  (`plotly.express.choropleth_map`) with the GeoJSON inline — what one would write
  without our materialised indicators, display geometry and caches.

After one untimed pass of both (imports, connections), each round runs, per view, ours
cold, naive, ours warm: drift in the machine's load hits both sides. Per level it prints min/median/max of each,
the ratios ours/naive (the goal, ≤ 0.5, applies to the cold call: a warm call is a cache
hit), the SQL statements one cold view runs and the territory lookups among them
(statements that read nothing but `territory` and no geometry). Then the cold p95 over
every view (goal < 150 ms) and `ratio=<sum of cold medians / sum of naive medians>`.
"""

from __future__ import annotations

import json
import re
import time

from sqlalchemy import event, text

from bench.common import Sample, goal_text, noise, run_on_demo, side_by_side

OPEN_EXCLUDED = ("resolved", "closed", "rejected")
RATIO_GOAL = 0.5
COLD_P95_GOAL_MS = 150.0


# --------------------------------------------------------------------------- the two sides


_SETTINGS = []


def ours(engine, code: str | None):
    """The one call into the product; its API may change, so it lives only here. The
    settings are built once, as the server does (its app config), not per view."""
    from dashboard.view import View
    from dashboard.viewmodels import room
    from geodata.settings import Settings

    if not _SETTINGS:
        _SETTINGS.append(Settings(_env_file=None))
    return room(engine, View(territory=code), settings=_SETTINGS[0])


def naive(engine, code: str | None):
    """Full geometry + one group-by + a Plotly choropleth with the GeoJSON inline."""
    import geopandas as gpd
    import pandas as pd
    import plotly.express as px

    with engine.connect() as conn:
        if code is None:
            parent = None
        else:
            node = conn.execute(text("SELECT id, parent_id, path FROM territory WHERE code = :c"), {"c": code}).one()
            leaf = not conn.execute(text("SELECT 1 FROM territory WHERE parent_id = :p LIMIT 1"), {"p": node.id}).first()
            parent = conn.execute(text("SELECT id, path FROM territory WHERE id = :p"), {"p": node.parent_id}).one() if leaf else node
        where = "parent_id IS NULL" if parent is None else "parent_id = :p"
        frame = gpd.read_postgis(
            text(f"SELECT code, name, geom FROM territory WHERE {where} AND level <> 'circuit' ORDER BY code"),
            conn, geom_col="geom", params={"p": parent.id if parent else None},
        )
        # The child's code is the path segment after the parent's: one pass over the records.
        segment = 2 if parent is None else parent.path.count("/") + 1
        values = pd.read_sql(
            text(
                "SELECT split_part(t.path, '/', :segment) AS code, count(*) AS cases_open "
                "FROM case_report c JOIN territory t ON t.id = c.territory_id "
                "WHERE t.path LIKE :prefix AND c.status <> ALL(CAST(:excluded AS text[])) GROUP BY 1"
            ),
            conn,
            params={"segment": segment, "prefix": (parent.path if parent else "/") + "%", "excluded": list(OPEN_EXCLUDED)},
        )
    data = frame.drop(columns="geom").merge(values, on="code", how="left").fillna({"cases_open": 0})
    figure = px.choropleth_map(
        data, geojson=json.loads(frame.to_json()), locations="code", featureidkey="properties.code",
        color="cases_open", hover_name="name", map_style="white-bg", zoom=5,
    )
    return figure.to_dict()


# --------------------------------------------------------------------------- the views


def fixed_views(engine) -> list[tuple[str, str | None]]:
    """(level, code): the country, 15, 0101 and the first parish, commune and council below 0101."""
    views: list[tuple[str, str | None]] = [("country", None), ("state", "15"), ("municipality", "0101")]
    parent = "0101"
    with engine.connect() as conn:
        for level in ("parish", "commune", "council"):
            code = conn.execute(
                text("SELECT c.code FROM territory c JOIN territory p ON p.id = c.parent_id "
                     "WHERE p.code = :p AND c.level = :l ORDER BY c.code LIMIT 1"),
                {"p": parent, "l": level},
            ).scalar()
            if code is None:
                break
            views.append((level, code))
            parent = code
    return views


_TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)', re.IGNORECASE)


def is_territory_lookup(statement: str) -> bool:
    tables = {t.lower() for t in _TABLES.findall(statement)}
    return tables == {"territory"} and "ST_" not in statement.upper()


class StatementCounter:
    """Counts what the engine sends (SQLAlchemy `before_cursor_execute`)."""

    def __init__(self, engine):
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def take(self) -> tuple[int, int]:
        out = (len(self.statements), sum(is_territory_lookup(s) for s in self.statements))
        self.statements.clear()
        return out


def clear_caches() -> int:
    """Empty every view cache of ours (each `layers.lru.LRUCache` alive in the process), so
    the next call is cold. Returns how many caches were cleared: 0 means the product's
    caches moved and this function must follow them."""
    import gc

    from layers.lru import LRUCache

    caches = [o for o in gc.get_objects() if isinstance(o, LRUCache)]
    for cache in caches:
        cache.clear()
    return len(caches)


def run(url: str, quick: bool = False) -> float:
    from geodata.database import make_engine

    engine = make_engine(url)
    views = fixed_views(engine)
    rounds = 2 if quick else 7
    print("views: " + ", ".join(f"{level} {code}" if code else level for level, code in views))
    # One untimed pass of both sides: imports, the pool's connections, first-use costs of
    # the libraries are nobody's view cost.
    for _, code in views:
        ours(engine, code)
        naive(engine, code)
    counter = StatementCounter(engine)
    cold = [[] for _ in views]
    warm = [[] for _ in views]
    peer = [[] for _ in views]
    counts: list[tuple[int, int]] = [(0, 0)] * len(views)
    cleared = 0
    for _ in range(rounds):
        for i, (_, code) in enumerate(views):
            # ours cold (caches just cleared), naive, ours warm (the same view again)
            cleared = clear_caches()
            counter.take()
            started = time.perf_counter()
            ours(engine, code)
            cold[i].append(time.perf_counter() - started)
            counts[i] = counter.take()
            for fn, into in ((naive, peer), (ours, warm)):
                started = time.perf_counter()
                fn(engine, code)
                into[i].append(time.perf_counter() - started)
    counter.take()
    engine.dispose()
    print(f"{rounds} rounds; each: per view ours cold ({cleared} caches cleared first), naive, ours warm", flush=True)

    samples, cold_medians, naive_medians = [], [], []
    for i, (level, code) in enumerate(views):
        a, w, b = Sample(cold[i]), Sample(warm[i]), Sample(peer[i])
        print(f"{level} {code or ''}: {counts[i][0]} SQL statements cold, {counts[i][1]} of them territory lookups")
        side_by_side("cold", a, b, "naive", goal=RATIO_GOAL)
        side_by_side("warm", w, b, "naive")
        samples += [a, w, b]
        cold_medians.append(a.median)
        naive_medians.append(b.median)

    every_cold = Sample([t for times in cold for t in times])
    p95 = every_cold.pct(95) * 1000
    ratio = sum(cold_medians) / sum(naive_medians)
    print(f"cold p95 over {len(every_cold.values)} view calls: {p95:.0f} ms ({goal_text(p95, '<', COLD_P95_GOAL_MS)})")
    print(f"whole drill (sum of medians): ours cold {sum(cold_medians) * 1000:.0f} ms, warm "
          f"{sum(Sample(w).median for w in warm) * 1000:.0f} ms, naive {sum(naive_medians) * 1000:.0f} ms; "
          f"cold/naive {ratio:.2f} ({goal_text(ratio, '≤', RATIO_GOAL)})")
    print(noise(*samples))
    print(f"ratio={ratio:.2f}")
    return ratio


def main(argv: list[str] | None = None) -> None:
    run_on_demo("bench.views", __doc__, run, "two rounds instead of seven: a smoke run", argv)


if __name__ == "__main__":
    main()
