"""The indicator attributes of the territory layers (`TERRITORY_INDICATORS`), kept apart:
a stable subset of `geodata.indicators.INDICATORS` whose values `layers.features` merges by
code, not columns of any select."""

from __future__ import annotations

from geodata.indicators import INDICATORS
from geodata.measures import territory_indicators
from layers.registry.spec import Field

# The indicator attributes of the territory layers: a stable subset of
# `geodata.indicators.INDICATORS` (id, column type), in this order. Their Spanish labels
# are the indicators' own and their values come from `geodata.indicators.level_values`
# (merged by code in `layers.features`), so the map, the exports and the dashboard show
# one definition of every measure. Household and population figures are the territory's
# own attributes.
TERRITORY_INDICATORS: tuple[tuple[str, str], ...] = territory_indicators()  # those declared with a `layer` type
INDICATOR_FIELDS = tuple(Field(i, INDICATORS[i].label, kind) for i, kind in TERRITORY_INDICATORS)
