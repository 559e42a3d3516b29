"""Classification of indicator values for choropleths, and Spanish number formatting.

Five classes by natural breaks (Fisher-Jenks, mapclassify), the usual choice for skewed
counts such as cases per territory; with five distinct values or fewer each value is its
own class. Colours are ColorBrewer sequential ramps: orange-red where higher is worse,
green-blue where higher is better.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from geodata.indicators import INDICATORS

CLASSES = 5
WORSE_RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
BETTER_RAMP = ("#f0f9e8", "#bae4bc", "#7bccc4", "#43a2ca", "#0868ac")
NO_DATA_COLOR = "#d9d9d9"
# Fisher-Jenks is quadratic in pure Python (numba is not a dependency): above this many
# distinct values it runs on that many evenly spaced quantiles, which keeps it exact in
# spirit, deterministic and under ~30 ms.
JENKS_SAMPLE = 150


@dataclass(frozen=True)
class Classification:
    scheme: str  # "fisher_jenks" | "unique" | "empty"
    lower: float | None
    bins: tuple[float, ...]  # upper bound of each class
    classes: tuple[int | None, ...]  # class of each value (None: no data)
    colors: tuple[str, ...]

    @property
    def k(self) -> int:
        return len(self.bins)

    def color_of(self, cls: int | None) -> str:
        return NO_DATA_COLOR if cls is None else self.colors[cls]


def _is_number(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def ramp(indicator_id: str, k: int) -> tuple[str, ...]:
    """k colours of the indicator's ramp, spread from light to dark."""
    full = WORSE_RAMP if INDICATORS[indicator_id].higher_is_worse else BETTER_RAMP
    if k <= 0:
        return ()
    if k == 1:
        return (full[-2],)
    return tuple(full[round(i * (len(full) - 1) / (k - 1))] for i in range(k))


def classify(values: list, indicator_id: str, k: int = CLASSES) -> Classification:
    present = np.array([float(v) for v in values if _is_number(v)])
    if present.size == 0:
        return Classification("empty", None, (), tuple(None for _ in values), ())
    unique = np.unique(present)
    if unique.size <= k:
        bins = tuple(float(u) for u in unique)
        scheme = "unique"
    else:
        sample = unique if unique.size <= JENKS_SAMPLE else np.quantile(present, np.linspace(0, 1, JENKS_SAMPLE))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Numba not installed": expected
            result = mapclassify.FisherJenks(sample, k=k)
        bins = tuple(float(b) for b in result.bins[:-1]) + (float(present.max()),)
        scheme = "fisher_jenks"
    classes = []
    for v in values:
        if not _is_number(v):
            classes.append(None)
        else:
            classes.append(int(np.searchsorted(bins, float(v), side="left")))
    return Classification(scheme, float(present.min()), bins, tuple(classes), ramp(indicator_id, len(bins)))


def format_number(value, fmt: str = ",.0f") -> str:
    """A number in Venezuelan style: 12.345,6 (thousands with '.', decimals with ',')."""
    if not _is_number(value):
        return "—"
    text = format(float(value), fmt)
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(indicator_id: str, value) -> str:
    ind = INDICATORS[indicator_id]
    text = format_number(value, ind.fmt)
    if text == "—":
        return text
    if ind.unit.startswith("%"):
        return f"{text} %"
    if ind.unit == "Bs.":
        return f"Bs. {text}"
    return text


def legend_items(c: Classification, indicator_id: str) -> list[dict]:
    """One entry per class: colour and the range it covers, in the indicator's format."""
    ind = INDICATORS[indicator_id]
    items = []
    if c.scheme == "unique":
        for i, b in enumerate(c.bins):
            items.append({"color": c.colors[i], "label": format_value(indicator_id, b)})
    else:
        low = c.lower
        for i, high in enumerate(c.bins):
            lo_text = format_number(low, ind.fmt)
            items.append({"color": c.colors[i], "label": f"{lo_text} – {format_value(indicator_id, high)}"})
            low = high
    if any(cls is None for cls in c.classes):
        items.append({"color": NO_DATA_COLOR, "label": "Sin datos"})
    return items
