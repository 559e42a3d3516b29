"""Indicators per territory: computed in PostGIS, materialised for the upper levels.

Every measure is defined once, as a column of `_record_rows()`: one row per record
event (a case reported, a case resolved, a project, a deposit, a delivery, an
agreement) with the territory path, the day and the round. The same rows are

- summed per state, municipality and parish, day and round into `indicator_fact` by
  `refresh()` (after each load), so national, state and municipal views read a few
  hundred rows; and
- summed live for the children of a parish or commune, whose subtrees are small.

Both paths group by the child's code, taken from the record's territory path, so a
drill-down never joins points to polygons.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, bindparam, select, text

from geodata import facts
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.database import is_superuser
from geodata.facts import NO_FILTER, RecordFilter  # noqa: F401  (the indicators' filter, re-exported)
from geodata.models import FACT_MEASURES, RESOLVE_DAY_BUCKETS, Territory
from geodata.period import ALL_TIME, Period  # noqa: F401  (the one period type, re-exported for the indicators' callers)
from geodata.place import Where, code_of, node_of
from geodata.territory import TerritoryNode, children, nodes_where, subtree_condition
from geodata.rules import CASE_SLA_DAYS, CLAP_GAP_DAYS, COUNCIL_SILENT_SQL, LAST_REPORT_SQL, silence_days
from geodata.vocab import OPEN_CASE_STATUSES

# Depth of the deepest level kept in indicator_fact (0 state, 1 municipality, 2 parish).
MATERIALISED_MAX_DEPTH = 2




@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str = ""
    higher_is_worse: bool = True
    fmt: str = ",.0f"
    description: str = ""


_IND = [
    Indicator("cases_reported", "Casos reportados", "casos", True, ",.0f", "Casos 1x10 reportados en el período"),
    Indicator("cases_open", "Casos abiertos", "casos", True, ",.0f", "Casos del período aún sin resolver"),
    Indicator("cases_overdue", "Casos vencidos", "casos", True, ",.0f", "Casos abiertos con la fecha límite vencida"),
    Indicator("cases_open_per_1000_households", "Casos abiertos por 1.000 familias", "por 1.000", True, ",.1f"),
    Indicator("cases_resolved", "Casos resueltos", "casos", False, ",.0f", "Casos resueltos en el período"),
    Indicator("median_days_to_resolve", "Mediana de días para resolver", "días", True, ",.0f"),
    Indicator("cases_with_solution_share", "Casos con solución vinculada", "%", False, ".0f",
              "Porcentaje de casos vinculados a un proyecto o acuerdo"),
    Indicator("projects_total", "Proyectos", "proyectos", False, ",.0f"),
    Indicator("projects_in_progress", "Proyectos en ejecución", "proyectos", False, ",.0f"),
    Indicator("projects_stalled", "Proyectos paralizados", "proyectos", True, ",.0f"),
    Indicator("projects_completed", "Proyectos culminados", "proyectos", False, ",.0f"),
    Indicator("budget_approved", "Presupuesto aprobado", "Bs.", False, ",.0f"),
    Indicator("budget_deposited", "Monto depositado", "Bs.", False, ",.0f"),
    Indicator("budget_deposited_share", "Depositado / aprobado", "%", False, ".0f"),
    Indicator("clap_count", "CLAP", "comités", False, ",.0f"),
    Indicator("clap_coverage", "Cobertura CLAP", "% familias", False, ".0f"),
    Indicator("clap_days_since_delivery", "Días desde la última entrega CLAP", "días", True, ",.0f",
              "Promedio de días desde la última entrega de cada CLAP"),
    Indicator("claps_without_recent_delivery", "CLAP sin entrega reciente", "comités", True, ",.0f"),
    Indicator("councils_silent", "Consejos comunales sin reportar", "consejos", True, ",.0f",
              "Consejos comunales sin ningún caso, entrega CLAP ni movimiento de proyecto en los últimos días (SALA_SILENCE_DAYS)"),
    Indicator("councils_silent_share", "Consejos comunales sin reportar (%)", "% de consejos", True, ".0f",
              "Porcentaje de los consejos comunales del territorio que no reportan nada en los últimos días"),
    Indicator("deliveries", "Entregas CLAP", "entregas", False, ",.0f"),
    Indicator("agreements_total", "Acuerdos de gabinete", "acuerdos", False, ",.0f"),
    Indicator("agreements_overdue", "Acuerdos vencidos", "acuerdos", True, ",.0f"),
    Indicator("households", "Familias", "familias", False, ",.0f"),
    Indicator("population", "Población", "habitantes", False, ",.0f"),
]
INDICATORS: dict[str, Indicator] = {i.id: i for i in _IND}


# --- the record rows: every measure defined once ----------------------------------------

def _bucket_columns(days_expr: str) -> dict[str, str]:
    """For the case-resolved rows: one 0/1 expression per resolution-time bucket."""
    edges = RESOLVE_DAY_BUCKETS
    columns = {}
    for i, low in enumerate(edges):
        cond = f"{days_expr} >= {low}"
        if i + 1 < len(edges):
            cond += f" AND {days_expr} < {edges[i + 1]}"
        columns[f"resolved_in_{i:02d}"] = f"({cond})::int"
    return columns


def _zeros(except_: dict[str, str]) -> str:
    """The select list of one source: its own expressions, zero for every other measure."""
    return ", ".join(f"{except_.get(m, '0')} AS {m}" for m in FACT_MEASURES)


def _record_rows(territory_filter: str, record_filter: RecordFilter = NO_FILTER) -> str:
    """SQL for one row per record event: territory_id, day, round and every measure.

    `territory_filter` is a condition on a `territory_id` column, written by this module
    (never from input); its parameters are bound by the caller, as are the record
    filter's (`facts.params`): cases and projects (with their deposits) it leaves out
    are not summed, as in the facts by dimension.
    """
    open_list = ", ".join(f"'{s}'" for s in OPEN_CASE_STATUSES)
    days_to_resolve = "(c.resolved_date - c.reported_date)"
    case_reported = _zeros(
        {
            "cases_reported": "1",
            "cases_open": f"(c.status IN ({open_list}))::int",
            "cases_overdue": f"(c.status IN ({open_list}) AND coalesce(c.due_date, c.reported_date + :sla) < :today)::int",
            "cases_with_solution": "(EXISTS (SELECT 1 FROM case_solution s WHERE s.case_id = c.id))::int",
        }
    )
    case_resolved = _zeros(
        {"cases_resolved": "1", "resolve_days_sum": days_to_resolve, **_bucket_columns(days_to_resolve)}
    )
    project = _zeros(
        {
            "projects_total": "1",
            "projects_funded": "(p.stage IN ('funded', 'in_progress', 'completed', 'stalled'))::int",
            "projects_in_progress": "(p.stage = 'in_progress')::int",
            "projects_stalled": "(p.stage = 'stalled')::int",
            "projects_completed": "(p.stage = 'completed')::int",
            "budget_approved": "CASE WHEN p.stage <> 'proposed' THEN coalesce(p.budget, 0) ELSE 0 END",
        }
    )
    deposit = _zeros({"deposits_amount": "d.amount"})
    delivery = _zeros({"deliveries": "1", "households_served": "cd.households_served"})
    agreement = _zeros(
        {
            "agreements_total": "1",
            # An agreement without a due date is never overdue (and must not make the sum NULL).
            "agreements_overdue": "(a.status <> 'done' AND a.due_date IS NOT NULL AND a.due_date < :today)::int",
            "agreements_done": "(a.status = 'done')::int",
        }
    )
    f = territory_filter
    cases = facts.case_condition(record_filter)
    projects = facts.project_condition(record_filter)
    return f"""
        SELECT c.territory_id, c.reported_date AS day, '' AS round, {case_reported}
          FROM case_report c WHERE {f.format(col='c.territory_id')} AND {cases}
        UNION ALL
        SELECT c.territory_id, c.resolved_date, '', {case_resolved}
          FROM case_report c
         WHERE c.resolved_date IS NOT NULL AND c.status IN ('resolved', 'closed') AND {f.format(col='c.territory_id')}
           AND {cases}
        UNION ALL
        SELECT p.territory_id, coalesce(p.start_date, p.created_at::date), p.consultation_round, {project}
          FROM project p WHERE {f.format(col='p.territory_id')} AND {projects}
        UNION ALL
        SELECT p.territory_id, d.deposit_date, p.consultation_round, {deposit}
          FROM deposit d JOIN project p ON p.id = d.project_id WHERE {f.format(col='p.territory_id')} AND {projects}
        UNION ALL
        SELECT k.territory_id, cd.delivery_date, '', {delivery}
          FROM clap_delivery cd JOIN clap k ON k.id = cd.clap_id WHERE {f.format(col='k.territory_id')}
        UNION ALL
        SELECT a.municipality_id, a.cabinet_date, '', {agreement}
          FROM agreement a WHERE {f.format(col='a.municipality_id')}
    """


_ALL = "TRUE"
_SUBTREE = "{col} IN (SELECT id FROM territory WHERE path LIKE :prefix)"


def _params(today: dt.date | None = None, sla: int = CASE_SLA_DAYS) -> dict:
    return {"today": today or dt.date.today(), "sla": sla}


# --- refresh -----------------------------------------------------------------------------

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
                WITH r AS ({_record_rows(_ALL)}),
                     base AS MATERIALIZED (
                         SELECT {codes}, r.day, r.round, {sums}
                           FROM r JOIN territory t ON t.id = r.territory_id
                          WHERE r.day IS NOT NULL
                          GROUP BY {keys}, r.day, r.round)
                SELECT t.id, l.day, l.round, {measures}
                  FROM ({levels}) l JOIN territory t ON t.code = l.code
                """
            ),
            _params(today),
        )
        facts.refresh(conn, _params(today), MATERIALISED_MAX_DEPTH)
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


