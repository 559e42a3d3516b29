"""Reading the indicators: the values of a territory's children, of every territory of a
level, of one territory, and its weekly series.

The whole period, with no record filter, is read from indicator_total (one row per
territory, `geodata.indicators.totals`). Otherwise the upper levels (state, municipality,
parish) read indicator_fact (or, with a record filter on, the facts by dimension); below
a parish the record rows are summed live, their subtrees being small. The paths group by
the child's code, taken from the record's territory path, so a drill-down never joins
points to polygons. Each indicator's value is
composed from the sums and the snapshot as its declaration says (`geodata.measures`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select, text

from geodata import facts
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.facts import NO_FILTER, RecordFilter
from geodata.indicators.rows import (
    ALL,
    MATERIALISED_MAX_DEPTH,
    SUBTREE,
    like_prefix,
    params as rule_params,
    period_sql,
    record_rows,
)
from geodata.indicators.totals import stored_sums
from geodata.measures import FACT_MEASURES, SNAPSHOT, compose, num
from geodata.models import Territory
from geodata.period import ALL_TIME, Period
from geodata.place import Where, code_of, node_of
from geodata.territory import TerritoryNode, children, nodes_where, subtree_condition


@dataclass
class _Target:
    """The territories whose indicators are asked for, and how to group records onto them."""

    nodes: list[TerritoryNode]
    depth: int  # depth of the nodes
    prefix: str | None  # subtree that holds all their records (None: the whole country)
    rollup: bool = False  # True: sum all nodes into one row (the country's summary)


def _filtered(conn: Connection, out: dict[str, dict], key: str, ids: list[int], period: Period,
              record_filter: RecordFilter) -> dict[str, dict]:
    """`out` (indicator_fact's sums per code) with the measures a record filter acts on
    read from the facts by dimension instead (0 where no record matches)."""
    if not record_filter.any:
        return out
    dates = Period(period.date_from, period.date_to)  # cases belong to no round
    by_dimension = facts.sums(conn, key, ids, record_filter, period_sql(dates, "f.day", "f.round"),
                              period_sql(period, "f.day", "f.round"))
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
    stored = stored_sums(conn, [n.id for n in target.nodes], period, today, record_filter, target.rollup)
    if stored is not None:
        return stored
    sums = ", ".join(f"sum({m}) AS {m}" for m in FACT_MEASURES)
    group = "''" if target.rollup else None
    if target.depth <= MATERIALISED_MAX_DEPTH:
        where, params = period_sql(period, "f.day", "f.round")
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
    where, params = period_sql(period, "r.day", "r.round")
    key = group or f"split_part(t.path, '/', {target.depth + 2})"
    subtree = ALL if target.prefix is None else SUBTREE
    sql = (
        f"WITH r AS ({record_rows(subtree, record_filter)}) "
        f"SELECT {key} AS code, {sums} FROM r JOIN territory t ON t.id = r.territory_id "
        f"WHERE {where} GROUP BY 1"
    )
    if target.prefix is not None:
        params["prefix"] = like_prefix(target.prefix)
    params.update(rule_params(today), **facts.params(record_filter))
    rows = conn.execute(text(sql), params).mappings()
    return {row["code"]: dict(row) for row in rows}


def _snapshot(conn: Connection, target: _Target) -> dict[str, dict]:
    """Measures that are a state of now, not of a period: households, population, CLAPs."""
    if not target.nodes:
        return {}
    key = "''" if target.rollup else "t.code"
    measures = ", ".join(f"{sql} AS {name}" for name, sql in SNAPSHOT.items())
    rows = conn.execute(
        text(
            f"""
            SELECT {key} AS code, {measures}
              FROM indicator_snapshot s JOIN territory t ON t.id = s.territory_id
             WHERE s.territory_id = ANY(:ids)
             GROUP BY 1
            """
        ),
        {"ids": [n.id for n in target.nodes]},
    ).mappings()
    return {row["code"]: dict(row) for row in rows}


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
        {"code": n.code, "name": n.name, "level": n.level, **compose(sums.get(n.code, {}), snap.get(n.code, {}))}
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
    only: tuple[str, ...] | None = None,
) -> dict[str, dict]:
    """Indicator values of every territory of `level` inside `within` (None: the country),
    keyed by code: what map layers and exports join to their features (`only`: just those
    indicators, for 49,000 councils the composing is most of the time)."""
    conditions = [Territory.level == level, scope.condition()]
    prefix = None
    if within is not None:
        prefix = _resolve_visible(conn, within, scope).path
        conditions.append(subtree_condition(prefix))
    nodes = nodes_where(conn, *conditions)
    sums: dict[str, dict] = {}
    # A level may sit at several depths (a council under a commune or straight under a
    # parish): group by depth so each group's records fold onto the right path part.
    for depth in sorted({n.depth for n in nodes}):
        group = [n for n in nodes if n.depth == depth]
        sums.update(_sums(conn, _Target(group, depth, prefix), period, today, filters))
    snap = _snapshot(conn, _Target(nodes, 0, prefix))  # the snapshot is keyed by code: one read for every depth
    return {n.code: compose(sums.get(n.code, {}), snap.get(n.code, {}), only) for n in nodes}


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
    return compose(sums.get("", {}), snap.get("", {}))


# What the weekly charts plot.
WEEKLY_MEASURES = ("cases_reported", "cases_resolved", "deposits_amount", "deliveries")


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
    cols = ", ".join(f"sum({m}) AS {m}" for m in WEEKLY_MEASURES)
    if depth <= MATERIALISED_MAX_DEPTH:
        where, params = period_sql(period, "day", "round")
        stmt = text(
            f"SELECT date_trunc('week', day)::date AS week, {cols} FROM indicator_fact "
            f"WHERE territory_id IN :ids AND {where} GROUP BY 1 ORDER BY 1"
        ).bindparams(bindparam("ids", expanding=True))
        params["ids"] = [n.id for n in nodes]
        weeks = {row["week"]: dict(row) for row in conn.execute(stmt, params).mappings()}
        if filters.any:
            # The filtered weeks' sums, keyed by week as the facts by dimension give them.
            _filtered(conn, weeks, "date_trunc('week', f.day)::date", params["ids"], period, filters)
        keep = ("week", *WEEKLY_MEASURES)
        return [{k: num(weeks[w].get(k)) for k in keep} for w in sorted(weeks)]
    where, params = period_sql(period, "r.day", "r.round")
    stmt = text(
        f"WITH r AS ({record_rows(SUBTREE, filters, WEEKLY_MEASURES)}) SELECT date_trunc('week', r.day)::date AS week, {cols} "
        f"FROM r WHERE r.day IS NOT NULL AND {where} GROUP BY 1 ORDER BY 1"
    )
    params.update(rule_params(today), prefix=like_prefix(prefix), **facts.params(filters))
    return [{k: num(v) for k, v in row.items()} for row in conn.execute(stmt, params).mappings()]


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
