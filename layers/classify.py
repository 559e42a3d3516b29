"""Classification of indicator values for choropleths, and Spanish number formatting.

The user chooses the method and the number of classes (3–7): natural breaks
(Fisher-Jenks, mapclassify; the default, the usual choice for skewed counts such as cases
per territory), quantiles (about as many territories in each class) or equal intervals
(classes of the same width). With no more distinct values than classes each value is its
own class. Every class knows how many territories fall in it, and so does «sin datos».

Colours are ColorBrewer ramps with as many steps as classes: sequential orange-red where
higher is worse, green-blue where higher is better; a signed indicator (a change, which
can fall or rise) gets a diverging red-blue ramp centred on zero: zero is always a class
boundary (and «sin cambio» its own class when some territory did not change), so the
colour says at once whether a territory went up or down.
"""

from __future__ import annotations

import datetime as dt

import math
import warnings
from dataclasses import dataclass, replace

import mapclassify
import numpy as np

from geodata.indicators import INDICATORS

CLASSES = 5
MIN_CLASSES, MAX_CLASSES = 3, 7
# The methods the user may choose (URL value -> the scheme `Classification.scheme` records).
METHODS = {"jenks": "fisher_jenks", "quantiles": "quantiles", "equal": "equal_interval"}
DEFAULT_METHOD = "jenks"
# ColorBrewer sequential ramps, light to dark, by number of classes (YlOrRd, GnBu).
WORSE_RAMPS = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
}
BETTER_RAMPS = {
    3: ("#e0f3db", "#a8ddb5", "#43a2ca"),
    4: ("#f0f9e8", "#bae4bc", "#7bccc4", "#2b8cbe"),
    5: ("#f0f9e8", "#bae4bc", "#7bccc4", "#43a2ca", "#0868ac"),
    6: ("#f0f9e8", "#ccebc5", "#a8ddb5", "#7bccc4", "#43a2ca", "#0868ac"),
    7: ("#f0f9e8", "#ccebc5", "#a8ddb5", "#7bccc4", "#4eb3d3", "#2b8cbe", "#08589e"),
}
WORSE_RAMP = WORSE_RAMPS[5]
BETTER_RAMP = BETTER_RAMPS[5]
# The two arms of ColorBrewer's RdBu, from next to the centre outwards, and its centre.
DIVERGING_RED = ("#fddbc7", "#f4a582", "#e7785f", "#d6604d", "#b2182b", "#8a0d24", "#67001f")
DIVERGING_BLUE = ("#d1e5f0", "#92c5de", "#6aafd6", "#4393c3", "#2166ac", "#0f437d", "#053061")
DIVERGING_CENTRE = "#f7f7f7"
NO_DATA_COLOR = "#d9d9d9"
# Fisher-Jenks is quadratic in pure Python (numba is not a dependency): above this many
# distinct values it runs on that many evenly spaced quantiles, which keeps it exact in
# spirit, deterministic and under ~30 ms.
JENKS_SAMPLE = 150

# The legend's words (Spanish: the screen and the printed maps both show them).
LEGEND_NO_DATA = "Sin datos"
LEGEND_NO_CHANGE = "sin cambio"
LEGEND_SCHEMES = {
    "fisher_jenks": "cortes naturales (Jenks)",
    "quantiles": "cuantiles",
    "equal_interval": "intervalos iguales",
    "unique": "valores únicos",
}
LEGEND_SCHEME = "{scheme}, {k} clases"
LEGEND_DIVERGING = ", divergente en 0"


@dataclass(frozen=True)
class Classification:
    scheme: str  # "fisher_jenks" | "quantiles" | "equal_interval" | "unique" | "empty"
    lower: float | None
    bins: tuple[float, ...]  # upper bound of each class
    classes: tuple[int | None, ...]  # class of each value (None: no data)
    colors: tuple[str, ...]
    diverging: bool = False
    zero_class: int | None = None  # diverging: the class holding exactly zero («sin cambio»)
    # Diverging: the smallest and largest value in each class (its legend label), since each
    # side's first class starts at that side's own minimum, not at the previous bound.
    extents: tuple[tuple[float, float] | None, ...] = ()

    @property
    def k(self) -> int:
        return len(self.bins)

    @property
    def counts(self) -> tuple[int, ...]:
        """How many values fall in each class."""
        out = [0] * self.k
        for cls in self.classes:
            if cls is not None:
                out[cls] += 1
        return tuple(out)

    @property
    def no_data(self) -> int:
        return sum(1 for cls in self.classes if cls is None)

    def color_of(self, cls: int | None) -> str:
        return NO_DATA_COLOR if cls is None else self.colors[cls]


