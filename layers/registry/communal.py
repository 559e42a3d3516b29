"""The communal system's map layers, registered in the layer registry like every layer (so
they are in exports, vector tiles and the OGC API): peace quadrants with the security cases
inside each, defence plans, communal businesses with their commune's deposits, and the
justices of the peace with their caseload."""

from __future__ import annotations

from sqlalchemy import Date, Integer, cast, func, select
from sqlalchemy.orm import aliased

from geodata import communal
from geodata.communal_models import CommunalBusiness, DefensePlan, PeaceJudge, PeaceQuadrant
from geodata.models import Territory
from geodata.rules import defense_plan_stale, quadrant_stale
from geodata.vocab import BUSINESS_FORMS, BUSINESS_STATUSES, DEFENSE_PLAN_STATUSES
from layers.registry.catalogue import register
from layers.registry.columns import territory_tail
from layers.registry.params import BOOL_CHOICES, LayerParams, _bool_filter, _values, _vocab_values
from layers.registry.spec import Column, FilterDef, Layer, Style, select_columns
from layers.registry.sql import (
    _bbox_condition,
    _day,
    _label,
    _point,
    _records_in_box,
    _territory_condition,
    _territory_point,
)

# `q.security`: the security cases inside each quadrant; `q.stale`: no recent report.
QUADRANT_COLUMNS = (
    Column("code", "Código del cuadrante", "str", lambda q: PeaceQuadrant.code),
    Column("name", "Cuadrante", "str", lambda q: PeaceQuadrant.name),
    Column("responsible_body", "Órgano responsable", "str", lambda q: PeaceQuadrant.responsible_body),
    Column("last_report_date", "Último reporte", "date", lambda q: PeaceQuadrant.last_report_date),
    Column("days_since_report", "Días desde el último reporte", "int", lambda q: q.day - PeaceQuadrant.last_report_date),
    Column("stale", "Sin reporte reciente", "bool", lambda q: q.stale),
    Column("security_cases", "Casos de seguridad en el periodo", "int",
           lambda q: func.coalesce(q.security.c.security_cases, 0)),
    Column("open_security_cases", "Casos de seguridad abiertos", "int",
           lambda q: func.coalesce(q.security.c.open_security_cases, 0)),
    Column("overdue_security_cases", "Casos de seguridad vencidos", "int",
           lambda q: func.coalesce(q.security.c.overdue_security_cases, 0)),
    *territory_tail(
        updated=lambda q: func.greatest(cast(PeaceQuadrant.created_at, Date), PeaceQuadrant.last_report_date)
    ),
)


def _quadrants(params: LayerParams, geometry: str):
    t = aliased(Territory, name="t")
    security = communal.quadrant_security_cases(
        params.date_from, params.date_to, _day(params), within=lambda path: _territory_condition(params, path)
    )
    stale = quadrant_stale(PeaceQuadrant.last_report_date, _day(params))
    conds = [_territory_condition(params, t.path), _bbox_condition(params, PeaceQuadrant.geom)]
    if (b := _bool_filter(params, "stale")) is not None:
        conds.append(stale if b else ~stale)
    return (
        select(
            *select_columns(QUADRANT_COLUMNS, record=PeaceQuadrant, t=t, day=_day(params), stale=stale, security=security),
            PeaceQuadrant.geom.label("geom"),
        )
        .select_from(PeaceQuadrant)
        .join(t, t.id == PeaceQuadrant.territory_id)
        .outerjoin(security, security.c.quadrant_id == PeaceQuadrant.id)
        .where(*conds)
        .order_by(PeaceQuadrant.code)
    )


register(
    Layer(
        id="quadrants",
        title="Cuadrantes de paz",
        geometry_type="MultiPolygon",
        level=None,
        fields=QUADRANT_COLUMNS,
        style=Style(field="stale", colors={"False": "#3182bd", "True": "#de2d26"},
                    labels={"False": "Con reporte reciente", "True": "Sin reporte reciente"}, fill_opacity=0.3),
        popup=("name", "responsible_body", "last_report_date", "security_cases", "open_security_cases", "territory_name"),
        filters=(FilterDef("stale", "Sin reporte reciente", BOOL_CHOICES),),
        builder=_quadrants,
        description="Cuadrantes de paz con los casos 1x10 de seguridad que caen en cada uno (unión espacial).",
        date_field="updated_on",
        period_field="last_report_date",
        min_zoom=5,
    )
)

