"""The card of one record (a case, a project, a CLAP) and where it is: what a click on its
point opens, and what a shared link (`/?caso=…`, `/?proyecto=…`, `/?clap=…`) needs to open
the room on it. Plain data, read in the viewer's scope: an unknown record and one outside
the scope raise the same ScopeError (nobody learns what lies outside their scope).

Cases have their own detail (`geodata.records.case_detail`); this adds projects (with
their deposits as history, and the cases and agreements they answer) and CLAPs (with their
latest deliveries).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from geodata import followup
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import (
    Agreement,
    AgreementProject,
    Case,
    CaseSolution,
    Clap,
    ClapDelivery,
    Deposit,
    Project,
    ProjectStageChange,
    Territory,
)
from geodata.rules import CLAP_GAP_DAYS, project_advanced_without_deposit
from geodata.territory import breadcrumb

# The record kinds a shared link names, with their model.
MODELS = {"cases": Case, "projects": Project, "claps": Clap}
# How many of a CLAP's deliveries its card lists (the latest).
CLAP_DELIVERIES_SHOWN = 12


def _point(model):
    """The record's own point, or its territory's label point (or a point inside it)."""
    return func.coalesce(
        model.geom, Territory.label_point, func.ST_PointOnSurface(func.coalesce(Territory.geom_display, Territory.geom))
    )


def record_place(conn: Connection, kind: str, code: str, scope: Scope = NATIONAL) -> dict:
    """Where a record is: `kind, code, territory_code, lon, lat`. Raises ScopeError for an
    unknown kind or record, or one outside `scope`."""
    model = MODELS.get(kind)
    if model is None or not code:
        raise ScopeError(code)
    point = _point(model)
    row = conn.execute(
        select(model.code, Territory.code, Territory.path, func.ST_X(point), func.ST_Y(point))
        .join(Territory, Territory.id == model.territory_id)
        .where(model.code == code)
    ).one_or_none()
    if row is None or not scope.allows(row[2]):
        raise ScopeError(code)
    return {"kind": kind, "code": row[0], "territory_code": row[1],
            "lon": None if row[3] is None else round(row[3], 6), "lat": None if row[4] is None else round(row[4], 6)}


def _where(conn: Connection, model, code: str, scope: Scope, *columns):
    row = conn.execute(
        select(model.id, *columns, Territory.code.label("territory_code"), Territory.name.label("territory_name"), Territory.path)
        .join(Territory, Territory.id == model.territory_id)
        .where(model.code == code)
    ).one_or_none()
    if row is None or not scope.allows(row.path):
        raise ScopeError(code)
    return row


def project_detail(conn: Connection, code: str, scope: Scope = NATIONAL) -> dict:
    """One project for its card: what it is, its stage and progress, budget and what was
    deposited, its deposits oldest first, its stage changes, its money trail (both merged
    by date), whether it advances with no deposit (geodata.rules), the cases and agreements
    it answers, and its territory path. Codes are stored values; the caller labels them."""
    row = _where(conn, Project, code, scope, Project.code, Project.name, Project.consultation_round, Project.area,
                 Project.sector, Project.stage, Project.progress, Project.budget, Project.currency, Project.start_date,
                 Project.end_date, Project.description, Project.created_at)
    deposits = conn.execute(
        select(Deposit.deposit_date, Deposit.amount, Deposit.bank)
        .where(Deposit.project_id == row.id)
        .order_by(Deposit.deposit_date, Deposit.id)
    ).all()
    cases = conn.execute(
        select(Case.code, Case.category, Case.status)
        .join(CaseSolution, CaseSolution.case_id == Case.id)
        .where(CaseSolution.project_id == row.id)
        .order_by(Case.code)
    ).all()
    agreements = conn.execute(
        select(Agreement.code, Agreement.text, Agreement.status)
        .join(AgreementProject, AgreementProject.agreement_id == Agreement.id)
        .where(AgreementProject.project_id == row.id)
        .order_by(Agreement.code)
    ).all()
    room_links = followup.linked_agreements(conn, "project", row.code)
    room_agreements = conn.execute(
        select(Agreement.code, Agreement.text, Agreement.status).where(Agreement.code.in_(room_links)).order_by(Agreement.code)
    ).all() if room_links else []
    municipality_id = followup.municipality_of(conn, row.path)
    choices = conn.execute(
        select(Agreement.code, Agreement.text).where(Agreement.municipality_id == municipality_id).order_by(Agreement.code)
    ).all() if municipality_id is not None else []
    deposited = sum((float(d.amount) for d in deposits), 0.0)
    changes = conn.execute(
        select(ProjectStageChange.changed_on, ProjectStageChange.previous_stage, ProjectStageChange.stage)
        .where(ProjectStageChange.project_id == row.id)
        .order_by(ProjectStageChange.changed_on, ProjectStageChange.id)
    ).all()
    without_deposit = conn.execute(
        select(project_advanced_without_deposit(Project, len(deposits))).where(Project.id == row.id)
    ).scalar_one()
    return {
        "code": row.code,
        "name": row.name,
        "consultation_round": row.consultation_round,
        "area": row.area,
        "sector": row.sector,
        "stage": row.stage,
        "progress": float(row.progress) if row.progress is not None else None,
        "budget": float(row.budget) if row.budget is not None else None,
        "deposited": deposited,
        "currency": row.currency,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "description": row.description,
        "territory_code": row.territory_code,
        "territory_name": row.territory_name,
        "breadcrumb": breadcrumb(conn, row.territory_code),
        "deposits": [{"date": d.deposit_date, "amount": float(d.amount), "bank": d.bank} for d in deposits],
        "cases": [{"code": c.code, "category": c.category, "status": c.status} for c in cases],
        "agreements": [{"code": a.code, "text": a.text, "status": a.status, "room": False} for a in agreements]
        + [{"code": a.code, "text": a.text, "status": a.status, "room": True} for a in room_agreements],
        # The room may link it to one of its municipality's agreements it is not linked to yet.
        "agreement_choices": [{"code": a.code, "text": a.text} for a in choices
                              if a.code not in room_links and a.code not in {x.code for x in agreements}],
        "municipality_id": municipality_id,
        # Its stage as the loads left it, dated by the last recorded change (else its start, or its arrival).
        "loaded": (row.stage, changes[-1].changed_on if changes else (row.start_date or row.created_at.date())),
        "stage_changes": [{"date": c.changed_on, "from": c.previous_stage, "to": c.stage} for c in changes],
        "advanced_without_deposit": bool(without_deposit),
        "trail": money_trail(row, deposits, changes),
    }


def money_trail(project, deposits, changes) -> list[dict]:
    """The project's trail, oldest first: its start, each deposit (date, amount, bank), each
    recorded stage change, its completion. Dated events only; a start or end the stage
    history already dates is not repeated."""
    trail = [{"date": d.deposit_date, "kind": "deposit", "amount": float(d.amount), "bank": d.bank} for d in deposits]
    trail += [{"date": c.changed_on, "kind": "stage", "from": c.previous_stage, "to": c.stage} for c in changes]
    staged = {c.stage for c in changes}
    if project.start_date and "in_progress" not in staged:
        trail.append({"date": project.start_date, "kind": "start"})
    if project.end_date and "completed" not in staged:
        trail.append({"date": project.end_date, "kind": "end"})
    order = {"start": 0, "stage": 1, "deposit": 2, "end": 3}
    return sorted(trail, key=lambda e: (e["date"], order[e["kind"]]))


def clap_detail(conn: Connection, code: str, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """One CLAP for its card: its households, its last delivery and the days since (judged on
    `today`), whether it is late (no delivery in CLAP_GAP_DAYS), its latest deliveries newest
    first (its history), how many there were in all, and its territory path."""
    as_of = today or dt.date.today()
    row = _where(conn, Clap, code, scope, Clap.code, Clap.name, Clap.households)
    deliveries = conn.execute(
        select(ClapDelivery.delivery_date, ClapDelivery.households_served, ClapDelivery.quantity)
        .where(ClapDelivery.clap_id == row.id, ClapDelivery.delivery_date <= as_of)
        .order_by(ClapDelivery.delivery_date.desc(), ClapDelivery.id.desc())
        .limit(CLAP_DELIVERIES_SHOWN)
    ).all()
    total = conn.execute(
        select(func.count()).select_from(ClapDelivery).where(ClapDelivery.clap_id == row.id, ClapDelivery.delivery_date <= as_of)
    ).scalar_one()
    last = deliveries[0].delivery_date if deliveries else None
    days = (as_of - last).days if last else None
    return {
        "code": row.code,
        "name": row.name,
        "households": row.households,
        "last_delivery": last,
        "days_since_delivery": days,
        "late": days is None or days > CLAP_GAP_DAYS,
        "deliveries_total": total,
        "deliveries": [{"date": d.delivery_date, "households_served": d.households_served,
                        "quantity": float(d.quantity) if d.quantity is not None else None} for d in deliveries],
        "territory_code": row.territory_code,
        "territory_name": row.territory_name,
        "breadcrumb": breadcrumb(conn, row.territory_code),
    }
