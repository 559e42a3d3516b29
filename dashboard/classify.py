"""The choropleth classification lives in `layers.classify` (printed maps use it too);
the dashboard's modules import it from here."""

from layers.classify import (  # noqa: F401
    BETTER_RAMP,
    CLASSES,
    JENKS_SAMPLE,
    NO_DATA_COLOR,
    WORSE_RAMP,
    Classification,
    classify,
    format_number,
    format_value,
    legend_items,
    ramp,
)
