"""The Map of Solutions of a municipality: problems beside solutions, and what is unanswered.

Problems are the 1x10 cases (by category) and the ACA needs (projects proposed or
approved but not funded yet); solutions are the projects under way and the cabinet's
agreements; the links are `case_solution` (case → project or agreement) and
`agreement_project`. An open case with no link is unanswered.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, exists, func, select
from sqlalchemy.orm import aliased

from geodata import errors as sala_errors
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import (
    Agreement,
    AgreementProject,
    Case,
    CaseSolution,
    Project,
    Territory,
    WorkingTable,
)
from geodata.rules import agreement_overdue, case_overdue
from geodata.place import Place, Where, code_of, resolve_place
from geodata.vocab import (
    AGREEMENT_STATUSES,
    AREAS,
    CASE_CATEGORIES,
    CASE_STATUSES,
    OPEN_CASE_STATUSES,
    PROJECT_STAGES,
    sector_label,
)

if TYPE_CHECKING:
    from geodata.indicators import Period

NEED_STAGES = ("proposed", "approved")
UNANSWERED_LIST_LIMIT = 200


class NotAMunicipality(sala_errors.InvalidInput):
    """The Map of Solutions is drawn per municipality; the code given is above one."""


def municipality_of(conn: Connection, code: Where, scope: Scope = NATIONAL):
    """The municipality node for `code` (a Place, or a code resolved here: itself, or the
    one it lies in)."""
    place = code if isinstance(code, Place) else resolve_place(conn, code_of(code), scope)
    node = place.node
    if node is None:
        raise ScopeError(code_of(code))
    found = place.ancestor("municipality")
    if found is not None:
        return found
    raise NotAMunicipality(f"{code_of(code)} ({node.name}) no está dentro de un municipio")


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _period_dates(column, period):
    clauses = []
    if period is not None and period.date_from:
        clauses.append(column >= period.date_from)
    if period is not None and period.date_to:
        clauses.append(column <= period.date_to)
    return clauses


class _Query:
    """What every query of one Map of Solutions shares: the municipality, the day
    «overdue» is judged on, the territory alias and the case conditions."""

    def __init__(self, mun, period: Period | None, scope: Scope, today: dt.date | None):
        self.mun, self.period, self.scope = mun, period, scope
        today = today or dt.date.today()
        self.day = period.date_to if period is not None and period.date_to and period.date_to < today else today
        self.t = aliased(Territory)
        self.in_mun = self.t.path.startswith(mun.path, autoescape=True)
        self.in_scope = scope.condition(self.t.path)
        # PostgreSQL runs this as one hashed scan of case_solution, not a probe per case.
        self.has_solution = exists().where(CaseSolution.case_id == Case.id)
        self.case_where = [self.in_mun, self.in_scope, *_period_dates(Case.reported_date, period)]
        self.is_open = Case.status.in_(OPEN_CASE_STATUSES)


def _categories(conn: Connection, w: _Query):
    """Per case category: cases, open, with a solution, unanswered (most unanswered first)."""
    t, has_solution, case_where, is_open = w.t, w.has_solution, w.case_where, w.is_open
    categories = [
        {
            "category": r.category,
            "label": CASE_CATEGORIES.get(r.category, r.category),
            "cases": r.cases,
            "open": r.open,
            "with_solution": r.with_solution,
            "unanswered": r.unanswered,
        }
        for r in conn.execute(
            select(
                Case.category,
                func.count().label("cases"),
                func.count().filter(is_open).label("open"),
                func.count().filter(has_solution).label("with_solution"),
                func.count().filter(is_open, ~has_solution).label("unanswered"),
            )
            .join(t, t.id == Case.territory_id)
            .where(*case_where)
            .group_by(Case.category)
            .order_by(func.count().filter(is_open, ~has_solution).desc(), func.count().desc())
        )
    ]
    return categories


def _projects(conn: Connection, w: _Query):
    """(ACA needs: projects not funded yet, projects under way) of the municipality."""
    t, in_mun, in_scope, period = w.t, w.in_mun, w.in_scope, w.period
    project_where = [in_mun, in_scope]
    if period is not None and period.consultation_round:
        project_where.append(Project.consultation_round == period.consultation_round)
    project_rows = conn.execute(
        select(
            Project.id,
            Project.code,
            Project.name,
            Project.stage,
            Project.area,
            Project.sector,
            Project.budget,
            Project.progress,
            Project.consultation_round,
            t.name.label("territory_name"),
            func.ST_X(Project.geom).label("lon"),
            func.ST_Y(Project.geom).label("lat"),
        )
        .join(t, t.id == Project.territory_id)
        .where(*project_where)
        .order_by(Project.stage, Project.code)
    ).mappings()
    needs, projects = [], []
    for r in project_rows:
        item = {
            "code": r.code,
            "name": r.name,
            "stage": r.stage,
            "stage_label": PROJECT_STAGES.get(r.stage, r.stage),
            "area_label": AREAS.get(r.area, r.area),
            "sector": r.sector,
            "sector_label": sector_label(r.sector),
            "budget": float(r.budget) if r.budget is not None else None,
            "progress": float(r.progress) if r.progress is not None else None,
            "round": r.consultation_round,
            "territory_name": r.territory_name,
            "lon": r.lon,
            "lat": r.lat,
        }
        (needs if r.stage in NEED_STAGES else projects).append(item)
    return needs, projects


def _agreements(conn: Connection, w: _Query):
    """The cabinet's agreements with their status, due date, overdue days and links."""
    day, mun, period, scope = w.day, w.mun, w.period, w.scope
    linked_cases = (
        select(func.count(func.distinct(CaseSolution.case_id)))
        .where(CaseSolution.agreement_id == Agreement.id)
        .scalar_subquery()
    )
    linked_projects = (
        select(func.count()).where(AgreementProject.agreement_id == Agreement.id).scalar_subquery()
    )
    overdue = agreement_overdue(day)
    agreements = [
        {
            "code": r.code,
            "cabinet_date": _iso(r.cabinet_date),
            "area": r.area,
            "area_label": AREAS.get(r.area, r.area),
            "working_table": r.working_table,
            "text": r.text,
            "institution": r.institution,
            "status": r.status,
            "status_label": "Vencido" if r.overdue else AGREEMENT_STATUSES.get(r.status, r.status),
            "due_date": _iso(r.due_date),
            "done_date": _iso(r.done_date),
            "overdue": bool(r.overdue),
            "days_overdue": (day - r.due_date).days if r.overdue else 0,
            "linked_cases": r.linked_cases,
            "linked_projects": r.linked_projects,
        }
        for r in conn.execute(
            select(
                Agreement.code,
                Agreement.cabinet_date,
                Agreement.area,
                WorkingTable.name.label("working_table"),
                Agreement.text,
                Agreement.institution,
                Agreement.status,
                Agreement.due_date,
                Agreement.done_date,
                overdue.label("overdue"),
                linked_cases.label("linked_cases"),
                linked_projects.label("linked_projects"),
            )
            .outerjoin(WorkingTable, WorkingTable.id == Agreement.working_table_id)
            .where(Agreement.municipality_id == mun.id, *_period_dates(Agreement.cabinet_date, period))
            .order_by(overdue.desc(), Agreement.due_date.asc().nulls_last(), Agreement.code)
        ).mappings()
    ] if scope.allows(mun.path) else []
    return agreements


