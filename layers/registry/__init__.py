"""The layer registry: one definition per map layer, used by the dashboard, the exports,
the vector tiles, the OGC API and the printed maps alike.

A `Layer` (`spec`) says what it shows (Spanish title, geometry type, territory level),
which attributes it carries (ordered `Column`s: name, Spanish label, type and the SQL that
computes it, so the select is built from the same declaration), how it is drawn (`Style`
and its legend), what its popup shows and which filters it accepts. Its `select(params)`
builds the query with SQLAlchemy Core and bound parameters: the attributes, in field
order, plus `geom` (EPSG:4326). The territory layers' indicator attributes
(`Layer.indicators`, `indicators.TERRITORY_INDICATORS`) are not SQL of the registry: they
are the indicators of `geodata.indicators` (one definition of every measure), merged by
code where rows are produced (`layers.features`).

Every query is cut to the territory asked for (its subtree, via the materialised path)
and to the caller's `Scope`, so no export or tile can show what the role may not see.

Where things live: the framework in `spec` (Field, Column, FilterDef, Style, Layer,
validate_params), `params` (LayerParams, the territory's resolution, filter values),
`catalogue` (register, get_layer, list_layers), `errors`, `sql` (shared SQL pieces),
`columns` (column specs several layers share), `records` (a record layer in one
declaration: `record_layer`, as `cases` and tests/test_worked_example_layer.py show); the
catalogue by family in `territories`, `cases`, `projects`, `claps`, `agreements`,
`integrity`, `communal`, `reporting` and `money`, imported below in the order the layers
are listed.
"""

from __future__ import annotations

from layers.registry import (  # noqa: F401  (each registers its layers, in this order)
    territories,
    cases,
    projects,
    claps,
    agreements,
    integrity,
    communal,
    reporting,
    money,
)
from layers.registry.catalogue import LAYERS, UnknownLayer, get_layer, list_layers, register, unregister
from layers.registry.columns import IS_DEMO, LOCATION_SOURCE, TERRITORY_OWN_TAIL, named_with_parent, territory_tail, updated_on
from layers.registry.errors import LayerError, UnknownTerritory
from layers.registry.indicators import INDICATOR_FIELDS, TERRITORY_INDICATORS
from layers.registry.params import BOOL_CHOICES, LayerParams, resolve_params
from layers.registry.records import record_builder, record_layer, where_at_least, where_flag, where_in
from layers.registry.spec import Column, Field, FilterDef, Layer, Style, select_columns, validate_params
from layers.registry.sql import SRID, territory_polygon

__all__ = [
    "BOOL_CHOICES",
    "Column",
    "Field",
    "FilterDef",
    "INDICATOR_FIELDS",
    "IS_DEMO",
    "LAYERS",
    "LOCATION_SOURCE",
    "Layer",
    "LayerError",
    "LayerParams",
    "SRID",
    "Style",
    "TERRITORY_INDICATORS",
    "TERRITORY_OWN_TAIL",
    "UnknownLayer",
    "UnknownTerritory",
    "get_layer",
    "list_layers",
    "named_with_parent",
    "record_builder",
    "record_layer",
    "register",
    "resolve_params",
    "select_columns",
    "territory_polygon",
    "territory_tail",
    "unregister",
    "updated_on",
    "validate_params",
    "where_at_least",
    "where_flag",
    "where_in",
]
