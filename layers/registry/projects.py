"""The communal projects layer (ACA): each project of the Consulta Popular with its stage,
progress, budget and what was deposited for it up to the end of the period."""

from __future__ import annotations

from sqlalchemy import Float, Select, and_, case, cast, func, or_, select
from sqlalchemy.orm import aliased

from geodata.models import Deposit, Project, Territory
from geodata.vocab import AREAS, PROJECT_STAGES
from layers.registry.catalogue import register
from layers.registry.columns import territory_tail
from layers.registry.params import LayerParams, _values, _vocab_values
from layers.registry.spec import Column, FilterDef, Layer, Style, select_columns
from layers.registry.sql import _bbox_condition, _label, _point, _records_in_box, _territory_condition, _territory_point

_STAGE_COLORS = {
    "proposed": "#bdbdbd",
    "approved": "#6baed6",
    "funded": "#2171b5",
    "in_progress": "#fd8d3c",
    "completed": "#31a354",
    "stalled": "#de2d26",
}


def _deposited_pct(q):
    return case(
        (and_(Project.budget.is_not(None), Project.budget > 0), cast(100 * q.deposited / Project.budget, Float)),
        else_=None,
    )


# `q.deposits`: the project's deposits up to the end of the period; `q.deposited`: their sum or 0.
PROJECT_COLUMNS = (
    Column("code", "Código del proyecto", "str", lambda q: Project.code),
    Column("name", "Proyecto", "str", lambda q: Project.name),
    Column("consultation_round", "Consulta popular", "str", lambda q: Project.consultation_round),
    Column("area", "Área (código)", "str", lambda q: Project.area),
    Column("area_label", "Área", "str", lambda q: _label(AREAS, Project.area)),
    Column("sector", "Sector", "str", lambda q: Project.sector),
    Column("stage", "Etapa (código)", "str", lambda q: Project.stage),
    Column("stage_label", "Etapa", "str", lambda q: _label(PROJECT_STAGES, Project.stage)),
    Column("progress", "Avance (%)", "float", lambda q: cast(Project.progress, Float)),
    Column("budget", "Presupuesto (Bs.)", "float", lambda q: cast(Project.budget, Float)),
    Column("deposited", "Depositado (Bs.)", "float", lambda q: cast(q.deposited, Float)),
    Column("deposited_pct", "Depositado (% del presupuesto)", "float", _deposited_pct),
    Column("deposits", "Número de depósitos", "int", lambda q: func.coalesce(q.deposits.c.deposits, 0)),
    Column("last_deposit", "Último depósito", "date", lambda q: q.deposits.c.last_deposit),
    Column("currency", "Moneda", "str", lambda q: Project.currency),
    Column("start_date", "Fecha de inicio", "date", lambda q: Project.start_date),
    Column("end_date", "Fecha de culminación", "date", lambda q: Project.end_date),
    Column("description", "Descripción", "str", lambda q: Project.description),
    *territory_tail(located=True),
)


def _projects(params: LayerParams, geometry: str) -> Select:
    t = aliased(Territory, name="t")
    dep_conds = [Deposit.deposit_date <= params.date_to] if params.date_to else []
    deposits = (
        select(
            Deposit.project_id,
            func.sum(Deposit.amount).label("deposited"),
            func.count().label("deposits"),
            func.max(Deposit.deposit_date).label("last_deposit"),
        )
        .where(*dep_conds)
        .group_by(Deposit.project_id)
        .subquery("deposits")
    )
    geom = _point(Project.geom, _territory_point(t))
    conds = [
        _territory_condition(params, t.path),
        _records_in_box(params, Project, Project.territory_id),
        _bbox_condition(params, geom),
    ]
    if params.date_from:
        conds.append(or_(Project.end_date.is_(None), Project.end_date >= params.date_from))
    if params.date_to:
        conds.append(or_(Project.start_date.is_(None), Project.start_date <= params.date_to))
    rounds = _values(params, "round") or []
    if params.consultation_round:
        rounds = [*rounds, params.consultation_round]
    if rounds:
        conds.append(Project.consultation_round.in_(rounds))
    if (v := _vocab_values(params, "stage", PROJECT_STAGES)) is not None:
        conds.append(Project.stage.in_(v))
    if (v := _vocab_values(params, "area", AREAS)) is not None:
        conds.append(Project.area.in_(v))
    if (v := _values(params, "sector")) is not None:
        conds.append(func.lower(Project.sector).in_([s.lower() for s in v]))
    deposited = func.coalesce(deposits.c.deposited, 0)
    return (
        select(
            *select_columns(PROJECT_COLUMNS, record=Project, t=t, deposits=deposits, deposited=deposited),
            geom.label("geom"),
        )
        .select_from(Project)
        .join(t, t.id == Project.territory_id)
        .outerjoin(deposits, deposits.c.project_id == Project.id)
        .where(*conds)
        .order_by(Project.code)
    )


register(
    Layer(
        id="projects",
        title="Proyectos comunales (ACA)",
        geometry_type="Point",
        level=None,
        fields=PROJECT_COLUMNS,
        style=Style(field="stage", colors=_STAGE_COLORS, labels=PROJECT_STAGES, radius=6, marker="s"),
        popup=("name", "consultation_round", "stage_label", "progress", "budget", "deposited", "territory_name"),
        filters=(
            FilterDef("round", "Consulta popular"),
            FilterDef("stage", "Etapa", PROJECT_STAGES),
            FilterDef("area", "Área", AREAS),
            FilterDef("sector", "Sector"),
        ),
        builder=_projects,
        description="Proyectos de la Consulta Popular con su presupuesto y lo depositado; "
        "sin punto propio se ubican en su consejo comunal o comuna.",
        date_field="updated_on",
        period_field="start_date",
        min_zoom=5,
    )
)
