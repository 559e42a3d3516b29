"""Indicators per territory: computed in PostGIS, materialised for the upper levels.

Every measure is declared once, in the measure spec `geodata.measures` (its sums, how
its value is composed, its label and format, where the room shows it). From it:

- `rows`: the record rows, one per record event (a case reported, a case resolved, a
  project, a deposit, a delivery, an agreement) with the territory, the day, the round
  and every sum; the period's SQL;
- `materialise`: `refresh()` sums those rows per state, municipality and parish, day and
  round into `indicator_fact` (after each load), so national, state and municipal views
  read a few hundred rows;
- `totals`: the same refresh's all-time sums per territory (`indicator_total`), read
  instead whenever a view asks for the whole period with no record filter;
- `reads`: the values of a territory's children, a level, one territory and its weekly
  series, read from indicator_total, indicator_fact or, below a parish, summed live.

Every name the rest of the code uses is re-exported here.
"""

from geodata.facts import NO_FILTER, RecordFilter  # noqa: F401  (the indicators' filter, re-exported)
from geodata.indicators.materialise import (  # noqa: F401
    FACT_REFRESH_SETTINGS,
    last_refresh,
    refresh,
    refresh_if_stale,
)
from geodata.indicators.reads import (  # noqa: F401
    child_values,
    data_as_of,
    demo_loaded,
    level_values,
    summary,
    weekly_series,
)
from geodata.indicators.rows import MATERIALISED_MAX_DEPTH  # noqa: F401
from geodata.measures import INDICATORS, Indicator  # noqa: F401
from geodata.period import ALL_TIME, Period  # noqa: F401  (the one period type, re-exported for the indicators' callers)