# --- reading ----------------------------------------------------------------------------

@dataclass
class _Target:
    """The territories whose indicators are asked for, and how to group records onto them."""

    nodes: list[TerritoryNode]
    depth: int  # depth of the nodes
    prefix: str | None  # subtree that holds all their records (None: the whole country)
    rollup: bool = False  # True: sum all nodes into one row (the country's summary)


def _period_sql(period: Period, day_col: str, round_col: str) -> tuple[str, dict]:
    clauses, params = [], {}
    if period.date_from:
        clauses.append(f"{day_col} >= :date_from")
        params["date_from"] = period.date_from
    if period.date_to:
        clauses.append(f"{day_col} <= :date_to")
        params["date_to"] = period.date_to
    if period.consultation_round:
        # Cases, deliveries and agreements belong to no round: a round filters projects
        # and their deposits only.
        clauses.append(f"({round_col} = '' OR {round_col} = :round)")
        params["round"] = period.consultation_round
    return (" AND ".join(clauses) or "TRUE"), params


def _filtered(conn: Connection, out: dict[str, dict], key: str, ids: list[int], period: Period,
              record_filter: RecordFilter) -> dict[str, dict]:
    """`out` (indicator_fact's sums per code) with the measures a record filter acts on
    read from the facts by dimension instead (0 where no record matches)."""
    if not record_filter.any:
        return out
    dates = Period(period.date_from, period.date_to)  # cases belong to no round
    by_dimension = facts.sums(conn, key, ids, record_filter, _period_sql(dates, "f.day", "f.round"),
                              _period_sql(period, "f.day", "f.round"))
    zeros = dict.fromkeys(facts.filtered_measures(record_filter), 0)
    for code, sums in out.items():
        sums.update(zeros)
        sums.update(by_dimension.get(code, {}))
    return out


