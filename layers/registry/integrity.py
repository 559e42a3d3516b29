"""The territorial integrity layer: the boundary defects `sala check` found (outside the
parent, overlaps, gaps, code mismatches, missing or invalid geometry), of mixed geometry."""

from __future__ import annotations

from sqlalchemy import Date, Select, cast, func, select
from sqlalchemy.orm import aliased

from geodata.integrity import KIND_LABELS
from geodata.models import IntegrityIssue, Territory
from geodata.vocab import LEVEL_LABELS
from layers.registry.catalogue import register
from layers.registry.params import LayerParams, _vocab_values
from layers.registry.spec import Column, FilterDef, Layer, Style, select_columns
from layers.registry.sql import _bbox_condition, _label, _territory_condition

_INTEGRITY_COLORS = {
    "outside_parent": "#d7301f",
    "overlap": "#7a0177",
    "gap": "#fe9929",
    "code_mismatch": "#3690c0",
    "missing_geometry": "#969696",
    "invalid_geometry": "#000000",
}
_LEVELS = tuple(k for k in LEVEL_LABELS if k != "country")

INTEGRITY_COLUMNS = (
    Column("issue_id", "Número", "int", lambda q: IntegrityIssue.id),
    Column("kind", "Tipo (código)", "str", lambda q: IntegrityIssue.kind),
    Column("kind_label", "Tipo", "str", lambda q: _label(KIND_LABELS, IntegrityIssue.kind)),
    Column("level", "Nivel (código)", "str", lambda q: IntegrityIssue.level),
    Column("level_label", "Nivel", "str", lambda q: _label(LEVEL_LABELS, IntegrityIssue.level)),
    Column("territory_code", "Código del territorio", "str", lambda q: IntegrityIssue.territory_code),
    Column("territory_name", "Territorio", "str", lambda q: q.t.name),
    Column("other_code", "Otro territorio", "str", lambda q: IntegrityIssue.other_code),
    Column("measure", "Medida (proporción)", "float", lambda q: IntegrityIssue.measure),
    Column("area_km2", "Superficie (km²)", "float", lambda q: IntegrityIssue.area_km2),
    Column("detail", "Detalle", "str", lambda q: IntegrityIssue.detail),
    Column("is_demo", "Datos de demostración", "bool", lambda q: func.coalesce(q.t.is_demo, False)),
    Column("checked_on", "Revisado", "date", lambda q: cast(IntegrityIssue.checked_at, Date)),
)


def _integrity(params: LayerParams, geometry: str) -> Select:
    t = aliased(Territory, name="t")
    geom = IntegrityIssue.geom
    conds = [_territory_condition(params, t.path), _bbox_condition(params, geom)]
    if params.date_from:
        conds.append(cast(IntegrityIssue.checked_at, Date) >= params.date_from)
    if params.date_to:
        conds.append(cast(IntegrityIssue.checked_at, Date) <= params.date_to)
    if (v := _vocab_values(params, "kind", KIND_LABELS)) is not None:
        conds.append(IntegrityIssue.kind.in_(v))
    if (v := _vocab_values(params, "level", {k: LEVEL_LABELS[k] for k in _LEVELS})) is not None:
        conds.append(IntegrityIssue.level.in_(v))
    return (
        select(*select_columns(INTEGRITY_COLUMNS, record=IntegrityIssue, t=t), geom.label("geom"))
        .select_from(IntegrityIssue)
        .join(t, t.code == IntegrityIssue.territory_code)
        .where(*conds)
        .order_by(IntegrityIssue.id)
    )


register(
    Layer(
        id="integrity",
        title="Integridad territorial",
        # Defects are polygons (overlaps, gaps, parts outside the parent) or points
        # (where a boundary is invalid): the layer is of mixed geometry.
        geometry_type="Geometry",
        level=None,
        fields=INTEGRITY_COLUMNS,
        style=Style(field="kind", colors=_INTEGRITY_COLORS, labels=KIND_LABELS, fill_opacity=0.5, radius=6),
        popup=("kind_label", "territory_name", "territory_code", "other_code", "area_km2", "detail"),
        filters=(FilterDef("kind", "Tipo", KIND_LABELS), FilterDef("level", "Nivel", {k: LEVEL_LABELS[k] for k in _LEVELS})),
        builder=_integrity,
        description="Defectos de los límites hallados por `sala check`: fuera del superior, superposiciones, vacíos, códigos.",
        date_field="checked_on",
        period_field="checked_on",
        id_field="issue_id",
        min_zoom=0,
    )
)