# `q.stale`: no review in the last year.
DEFENSE_PLAN_COLUMNS = (
    Column("code", "Código del plan", "str", lambda q: DefensePlan.code),
    Column("name", "Plan", "str", lambda q: DefensePlan.name),
    Column("area", "Zona", "str", lambda q: DefensePlan.area),
    Column("responsible", "Responsable", "str", lambda q: DefensePlan.responsible),
    Column("status", "Estatus (código)", "str", lambda q: DefensePlan.status),
    Column("status_label", "Estatus", "str", lambda q: _label(DEFENSE_PLAN_STATUSES, DefensePlan.status)),
    Column("last_review_date", "Última revisión o ejercicio", "date", lambda q: DefensePlan.last_review_date),
    Column("days_since_review", "Días desde la última revisión", "int", lambda q: q.day - DefensePlan.last_review_date),
    Column("stale", "Sin revisión en el último año", "bool", lambda q: q.stale),
    *territory_tail(
        updated=lambda q: func.greatest(cast(DefensePlan.created_at, Date), DefensePlan.last_review_date)
    ),
)


def _defense_plans(params: LayerParams, geometry: str):
    t = aliased(Territory, name="t")
    stale = defense_plan_stale(DefensePlan.last_review_date, _day(params))
    conds = [_territory_condition(params, t.path)]
    geom = _territory_point(t)
    conds.append(_bbox_condition(params, geom))
    if (v := _vocab_values(params, "status", DEFENSE_PLAN_STATUSES)) is not None:
        conds.append(DefensePlan.status.in_(v))
    if (b := _bool_filter(params, "stale")) is not None:
        conds.append(stale if b else ~stale)
    return (
        select(
            *select_columns(DEFENSE_PLAN_COLUMNS, record=DefensePlan, t=t, day=_day(params), stale=stale),
            geom.label("geom"),
        )
        .select_from(DefensePlan)
        .join(t, t.id == DefensePlan.territory_id)
        .where(*conds)
        .order_by(DefensePlan.code)
    )


register(
    Layer(
        id="defense_plans",
        title="Planes de defensa",
        geometry_type="Point",
        level=None,
        fields=DEFENSE_PLAN_COLUMNS,
        style=Style(field="status", colors={"active": "#31a354", "exercised": "#006d2c", "drafting": "#fdae6b",
                                            "suspended": "#de2d26"}, labels=DEFENSE_PLAN_STATUSES, marker="^"),
        popup=("name", "status_label", "last_review_date", "days_since_review", "territory_name"),
        filters=(FilterDef("status", "Estatus", DEFENSE_PLAN_STATUSES), FilterDef("stale", "Sin revisión en el último año", BOOL_CHOICES)),
        builder=_defense_plans,
        description="Planes de defensa integral por territorio, con su estatus y su última revisión.",
        date_field="updated_on",
        period_field="last_review_date",
        min_zoom=5,
    )
)

# `q.money`: the deposits to the communal banks of the business's commune.
BUSINESS_COLUMNS = (
    Column("code", "Código de la empresa", "str", lambda q: CommunalBusiness.code),
    Column("name", "Empresa", "str", lambda q: CommunalBusiness.name),
    Column("sector", "Sector", "str", lambda q: CommunalBusiness.sector),
    Column("legal_form", "Forma (código)", "str", lambda q: CommunalBusiness.legal_form),
    Column("legal_form_label", "Forma", "str", lambda q: _label(BUSINESS_FORMS, CommunalBusiness.legal_form)),
    Column("workers", "Trabajadores", "int", lambda q: CommunalBusiness.workers),
    Column("status", "Estatus (código)", "str", lambda q: CommunalBusiness.status),
    Column("status_label", "Estatus", "str", lambda q: _label(BUSINESS_STATUSES, CommunalBusiness.status)),
    Column("commune_code", "Código de la comuna", "str", lambda q: func.nullif(communal.commune_of(q.t.path), "")),
    Column("commune_deposits", "Depósitos a la banca comunal de su comuna (Bs.)", "int",
           lambda q: cast(func.coalesce(q.money.c.deposited, 0), Integer)),
    Column("commune_banks", "Bancos comunales de su comuna", "str", lambda q: q.money.c.banks),
    *territory_tail(updated=lambda q: cast(CommunalBusiness.created_at, Date)),
)


