"""The functions behind the map room's callbacks, by concern (this module gathers their
names for the callbacks and tests that import them from here):

- `dashboard.room_vm`: the whole room for a view (`room`), an indicator switch, `locate`;
- `dashboard.events_vm`: the view after one user action (`apply_event`, `event`), clicks;
- `dashboard.panels_vm`: KPI cards, the ranked grid, the legend, the filter controls;
- `dashboard.cache`: the process cache of reads and the start-up warm-up;
- `dashboard.case_vm`: the case panel; `dashboard.downloads_vm`: the download controls;
- `layers.points`: the record points, heat map cells and bubbles the map draws.

Callbacks only unpack their inputs and call these; all reading goes through `geodata`
and `layers` (scoped), so these are tested against PostGIS without a browser.
"""

from __future__ import annotations

from dashboard.cache import _indicator_cache, cached_indicators, cached_read, warm_up  # noqa: F401
from dashboard.case_vm import case_panel  # noqa: F401
from dashboard.downloads_vm import (  # noqa: F401
    DEFAULT_EXPORT_FORMAT,
    DEFAULT_EXPORT_LAYER,
    download_links,
    export_options,
    export_picker,
)
from dashboard.events_vm import (  # noqa: F401
    apply_event,
    clicked_case,
    clicked_code,
    clicked_record,
    drill,
    event,
    in_timeline,
)
from dashboard.panels_vm import (  # noqa: F401
    ALERT_KPIS,
    GRID_IDS,
    KPI_IDS,
    filter_controls,
    grid_columns,
    grid_rows,
    indicator_options,
    kpi_cards,
    legend,
    ranked,
)
from dashboard.room_vm import (  # noqa: F401
    IndicatorSwitch,
    Room,
    consultation_rounds,
    demo_loaded,
    geo_url,
    indicator_switch,
    locate,
    map_values,
    outline_tiles,
    rendered_key,
    room,
    shown_indicator,
)
from dashboard import texts  # noqa: F401
from geodata.access import NATIONAL  # noqa: F401
from layers.points import DEFAULT_POINT_LIMIT, PointSet, aggregated_points, density_points, record_points  # noqa: F401
