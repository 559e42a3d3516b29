"""The reporting-completeness layer: «silence is not the absence of problems».

Every communal council with the day it last reported (a case, a CLAP delivery, a project
moving: `geodata.rules.LAST_REPORT_SQL`), the days since, whether it is silent (nothing in
SALA_SILENCE_DAYS) and its CLAPs with how many of them got no recent delivery. The values
come from the indicator snapshot, computed by the indicator refresh as of its day, so a
tile or an export reads a row per council and never re-aggregates the records. Registered
like every layer, so it is in the exports, the vector tiles, the OGC API and the room."""

from __future__ import annotations

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import aliased

from geodata.models import IndicatorRefresh, IndicatorSnapshot, Territory
from layers.registry.catalogue import register
from layers.registry.columns import IS_DEMO, named_with_parent
from layers.registry.params import BOOL_CHOICES, LayerParams, _bool_filter
from layers.registry.spec import Column, FilterDef, Layer, Style, select_columns
from layers.registry.sql import _bbox_condition, _territory_condition, territory_polygon

SILENT_COLORS = {"True": "#de2d26", "False": "#bdbdbd"}
SILENT_LABELS = {"True": "Sin reportar", "False": "Con reporte reciente"}

# `q.s`: the council's indicator snapshot; `q.as_of`: the day it was computed as of; `q.silent`.
REPORTING_COLUMNS = (
    *named_with_parent("Código del consejo comunal", "Consejo comunal"),
    Column("last_report", "Último reporte", "date", lambda q: q.s.council_last_report),
    Column("days_since_report", "Días desde el último reporte", "int", lambda q: q.as_of - q.s.council_last_report),
    Column("silent", "Sin reportar", "bool", lambda q: q.silent),
    Column("claps", "CLAP", "int", lambda q: func.coalesce(q.s.clap_count, 0)),
    Column("claps_silent", "CLAP sin entrega reciente", "int", lambda q: func.coalesce(q.s.claps_without_recent_delivery, 0)),
    Column("households", "Familias", "int", lambda q: q.t.households),
    Column("judged_on", "Evaluado al", "date", lambda q: q.as_of),
    IS_DEMO,
    Column("updated_on", "Actualizado", "date", lambda q: func.coalesce(q.as_of, cast(q.t.updated_at, Date))),
)


def _reporting(params: LayerParams, geometry: str):
    t = aliased(Territory, name="t")
    parent = aliased(Territory, name="parent")
    s = aliased(IndicatorSnapshot, name="s")
    as_of = select(IndicatorRefresh.as_of).where(IndicatorRefresh.id == 1).scalar_subquery()
    geom = territory_polygon(t, geometry)
    silent = func.coalesce(s.councils_silent, 0) > 0
    conds = [t.level == "council", _territory_condition(params, t.path), _bbox_condition(params, t.geom)]
    if (b := _bool_filter(params, "silent")) is not None:
        conds.append(silent if b else ~silent)
    return (
        select(
            *select_columns(REPORTING_COLUMNS, record=t, t=t, parent=parent, s=s, as_of=as_of, silent=silent),
            geom.label("geom"),
        )
        .select_from(t)
        .outerjoin(parent, parent.id == t.parent_id)
        .outerjoin(s, s.territory_id == t.id)
        .where(*conds)
        .order_by(t.code)
    )


register(
    Layer(
        id="reporting",
        title="Consejos comunales sin reportar",
        geometry_type="MultiPolygon",
        level=None,
        fields=REPORTING_COLUMNS,
        style=Style(field="silent", colors=SILENT_COLORS, labels=SILENT_LABELS, fill_opacity=0.5, line_width=0.4),
        popup=("name", "parent_name", "last_report", "days_since_report", "claps", "claps_silent"),
        filters=(FilterDef("silent", "Sin reportar", BOOL_CHOICES),),
        builder=_reporting,
        description="Consejos comunales con su último reporte (caso 1x10, entrega CLAP o movimiento de proyecto) "
        "y si llevan más de SALA_SILENCE_DAYS días sin reportar nada: el silencio no es ausencia de problemas.",
        date_field="updated_on",
        min_zoom=5,
        tile_limit=50_000,
    )
)
