"""The territory layers: states, municipalities, parishes, circuits, communes and councils,
each with its boundary, population and households and (but circuits) the indicators of
its subtree (`layers.registry.indicators`)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from geodata.indicators import MATERIALISED_MAX_DEPTH
from geodata.models import Territory
from geodata.vocab import LEVEL_LABELS_PLURAL
from layers.registry.catalogue import register
from layers.registry.columns import TERRITORY_OWN_TAIL, named_with_parent
from layers.registry.indicators import INDICATOR_FIELDS
from layers.registry.params import LayerParams
from layers.registry.spec import Column, Layer, Style, select_columns
from layers.registry.sql import _bbox_condition, _territory_condition, territory_polygon

TERRITORY_COLUMNS = (
    *named_with_parent(),
    Column("population", "Población", "int", lambda q: q.t.population),
    Column("households", "Familias", "int", lambda q: q.t.households),
    Column("area_km2", "Superficie (km²)", "float", lambda q: q.t.area_km2),
)


def _territory_builder(level: str):
    """The territory attributes of a level (not its indicators: see `TERRITORY_INDICATORS`)."""

    def build(params: LayerParams, geometry: str) -> Select:
        t = aliased(Territory, name="t")
        parent = aliased(Territory, name="parent")
        geom = territory_polygon(t, geometry)
        return (
            select(
                *select_columns(TERRITORY_COLUMNS + TERRITORY_OWN_TAIL, t=t, parent=parent, record=t),
                geom.label("geom"),
            )
            .select_from(t)
            .outerjoin(parent, parent.id == t.parent_id)
            .where(t.level == level, _territory_condition(params, t.path), _bbox_condition(params, t.geom))
            .order_by(t.code)
        )

    return build


_MATERIALISED_LEVELS = ("state", "municipality", "parish")[: MATERIALISED_MAX_DEPTH + 1]

_TERRITORY_STYLES = {
    "state": Style(color="#9ecae1", line_color="#08306b", line_width=1.4, fill_opacity=0.25, single_label="Estado"),
    "municipality": Style(color="#c6dbef", line_color="#2171b5", line_width=1.0, fill_opacity=0.25, single_label="Municipio"),
    "parish": Style(color="#deebf7", line_color="#4292c6", line_width=0.8, fill_opacity=0.25, single_label="Parroquia"),
    "circuit": Style(color="#fdd0a2", line_color="#d94801", line_width=1.0, fill_opacity=0.3, single_label="Circuito comunal"),
    "commune": Style(color="#c7e9c0", line_color="#238b45", line_width=0.7, fill_opacity=0.35, single_label="Comuna"),
    "council": Style(color="#fee391", line_color="#cc4c02", line_width=0.4, fill_opacity=0.35, single_label="Consejo comunal"),
}

# States, municipalities, parishes, communes and councils carry the indicators of their
# subtree for the period, round and scope asked for (`Layer.indicators`); circuits carry
# none. Vector tiles carry them only where they are materialised (states, municipalities,
# parishes: `Layer.tile_indicators`); commune and council tiles draw outlines and carry
# the territory attributes only, since their indicators are summed live from the records.
for _id, _level, _indicators, _min_zoom in (
    ("states", "state", True, 0),
    ("municipalities", "municipality", True, 0),
    ("parishes", "parish", True, 4),
    ("circuits", "circuit", False, 5),
    ("communes", "commune", True, 5),
    ("councils", "council", True, 8),
):
    register(
        Layer(
            id=_id,
            title=LEVEL_LABELS_PLURAL[_level],
            geometry_type="MultiPolygon",
            level=_level,
            fields=TERRITORY_COLUMNS + (INDICATOR_FIELDS if _indicators else ()) + TERRITORY_OWN_TAIL,
            style=_TERRITORY_STYLES[_level],
            popup=("name", "code", "population", "households")
            + (("cases_open", "cases_overdue", "projects_total", "clap_count") if _indicators else ()),
            filters=(),
            builder=_territory_builder(_level),
            description=f"Límites de {LEVEL_LABELS_PLURAL[_level].lower()}"
            + (" con indicadores de casos, proyectos, CLAP y acuerdos de su territorio." if _indicators else "."),
            date_field="updated_on",
            min_zoom=_min_zoom,
            tile_limit=50_000,
            indicators=tuple(f.name for f in INDICATOR_FIELDS) if _indicators else (),
            tile_indicators=_indicators and _level in _MATERIALISED_LEVELS,
        )
    )