def _is_number(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def clamp_classes(k) -> int:
    """A number of classes the room offers (3–7); anything else gives the default."""
    try:
        k = int(k)
    except (TypeError, ValueError):
        return CLASSES
    return k if MIN_CLASSES <= k <= MAX_CLASSES else CLASSES


def is_signed(indicator_id: str) -> bool:
    """Whether an indicator is a change that can be negative (it gets diverging colours):
    an `Indicator` with `signed=True`, or any whose id says it is a variation."""
    ind = INDICATORS.get(indicator_id)
    return bool(getattr(ind, "signed", False)) or "variation" in indicator_id or "change" in indicator_id


def _pick(palette: tuple[str, ...], n: int) -> tuple[str, ...]:
    """n colours spread evenly along a palette (light to dark)."""
    if n <= 0:
        return ()
    if n == 1:
        return (palette[min(len(palette) - 1, len(palette) // 2)],)
    return tuple(palette[round(i * (len(palette) - 1) / (n - 1))] for i in range(n))


def ramp(indicator_id: str, k: int) -> tuple[str, ...]:
    """k colours of the indicator's sequential ramp, light to dark (ColorBrewer's own k-class
    ramp for 3–7 classes)."""
    worse = INDICATORS[indicator_id].higher_is_worse
    ramps = WORSE_RAMPS if worse else BETTER_RAMPS
    if k in ramps:
        return ramps[k]
    full = ramps[5]
    if k <= 0:
        return ()
    if k == 1:
        return (full[-2],)
    return _pick(full, k)


def _breaks(present: np.ndarray, k: int, method: str) -> tuple[str, tuple[float, ...]]:
    """Upper bounds of up to k classes of `present` (the last is its maximum), by `method`."""
    unique = np.unique(present)
    if unique.size <= k:
        return "unique", tuple(float(u) for u in unique)
    top = float(present.max())
    if method == "quantiles":
        inner = np.quantile(present, np.linspace(0, 1, k + 1)[1:-1])
        bins = sorted({float(b) for b in inner if b < top}) + [top]
        return "quantiles", tuple(bins)
    if method == "equal":
        low = float(present.min())
        width = (top - low) / k
        return "equal_interval", tuple(low + width * i for i in range(1, k)) + (top,)
    sample = unique if unique.size <= JENKS_SAMPLE else np.quantile(present, np.linspace(0, 1, JENKS_SAMPLE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed": expected
        result = mapclassify.FisherJenks(sample, k=k)
    bins = sorted({float(b) for b in result.bins[:-1] if b < top}) + [top]
    return "fisher_jenks", tuple(bins)


def _assign(values: list, bins: tuple[float, ...]) -> tuple[int | None, ...]:
    return tuple(
        None if not _is_number(v) else min(int(np.searchsorted(bins, float(v), side="left")), len(bins) - 1)
        for v in values
    )


def classify(values: list, indicator_id: str, k: int = CLASSES, method: str = DEFAULT_METHOD,
             diverging: bool | None = None) -> Classification:
    """Classes of `values` (None or NaN: «sin datos») in `k` classes by `method` ("jenks",
    "quantiles", "equal"). `diverging` (default: whether the indicator is signed) centres
    the classes and colours on zero."""
    method = method if method in METHODS else DEFAULT_METHOD
    present = np.array([float(v) for v in values if _is_number(v)])
    if present.size == 0:
        return Classification("empty", None, (), tuple(None for _ in values), ())
    if diverging is None:
        diverging = is_signed(indicator_id)
    if diverging:
        return _diverging(values, present, indicator_id, k, method)
    scheme, bins = _breaks(present, k, method)
    return Classification(scheme, float(present.min()), bins, _assign(values, bins), ramp(indicator_id, len(bins)))


def reclass(c: Classification, values: list) -> Classification:
    """The same classes (bounds and colours) applied to other values: frames of a timeline
    classed once over all of them, so a colour means the same count every week."""
    if c.scheme == "empty":
        return classify(values, "cases_reported")
    return replace(c, classes=_assign(values, c.bins))


def _diverging(values: list, present: np.ndarray, indicator_id: str, k: int, method: str) -> Classification:
    """Falls below zero, «sin cambio» (exactly zero, if any) and rises above it, each side
    classified on its own values by `method`, with the classes shared in proportion to the
    distinct values on each side (at least one each)."""
    neg, pos = present[present < 0], present[present > 0]
    has_zero = bool((present == 0).any())
    slots = max(k - (1 if has_zero else 0), 1)
    n_neg, n_pos = np.unique(neg).size, np.unique(pos).size
    if n_neg and n_pos:
        k_neg = min(max(1, round(slots * n_neg / (n_neg + n_pos))), slots - 1) if slots > 1 else 1
        k_pos = max(slots - k_neg, 1)
    else:
        k_neg, k_pos = (slots, 0) if n_neg else (0, slots)
    scheme = METHODS[method]
    neg_bins: tuple[float, ...] = ()
    pos_bins: tuple[float, ...] = ()
    if n_neg:
        s, neg_bins = _breaks(neg, k_neg, method)
        scheme = s if s == "unique" and not n_pos else scheme
    if n_pos:
        s, pos_bins = _breaks(pos, k_pos, method)
        scheme = s if s == "unique" and not n_neg else scheme
    bins = neg_bins + ((0.0,) if has_zero else ()) + pos_bins
    worse_up = INDICATORS[indicator_id].higher_is_worse
    rise, fall = (DIVERGING_RED, DIVERGING_BLUE) if worse_up else (DIVERGING_BLUE, DIVERGING_RED)
    # Darkest farthest from zero on both sides.
    colors = tuple(reversed(_pick(fall, len(neg_bins)))) + ((DIVERGING_CENTRE,) if has_zero else ()) + _pick(rise, len(pos_bins))
    zero_class = len(neg_bins) if has_zero else None
    classes = _assign(values, bins)
    members: list[list[float]] = [[] for _ in bins]
    for v, cls in zip(values, classes):
        if cls is not None:
            members[cls].append(float(v))
    extents = tuple((min(m), max(m)) if m else None for m in members)
    return Classification(scheme, float(present.min()), bins, classes, colors, diverging=True,
                          zero_class=zero_class, extents=extents)


def format_number(value, fmt: str = ",.0f") -> str:
    """A number in Venezuelan style: 12.345,6 (thousands with '.', decimals with ',')."""
    if not _is_number(value):
        return "—"
    text = format(float(value), fmt)
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_date(value) -> str:
    """A day in Venezuelan style, dd/mm/aaaa (a date, a datetime or its ISO text; None: '—')."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


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
    """One entry per class: colour, the range it covers (in the indicator's format) and how
    many territories it holds; then «Sin datos» with its count, if any."""
    ind = INDICATORS[indicator_id]
    items = []
    counts = c.counts
    if c.scheme == "unique":
        for i, b in enumerate(c.bins):
            label = format_value(indicator_id, b) + (f" ({LEGEND_NO_CHANGE})" if i == c.zero_class else "")
            items.append({"color": c.colors[i], "label": label, "count": counts[i]})
    else:
        low = c.lower
        for i, high in enumerate(c.bins):
            if i == c.zero_class:
                label = f"{format_value(indicator_id, 0)} ({LEGEND_NO_CHANGE})"
            elif c.extents:
                lo, hi = c.extents[i] or (low, high)
                label = (format_value(indicator_id, hi) if format_number(lo, ind.fmt) == format_number(hi, ind.fmt)
                         else f"{format_number(lo, ind.fmt)} – {format_value(indicator_id, hi)}")
            else:
                label = f"{format_number(low, ind.fmt)} – {format_value(indicator_id, high)}"
            items.append({"color": c.colors[i], "label": label, "count": counts[i]})
            low = high
    if c.no_data:
        items.append({"color": NO_DATA_COLOR, "label": LEGEND_NO_DATA, "count": c.no_data})
    return items


def scheme_label(c: Classification) -> str:
    """How the classes were made, for the legend: «cortes naturales (Jenks), 5 clases»."""
    if c.scheme == "empty":
        return ""
    text = LEGEND_SCHEME.format(scheme=LEGEND_SCHEMES.get(c.scheme, c.scheme), k=c.k)
    return text + (LEGEND_DIVERGING if c.diverging else "")