def _sums(conn: Connection, target: _Target, period: Period, today: dt.date | None,
          record_filter: RecordFilter = NO_FILTER) -> dict[str, dict]:
    """Summed measures per node code (or under '' when rolled up)."""
    if not target.nodes:
        return {}
    sums = ", ".join(f"sum({m}) AS {m}" for m in FACT_MEASURES)
    group = "''" if target.rollup else None
    if target.depth <= MATERIALISED_MAX_DEPTH:
        where, params = _period_sql(period, "f.day", "f.round")
        key = group or "t.code"
        sql = (
            f"SELECT {key} AS code, {sums} FROM indicator_fact f JOIN territory t ON t.id = f.territory_id "
            f"WHERE f.territory_id IN :ids AND {where} GROUP BY 1"
        )
        stmt = text(sql).bindparams(bindparam("ids", expanding=True))
        params["ids"] = [n.id for n in target.nodes]
        rows = conn.execute(stmt, params).mappings()
        out = {row["code"]: dict(row) for row in rows}
        return _filtered(conn, out, key, params["ids"], period, record_filter)
    where, params = _period_sql(period, "r.day", "r.round")
    key = group or f"split_part(t.path, '/', {target.depth + 2})"
    subtree = _ALL if target.prefix is None else _SUBTREE
    sql = (
        f"WITH r AS ({_record_rows(subtree, record_filter)}) "
        f"SELECT {key} AS code, {sums} FROM r JOIN territory t ON t.id = r.territory_id "
        f"WHERE {where} GROUP BY 1"
    )
    if target.prefix is not None:
        params["prefix"] = _like_prefix(target.prefix)
    params.update(_params(today), **facts.params(record_filter))
    rows = conn.execute(text(sql), params).mappings()
    return {row["code"]: dict(row) for row in rows}