def _links(conn: Connection, w: _Query):
    """Case → solution pairs, with points when both ends have one."""
    t, case_where = w.t, w.case_where
    p, a = aliased(Project), aliased(Agreement)
    links = [
        {
            "case_code": r.case_code,
            "category_label": CASE_CATEGORIES.get(r.category, r.category),
            "case_status_label": CASE_STATUSES.get(r.status, r.status),
            "solution_kind": "project" if r.project_code else "agreement",
            "solution_code": r.project_code or r.agreement_code,
            "solution_label": r.project_name or r.agreement_text,
            "case_lon": r.case_lon,
            "case_lat": r.case_lat,
            "solution_lon": r.project_lon,
            "solution_lat": r.project_lat,
        }
        for r in conn.execute(
            select(
                Case.code.label("case_code"),
                Case.category,
                Case.status,
                func.ST_X(Case.geom).label("case_lon"),
                func.ST_Y(Case.geom).label("case_lat"),
                p.code.label("project_code"),
                p.name.label("project_name"),
                func.ST_X(p.geom).label("project_lon"),
                func.ST_Y(p.geom).label("project_lat"),
                a.code.label("agreement_code"),
                a.text.label("agreement_text"),
            )
            .select_from(CaseSolution)
            .join(Case, Case.id == CaseSolution.case_id)
            .join(t, t.id == Case.territory_id)
            .outerjoin(p, p.id == CaseSolution.project_id)
            .outerjoin(a, a.id == CaseSolution.agreement_id)
            .where(*case_where)
            .order_by(Case.code)
        ).mappings()
    ]
    return links


