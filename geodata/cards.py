"""A territory's card: what a click on a communal council (the lowest level, with nothing
below it to drill into) shows. Plain data for the viewer's scope."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Connection

from geodata import indicators
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Territory
from geodata.territory import breadcrumb, children, resolve


def is_leaf(conn: Connection, code: str) -> bool:
    """True when `code` is a territory with nothing below it (a click on it cannot drill)."""
    node = resolve(conn, code)
    return node is not None and not children(conn, node.code)


def territory_card(
    conn: Connection,
    code: str,
    period: indicators.Period = indicators.ALL_TIME,
    scope: Scope = NATIONAL,
    *,
    today: dt.date | None = None,
) -> dict:
    """`code, name, level, path` (names from the state down), `population`, `households`
    and `values` (every indicator of the territory over `period`, as on the KPI cards).
    Raises ScopeError for an unknown territory or one outside `scope` (the same either way)."""
    node = resolve(conn, code)
    if node is None or not scope.allows(node.path):
        raise ScopeError(f"territorio {code!r} no encontrado")
    population, households = conn.execute(
        select(Territory.population, Territory.households).where(Territory.id == node.id)
    ).one()
    return {
        "code": node.code,
        "name": node.name,
        "level": node.level,
        "path": [name for part, name in breadcrumb(conn, node.code) if part is not None],
        "population": population,
        "households": households,
        "values": indicators.summary(conn, node.code, period, scope, today=today),
    }
