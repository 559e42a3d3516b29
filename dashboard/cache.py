"""The room's one process cache of reads: indicator reads, record points and anything a
page builds from them, kept per database until the next indicator refresh (records only
arrive through loads, and every load refreshes), and the start-up warm-up that fills it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from geodata import indicators, records, solutions
from geodata.access import NATIONAL, Scope
from geodata.place import Where, code_of
from layers.boundaries import children_boundaries
from layers.lru import LRUCache
from layers.points import DEFAULT_POINT_LIMIT, record_points


# Indicator reads, kept until the next indicator refresh (every load ends with one; the
# refresh time is part of the key), so going back up a level or switching indicators
# never recomputes.
_indicator_cache = LRUCache(1024)


_CACHED_READS = {
    # `filters` of the indicator reads: a RecordFilter (the facts by dimension answer it).
    "child_values": lambda conn, code, period, scope, day, filters=indicators.NO_FILTER: indicators.child_values(
        conn, code, period, scope, today=day, filters=filters),
    "summary": lambda conn, code, period, scope, day, filters=indicators.NO_FILTER: indicators.summary(
        conn, code, period, scope, today=day, filters=filters),
    "weekly_series": lambda conn, code, period, scope, day, filters=indicators.NO_FILTER: indicators.weekly_series(
        conn, code, period, scope, today=day, filters=filters),
    "solutions_map": lambda conn, code, period, scope, day: solutions.solutions_map(conn, code, period, scope, day),
    **{
        f"points_{kind}": (
            lambda kind: lambda conn, code, period, scope, day, filters=None, limit=DEFAULT_POINT_LIMIT: record_points(
                conn, kind, code, period, scope, today=day, filters=dict(filters) if filters else None, limit=limit
            )
        )(kind)
        for kind in records.RECORD_KINDS
    },
}


def cached_indicators(conn, function: str, where: Where, period, scope: Scope, today: dt.date | None,
                      filters: dict | indicators.RecordFilter | None = None, limit: int | None = None):
    """One of the read functions above for (territory, period, scope, day), cached until the
    next indicator refresh: records only arrive through loads, and every load refreshes.
    `where`: the Place the request resolved (or a node, or a code; None: the country); the
    cache key holds its code.
    `filters`: the layer's filters (a dict) for the `points_*` reads, a RecordFilter for
    the indicator reads; `limit` (most points) only for the `points_*` reads."""
    day = today or dt.date.today()
    code = code_of(where)
    if isinstance(filters, indicators.RecordFilter):
        frozen = filters if filters.any else ()
        extra = (filters,) if filters.any else ()
    else:
        frozen = tuple(sorted((k, tuple(v)) for k, v in (filters or {}).items()))
        extra = (frozen,) if frozen else ()
        if limit is not None and limit != DEFAULT_POINT_LIMIT:
            return cached_read(conn, (function, code, period, scope, day, frozen, limit),
                               lambda: _CACHED_READS[function](conn, where, period, scope, day, dict(frozen), limit))
    return cached_read(conn, (function, code, period, scope, day, frozen),
                       lambda: _CACHED_READS[function](conn, where, period, scope, day, *extra))


def cached_read(conn, key: tuple, build):
    """`build()` cached per database and until the next indicator refresh (records only
    arrive through loads, and every load refreshes): the room's one process cache of reads."""
    refreshed = indicators.last_refresh(conn)
    stamp = refreshed["refreshed_at"] if refreshed else None
    return _indicator_cache.get_or_build((str(conn.engine.url), stamp, *key), build)


def warm_up(engine: Engine, today: dt.date | None = None) -> int:
    """Read the country's and every state's indicators and boundaries into the caches, so
    the first operator to open the room (and to drill into a state) waits for nothing.
    Runs in a background thread at start-up; returns the number of views warmed."""
    from geodata.territory import children as tree_children

    period = indicators.ALL_TIME
    with engine.connect() as conn:
        nodes = [None, *tree_children(conn, None)]
        for node in nodes:
            cached_indicators(conn, "child_values", node, period, NATIONAL, today)
            cached_indicators(conn, "summary", node, period, NATIONAL, today)
            cached_indicators(conn, "weekly_series", node, period, NATIONAL, today)
            children_boundaries(conn, node, NATIONAL)
    return len(nodes)
