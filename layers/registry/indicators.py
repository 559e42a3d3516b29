"""The indicator attributes of the territory layers (`TERRITORY_INDICATORS`), kept apart:
a stable subset of `geodata.indicators.INDICATORS` whose values `layers.features` merges by
code, not columns of any select."""

from __future__ import annotations

from geodata.indicators import INDICATORS
from layers.registry.spec import Field

# The indicator attributes of the territory layers: a stable subset of
# `geodata.indicators.INDICATORS` (id, column type), in this order. Their Spanish labels
# are the indicators' own and their values come from `geodata.indicators.level_values`
# (merged by code in `layers.features`), so the map, the exports and the dashboard show
# one definition of every measure. Household and population figures are the territory's
# own attributes.
TERRITORY_INDICATORS: tuple[tuple[str, str], ...] = (
    ("cases_reported", "int"),
    ("cases_open", "int"),
    ("cases_overdue", "int"),
    ("cases_resolved", "int"),
    ("median_days_to_resolve", "float"),
    ("cases_with_solution_share", "float"),
    ("projects_total", "int"),
    ("projects_stalled", "int"),
    ("budget_approved", "float"),
    ("budget_deposited", "float"),
    ("budget_deposited_share", "float"),
    ("clap_count", "int"),
    ("clap_coverage", "float"),
    ("clap_days_since_delivery", "float"),
    ("agreements_total", "int"),
    ("agreements_overdue", "int"),
)
INDICATOR_FIELDS = tuple(Field(i, INDICATORS[i].label, kind) for i, kind in TERRITORY_INDICATORS)
