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
from layers.registry import (
    BOOL_CHOICES,
    Field,
    FilterDef,
    Layer,
    LayerParams,
    Style,
    _bbox_condition,
    _bool_filter,
    _day,
    _label,
    _point,
    _records_in_box,
    _territory_condition,
    _territory_point,
    _values,
    _vocab_values,
    register,
)

TERRITORY_TAIL = (
    Field("territory_code", "Código del territorio", "str"),
    Field("territory_name", "Territorio", "str"),
    Field("is_demo", "Datos de demostración", "bool"),
    Field("updated_on", "Actualizado", "date"),
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
            PeaceQuadrant.code.label("code"),
            PeaceQuadrant.name.label("name"),
            PeaceQuadrant.responsible_body.label("responsible_body"),
            PeaceQuadrant.last_report_date.label("last_report_date"),
            (_day(params) - PeaceQuadrant.last_report_date).label("days_since_report"),
            stale.label("stale"),
            func.coalesce(security.c.security_cases, 0).label("security_cases"),
            func.coalesce(security.c.open_security_cases, 0).label("open_security_cases"),
            func.coalesce(security.c.overdue_security_cases, 0).label("overdue_security_cases"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            PeaceQuadrant.is_demo.label("is_demo"),
            func.greatest(cast(PeaceQuadrant.created_at, Date), PeaceQuadrant.last_report_date).label("updated_on"),
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
        fields=(
            Field("code", "Código del cuadrante", "str"),
            Field("name", "Cuadrante", "str"),
            Field("responsible_body", "Órgano responsable", "str"),
            Field("last_report_date", "Último reporte", "date"),
            Field("days_since_report", "Días desde el último reporte", "int"),
            Field("stale", "Sin reporte reciente", "bool"),
            Field("security_cases", "Casos de seguridad en el periodo", "int"),
            Field("open_security_cases", "Casos de seguridad abiertos", "int"),
            Field("overdue_security_cases", "Casos de seguridad vencidos", "int"),
            *TERRITORY_TAIL,
        ),
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
            DefensePlan.code.label("code"),
            DefensePlan.name.label("name"),
            DefensePlan.area.label("area"),
            DefensePlan.responsible.label("responsible"),
            DefensePlan.status.label("status"),
            _label(DEFENSE_PLAN_STATUSES, DefensePlan.status).label("status_label"),
            DefensePlan.last_review_date.label("last_review_date"),
            (_day(params) - DefensePlan.last_review_date).label("days_since_review"),
            stale.label("stale"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            DefensePlan.is_demo.label("is_demo"),
            func.greatest(cast(DefensePlan.created_at, Date), DefensePlan.last_review_date).label("updated_on"),
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
        fields=(
            Field("code", "Código del plan", "str"),
            Field("name", "Plan", "str"),
            Field("area", "Zona", "str"),
            Field("responsible", "Responsable", "str"),
            Field("status", "Estatus (código)", "str"),
            Field("status_label", "Estatus", "str"),
            Field("last_review_date", "Última revisión o ejercicio", "date"),
            Field("days_since_review", "Días desde la última revisión", "int"),
            Field("stale", "Sin revisión en el último año", "bool"),
            *TERRITORY_TAIL,
        ),
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
        select(
            CommunalBusiness.code.label("code"),
            CommunalBusiness.name.label("name"),
            CommunalBusiness.sector.label("sector"),
            CommunalBusiness.legal_form.label("legal_form"),
            _label(BUSINESS_FORMS, CommunalBusiness.legal_form).label("legal_form_label"),
            CommunalBusiness.workers.label("workers"),
            CommunalBusiness.status.label("status"),
            _label(BUSINESS_STATUSES, CommunalBusiness.status).label("status_label"),
            func.nullif(communal.commune_of(t.path), "").label("commune_code"),
            cast(func.coalesce(money.c.deposited, 0), Integer).label("commune_deposits"),
            money.c.banks.label("commune_banks"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            CommunalBusiness.is_demo.label("is_demo"),
            cast(CommunalBusiness.created_at, Date).label("updated_on"),
            geom.label("geom"),
        )
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
        fields=(
            Field("code", "Código de la empresa", "str"),
            Field("name", "Empresa", "str"),
            Field("sector", "Sector", "str"),
            Field("legal_form", "Forma (código)", "str"),
            Field("legal_form_label", "Forma", "str"),
            Field("workers", "Trabajadores", "int"),
            Field("status", "Estatus (código)", "str"),
            Field("status_label", "Estatus", "str"),
            Field("commune_code", "Código de la comuna", "str"),
            Field("commune_deposits", "Depósitos a la banca comunal de su comuna (Bs.)", "int"),
            Field("commune_banks", "Bancos comunales de su comuna", "str"),
            *TERRITORY_TAIL,
        ),
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


def _peace_judges(params: LayerParams, geometry: str):
    t = aliased(Territory, name="t")
    load = communal.peace_caseload(params.date_from, params.date_to)
    geom = _territory_point(t)
    cases = func.coalesce(load.c.cases, 0)
    resolved = func.coalesce(load.c.resolved_cases, 0)
    return (
        select(
            PeaceJudge.code.label("code"),
            PeaceJudge.name.label("name"),
            PeaceJudge.elected_date.label("elected_date"),
            cases.label("cases"),
            func.coalesce(load.c.open_cases, 0).label("open_cases"),
            resolved.label("resolved_cases"),
            communal.resolution_rate(resolved, cases).label("resolution_rate"),
            load.c.median_days_to_resolve.label("median_days_to_resolve"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            PeaceJudge.is_demo.label("is_demo"),
            cast(PeaceJudge.created_at, Date).label("updated_on"),
            geom.label("geom"),
        )
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
        fields=(
            Field("code", "Código del juez", "str"),
            Field("name", "Juez o jueza de paz", "str"),
            Field("elected_date", "Fecha de elección", "date"),
            Field("cases", "Casos recibidos en el periodo", "int"),
            Field("open_cases", "Casos abiertos", "int"),
            Field("resolved_cases", "Casos resueltos", "int"),
            Field("resolution_rate", "Resolución (%)", "float"),
            Field("median_days_to_resolve", "Mediana de días hasta resolver", "int"),
            *TERRITORY_TAIL,
        ),
        style=Style(color="#6a51a3", single_label="Juez de paz", marker="P"),
        popup=("name", "cases", "open_cases", "resolution_rate", "median_days_to_resolve", "territory_name"),
        filters=(),
        builder=_peace_judges,
        description="Jueces y juezas de paz comunal con los casos que atienden en el periodo.",
        date_field="updated_on",
        min_zoom=5,
    )
)
