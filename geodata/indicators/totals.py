"""All-time sums per territory: `refresh()` fills indicator_total (every territory, each
over its subtree) in one hash-aggregated pass over the record rows; `stored_sums()` answers
a view or an export from it when it can (the whole period, no record filter, computed
today). Otherwise the readers sum indicator_fact's days or, below a parish, the records.

Why: the whole period is what a room opens on. A municipality's view summed a thousand
days per parish, a commune's view its records, and the national council export 2.4
million record rows; the table makes each a lookup of one row per territory.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, text

from geodata.facts import RecordFilter
from geodata.indicators.rows import ALL, params, record_rows
from geodata.measures import FACT_MEASURES
from geodata.period import Period


def refresh(conn: Connection, today: dt.date) -> None:
    """Rebuild indicator_total as of `today`, in the caller's transaction."""
    measures = ", ".join(FACT_MEASURES)
    sums = ", ".join(f"sum({m}) AS {m}" for m in FACT_MEASURES)
    conn.execute(text("DELETE FROM indicator_total"))
    # Records are folded onto their own territory first (two million rows to ~50,000),
    # then each of those is added to every territory of its path (its own included).
    conn.execute(
        text(
            f"""
            INSERT INTO indicator_total (territory_id, {measures})
            WITH r AS ({record_rows(ALL)}),
                 own AS MATERIALIZED (SELECT territory_id, {sums} FROM r GROUP BY territory_id),
                 along AS (
                     SELECT part.code COLLATE "C" AS code, own.*
                       FROM own JOIN territory t ON t.id = own.territory_id
                      CROSS JOIN LATERAL unnest(string_to_array(btrim(t.path, '/'), '/')) AS part(code))
            SELECT t.id, {sums} FROM along JOIN territory t ON t.code = along.code GROUP BY t.id
            """
        ),
        params(today),
    )


def stored_sums(conn: Connection, ids: list[int], period: Period, today: dt.date | None,
                record_filter: RecordFilter, rollup: bool = False) -> dict[str, dict] | None:
    """Summed measures per code of the territories `ids` (or under '' when `rollup`) read
    from indicator_total, or None when it does not hold the answer: only the whole period,
    with no record filter, judged on the day it was computed on (overdue moves at midnight)."""
    if period.date_from or period.date_to or period.consultation_round or record_filter.any:
        return None
    as_of = conn.execute(text("SELECT as_of FROM indicator_refresh WHERE id = 1")).scalar()
    if as_of is None or as_of != params(today)["today"]:
        return None
    if rollup:
        sums = ", ".join(f"sum(x.{m})" for m in FACT_MEASURES)
        sql = f"SELECT '', {sums} FROM indicator_total x WHERE x.territory_id = ANY(:ids)"
    else:  # one row per territory already: its columns as they are (no numeric sums to convert)
        sql = f"SELECT t.code, {', '.join('x.' + m for m in FACT_MEASURES)} FROM indicator_total x " \
              "JOIN territory t ON t.id = x.territory_id WHERE x.territory_id = ANY(:ids)"
    rows = conn.execute(text(sql), {"ids": ids})
    return {row[0]: dict(zip(FACT_MEASURES, row[1:])) for row in rows}
