"""The records under a territory, for the map room: where child territories are
labelled (the aggregated bubbles sit there), the consultation rounds, and what is new
since a moment (operator mode).

The individual case, project and CLAP points come from the layer registry
(`layers.registry`, read through `layers.features`), like the exports and the tiles; the
per-child counts of the bubbles are the indicators (`geodata.indicators.child_values`).

A record belongs to a territory by `territory_id`; a territory's subtree is read from its
path (`/01/0101/010101/`), so no spatial join runs at request time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Case, CaseStatusChange, Clap, ClapDelivery, Project, Territory
from geodata.place import Where, code_of, node_of

# The record layers the map room draws as points (ids of `layers.registry` layers).
RECORD_KINDS = ("cases", "projects", "claps")


def _root(conn: Connection, code: Where, scope: Scope):
    """The territory whose records are asked for (a Place, a node or a code; None: the
    country), checked against the scope."""
    node = node_of(conn, code, scope)
    if node is not None and not (scope.allows(node.path) or scope.ancestor_visible(node.path)):
        raise ScopeError(code_of(code))
    return node


def _where_territory(conn: Connection, territory, code: Where, scope: Scope) -> list:
    root = _root(conn, code, scope)
    clauses = [scope.condition(territory.path)]
    if root is not None:
        clauses.append(territory.path.startswith(root.path, autoescape=True))
    return clauses


def child_label_points(conn: Connection, parent_code: Where, scope: Scope = NATIONAL) -> dict[str, tuple[float, float]]:
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


def news_since(conn: Connection, since: dt.datetime, code: Where, scope: Scope = NATIONAL) -> dict[str, int]:
    """How many records arrived under `code` (a Place, a node or a code) after `since` (by the time they were stored):
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


def case_history(conn: Connection, code: str, scope: Scope = NATIONAL) -> list[tuple[str, dt.date]]:
    """A case's status timeline, oldest first: (status, date) pairs.

    Reported on its reported_date; then the status changes loads observed (stored in
    case_status_change, the first of them being the status the case arrived in); a case
    never changed since it arrived shows its current status from when it arrived (its
    resolved_date, for a resolved or closed case). Raises ScopeError outside `scope`.
    """
    row = conn.execute(
        select(Case.id, Case.status, Case.reported_date, Case.resolved_date, Case.created_at, Territory.path)
        .join(Territory, Territory.id == Case.territory_id)
        .where(Case.code == code)
    ).one_or_none()
    if row is None or not scope.allows(row.path):
        raise ScopeError(code)
    timeline = [("reported", row.reported_date)]
    changes = conn.execute(
        select(CaseStatusChange.status, CaseStatusChange.changed_on)
        .where(CaseStatusChange.case_id == row.id)
        .order_by(CaseStatusChange.changed_on, CaseStatusChange.id)
    ).all()
    if changes:
        timeline += [(status, changed_on) for status, changed_on in changes]
    elif row.status != "reported":
        closed = row.status in ("resolved", "closed") and row.resolved_date is not None
        timeline.append((row.status, row.resolved_date if closed else max(row.created_at.date(), row.reported_date)))
    return timeline


def case_detail(conn: Connection, code: str, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """One case as plain data, for its detail panel: what it is, where, its dates, whether it
    is overdue on `today` (by `geodata.rules`), the solutions linked to it (projects and
    agreements, through case_solution) and its status `timeline` (`case_history`).

    Codes are stored values (status, category, area); the caller labels them. Raises
    ScopeError for an unknown case or one outside `scope`.
    """
    from geodata.models import Agreement, CaseSolution
    from geodata.rules import case_due_date, case_overdue
    from geodata.territory import breadcrumb

    as_of = today or dt.date.today()
    row = conn.execute(
        select(
            Case.id,
            Case.code,
            Case.category,
            Case.area,
            Case.status,
            Case.institution,
            Case.reported_date,
            Case.due_date,
            case_due_date().label("due_by"),
            Case.resolved_date,
            Case.description,
            case_overdue(as_of).label("overdue"),
            Territory.code.label("territory_code"),
            Territory.name.label("territory_name"),
            Territory.level.label("territory_level"),
            Territory.path,
        )
        .join(Territory, Territory.id == Case.territory_id)
        .where(Case.code == code)
    ).one_or_none()
    if row is None or not scope.allows(row.path):
        raise ScopeError(code)
    solutions = []
    for kind, model, link, label, state in (
        ("project", Project, CaseSolution.project_id, Project.name, Project.stage),
        ("agreement", Agreement, CaseSolution.agreement_id, Agreement.text, Agreement.status),
    ):
        linked = conn.execute(
            select(model.code, label, state)
            .join(CaseSolution, link == model.id)
            .where(CaseSolution.case_id == row.id)
            .order_by(model.code)
        ).all()
        solutions += [{"kind": kind, "code": c, "label": text_, "status": status} for c, text_, status in linked]
    return {
        "code": row.code,
        "category": row.category,
        "area": row.area,
        "status": row.status,
        "institution": row.institution,
        "territory_code": row.territory_code,
        "territory_name": row.territory_name,
        "territory_level": row.territory_level,
        # Country, state, … down to the case's territory: (code, name) pairs.
        "breadcrumb": breadcrumb(conn, row.territory_code),
        "reported_date": row.reported_date,
        "due_date": row.due_date,  # its own due date, if the ministry gave one
        "due_by": row.due_by,  # the date it is judged against (own due date or the default SLA)
        "resolved_date": row.resolved_date,
        "description": row.description,
        "overdue": bool(row.overdue),
        "solutions": solutions,
        "timeline": case_history(conn, code, scope),
    }