def _businesses(params: LayerParams, geometry: str):
    t = aliased(Territory, name="t")
    money = communal.commune_deposits()
    geom = _point(CommunalBusiness.geom, _territory_point(t))
    conds = [
        _territory_condition(params, t.path),
        _records_in_box(params, CommunalBusiness, CommunalBusiness.territory_id),
        _bbox_condition(params, geom),
    ]
    if (v := _values(params, "sector")) is not None:
        conds.append(func.lower(CommunalBusiness.sector).in_([x.lower() for x in v]))
    if (v := _vocab_values(params, "status", BUSINESS_STATUSES)) is not None:
        conds.append(CommunalBusiness.status.in_(v))
    return (
        select(*select_columns(BUSINESS_COLUMNS, record=CommunalBusiness, t=t, money=money), geom.label("geom"))
        .select_from(CommunalBusiness)
        .join(t, t.id == CommunalBusiness.territory_id)
        .outerjoin(money, money.c.commune_code == communal.commune_of(t.path))
        .where(*conds)
        .order_by(CommunalBusiness.code)
    )


register(
    Layer(
        id="businesses",
        title="Empresas comunales",
        geometry_type="Point",
        level=None,
        fields=BUSINESS_COLUMNS,
        style=Style(field="status", colors={"active": "#1b9e77", "in_formation": "#d95f02", "inactive": "#7f7f7f"},
                    labels=BUSINESS_STATUSES, marker="s"),
        popup=("name", "sector", "legal_form_label", "workers", "status_label", "commune_deposits", "territory_name"),
        filters=(FilterDef("sector", "Sector"), FilterDef("status", "Estatus", BUSINESS_STATUSES)),
        builder=_businesses,
        description="Empresas de propiedad social comunal y unidades productivas, con los depósitos de su comuna.",
        date_field="updated_on",
        min_zoom=5,
    )
)


def _cases(q):
    return func.coalesce(q.load.c.cases, 0)


def _resolved(q):
    return func.coalesce(q.load.c.resolved_cases, 0)


# `q.load`: each judge's caseload in the period.
PEACE_JUDGE_COLUMNS = (
    Column("code", "Código del juez", "str", lambda q: PeaceJudge.code),
    Column("name", "Juez o jueza de paz", "str", lambda q: PeaceJudge.name),
    Column("elected_date", "Fecha de elección", "date", lambda q: PeaceJudge.elected_date),
    Column("cases", "Casos recibidos en el periodo", "int", _cases),
    Column("open_cases", "Casos abiertos", "int", lambda q: func.coalesce(q.load.c.open_cases, 0)),
    Column("resolved_cases", "Casos resueltos", "int", _resolved),
    Column("resolution_rate", "Resolución (%)", "float", lambda q: communal.resolution_rate(_resolved(q), _cases(q))),
    Column("median_days_to_resolve", "Mediana de días hasta resolver", "int", lambda q: q.load.c.median_days_to_resolve),
    *territory_tail(updated=lambda q: cast(PeaceJudge.created_at, Date)),
)


def _peace_judges(params: LayerParams, geometry: str):
    t = aliased(Territory, name="t")
    load = communal.peace_caseload(params.date_from, params.date_to)
    geom = _territory_point(t)
    return (
        select(*select_columns(PEACE_JUDGE_COLUMNS, record=PeaceJudge, t=t, load=load), geom.label("geom"))
        .select_from(PeaceJudge)
        .join(t, t.id == PeaceJudge.territory_id)
        .outerjoin(load, load.c.judge_id == PeaceJudge.id)
        .where(_territory_condition(params, t.path), _bbox_condition(params, geom))
        .order_by(PeaceJudge.code)
    )


register(
    Layer(
        id="peace_judges",
        title="Justicia de paz comunal",
        geometry_type="Point",
        level=None,
        fields=PEACE_JUDGE_COLUMNS,
        style=Style(color="#6a51a3", single_label="Juez de paz", marker="P"),
        popup=("name", "cases", "open_cases", "resolution_rate", "median_days_to_resolve", "territory_name"),
        filters=(),
        builder=_peace_judges,
        description="Jueces y juezas de paz comunal con los casos que atienden en el periodo.",
        date_field="updated_on",
        min_zoom=5,
    )
)
