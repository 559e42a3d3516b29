"""A territory's card: what a click on a communal council (the lowest level, with nothing
below it to drill into) shows. Plain data for the viewer's scope."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Connection

from geodata import indicators
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Territory
from geodata.place import resolve_place


def leaf_card(
    conn: Connection,
    code: str,
    period: indicators.Period = indicators.ALL_TIME,
    scope: Scope = NATIONAL,
    *,
    today: dt.date | None = None,
) -> dict | None:
    """The card of `code` when it has nothing below it (a click on it cannot drill), else
    None: `code, name, level, path` (names from the state down), `population`, `households`
    and `values` (every indicator over `period`, as on the KPI cards). Raises ScopeError
    for an unknown territory or one outside `scope` (the same either way)."""
    # One statement: the node, its ancestors and whether it has children.
    place = resolve_place(conn, code, scope)
    if not place.leaf:
        return None
    if not place.in_scope:  # seen only as the way down to the scope
        raise ScopeError(code)
    node = place.node
    population, households = conn.execute(
        select(Territory.population, Territory.households).where(Territory.id == node.id)
    ).one()
    return {
        "code": node.code,
        "name": node.name,
        "level": node.level,
        "path": [name for part, name in place.breadcrumb if part is not None],
        "population": population,
        "households": households,
        "values": indicators.summary(conn, node.code, period, scope, today=today),
    }
