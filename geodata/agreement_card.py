"""One cabinet agreement for its card: what was agreed, by whom and for when, the cases and
projects it answers, its municipality's follow-up team (whom it may be assigned to), and
the status as the last load observed it. Read in the viewer's scope: an unknown agreement
and one outside the scope raise the same ScopeError."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, or_, select

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Agreement, AgreementProject, Case, CaseSolution, FollowUpEntry, Project, Territory, WorkingTable
from geodata.team import members_of
from geodata.territory import breadcrumb


def agreement_detail(conn: Connection, code: str, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    if not isinstance(code, str) or not 0 < len(code) <= 40 or "\x00" in code:
        raise ScopeError(code)
    row = conn.execute(
        select(*Agreement.__table__.c, Territory.code.label("mun_code"), Territory.name.label("mun_name"), Territory.path,
               WorkingTable.name.label("table_name"))
        .join(Territory, Territory.id == Agreement.municipality_id)
        .outerjoin(WorkingTable, WorkingTable.id == Agreement.working_table_id)
        .where(Agreement.code == code)
    ).one_or_none()
    if row is None or not scope.allows(row.path):
        raise ScopeError(code)
    a = row
    cases = conn.execute(
        select(Case.code, Case.category, Case.status).join(CaseSolution, CaseSolution.case_id == Case.id)
        .where(CaseSolution.agreement_id == a.id).order_by(Case.code)
    ).all()
    # The projects a load says answer it, and those the room linked to it (a project's card).
    room_linked = select(FollowUpEntry.record_code).where(
        FollowUpEntry.record_kind == "project", FollowUpEntry.action == "link", FollowUpEntry.value == a.code)
    loaded = select(AgreementProject.project_id).where(AgreementProject.agreement_id == a.id)
    projects = conn.execute(
        select(Project.code, Project.name, Project.stage)
        .where(or_(Project.id.in_(loaded), Project.code.in_(room_linked))).order_by(Project.code)
    ).all()
    # The day the load observed its status: when it was done, or when a load last changed it.
    observed = a.done_date if a.status == "done" and a.done_date else a.updated_at.astimezone().date()
    return {
        "code": a.code, "text": a.text, "area": a.area, "institution": a.institution, "status": a.status,
        "cabinet_date": a.cabinet_date, "due_date": a.due_date, "done_date": a.done_date, "working_table": row.table_name,
        "is_demo": a.is_demo, "municipality_code": row.mun_code, "municipality_name": row.mun_name,
        "breadcrumb": breadcrumb(conn, row.mun_code),
        "overdue": a.status != "done" and a.due_date is not None and a.due_date < today,
        "loaded": (a.status, observed),
        "cases": [{"code": c.code, "category": c.category, "status": c.status} for c in cases],
        "projects": [{"code": p.code, "name": p.name, "stage": p.stage} for p in projects],
        "team": members_of(conn, a.municipality_id),
    }
