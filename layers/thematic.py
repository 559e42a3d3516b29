"""Thematic maps for print: what the room shows, on paper.

A `MapView` is the room's URL (`territory`, `indicator`, `layers`, period, record
filters); `build_theme` reads what it shows: the children of the territory coloured by
the indicator in the room's five classes (`layers.classify`, the same breaks and ramps),
the record layers filtered as on screen — cases open and overdue unless a status is
asked for, since resolved cases would bury the work still to do — and the country's
states for an inset. `layers.thematic_draw` draws it on a matplotlib axes: class colours, labels
(name and value) where they fit inside their territory, points symbolised by what they
are (overdue cases apart), or grouped into counted clusters above `CLUSTER_ABOVE`
points, when single dots would be a blanket. The drawing is in `layers.thematic_draw`;
this module holds what the map shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import Connection, func, select

from geodata.indicators import INDICATORS, Period, child_values
from geodata.models import Territory
from geodata.vocab import OPEN_CASE_STATUSES
from layers.classify import (
    CLASSES,
    DEFAULT_METHOD,
    METHODS,
    clamp_classes,
    classify,
    legend_items,
    scheme_label,
)
from layers.features import iter_rows
from layers.parsing import parse_date
from layers.registry import LayerError, LayerParams, get_layer, resolve_params

DEFAULT_INDICATOR = "cases_open"
POINT_LAYERS = ("cases", "projects", "claps")
# The room's record filters: URL name -> the layer they filter ("overdue" is a switch).
ROOM_FILTERS = {"category": "cases", "status": "cases", "overdue": "cases", "stage": "projects"}
CLUSTER_ABOVE = 1000
# Case points apart from the choropleth's yellow-to-red ramp: blue for open, purple for overdue.
CASE_SYMBOLS = {
    "overdue": ("Vencido", "#54278f", "^"),
    "open": ("Abierto (en plazo)", "#2171b5", "o"),
    "resolved": ("Resuelto o cerrado", "#238b45", "s"),
    "rejected": ("Rechazado", "#737373", "x"),
}
_TRUE = {"1", "true", "si", "sí", "yes", "on"}


class ThemeError(LayerError):
    pass


@dataclass(frozen=True)
class MapView:
    """The room's view, as its URL carries it."""

    territory: str | None = None
    indicator: str = DEFAULT_INDICATOR
    layers: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    consultation_round: str | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    classification: str = DEFAULT_METHOD  # the room's «Clases»: jenks, quantiles or equal
    classes: int = CLASSES  # and how many (3–7)

    @property
    def period(self) -> Period:
        return Period(self.date_from, self.date_to, self.consultation_round)

    def layer_filters(self, layer_id: str) -> dict[str, list[str]]:
        return {name: list(v) for name, v in self.filters.items() if ROOM_FILTERS.get(name) == layer_id and v}

    def params(self, scope, layer_id: str | None = None, territory: str | None = None) -> LayerParams:
        return LayerParams(
            territory=territory or self.territory, date_from=self.date_from, date_to=self.date_to,
            consultation_round=self.consultation_round, filters=(self.layer_filters(layer_id) if layer_id else None) or None,
            scope=scope, as_of=self.period.reference_day(),
        )


def _one(args: Mapping, name: str) -> str | None:
    value = args.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None


def _many(args: Mapping, name: str) -> tuple[str, ...]:
    value = args.get(name)
    items = value if isinstance(value, list | tuple) else [value] if value else []
    return tuple(v.strip() for item in items for v in str(item).split(",") if v.strip())


def parse_view(args: Mapping) -> MapView:
    """The room's URL parameters (a dict of str or list of str) as a MapView; bad input
    raises ThemeError (a Spanish message) instead of being guessed at."""
    indicator = _one(args, "indicator") or DEFAULT_INDICATOR
    if indicator not in INDICATORS:
        raise ThemeError(f"Indicador desconocido: «{indicator}».")
    layers = _many(args, "layers")
    unknown = [name for name in layers if name not in (*POINT_LAYERS, "communes", "councils", "agreements")]
    if unknown:
        raise ThemeError(f"Capa desconocida en el mapa: «{unknown[0]}».")
    filters: dict[str, tuple[str, ...]] = {}
    for name in ROOM_FILTERS:
        values = _many(args, name)
        if name == "overdue":
            values = ("true",) if any(v.lower() in _TRUE for v in values) else ()
        if values:
            filters[name] = values
    method = _one(args, "classification") or DEFAULT_METHOD
    if method not in METHODS:
        raise ThemeError(f"Clasificación desconocida: «{method}» ({', '.join(METHODS)}).")
    return MapView(
        territory=_one(args, "territory"), indicator=indicator, layers=tuple(dict.fromkeys(layers)),
        date_from=parse_date(_one(args, "from"), "from"), date_to=parse_date(_one(args, "to"), "to"),
        consultation_round=_one(args, "round"), filters=filters, classification=method,
        classes=clamp_classes(_one(args, "classes")),
    )


# --------------------------------------------------------------------------- what the map shows


@dataclass
class Choropleth:
    """Territories coloured in classes of one measure, with the legend (colour, label, count)."""

    frame: gpd.GeoDataFrame  # code, name, value, color, geometry
    indicator: str
    title: str
    legend: list[tuple[str, str, int]]
    scheme: str = ""  # how the classes were made: «cuantiles, 3 clases» (`layers.classify.scheme_label`)


@dataclass
class PointLayer:
    layer_id: str
    title: str
    lon: np.ndarray
    lat: np.ndarray
    colors: list[str]
    markers: list[str]
    legend: list[tuple[str, str, str, int]]  # label, colour, marker, count
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.lon)

    @property
    def clustered(self) -> bool:
        return self.total > CLUSTER_ABOVE