def _unanswered(conn: Connection, w: _Query):
    """Open cases with no solution, oldest first, at most UNANSWERED_LIST_LIMIT."""
    t, day, has_solution, case_where, is_open = w.t, w.day, w.has_solution, w.case_where, w.is_open
    unanswered = [
        {
            "code": r.code,
            "category_label": CASE_CATEGORIES.get(r.category, r.category),
            "status_label": CASE_STATUSES.get(r.status, r.status),
            "reported_date": _iso(r.reported_date),
            "due_date": _iso(r.due_date),
            "overdue": r.overdue,
            "territory_name": r.territory_name,
            "institution": r.institution,
            "lon": r.lon,
            "lat": r.lat,
        }
        for r in conn.execute(
            select(
                Case.code,
                Case.category,
                Case.status,
                Case.reported_date,
                Case.due_date,
                Case.institution,
                case_overdue(day).label("overdue"),
                t.name.label("territory_name"),
                func.ST_X(func.coalesce(Case.geom, t.label_point)).label("lon"),
                func.ST_Y(func.coalesce(Case.geom, t.label_point)).label("lat"),
            )
            .join(t, t.id == Case.territory_id)
            .where(*case_where, is_open, ~has_solution)
            .order_by(Case.reported_date.asc(), Case.code)
            .limit(UNANSWERED_LIST_LIMIT)
        ).mappings()
    ]
    return unanswered


def solutions_map(
    conn: Connection,
    code: Where,
    period: Period | None = None,
    scope: Scope = NATIONAL,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the Map of Solutions page shows for the municipality of `code` (a Place,
    or a code), one query per part.

    Keys: `municipality` (code, name), `categories` (per case category: cases, open,
    with_solution, unanswered), `needs` (ACA projects not yet funded), `projects`,
    `agreements` (with status, due date, overdue, linked cases and projects), `links`
    (case → solution pairs, with points when both ends have one), `unanswered` (open
    cases with no solution, newest first) and `totals`.
    """
    mun = municipality_of(conn, code, scope)
    w = _Query(mun, period, scope, today)
    categories = _categories(conn, w)
    needs, projects = _projects(conn, w)
    agreements = _agreements(conn, w)
    links = _links(conn, w)
    unanswered = _unanswered(conn, w)

    totals = {
        "cases": sum(c["cases"] for c in categories),
        "open": sum(c["open"] for c in categories),
        "with_solution": sum(c["with_solution"] for c in categories),
        "unanswered": sum(c["unanswered"] for c in categories),
        "needs": len(needs),
        "projects": len(projects),
        "agreements": len(agreements),
        "agreements_overdue": sum(1 for x in agreements if x["overdue"]),
    }
    return {
        "municipality": {"code": mun.code, "name": mun.name, "path": mun.path},
        "categories": categories,
        "needs": needs,
        "projects": projects,
        "agreements": agreements,
        "links": links,
        "unanswered": unanswered,
        "totals": totals,
    }


def municipalities(conn: Connection, scope: Scope = NATIONAL) -> list[dict[str, str]]:
    """The municipalities the scope may see, with their state, for choosing a Map of Solutions."""
    state = aliased(Territory)
    rows = conn.execute(
        select(Territory.code, Territory.name, state.name.label("state_name"))
        .join(state, state.id == Territory.parent_id)
        .where(Territory.level == "municipality", scope.condition(Territory.path))
        .order_by(state.name, Territory.name)
    )
    return [{"code": r.code, "name": r.name, "state_name": r.state_name} for r in rows]