def _like_prefix(path: str) -> str:
    # Codes are alphanumeric, but a LIKE pattern must never carry wildcards from data.
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _snapshot(conn: Connection, target: _Target) -> dict[str, dict]:
    """Measures that are a state of now, not of a period: households, population, CLAPs."""
    if not target.nodes:
        return {}
    key = "''" if target.rollup else "t.code"
    rows = conn.execute(
        text(
            f"""
            SELECT {key} AS code, sum(s.households) AS households, sum(s.population) AS population,
                   sum(s.clap_count) AS clap_count, sum(s.clap_households) AS clap_households,
                   sum(s.clap_days_since_sum)::float / nullif(sum(s.clap_delivered), 0) AS clap_days_since_delivery,
                   sum(s.claps_without_recent_delivery) AS claps_without_recent_delivery,
                   sum(s.councils) AS councils, sum(s.councils_silent) AS councils_silent
              FROM indicator_snapshot s JOIN territory t ON t.id = s.territory_id
             WHERE s.territory_id IN :ids
             GROUP BY 1
            """
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": [n.id for n in target.nodes]},
    ).mappings()
    return {row["code"]: dict(row) for row in rows}


def _median_from_buckets(sums: dict) -> float | None:
    counts = [int(sums.get(f"resolved_in_{i:02d}") or 0) for i in range(len(RESOLVE_DAY_BUCKETS))]
    total = sum(counts)
    if total == 0:
        return None
    half, seen = total / 2, 0
    for i, count in enumerate(counts):
        if seen + count >= half and count:
            low = RESOLVE_DAY_BUCKETS[i]
            high = RESOLVE_DAY_BUCKETS[i + 1] if i + 1 < len(RESOLVE_DAY_BUCKETS) else low * 2
            return low + (half - seen) / count * (high - low)
        seen += count
    return float(RESOLVE_DAY_BUCKETS[-1])


def _num(value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # sum() of integers comes back as numeric: counts should stay integers.
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _ratio(a, b, scale: float = 1.0) -> float | None:
    a, b = _num(a), _num(b)
    if a is None or not b:
        return None
    return a / b * scale


def _compose(sums: dict, snap: dict) -> dict:
    """The indicator values of one territory from its summed measures and snapshot."""
    s = {m: _num(sums.get(m)) or 0 for m in FACT_MEASURES}
    households = _num(snap.get("households"))
    values = {
        "cases_reported": s["cases_reported"],
        "cases_open": s["cases_open"],
        "cases_overdue": s["cases_overdue"],
        "cases_open_per_1000_households": _ratio(s["cases_open"], households, 1000),
        "cases_resolved": s["cases_resolved"],
        "median_days_to_resolve": _median_from_buckets(sums),
        "cases_with_solution_share": _ratio(s["cases_with_solution"], s["cases_reported"], 100),
        "projects_total": s["projects_total"],
        "projects_in_progress": s["projects_in_progress"],
        "projects_stalled": s["projects_stalled"],
        "projects_completed": s["projects_completed"],
        "budget_approved": s["budget_approved"],
        "budget_deposited": s["deposits_amount"],
        "budget_deposited_share": _ratio(s["deposits_amount"], s["budget_approved"], 100),
        "clap_count": _num(snap.get("clap_count")) or 0,
        "clap_coverage": _ratio(snap.get("clap_households"), households, 100),
        "clap_days_since_delivery": _num(snap.get("clap_days_since_delivery")),
        "claps_without_recent_delivery": _num(snap.get("claps_without_recent_delivery")) or 0,
        "councils_silent": _num(snap.get("councils_silent")) or 0,
        "councils_silent_share": _ratio(snap.get("councils_silent"), snap.get("councils"), 100),
        "deliveries": s["deliveries"],
        "agreements_total": s["agreements_total"],
        "agreements_overdue": s["agreements_overdue"],
        "households": households,
        "population": _num(snap.get("population")),
    }
    return values


def _visible_states(conn: Connection, scope: Scope) -> list[TerritoryNode]:
    return [n for n in children(conn, None) if scope.allows(n.path)]


def _resolve_visible(conn: Connection, where: Where, scope: Scope) -> TerritoryNode:
    """The node of `where` (a Place, a node or a code), which the scope must see itself
    (not only as the way down)."""
    node = node_of(conn, where, scope)
    if node is None or not scope.allows(node.path):
        raise ScopeError(code_of(where))
    return node


def child_values(
    conn: Connection,
    parent_code: Where,
    period: Period = ALL_TIME,
    scope: Scope = NATIONAL,
    *,
    today: dt.date | None = None,
    filters: RecordFilter = NO_FILTER,
) -> list[dict]:
    """One dict per child of `parent_code` (a Place, a node or a code; None: the states)
    with `code, name, level` and every indicator id, counting the records `filters` keeps.
    Children outside the scope are left out."""
    parent = node_of(conn, parent_code, scope)
    if parent is None:
        nodes = _visible_states(conn, scope)
        target = _Target(nodes, 0, None)
    else:
        if not (scope.allows(parent.path) or scope.ancestor_visible(parent.path)):
            raise ScopeError(code_of(parent_code))
        nodes = [n for n in children(conn, parent) if scope.allows(n.path)]
        target = _Target(nodes, parent.depth + 1, parent.path)
    sums = _sums(conn, target, period, today, filters)
    snap = _snapshot(conn, target)
    return [
        {"code": n.code, "name": n.name, "level": n.level, **_compose(sums.get(n.code, {}), snap.get(n.code, {}))}
        for n in nodes
    ]


def level_values(
    conn: Connection,
    level: str,
    within: Where = None,
    period: Period = ALL_TIME,
    scope: Scope = NATIONAL,
    *,
    today: dt.date | None = None,
    filters: RecordFilter = NO_FILTER,
) -> dict[str, dict]:
    """Indicator values of every territory of `level` inside `within` (None: the country),
    keyed by code: what map layers and exports join to their features."""
    conditions = [Territory.level == level, scope.condition()]
    prefix = None
    if within is not None:
        prefix = _resolve_visible(conn, within, scope).path
        conditions.append(subtree_condition(prefix))
    nodes = nodes_where(conn, *conditions)
    out: dict[str, dict] = {}
    # A level may sit at several depths (a council under a commune or straight under a
    # parish): group by depth so each group's records fold onto the right path part.
    for depth in sorted({n.depth for n in nodes}):
        group = [n for n in nodes if n.depth == depth]
        target = _Target(group, depth, prefix)
        sums = _sums(conn, target, period, today, filters)
        snap = _snapshot(conn, target)
        for n in group:
            out[n.code] = _compose(sums.get(n.code, {}), snap.get(n.code, {}))
    return out


def summary(
    conn: Connection,
    code: Where,
    period: Period = ALL_TIME,
    scope: Scope = NATIONAL,
    *,
    today: dt.date | None = None,
    filters: RecordFilter = NO_FILTER,
) -> dict:
    """The indicator values of one territory (None: the country, or all the scope shows),
    counting the records `filters` keeps."""
    if code_of(code) is None:
        target = _Target(_visible_states(conn, scope), 0, None, rollup=True)
    else:
        node = _resolve_visible(conn, code, scope)
        target = _Target([node], node.depth, node.path, rollup=True)
    sums = _sums(conn, target, period, today, filters)
    snap = _snapshot(conn, target)
    return _compose(sums.get("", {}), snap.get("", {}))


def weekly_series(
    conn: Connection,
    code: Where,
    period: Period = ALL_TIME,
    scope: Scope = NATIONAL,
    *,
    today: dt.date | None = None,
    filters: RecordFilter = NO_FILTER,
) -> list[dict]:
    """Per ISO week (Monday): cases reported and resolved, deposits, CLAP deliveries, of
    the records `filters` keeps."""
    if code_of(code) is None:
        nodes = _visible_states(conn, scope)
        depth, prefix = 0, None
    else:
        node = _resolve_visible(conn, code, scope)
        nodes, depth, prefix = [node], node.depth, node.path
    if not nodes:
        return []
    cols = "sum(cases_reported) AS cases_reported, sum(cases_resolved) AS cases_resolved, " \
           "sum(deposits_amount) AS deposits_amount, sum(deliveries) AS deliveries"
    if depth <= MATERIALISED_MAX_DEPTH:
        where, params = _period_sql(period, "day", "round")
        stmt = text(
            f"SELECT date_trunc('week', day)::date AS week, {cols} FROM indicator_fact "
            f"WHERE territory_id IN :ids AND {where} GROUP BY 1 ORDER BY 1"
        ).bindparams(bindparam("ids", expanding=True))
        params["ids"] = [n.id for n in nodes]
        weeks = {row["week"]: dict(row) for row in conn.execute(stmt, params).mappings()}
        if filters.any:
            # The filtered weeks' sums, keyed by week as the facts by dimension give them.
            _filtered(conn, weeks, "date_trunc('week', f.day)::date", params["ids"], period, filters)
        keep = ("week", "cases_reported", "cases_resolved", "deposits_amount", "deliveries")
        return [{k: _num(weeks[w].get(k)) for k in keep} for w in sorted(weeks)]
    where, params = _period_sql(period, "r.day", "r.round")
    stmt = text(
        f"WITH r AS ({_record_rows(_SUBTREE, filters)}) SELECT date_trunc('week', r.day)::date AS week, {cols} "
        f"FROM r WHERE r.day IS NOT NULL AND {where} GROUP BY 1 ORDER BY 1"
    )
    params.update(_params(today), prefix=_like_prefix(prefix), **facts.params(filters))
    return [{k: _num(v) for k, v in row.items()} for row in conn.execute(stmt, params).mappings()]


def data_as_of(conn: Connection) -> dt.date | None:
    """The most recent day any record speaks of (the 'date of the data' on maps and prints)."""
    return conn.execute(
        text(
            "SELECT greatest((SELECT max(reported_date) FROM case_report), (SELECT max(delivery_date) FROM clap_delivery),"
            " (SELECT max(deposit_date) FROM deposit), (SELECT max(cabinet_date) FROM agreement))"
        )
    ).scalar()


def demo_loaded(conn: Connection) -> bool:
    """True when any territory or record is marked as demo data."""
    return bool(conn.execute(select(Territory.id).where(Territory.is_demo.is_(True)).limit(1)).first())
