"""The room's timeline: cases reported per week in each child of a place, so the map can
play a spike growing week by week.

One grouped read per view (children × weeks rows: 25 states × 26 weeks is 650), from the
facts the room already keeps — `indicator_fact` with no case filter, `case_fact` (its
filter dimensions) with one — for states, municipalities and parishes; below a parish
the few cases under it are read live, with the same filter.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, bindparam, text

from geodata import facts
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.indicators import MATERIALISED_MAX_DEPTH
from geodata.rules import CASE_SLA_DAYS
from geodata.place import Where, code_of, node_of
from geodata.territory import children

MAX_WEEKS = 26
DEFAULT_WEEKS = 13


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks(date_from: dt.date | None, date_to: dt.date | None, today: dt.date) -> list[dt.date]:
    """The Mondays of the weeks a period covers, oldest first: at most MAX_WEEKS (the
    latest), the last DEFAULT_WEEKS up to today for a period with no start."""
    last = monday(min(date_to or today, today))
    first = monday(date_from) if date_from else last - dt.timedelta(weeks=DEFAULT_WEEKS - 1)
    first = max(first, last - dt.timedelta(weeks=MAX_WEEKS - 1))
    count = (last - first).days // 7 + 1
    return [first + dt.timedelta(weeks=i) for i in range(max(count, 0))]


def weekly_child_cases(conn: Connection, parent_code: Where, mondays: list[dt.date], scope: Scope = NATIONAL,
                       filters: facts.RecordFilter = facts.NO_FILTER, today: dt.date | None = None) -> dict:
    """{"children": [{code, name}], "counts": {code: [cases reported each week]}} for the
    children of `parent_code` (a Place, a node or a code; None: the states) that the scope may see."""
    parent = node_of(conn, parent_code, scope)
    if parent is None:
        nodes = [n for n in children(conn, None) if scope.allows(n.path)]
        depth, prefix = 0, None
    else:
        if not (scope.allows(parent.path) or scope.ancestor_visible(parent.path)):
            raise ScopeError(code_of(parent_code))
        nodes = [n for n in children(conn, parent) if scope.allows(n.path)]
        depth, prefix = parent.depth + 1, parent.path
    out = {"children": [{"code": n.code, "name": n.name} for n in nodes], "counts": {n.code: [0] * len(mondays) for n in nodes}}
    if not nodes or not mondays:
        return out
    span = {"first": mondays[0], "last": mondays[-1] + dt.timedelta(days=6)}
    week = "date_trunc('week', {day})::date"
    if depth <= MATERIALISED_MAX_DEPTH:
        if filters.cases:
            table, measure, condition = "case_fact", "f.cases_reported", facts.case_condition(filters, "f", overdue_col="overdue")
        else:
            table, measure, condition = "indicator_fact", "f.cases_reported", "TRUE"
        stmt = text(
            f"SELECT t.code, {week.format(day='f.day')} AS week, sum({measure}) AS n FROM {table} f "
            f"JOIN territory t ON t.id = f.territory_id WHERE f.territory_id IN :ids AND f.day BETWEEN :first AND :last "
            f"AND {condition} GROUP BY 1, 2 HAVING sum({measure}) > 0"
        ).bindparams(bindparam("ids", expanding=True))
        params = {"ids": [n.id for n in nodes], **span, **facts.params(filters)}
    else:
        stmt = text(
            f"SELECT split_part(t.path, '/', {depth + 2}) AS code, {week.format(day='c.reported_date')} AS week, count(*) AS n "
            f"FROM case_report c JOIN territory t ON t.id = c.territory_id "
            f"WHERE t.path LIKE :prefix AND c.reported_date BETWEEN :first AND :last AND {facts.case_condition(filters)} "
            f"GROUP BY 1, 2"
        )
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # «Solo vencidos» below a parish: overdue on `today`, as the facts hold it on their refresh day.
        params = {"prefix": escaped + "%", **span, **facts.params(filters), "today": today or dt.date.today(), "sla": CASE_SLA_DAYS}
    index = {m: i for i, m in enumerate(mondays)}
    for row in conn.execute(stmt, params):
        if row.code in out["counts"] and row.week in index:
            out["counts"][row.code][index[row.week]] = int(row.n)
    return out
