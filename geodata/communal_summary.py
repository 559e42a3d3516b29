"""The communal system of a place, territory by territory: its peace quadrants (and the
security cases inside them), defence plans, communal businesses and justices of the peace,
summed for each child of the place in one hash-aggregated pass per kind."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased

from geodata.communal import peace_caseload, quadrant_security_cases
from geodata.communal_models import CommunalBusiness, DefensePlan, PeaceJudge, PeaceQuadrant
from geodata.models import Territory
from geodata.period import Period
from geodata.place import Place
from geodata.rules import defense_plan_stale, quadrant_stale

MEASURES = (
    "quadrants", "quadrants_stale", "security_cases", "open_security_cases",
    "defense_plans", "defense_plans_stale", "businesses_active", "business_workers",
    "peace_judges", "peace_cases", "peace_open", "peace_resolved",
)


def _child_code(place: Place, path_column):
    """The code of the child of `place` a territory path runs through (its n-th code)."""
    codes_above = 0 if place.node is None else place.path.strip("/").count("/") + 1
    return func.split_part(path_column, "/", codes_above + 2)


def _children(conn: Connection, place: Place) -> list[dict]:
    t = Territory
    parent = t.parent_id.is_(None) if place.node is None else t.parent_id == place.node.id
    stmt = (
        select(t.code, t.name, t.level)
        .where(parent, t.level != "circuit", place.condition(t.path))
        .order_by(t.code)
    )
    if place.node is None:
        stmt = stmt.where(t.level == "state")
    return [dict(r._mapping) for r in conn.execute(stmt)]


def _sums(conn: Connection, place: Place, model, columns: dict) -> dict[str, dict]:
    """child code → {measure: value} for the records of `model` (by their territory)."""
    t = Territory
    child = _child_code(place, t.path)
    stmt = (
        select(child.label("child"), *(expr.label(name) for name, expr in columns.items()))
        .select_from(model)
        .join(t, t.id == model.territory_id)
        .where(place.condition(t.path))
        .group_by(child)
    )
    return {r.child: {k: r._mapping[k] for k in columns} for r in conn.execute(stmt)}


def communal_summary(conn: Connection, place: Place, period: Period = Period(), today: dt.date | None = None) -> dict:
    """{"rows": one per child of the place with every measure, "totals": the place's own,
    "sectors": active businesses per sector}. Scoped by the place (resolved and checked once)."""
    day = period.reference_day(today)
    security = quadrant_security_cases(period.date_from, period.date_to, day, within=place.condition)
    caseload = peace_caseload(period.date_from, period.date_to)
    quadrants = _quadrant_sums(conn, place, security, day)
    plans = _sums(conn, place, DefensePlan, {
        "defense_plans": func.count(),
        "defense_plans_stale": func.count().filter(defense_plan_stale(DefensePlan.last_review_date, day)),
    })
    businesses = _sums(conn, place, CommunalBusiness, {
        "businesses_active": func.count().filter(CommunalBusiness.status == "active"),
        "business_workers": func.coalesce(func.sum(CommunalBusiness.workers).filter(CommunalBusiness.status == "active"), 0),
    })
    judges = _judge_sums(conn, place, caseload)
    rows = []
    for child in _children(conn, place):
        row = dict(child)
        for source in (quadrants, plans, businesses, judges):
            row.update(source.get(child["code"], {}))
        for name in MEASURES:
            row[name] = int(row.get(name) or 0)
        row["peace_resolution_rate"] = round(100 * row["peace_resolved"] / row["peace_cases"], 1) if row["peace_cases"] else None
        rows.append(row)
    totals = {name: sum(r[name] for r in rows) for name in MEASURES}
    totals["peace_resolution_rate"] = (
        round(100 * totals["peace_resolved"] / totals["peace_cases"], 1) if totals["peace_cases"] else None
    )
    return {"rows": rows, "totals": totals, "sectors": _sectors(conn, place)}


def _children_table(place: Place):
    """The children of the place (as `_children` lists them), with their polygons."""
    t = aliased(Territory, name="child")
    parent = t.parent_id.is_(None) if place.node is None else t.parent_id == place.node.id
    conds = [parent, t.level != "circuit", place.condition(t.path)]
    if place.node is None:
        conds.append(t.level == "state")
    return select(t.code, t.geom).where(*conds).subquery("children")


def _quadrant_sums(conn: Connection, place: Place, security, day) -> dict[str, dict]:
    """Quadrants cut across the tree: each is counted in the child holding its interior
    point (not by the territory it was filed under, often the municipality itself).
    Two statements joined here: in one, the planner misjudges the spatial join as one row
    and re-runs the security join for every child."""
    children = _children_table(place)
    qt = aliased(Territory, name="qt")
    inside = func.ST_PointOnSurface(PeaceQuadrant.geom)
    # Filed at or below the children's level, the path names the child; filed above it
    # (a municipality's quadrant among its parishes), the child holding its interior point.
    by_space = (
        select(children.c.code)
        .where(children.c.geom.op("&&")(inside), func.ST_Intersects(children.c.geom, inside))
        .limit(1)
        .scalar_subquery()
    )
    child = func.coalesce(func.nullif(_child_code(place, qt.path), ""), by_space)
    placed = conn.execute(
        select(PeaceQuadrant.id, child, quadrant_stale(PeaceQuadrant.last_report_date, day).label("stale"))
        .select_from(PeaceQuadrant)
        .join(qt, qt.id == PeaceQuadrant.territory_id)
        .where(place.condition(qt.path))
    ).all()
    cases = {r.quadrant_id: r for r in conn.execute(select(security))}
    sums: dict[str, dict] = {}
    for quadrant_id, child, stale in placed:
        if child is None:  # its interior point outside every child (a sliver at the edge)
            continue
        row = sums.setdefault(child, {"quadrants": 0, "quadrants_stale": 0, "security_cases": 0, "open_security_cases": 0})
        row["quadrants"] += 1
        row["quadrants_stale"] += bool(stale)
        if (found := cases.get(quadrant_id)) is not None:
            row["security_cases"] += found.security_cases
            row["open_security_cases"] += found.open_security_cases
    return sums


def _judge_sums(conn: Connection, place: Place, caseload) -> dict[str, dict]:
    t = Territory
    child = _child_code(place, t.path)
    stmt = (
        select(
            child.label("child"),
            func.count().label("peace_judges"),
            func.coalesce(func.sum(caseload.c.cases), 0).label("peace_cases"),
            func.coalesce(func.sum(caseload.c.open_cases), 0).label("peace_open"),
            func.coalesce(func.sum(caseload.c.resolved_cases), 0).label("peace_resolved"),
        )
        .select_from(PeaceJudge)
        .join(t, t.id == PeaceJudge.territory_id)
        .outerjoin(caseload, caseload.c.judge_id == PeaceJudge.id)
        .where(place.condition(t.path))
        .group_by(child)
    )
    return {r.child: dict(r._mapping) for r in conn.execute(stmt)}


def _sectors(conn: Connection, place: Place) -> list[dict]:
    t = Territory
    stmt = (
        select(CommunalBusiness.sector, func.count().label("businesses"), func.coalesce(func.sum(CommunalBusiness.workers), 0).label("workers"))
        .join(t, t.id == CommunalBusiness.territory_id)
        .where(place.condition(t.path), CommunalBusiness.status == "active")
        .group_by(CommunalBusiness.sector)
        .order_by(func.count().desc(), CommunalBusiness.sector)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]
