"""The cabinet agreements layer: each agreement of the communal government cabinets, placed
at its municipality, with its status, responsible institution and whether it is overdue."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from geodata.models import Agreement, Territory, WorkingTable
from geodata.rules import agreement_overdue
from geodata.vocab import AGREEMENT_STATUSES, AREAS
from layers.registry.catalogue import register
from layers.registry.columns import IS_DEMO, updated_on
from layers.registry.params import BOOL_CHOICES, LayerParams, _bool_filter, _vocab_values
from layers.registry.spec import Column, FilterDef, Layer, Style, select_columns
from layers.registry.sql import _bbox_condition, _day, _label, _period, _territory_condition, _territory_point

_AGREEMENT_COLORS = {"pending": "#e6550d", "in_progress": "#fdae6b", "done": "#31a354"}

# `q.m`: the agreement's municipality; `q.overdue`: whether it is overdue on the day judged on.
AGREEMENT_COLUMNS = (
    Column("code", "Código del acuerdo", "str", lambda q: Agreement.code),
    Column("cabinet_date", "Fecha del gabinete", "date", lambda q: Agreement.cabinet_date),
    Column("area", "Área (código)", "str", lambda q: Agreement.area),
    Column("area_label", "Área", "str", lambda q: _label(AREAS, Agreement.area)),
    Column("working_table", "Mesa de trabajo", "str", lambda q: WorkingTable.name),
    Column("text", "Acuerdo", "str", lambda q: Agreement.text),
    Column("institution", "Responsable", "str", lambda q: Agreement.institution),
    Column("status", "Estatus (código)", "str", lambda q: Agreement.status),
    Column("status_label", "Estatus", "str", lambda q: _label(AGREEMENT_STATUSES, Agreement.status)),
    Column("overdue", "Vencido", "bool", lambda q: q.overdue),
    Column("due_date", "Fecha límite", "date", lambda q: Agreement.due_date),
    Column("done_date", "Fecha de cumplimiento", "date", lambda q: Agreement.done_date),
    Column("municipality_code", "Código del municipio", "str", lambda q: q.m.code),
    Column("municipality_name", "Municipio", "str", lambda q: q.m.name),
    IS_DEMO,
    updated_on(),
)


def _agreements(params: LayerParams, geometry: str) -> Select:
    m = aliased(Territory, name="m")
    overdue = agreement_overdue(_day(params))
    geom = _territory_point(m)
    conds = [_territory_condition(params, m.path), _period(Agreement.cabinet_date, params), _bbox_condition(params, geom)]
    if (v := _vocab_values(params, "status", AGREEMENT_STATUSES)) is not None:
        conds.append(Agreement.status.in_(v))
    if (v := _vocab_values(params, "area", AREAS)) is not None:
        conds.append(Agreement.area.in_(v))
    if (b := _bool_filter(params, "overdue")) is not None:
        conds.append(overdue if b else ~overdue)
    return (
        select(*select_columns(AGREEMENT_COLUMNS, record=Agreement, m=m, overdue=overdue), geom.label("geom"))
        .select_from(Agreement)
        .join(m, m.id == Agreement.municipality_id)
        .outerjoin(WorkingTable, WorkingTable.id == Agreement.working_table_id)
        .where(*conds)
        .order_by(Agreement.cabinet_date.desc(), Agreement.code)
    )


register(
    Layer(
        id="agreements",
        title="Acuerdos de gabinete",
        geometry_type="Point",
        level=None,
        fields=AGREEMENT_COLUMNS,
        style=Style(field="status", colors=_AGREEMENT_COLORS, labels=AGREEMENT_STATUSES, radius=7, marker="^"),
        popup=("text", "area_label", "institution", "status_label", "due_date", "municipality_name"),
        filters=(
            FilterDef("status", "Estatus", AGREEMENT_STATUSES),
            FilterDef("area", "Área", AREAS),
            FilterDef("overdue", "Vencido", BOOL_CHOICES),
        ),
        builder=_agreements,
        description="Acuerdos de los Gabinetes de Gobierno Comunal, ubicados en su municipio.",
        date_field="updated_on",
        period_field="cabinet_date",
        min_zoom=0,
    )
)
