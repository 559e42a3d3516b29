"""The records under a territory as map points: cases, projects and CLAPs.

Two shapes, both scoped and filtered by the period on screen:
- `points`: individual records with their key fields (for a municipality and below);
- `aggregate_by_child`: one point per child territory with the count (for the country
  and a state, where individual points would be tens of thousands).

A record belongs to a territory by `territory_id`; the child it falls in is read from the
territory path (`/01/0101/010101/`), so no spatial join runs at request time. A record
without its own point is drawn at its territory's label point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.orm import aliased

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Case, Clap, ClapDelivery, Project, Territory
from geodata.territory import resolve
from geodata.vocab import CASE_CATEGORIES, CASE_STATUSES, OPEN_CASE_STATUSES, PROJECT_STAGES

if TYPE_CHECKING:  # the period type lives with the indicators
    from geodata.indicators import Period

RECORD_KINDS = ("cases", "projects", "claps")
# A municipality can hold thousands of cases: the newest 2,000 keep a map readable and
# its payload near 100 kB compressed on a slow link.
DEFAULT_POINT_LIMIT = 2000


@dataclass(frozen=True)
class PointSet:
    """Points of one kind under one territory; `total` counts all, `points` may be capped."""

    kind: str
    points: list[dict[str, Any]]
    total: int
    aggregated: bool

    @property
    def truncated(self) -> bool:
        return not self.aggregated and self.total > len(self.points)


def _root(conn: Connection, code: str | None, scope: Scope):
    """The territory whose records are asked for (None: the country), checked against the scope."""
    if code is None:
        return None
    node = resolve(conn, code)
    if node is None or not (scope.allows(node.path) or scope.ancestor_visible(node.path)):
        raise ScopeError(code)
    return node


def _where_territory(conn: Connection, territory, code: str | None, scope: Scope) -> list:
    root = _root(conn, code, scope)
    clauses = [scope.condition(territory.path)]
    if root is not None:
        clauses.append(territory.path.startswith(root.path, autoescape=True))
    return clauses


def _case_period(period: Period | None) -> list:
    clauses = []
    if period is not None and period.date_from:
        clauses.append(Case.reported_date >= period.date_from)
    if period is not None and period.date_to:
        clauses.append(Case.reported_date <= period.date_to)
    return clauses


def _project_period(period: Period | None) -> list:
    """A project is in the period when chosen in that round, or active during the dates."""
    clauses = []
    if period is None:
        return clauses
    if period.consultation_round:
        clauses.append(Project.consultation_round == period.consultation_round)
    if period.date_to:
        clauses.append(or_(Project.start_date.is_(None), Project.start_date <= period.date_to))
    if period.date_from:
        clauses.append(or_(Project.end_date.is_(None), Project.end_date >= period.date_from))
    return clauses


def _reference_day(period: Period | None, today: dt.date | None) -> dt.date:
    """'Overdue' and 'days since' are judged at the end of the period, or today."""
    today = today or dt.date.today()
    if period is not None and period.date_to and period.date_to < today:
        return period.date_to
    return today


def _lonlat(record_geom, territory):
    point = func.coalesce(record_geom, territory.label_point, func.ST_PointOnSurface(territory.geom))
    return func.ST_X(point).label("lon"), func.ST_Y(point).label("lat")


def _case_query(period, day):
    t = aliased(Territory)
    overdue = and_(Case.status.in_(OPEN_CASE_STATUSES), Case.due_date.isnot(None), Case.due_date < day)
    lon, lat = _lonlat(Case.geom, t)
    query = (
        select(
            Case.code,
            Case.category,
            Case.status,
            Case.reported_date,
            Case.due_date,
            Case.resolved_date,
            Case.institution,
            overdue.label("overdue"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            lon,
            lat,
        )
        .join(t, t.id == Case.territory_id)
        .where(*_case_period(period))
        .order_by(Case.reported_date.desc(), Case.code)
    )
    return query, t


def _project_query(period, day):
    t = aliased(Territory)
    lon, lat = _lonlat(Project.geom, t)
    query = (
        select(
            Project.code,
            Project.name,
            Project.stage,
            Project.consultation_round,
            Project.area,
            Project.sector,
            Project.budget,
            Project.progress,
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            lon,
            lat,
        )
        .join(t, t.id == Project.territory_id)
        .where(*_project_period(period))
        .order_by(Project.code)
    )
    return query, t


def _clap_query(period, day):
    t = aliased(Territory)
    lon, lat = _lonlat(Clap.geom, t)
    last = (
        select(func.max(ClapDelivery.delivery_date))
        .where(ClapDelivery.clap_id == Clap.id, ClapDelivery.delivery_date <= day)
        .scalar_subquery()
    )
    query = (
        select(
            Clap.code,
            Clap.name,
            Clap.households,
            last.label("last_delivery"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            lon,
            lat,
        )
        .join(t, t.id == Clap.territory_id)
        .order_by(Clap.code)
    )
    return query, t


_QUERIES = {"cases": _case_query, "projects": _project_query, "claps": _clap_query}


def _check_kind(kind: str) -> None:
    if kind not in _QUERIES:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(RECORD_KINDS)}")


def _decorate(kind: str, row: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """Add the Spanish labels the popups show; keep the canonical values too."""
    if kind == "cases":
        row["category_label"] = CASE_CATEGORIES.get(row["category"], row["category"])
        row["status_label"] = CASE_STATUSES.get(row["status"], row["status"])
    elif kind == "projects":
        row["stage_label"] = PROJECT_STAGES.get(row["stage"], row["stage"])
        row["budget"] = float(row["budget"]) if row["budget"] is not None else None
        row["progress"] = float(row["progress"]) if row["progress"] is not None else None
    elif kind == "claps":
        last = row["last_delivery"]
        row["days_since_delivery"] = (day - last).days if last else None
    for key, value in list(row.items()):
        if isinstance(value, dt.date):
            row[key] = value.isoformat()
    # About a metre: all a map point needs, and a third fewer bytes on the wire.
    row["lon"] = round(row["lon"], 5) if row["lon"] is not None else None
    row["lat"] = round(row["lat"], 5) if row["lat"] is not None else None
    return row


def points(
    conn: Connection,
    kind: str,
    code: str | None,
    period: Period | None = None,
    scope: Scope = NATIONAL,
    limit: int = DEFAULT_POINT_LIMIT,
    today: dt.date | None = None,
) -> PointSet:
    """The individual records of `kind` under `code`, newest first, at most `limit`."""
    _check_kind(kind)
    day = _reference_day(period, today)
    query, t = _QUERIES[kind](period, day)
    query = query.where(*_where_territory(conn, t, code, scope))
    total = conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = conn.execute(query.limit(limit)).mappings().all()
    return PointSet(kind, [_decorate(kind, dict(r), day) for r in rows], total, aggregated=False)


def aggregate_by_child(
    conn: Connection,
    kind: str,
    parent_code: str | None,
    period: Period | None = None,
    scope: Scope = NATIONAL,
    today: dt.date | None = None,
) -> PointSet:
    """One point per child of `parent_code` (None: per state) with the number of records.

    For cases also the open and overdue counts, for projects the budget, for CLAPs the
    households: what a hover over a bubble should tell.
    """
    _check_kind(kind)
    day = _reference_day(period, today)
    parent = _root(conn, parent_code, scope)
    depth = 0 if parent is None else parent.depth + 1
    rt = aliased(Territory)  # the record's own territory
    child = aliased(Territory)
    # The path's (depth+2)-th part is the code of the child the record falls in.
    child_code = func.split_part(rt.path, "/", depth + 2)
    if kind == "cases":
        base = select(
            child_code.label("child_code"),
            func.count().label("count"),
            func.count().filter(Case.status.in_(OPEN_CASE_STATUSES)).label("open"),
            func.count()
            .filter(Case.status.in_(OPEN_CASE_STATUSES), Case.due_date < day)
            .label("overdue"),
        ).join(rt, rt.id == Case.territory_id).where(*_case_period(period))
    elif kind == "projects":
        base = select(
            child_code.label("child_code"),
            func.count().label("count"),
            func.coalesce(func.sum(Project.budget), 0).label("budget"),
        ).join(rt, rt.id == Project.territory_id).where(*_project_period(period))
    else:
        base = select(
            child_code.label("child_code"),
            func.count().label("count"),
            func.coalesce(func.sum(Clap.households), 0).label("households"),
        ).join(rt, rt.id == Clap.territory_id)
    base = base.where(scope.condition(rt.path))
    if parent is not None:
        base = base.where(rt.path.startswith(parent.path, autoescape=True), rt.id != parent.id)
    counts = base.group_by(child_code).subquery()
    point = func.coalesce(child.label_point, func.ST_PointOnSurface(func.coalesce(child.geom_display, child.geom)))
    query = (
        select(
            counts,
            child.name.label("name"),
            child.level.label("level"),
            func.ST_X(point).label("lon"),
            func.ST_Y(point).label("lat"),
        )
        .join(child, child.code == counts.c.child_code)
        .order_by(counts.c["count"].desc())
    )
    rows = []
    for r in conn.execute(query).mappings():
        row = dict(r)
        row["code"] = row.pop("child_code")
        for key in ("budget",):
            if key in row and row[key] is not None:
                row[key] = float(row[key])
        rows.append(row)
    return PointSet(kind, rows, sum(r["count"] for r in rows), aggregated=True)


def child_label_points(conn: Connection, parent_code: str | None, scope: Scope = NATIONAL) -> dict[str, tuple[float, float]]:
    """Where each child of `parent_code` (None: each state) is labelled: its label point,
    or a point inside it. Aggregated bubbles sit there."""
    parent = _root(conn, parent_code, scope)
    point = func.coalesce(Territory.label_point, func.ST_PointOnSurface(func.coalesce(Territory.geom_display, Territory.geom)))
    query = select(Territory.code, func.ST_X(point), func.ST_Y(point)).where(
        Territory.level != "circuit", scope.condition(Territory.path)
    )
    query = query.where(Territory.parent_id.is_(None) if parent is None else Territory.parent_id == parent.id)
    return {code: (round(x, 5), round(y, 5)) for code, x, y in conn.execute(query) if x is not None}


def consultation_rounds(conn: Connection) -> list[str]:
    """The consultation rounds projects were chosen in, newest first (the period picker)."""
    rows = conn.execute(select(Project.consultation_round).distinct()).scalars().all()

    def key(r: str):
        year, _, number = r.partition("-")
        return (int(year), int(number or 0))

    return sorted(rows, key=key, reverse=True)


def news_since(conn: Connection, since: dt.datetime, code: str | None, scope: Scope = NATIONAL) -> dict[str, int]:
    """How many records arrived under `code` after `since` (by the time they were stored):
    what operator mode flags as new between two refreshes."""
    from geodata.models import Agreement, Deposit

    t = aliased(Territory)
    where = _where_territory(conn, t, code, scope)
    counts = {}
    for key, model, territory_col in (
        ("cases", Case, Case.territory_id),
        ("projects", Project, Project.territory_id),
        ("agreements", Agreement, Agreement.municipality_id),
    ):
        counts[key] = conn.execute(
            select(func.count()).select_from(model).join(t, t.id == territory_col).where(model.created_at > since, *where)
        ).scalar_one()
    counts["deposits"] = conn.execute(
        select(func.count())
        .select_from(Deposit)
        .join(Project, Project.id == Deposit.project_id)
        .join(t, t.id == Project.territory_id)
        .where(Deposit.created_at > since, *where)
    ).scalar_one()
    counts["deliveries"] = conn.execute(
        select(func.count())
        .select_from(ClapDelivery)
        .join(Clap, Clap.id == ClapDelivery.clap_id)
        .join(t, t.id == Clap.territory_id)
        .where(ClapDelivery.created_at > since, *where)
    ).scalar_one()
    return counts


def database_now(conn: Connection) -> dt.datetime:
    """The database's clock: operator mode compares stored times with it, not the web server's."""
    return conn.execute(select(func.now())).scalar_one()