@dataclass
class Theme:
    code: str | None
    name: str
    level: str
    choropleth: Choropleth
    points: list[PointLayer]
    outline: gpd.GeoDataFrame | None
    country: gpd.GeoDataFrame  # the states, for the inset
    state_code: str | None


def territory_shapes(conn: Connection, codes: list[str]) -> gpd.GeoDataFrame:
    """Code, name and generalised outline of these territories."""
    rows = conn.execute(
        select(Territory.code, Territory.name, func.ST_AsBinary(func.coalesce(Territory.geom_display, Territory.geom)).label("wkb"))
        .where(Territory.code.in_(codes))
    ).all() if codes else []
    rows = [r for r in rows if r.wkb is not None]
    return gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows]},
        geometry=shapely.from_wkb([bytes(r.wkb) for r in rows]) if rows else [], crs="EPSG:4326",
    )


def country_states(conn: Connection) -> gpd.GeoDataFrame:
    codes = list(conn.execute(select(Territory.code).where(Territory.parent_id.is_(None))).scalars())
    return territory_shapes(conn, codes)


def make_choropleth(shapes: gpd.GeoDataFrame, values: Mapping[str, float | None], indicator: str,
                    title: str | None = None, method: str = DEFAULT_METHOD, k: int = CLASSES) -> Choropleth:
    """Colour `shapes` by `values` (code -> value) in the room's classes of `indicator`
    (its ramp and number format; `method` and `k` as the room's «Clases»), counting the
    territories of each class for the legend."""
    frame = shapes.copy()
    frame["value"] = [values.get(code) for code in frame["code"]]
    c = classify(list(frame["value"]), indicator, k=k, method=method)
    frame["color"] = [c.color_of(cls) for cls in c.classes]
    items = legend_items(c, indicator)
    counts = [sum(1 for cls in c.classes if cls == i) for i in range(c.k)]
    if any(cls is None for cls in c.classes):
        counts.append(sum(1 for cls in c.classes if cls is None))
    legend = [(item["color"], item["label"], n) for item, n in zip(items, counts)]
    return Choropleth(frame, indicator, title or INDICATORS[indicator].label, legend, scheme_label(c))


def _case_kind(row, names: dict[str, int]) -> str:
    status = row[names["status"]]
    if status in OPEN_CASE_STATUSES:
        return "overdue" if row[names["overdue"]] else "open"
    return "rejected" if status == "rejected" else "resolved"


def point_layer(conn: Connection, layer_id: str, params: LayerParams) -> PointLayer:
    """The records of a layer as the print draws them. Cases: open and overdue only unless
    a status is asked for; each kind (overdue, open, resolved) its own symbol."""
    layer = get_layer(layer_id)
    note = ""
    if layer_id == "cases" and not (params.filters or {}).get("status"):
        params = LayerParams(**{**params.__dict__, "filters": {**(params.filters or {}), "status": list(OPEN_CASE_STATUSES)}})
        note = "Solo abiertos y vencidos; los resueltos, si se filtran por estatus."
    names = {name: i for i, name in enumerate(layer.field_names)}
    lon, lat, colors, markers, kinds = [], [], [], [], []
    for row in iter_rows(conn, layer, params, geometry="xy"):
        x, y = row[-2], row[-1]
        if x is None or y is None:
            continue
        if layer_id == "cases":
            kind = _case_kind(row, names)
            _, color, marker = CASE_SYMBOLS[kind]
        else:
            kind = str(row[names[layer.style.field]]) if layer.style.field else ""
            color, marker = layer.style.color_for(kind or None), layer.style.marker
        lon.append(x)
        lat.append(y)
        colors.append(color)
        markers.append(marker)
        kinds.append(kind)
    if layer_id == "cases":
        legend = [(label, color, marker, kinds.count(kind)) for kind, (label, color, marker) in CASE_SYMBOLS.items() if kind in kinds]
    else:
        legend = [(layer.style.labels.get(v, v) or layer.title, c, layer.style.marker, kinds.count(v))
                  for v, c in (layer.style.colors.items() if layer.style.field else [("", layer.style.color)]) if v in kinds]
    return PointLayer(layer_id, layer.title, np.array(lon), np.array(lat), colors, markers, legend, note)


def build_theme(conn: Connection, view: MapView, scope) -> Theme:
    """Everything the printed map of `view` shows, read once (raises UnknownTerritory)."""
    params = resolve_params(conn, view.params(scope))
    node = None
    if params.territory:
        node = conn.execute(
            select(Territory.code, Territory.name, Territory.level, Territory.path, Territory.parent_id)
            .where(Territory.code == params.territory)
        ).first()
    rows = child_values(conn, node.code if node else None, view.period, scope)
    map_code = node.code if node else None
    if node is not None and not rows:  # a leaf: the room shows it among its siblings
        parent = conn.execute(select(Territory.code).where(Territory.id == node.parent_id)).scalar()
        rows, map_code = child_values(conn, parent, view.period, scope), parent
    shapes = territory_shapes(conn, [r["code"] for r in rows])
    values = {r["code"]: r.get(view.indicator) for r in rows}
    choropleth = make_choropleth(shapes, values, view.indicator, method=view.classification, k=view.classes)
    points = [point_layer(conn, kind, view.params(scope, kind, territory=map_code)) for kind in view.layers if kind in POINT_LAYERS]
    outline = territory_shapes(conn, [node.code]) if node else None
    state_code = node.path.strip("/").split("/")[0] if node else None
    return Theme(
        code=node.code if node else None, name=node.name if node else "Venezuela", level=node.level if node else "country",
        choropleth=choropleth, points=points, outline=outline, country=country_states(conn), state_code=state_code,
    )
