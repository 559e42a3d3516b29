"""Facts by dimension: the indicators' sums split by the room's record filters.

`indicator_fact` (geodata.indicators) sums every record per territory, day and round; it
cannot say how many of a state's cases are about water. The two tables here keep the
measures that the room's record filters act on, split by those filters' values:

- `case_fact`: cases by territory, category, status, overdue (open and past due on the
  refresh day) and day (reported, or resolved): what the category, status and «solo
  vencidos» filters select;
- `project_fact`: projects (at their start) and their deposits by territory, stage, day
  and round: what the stage filter selects.

Both are filled by `refresh()` (called by `geodata.indicators.refresh`, after each load)
for states, municipalities and parishes, as indicator_fact is, and read instead of it
for those measures when a filter is on. Below a parish the same filters apply to the
live sums (`case_condition`, `project_condition`), so both paths give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from geodata.models import CASE_FACT_MEASURES, PROJECT_FACT_MEASURES, RESOLVE_DAY_BUCKETS
from geodata.vocab import OPEN_CASE_STATUSES

_OPEN_LIST = ", ".join(f"'{s}'" for s in OPEN_CASE_STATUSES)
# A case is overdue when it is open and past its due date (or the default SLA) on :today.
OVERDUE_SQL = "(c.status IN ({open}) AND coalesce(c.due_date, c.reported_date + :sla) < :today)".format(open=_OPEN_LIST)


@dataclass(frozen=True)
class RecordFilter:
    """The room's record filters as the indicators apply them: cases by category, status
    and «solo vencidos»; projects (and their deposits) by stage. Empty: every record."""

    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    overdue: bool = False
    stage: tuple[str, ...] = ()

    @property
    def cases(self) -> bool:
        return bool(self.category or self.status or self.overdue)

    @property
    def projects(self) -> bool:
        return bool(self.stage)

    @property
    def any(self) -> bool:
        return self.cases or self.projects


NO_FILTER = RecordFilter()


# --- conditions, shared by the refresh-time reads and the live sums ----------------------

def case_condition(f: RecordFilter, alias: str = "c", overdue_col: str | None = None) -> str:
    """SQL condition on a case row (`alias`) for the filter; its lists bound as :f_category
    and :f_status (see `params`). `overdue_col`: a stored overdue flag instead of the rule."""
    clauses = []
    if f.category:
        clauses.append(f"{alias}.category = ANY(:f_category)")
    if f.status:
        clauses.append(f"{alias}.status = ANY(:f_status)")
    if f.overdue:
        clauses.append(f"{alias}.{overdue_col}" if overdue_col else OVERDUE_SQL.replace("c.", f"{alias}."))
    return " AND ".join(clauses) or "TRUE"


def project_condition(f: RecordFilter, alias: str = "p") -> str:
    return f"{alias}.stage = ANY(:f_stage)" if f.stage else "TRUE"


def params(f: RecordFilter) -> dict:
    out = {}
    if f.category:
        out["f_category"] = list(f.category)
    if f.status:
        out["f_status"] = list(f.status)
    if f.stage:
        out["f_stage"] = list(f.stage)
    return out


# --- refresh -----------------------------------------------------------------------------

def _case_rows() -> str:
    """One row per case event (reported; resolved) with its dimensions and measures."""
    days = "(c.resolved_date - c.reported_date)"
    edges = RESOLVE_DAY_BUCKETS
    buckets = []
    for i, low in enumerate(edges):
        cond = f"{days} >= {low}" + (f" AND {days} < {edges[i + 1]}" if i + 1 < len(edges) else "")
        buckets.append(f"({cond})::int")
    zeros = ", ".join(f"0 AS resolved_in_{i:02d}" for i in range(len(edges)))
    dims = f"c.territory_id, c.category, c.status, {OVERDUE_SQL} AS overdue"
    return f"""
        SELECT {dims}, c.reported_date AS day, 1 AS cases_reported,
               (EXISTS (SELECT 1 FROM case_solution s WHERE s.case_id = c.id))::int AS cases_with_solution,
               0 AS cases_resolved, 0 AS resolve_days_sum, {zeros}
          FROM case_report c
        UNION ALL
        SELECT {dims}, c.resolved_date, 0, 0, 1, {days}, {", ".join(buckets)}
          FROM case_report c
         WHERE c.resolved_date IS NOT NULL AND c.status IN ('resolved', 'closed')
    """


def _project_rows() -> str:
    return """
        SELECT p.territory_id, p.stage, coalesce(p.start_date, p.created_at::date) AS day, p.consultation_round AS round,
               1 AS projects_total,
               (p.stage IN ('funded', 'in_progress', 'completed', 'stalled'))::int AS projects_funded,
               (p.stage = 'in_progress')::int AS projects_in_progress,
               (p.stage = 'stalled')::int AS projects_stalled,
               (p.stage = 'completed')::int AS projects_completed,
               CASE WHEN p.stage <> 'proposed' THEN coalesce(p.budget, 0) ELSE 0 END AS budget_approved,
               0 AS deposits_amount
          FROM project p
        UNION ALL
        SELECT p.territory_id, p.stage, d.deposit_date, p.consultation_round, 0, 0, 0, 0, 0, 0, d.amount
          FROM deposit d JOIN project p ON p.id = d.project_id
    """


def _fold(conn: Connection, table: str, rows_sql: str, columns: list[str], keys: list[str], measures: tuple[str, ...],
          values: dict, max_depth: int) -> None:
    """Insert into `table` the sums of `rows_sql` per territory of depth 0..max_depth and
    `keys`: one pass folds the rows onto the territory path's codes (as indicator_fact's
    refresh does), each level above the deepest a cheap sum of it. Rows go in in key
    order (the primary key's): a territory's rows of one category then sit on a few
    pages, which halves a national read (measured: 47,000 pages touched before)."""
    depths = range(max_depth + 1)
    sums = ", ".join(f"sum({m}) AS {m}" for m in measures)
    codes = ", ".join(f"split_part(t.path, '/', {d + 2}) COLLATE \"C\" AS code_{d}" for d in depths)
    code_keys = ", ".join(f"code_{d}" for d in depths)
    key_list = ", ".join(keys)
    plain = ", ".join(measures)
    deepest = depths[-1]
    group = ", ".join(str(i) for i in range(1, len(keys) + 2))
    levels = " UNION ALL ".join(
        f"SELECT code_{d} AS code, {key_list}, {plain if d == deepest else sums} FROM base WHERE code_{d} <> ''"
        + ("" if d == deepest else f" GROUP BY {group}")
        for d in depths
    )
    conn.execute(
        text(
            f"""
            INSERT INTO {table} (territory_id, {", ".join(columns)})
            WITH r AS ({rows_sql}),
                 base AS MATERIALIZED (
                     SELECT {codes}, {", ".join(f"r.{k}" for k in keys)}, {sums}
                       FROM r JOIN territory t ON t.id = r.territory_id
                      WHERE r.day IS NOT NULL
                      GROUP BY {code_keys}, {key_list})
            SELECT t.id, {", ".join(f"l.{c}" for c in columns)}
              FROM ({levels}) l JOIN territory t ON t.code = l.code
             ORDER BY {", ".join(str(i) for i in range(1, len(keys) + 2))}
            """
        ),
        values,
    )


def refresh(conn: Connection, values: dict, max_depth: int) -> None:
    """Rebuild case_fact and project_fact (`values`: :today and :sla), in the caller's
    transaction and planner settings (`geodata.indicators.refresh`)."""
    conn.execute(text("DELETE FROM case_fact"))
    conn.execute(text("DELETE FROM project_fact"))
    case_keys = ["category", "status", "overdue", "day"]
    _fold(conn, "case_fact", _case_rows(), [*case_keys, *CASE_FACT_MEASURES], case_keys, CASE_FACT_MEASURES,
          values, max_depth)
    project_keys = ["stage", "day", "round"]
    _fold(conn, "project_fact", _project_rows(), [*project_keys, *PROJECT_FACT_MEASURES], project_keys,
          PROJECT_FACT_MEASURES, values, max_depth)


# --- reading -----------------------------------------------------------------------------

def _case_sums() -> str:
    """The indicator_fact case measures from case_fact rows `f`: open and overdue are the
    reported cases of those keys."""
    resolved = ", ".join(f"sum(f.{m}) AS {m}" for m in CASE_FACT_MEASURES if m != "cases_reported")
    return (
        "sum(f.cases_reported) AS cases_reported, "
        f"coalesce(sum(f.cases_reported) FILTER (WHERE f.status IN ({_OPEN_LIST})), 0) AS cases_open, "
        "coalesce(sum(f.cases_reported) FILTER (WHERE f.overdue), 0) AS cases_overdue, "
        f"{resolved}"
    )


CASE_MEASURES_READ: tuple[str, ...] = ("cases_reported", "cases_open", "cases_overdue", *CASE_FACT_MEASURES[1:])


def sums(conn: Connection, key: str, ids: list[int], f: RecordFilter, case_period: tuple[str, dict],
         project_period: tuple[str, dict], group: str = "1") -> dict[str, dict]:
    """The filtered measures per `key` (an SQL expression on territory `t`, e.g. its code)
    for territories `ids`: the case measures when a case filter is on, the project ones
    when a stage filter is; {} for a kind not filtered (indicator_fact's sums stand).

    The periods are conditions on `f.day` (and `f.round`) with their parameters."""
    out: dict[str, dict] = {}
    parts = []
    if f.cases:
        parts.append(("case_fact", _case_sums(), case_condition(f, "f", overdue_col="overdue"), case_period))
    if f.projects:
        project_sums = ", ".join(f"sum(f.{m}) AS {m}" for m in PROJECT_FACT_MEASURES)
        parts.append(("project_fact", project_sums, project_condition(f, "f"), project_period))
    for table, select_list, condition, (period_sql, period_params) in parts:
        stmt = text(
            f"SELECT {key} AS code, {select_list} FROM {table} f JOIN territory t ON t.id = f.territory_id "
            f"WHERE f.territory_id IN :ids AND {condition} AND {period_sql} GROUP BY {group}"
        ).bindparams(bindparam("ids", expanding=True))
        for row in conn.execute(stmt, {"ids": ids, **params(f), **period_params}).mappings():
            out.setdefault(row["code"], {}).update({k: v for k, v in row.items() if k != "code"})
    return out


def filtered_measures(f: RecordFilter) -> tuple[str, ...]:
    """The indicator_fact measures a filter replaces (they are 0 where nothing matches)."""
    return (CASE_MEASURES_READ if f.cases else ()) + (PROJECT_FACT_MEASURES if f.projects else ())
