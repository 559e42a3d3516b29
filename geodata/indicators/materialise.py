"""The materialised indicators: `refresh()` rebuilds indicator_fact (the record rows of
`geodata.indicators.rows` folded per state, municipality and parish, day and round),
indicator_total (all-time sums per territory of every level), the facts by dimension
(`geodata.facts`) and indicator_snapshot (people, CLAPs and silent councils per territory
of every level), after each load; `refresh_if_stale` at midnight.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time

from sqlalchemy import Connection, text

from geodata import facts
from geodata.database import is_superuser
from geodata.indicators import totals
from geodata.indicators.rows import ALL, MATERIALISED_MAX_DEPTH, params, record_rows
from geodata.measures import FACT_MEASURES
from geodata.rules import CLAP_GAP_DAYS, COUNCIL_SILENT_SQL, LAST_REPORT_SQL, silence_days


def refresh(conn: Connection, today: dt.date | None = None, gap_days: int = CLAP_GAP_DAYS,
            silent_days: int | None = None) -> float:
    """Rebuild indicator_fact and indicator_snapshot from the records; returns the seconds it took.

    Runs in the caller's transaction: readers keep seeing the previous values until it commits.
    """
    started = time.perf_counter()
    today = today or dt.date.today()
    measures = ", ".join(FACT_MEASURES)
    sums = ", ".join(f"sum({m}) AS {m}" for m in FACT_MEASURES)
    depths = range(MATERIALISED_MAX_DEPTH + 1)
    # One pass over the records folds them onto (state, municipality, parish, day, round),
    # the codes being parts 2-4 of the territory path: that is the deepest level's facts
    # already (a parish code implies its state and municipality), and each level above is
    # a cheap sum of it. Records above a parish (agreements of a municipality) keep ''.
    # Codes compared in byte order (COLLATE "C"): cheaper than the locale's rules, same groups.
    codes = ", ".join(f"split_part(t.path, '/', {depth + 2}) COLLATE \"C\" AS code_{depth}" for depth in depths)
    keys = ", ".join(f"code_{depth}" for depth in depths)
    deepest = depths[-1]
    levels = " UNION ALL ".join(
        f"SELECT code_{depth} AS code, day, round, {measures if depth == deepest else sums} FROM base "
        f"WHERE code_{depth} <> ''" + ("" if depth == deepest else " GROUP BY 1, 2, 3")
        for depth in depths
    )
    # Derived data, rebuilt from the records at will: its commit need not wait for the disk.
    conn.execute(text("SET LOCAL synchronous_commit = off"))
    conn.execute(text("DELETE FROM indicator_fact"))
    with _planner_settings(conn, **FACT_REFRESH_SETTINGS):
        conn.execute(
            text(
                f"""
                INSERT INTO indicator_fact (territory_id, day, round, {measures})
                WITH r AS ({record_rows(ALL)}),
                     base AS MATERIALIZED (
                         SELECT {codes}, r.day, r.round, {sums}
                           FROM r JOIN territory t ON t.id = r.territory_id
                          WHERE r.day IS NOT NULL
                          GROUP BY {keys}, r.day, r.round)
                SELECT t.id, l.day, l.round, {measures}
                  FROM ({levels}) l JOIN territory t ON t.code = l.code
                """
            ),
            params(today),
        )
        facts.refresh(conn, params(today), MATERIALISED_MAX_DEPTH)
        totals.refresh(conn, today)
    _refresh_snapshot(conn, today, gap_days, silence_days() if silent_days is None else silent_days)
    seconds = time.perf_counter() - started
    conn.execute(
        text(
            "INSERT INTO indicator_refresh (id, refreshed_at, as_of, seconds) VALUES (1, now(), :today, :s) "
            "ON CONFLICT (id) DO UPDATE SET refreshed_at = now(), as_of = :today, seconds = :s"
        ),
        {"today": today, "s": seconds},
    )
    return seconds


# For the fact refresh, two million record rows meeting 55,000 territories: a hash join
# and hash aggregates (the planner's guess of the union's size makes an index probe per
# row and a sort of every row look cheaper; both take several times longer), in memory.
# Its territory ids come from a join with the territory table itself: a million
# foreign-key checks that cannot fail are skipped (a superuser may, as pg_restore does).
FACT_REFRESH_SETTINGS = {"work_mem": "1GB", "enable_nestloop": "off", "enable_sort": "off",
                         "session_replication_role": "replica"}


@contextlib.contextmanager
def _planner_settings(conn: Connection, **settings: str):
    """`settings` for the statements inside, then back to what they were (in this transaction)."""
    if not is_superuser(conn):
        settings.pop("session_replication_role", None)  # anyone else keeps the checks
    previous = {name: conn.execute(text("SELECT current_setting(:name)"), {"name": name}).scalar() for name in settings}
    set_local = text("SELECT set_config(:name, :value, true)")
    for name, value in settings.items():
        conn.execute(set_local, {"name": name, "value": value})
    try:
        yield
    finally:
        for name, value in previous.items():
            conn.execute(set_local, {"name": name, "value": value})


def _refresh_snapshot(conn: Connection, today: dt.date, gap_days: int, silent_days: int) -> None:
    """People, CLAP state and silent councils (geodata.rules) per territory of every level,
    summed over its subtree."""
    conn.execute(text("DELETE FROM indicator_snapshot"))
    conn.execute(
        text(
            """
            INSERT INTO indicator_snapshot (territory_id, households, population, clap_count, clap_households,
                                            clap_delivered, clap_days_since_sum, claps_without_recent_delivery,
                                            councils, councils_silent, council_last_report)
            WITH anc AS (  -- each territory paired with itself and every territory above it
                SELECT t.id AS territory_id, a.id AS ancestor_id, t.level, t.households, t.population
                  FROM territory t
                 CROSS JOIN LATERAL unnest(string_to_array(btrim(t.path, '/'), '/')) AS part(code)
                  JOIN territory a ON a.code = part.code
            ),
            people AS (
                SELECT ancestor_id, sum(households) FILTER (WHERE level = 'council') AS households,
                       sum(population) FILTER (WHERE level = 'council') AS population
                  FROM anc GROUP BY ancestor_id
            ),
            claps AS (
                SELECT k.territory_id, k.households,
                       (SELECT max(d.delivery_date) FROM clap_delivery d WHERE d.clap_id = k.id) AS last_day
                  FROM clap k
            ),
            clap_sums AS (
                SELECT anc.ancestor_id, count(*) AS n, sum(c.households) AS households, count(c.last_day) AS delivered,
                       coalesce(sum(greatest(:today - c.last_day, 0)), 0) AS days,
                       count(*) FILTER (WHERE c.last_day IS NULL OR :today - c.last_day > :gap) AS without_recent
                  FROM claps c JOIN anc ON anc.territory_id = c.territory_id
                 GROUP BY anc.ancestor_id
            ),
            reports AS ({reports}),
            council_sums AS (
                SELECT anc.ancestor_id, count(*) AS n, count(*) FILTER (WHERE {silent}) AS silent,
                       max(r.last_report) AS last_report
                  FROM anc LEFT JOIN reports r ON r.territory_id = anc.territory_id
                 WHERE anc.level = 'council'
                 GROUP BY anc.ancestor_id
            )
            SELECT t.id,
                   coalesce(t.households, people.households), coalesce(t.population, people.population),
                   coalesce(cs.n, 0), coalesce(cs.households, 0), coalesce(cs.delivered, 0),
                   coalesce(cs.days, 0), coalesce(cs.without_recent, 0),
                   coalesce(ks.n, 0), coalesce(ks.silent, 0), ks.last_report
              FROM territory t
              LEFT JOIN people ON people.ancestor_id = t.id
              LEFT JOIN clap_sums cs ON cs.ancestor_id = t.id
              LEFT JOIN council_sums ks ON ks.ancestor_id = t.id
            """.format(reports=LAST_REPORT_SQL, silent=COUNCIL_SILENT_SQL.format(col="r.last_report"))
        ),
        {"today": today, "gap": gap_days, "as_of": today, "silence_days": silent_days},
    )


def last_refresh(conn: Connection) -> dict | None:
    row = conn.execute(text("SELECT refreshed_at, as_of, seconds FROM indicator_refresh WHERE id = 1")).first()
    return dict(row._mapping) if row else None


def refresh_if_stale(conn: Connection, today: dt.date | None = None) -> bool:
    """Refresh when the facts were computed on an earlier day (overdue counts move at midnight)."""
    today = today or dt.date.today()
    last = last_refresh(conn)
    if last is not None and last["as_of"] >= today:
        return False
    refresh(conn, today)
    return True

