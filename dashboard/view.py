"""The view a URL carries: territory, indicator, layers, period and record filters.

`/?territory=0101&indicator=cases_overdue&layers=cases,claps&round=2025-1&from=2025-01-01&to=2025-06-30`
`&category=water,gas&status=reported&overdue=1&stage=stalled` (filters of the record layers,
their choices from the layer registry's `FilterDef`s)
`&classification=quantiles&classes=4` (how the choropleth is classed: `dashboard.classify`)
`&semana=2026-11-23` (the timeline's week: the choropleth shows the cases reported in it).
Every parameter is optional; anything malformed is dropped with the default kept, so a
hand-edited or stale link still opens (on the closest valid view) instead of failing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, replace
from urllib.parse import urlencode

from dashboard.classify import CLASSES, DEFAULT_METHOD, METHODS, clamp_classes
from geodata.indicators import INDICATORS, Period, RecordFilter
from geodata.records import RECORD_KINDS
from geodata.territory import normalise_code
from geodata.vocab import CONSULTATION_ROUND_PATTERN
from layers.registry import FilterDef, get_layer

# Boundary layers below the level shown, drawn from vector tiles (layers.web) at any level.
# «reporting»: the silent communal councils (layers.reporting), filled in red, at any level.
OUTLINE_KINDS: tuple[str, ...] = ("communes", "councils", "reporting")
# The tile filters of a tile layer of the room: of the reporting layer, the silent only.
TILE_FILTERS: dict[str, dict[str, list[str]]] = {"reporting": {"silent": ["true"]}}
# The communal system's registry layers, drawn with their key figures (dashboard.communal_map).
COMMUNAL_KINDS: tuple[str, ...] = ("quadrants", "defense_plans", "businesses", "peace_judges")
LAYER_KINDS: tuple[str, ...] = (*RECORD_KINDS, *OUTLINE_KINDS, *COMMUNAL_KINDS)
DEFAULT_INDICATOR = "cases_open"
DEFAULT_LAYERS: tuple[str, ...] = ()
_CODE = re.compile(r"^[A-Za-z0-9-]{1,32}$")
# The record filters the room offers: URL name -> the registry layer whose filter it is.
# "overdue" is a yes/no switch ("solo vencidos"); the others are multi-choice.
ROOM_FILTERS: dict[str, str] = {"category": "cases", "status": "cases", "overdue": "cases", "stage": "projects"}
_TRUE = {"1", "true", "si", "sí", "yes", "on"}


def filter_def(name: str) -> FilterDef:
    """The registry's definition of a room filter (its label and choices)."""
    layer = get_layer(ROOM_FILTERS[name])
    return next(f for f in layer.filters if f.name == name)


