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
from layers.registry import (
    BOOL_CHOICES,
    Field,
    FilterDef,
    Layer,
    LayerParams,
    Style,
    _bbox_condition,
    _bool_filter,
    _territory_condition,
    named_with_parent,
    register,
    territory_polygon,
)

SILENT_COLORS = {"True": "#de2d26", "False": "#bdbdbd"}
SILENT_LABELS = {"True": "Sin reportar", "False": "Con reporte reciente"}


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
            *named_with_parent(t, parent),
            s.council_last_report.label("last_report"),
            (as_of - s.council_last_report).label("days_since_report"),
            silent.label("silent"),
            func.coalesce(s.clap_count, 0).label("claps"),
            func.coalesce(s.claps_without_recent_delivery, 0).label("claps_silent"),
            t.households.label("households"),
            as_of.label("judged_on"),
            t.is_demo.label("is_demo"),
            func.coalesce(as_of, cast(t.updated_at, Date)).label("updated_on"),
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
        fields=(
            Field("code", "Código del consejo comunal", "str"),
            Field("name", "Consejo comunal", "str"),
            Field("parent_code", "Código del nivel superior", "str"),
            Field("parent_name", "Nivel superior", "str"),
            Field("last_report", "Último reporte", "date"),
            Field("days_since_report", "Días desde el último reporte", "int"),
            Field("silent", "Sin reportar", "bool"),
            Field("claps", "CLAP", "int"),
            Field("claps_silent", "CLAP sin entrega reciente", "int"),
            Field("households", "Familias", "int"),
            Field("judged_on", "Evaluado al", "date"),
            Field("is_demo", "Datos de demostración", "bool"),
            Field("updated_on", "Actualizado", "date"),
        ),
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
