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

from geodata.measures import CASE_OVERDUE, dimension_measures, dimension_read, select_list
from geodata.models import CASE_FACT_MEASURES, PROJECT_FACT_MEASURES

# A case is overdue when it is open and past its due date (or the default SLA) on :today:
# the rule of geodata.rules, as the spec's cases_overdue sums it.
OVERDUE_SQL = f"({CASE_OVERDUE()})"


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
    dims = f"c.territory_id, c.category, c.status, {OVERDUE_SQL} AS overdue"
    return f"""
        SELECT {dims}, c.reported_date AS day, {select_list("case_reported", CASE_FACT_MEASURES)}
          FROM case_report c
        UNION ALL
        SELECT {dims}, c.resolved_date, {select_list("case_resolved", CASE_FACT_MEASURES)}
          FROM case_report c
         WHERE c.resolved_date IS NOT NULL AND c.status IN ('resolved', 'closed')
    """


def _project_rows() -> str:
    return f"""
        SELECT p.territory_id, p.stage, coalesce(p.start_date, p.created_at::date) AS day, p.consultation_round AS round,
               {select_list("project", PROJECT_FACT_MEASURES)}
          FROM project p
        UNION ALL
        SELECT p.territory_id, p.stage, d.deposit_date, p.consultation_round, {select_list("deposit", PROJECT_FACT_MEASURES)}
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
    """Rebuild case_fact and project_fact (`values`: :today), in the caller's
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

# The case measures a filtered read returns (open and overdue among them, from the keys).
CASE_MEASURES_READ: tuple[str, ...] = dimension_measures("case_fact", stored=False)


def _case_sums() -> str:
    """The indicator_fact case measures from case_fact rows `f`."""
    return ", ".join(dimension_read(m) for m in CASE_MEASURES_READ)


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
        project_sums = ", ".join(dimension_read(m) for m in PROJECT_FACT_MEASURES)
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