def _choices(name: str, raw) -> tuple[str, ...]:
    """The known values of a multi-choice filter, in the registry's order; others dropped."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    wanted = {str(x).strip().lower() for x in items}
    return tuple(v for v in (filter_def(name).choices or {}) if v.lower() in wanted)


def _flag(raw) -> bool:
    if isinstance(raw, list | tuple):
        return any(_flag(x) for x in raw)
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in _TRUE


@dataclass(frozen=True)
class View:
    territory: str | None = None
    indicator: str = DEFAULT_INDICATOR
    layers: tuple[str, ...] = DEFAULT_LAYERS
    round: str | None = None
    date_from: str | None = None  # ISO dates: the view travels as JSON
    date_to: str | None = None
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    overdue: bool = False
    stage: tuple[str, ...] = ()
    variation: bool = False  # the choropleth shows the change against the previous equal period
    classification: str = DEFAULT_METHOD  # a key of dashboard.classify.METHODS
    classes: int = CLASSES
    week: str | None = None  # the timeline's week (its Monday, ISO): the choropleth shows that week's cases

    @property
    def period(self) -> Period:
        return Period(
            date_from=dt.date.fromisoformat(self.date_from) if self.date_from else None,
            date_to=dt.date.fromisoformat(self.date_to) if self.date_to else None,
            consultation_round=self.round,
        )

    @property
    def record_filter(self) -> RecordFilter:
        """The record filters as the indicators apply them (choropleth, KPIs, table, charts)."""
        return RecordFilter(self.category, self.status, self.overdue, self.stage)

    def filters_for(self, layer_id: str) -> dict[str, list[str]]:
        """The on-screen filters that apply to a registry layer, as `LayerParams.filters`."""
        out: dict[str, list[str]] = {}
        for name, target in ROOM_FILTERS.items():
            if target != layer_id:
                continue
            value = getattr(self, name)
            if name == "overdue":
                if value:
                    out[name] = ["true"]
            elif value:
                out[name] = list(value)
        return out

    def to_store(self) -> dict:
        data = asdict(self)
        for name in ("layers", "category", "status", "stage"):
            data[name] = list(getattr(self, name))
        return data

    @classmethod
    def from_store(cls, data) -> View:
        """The view a page's store holds; the default view for anything that is not one."""
        if not isinstance(data, dict) or not data:
            return cls()
        layers = data.get("layers")
        return parse({**data, "layers": ",".join(str(x) for x in layers) if isinstance(layers, list) else layers})

    def to_query(self) -> str:
        """The query string (with '?', or '' for the default view) that reopens this view."""
        params = {}
        if self.territory:
            params["territory"] = self.territory
        if self.indicator != DEFAULT_INDICATOR:
            params["indicator"] = self.indicator
        if self.layers != DEFAULT_LAYERS:
            params["layers"] = ",".join(self.layers)
        if self.round:
            params["round"] = self.round
        if self.date_from:
            params["from"] = self.date_from
        if self.date_to:
            params["to"] = self.date_to
        for name in ("category", "status", "stage"):
            if getattr(self, name):
                params[name] = ",".join(getattr(self, name))
        if self.overdue:
            params["overdue"] = "1"
        if self.variation:
            params["variacion"] = "1"
        if self.classification != DEFAULT_METHOD:
            params["classification"] = self.classification
        if self.classes != CLASSES:
            params["classes"] = str(self.classes)
        if self.week:
            params["semana"] = self.week
        return "?" + urlencode(params, safe=",") if params else ""

    def with_(self, **changes) -> View:
        return replace(self, **changes)


def _date(value) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return None


def parse(params: dict) -> View:
    """A View from query parameters (as Dash pages passes them, or a stored view)."""
    territory = params.get("territory")
    territory = normalise_code(str(territory)) if territory else None
    if territory and not _CODE.match(territory):
        territory = None
    indicator = params.get("indicator") or DEFAULT_INDICATOR
    if not isinstance(indicator, str) or indicator not in INDICATORS:
        indicator = DEFAULT_INDICATOR
    raw_layers = params.get("layers")
    if raw_layers is None:
        layers = DEFAULT_LAYERS
    else:
        wanted = [x.strip() for x in str(raw_layers).split(",")]
        layers = tuple(k for k in LAYER_KINDS if k in wanted)
    round_ = params.get("round") or None
    if round_ and not re.match(CONSULTATION_ROUND_PATTERN, str(round_)):
        round_ = None
    date_from = _date(params.get("from") or params.get("date_from"))
    date_to = _date(params.get("to") or params.get("date_to"))
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return View(
        territory,
        indicator,
        layers,
        round_,
        date_from,
        date_to,
        category=_choices("category", params.get("category")),
        status=_choices("status", params.get("status")),
        overdue=_flag(params.get("overdue")),
        stage=_choices("stage", params.get("stage")),
        variation=_flag(params.get("variacion", params.get("variation"))),
        classification=_method(params.get("classification")),
        classes=clamp_classes(params.get("classes")),
        week=_monday(params.get("semana", params.get("week"))),
    )


def _monday(raw) -> str | None:
    """The Monday of the week a date falls in (the timeline's weeks start on Monday)."""
    day = _date(raw)
    if day is None:
        return None
    parsed = dt.date.fromisoformat(day)
    return (parsed - dt.timedelta(days=parsed.weekday())).isoformat()


def _method(raw) -> str:
    value = str(raw or "").strip().lower()
    return value if value in METHODS else DEFAULT_METHOD
