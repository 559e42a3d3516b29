"""Thematic maps for print: what the room shows, on paper.

A `MapView` is the room's URL (`territory`, `indicator`, `layers`, period, record
filters); `build_theme` reads what it shows: the children of the territory coloured by
the indicator in the room's five classes (`layers.classify`, the same breaks and ramps),
the record layers filtered as on screen — cases open and overdue unless a status is
asked for, since resolved cases would bury the work still to do — and the country's
states for an inset. `draw_map` draws it on a matplotlib axes: class colours, labels
(name and value) where they fit inside their territory, points symbolised by what they
are (overdue cases apart), or grouped into counted clusters above `CLUSTER_ABOVE`
points, when single dots would be a blanket.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath
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
    format_value,
    legend_items,
    scheme_label,
)
from layers.features import iter_rows
from layers.registry import LayerError, LayerParams, get_layer, resolve_params

DEFAULT_INDICATOR = "cases_open"
POINT_LAYERS = ("cases", "projects", "claps")
# The room's record filters: URL name -> the layer they filter ("overdue" is a switch).
ROOM_FILTERS = {"category": "cases", "status": "cases", "overdue": "cases", "stage": "projects"}
CLUSTER_ABOVE = 1000
CLUSTER_CELLS = 16  # cells across the map's width when points are grouped
LABEL_SIZE = 6.5
# Case points apart from the choropleth's yellow-to-red ramp: blue for open, purple for overdue.
CASE_SYMBOLS = {
    "overdue": ("Vencido", "#54278f", "^"),
    "open": ("Abierto (en plazo)", "#2171b5", "o"),
    "resolved": ("Resuelto o cerrado", "#238b45", "s"),
    "rejected": ("Rechazado", "#737373", "x"),
}
CLUSTER_COLORS = {"cases": "#54278f", "projects": "#08519c", "claps": "#006d2c"}
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
    from layers.parsing import parse_date

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


# --------------------------------------------------------------------------- drawing


def extent_of(frames) -> tuple[float, float, float, float]:
    boxes = [f.total_bounds for f in frames if f is not None and len(f) and not f.geometry.is_empty.all()]
    if not boxes:
        return (-73.5, 0.6, -59.7, 12.3)  # Venezuela
    minx, miny = min(b[0] for b in boxes), min(b[1] for b in boxes)
    maxx, maxy = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = max(maxx - minx, maxy - miny, 0.01) * 0.04
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def frame_axes(ax, extent) -> None:
    """Limits, a true aspect at the map's latitude, no ticks."""
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)), adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_color("#555555")


def _path(geom) -> MplPath | None:
    """A (multi)polygon as one matplotlib path, holes included."""
    rings = []
    for polygon in getattr(geom, "geoms", [geom]):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        rings.append(polygon.exterior)
        rings.extend(polygon.interiors)
    if not rings:
        return None
    return MplPath.make_compound_path(*(MplPath(np.asarray(r.coords)[:, :2], closed=True) for r in rings))


def draw_polygons(ax, geoms, *, facecolors="none", edgecolor="#636363", linewidth=0.4, zorder=3) -> None:
    """Polygons straight into one collection: geopandas' plot redraws the whole figure
    each call, which made a pack of forty maps take a minute."""
    paths, faces = [], []
    colors = facecolors if isinstance(facecolors, list | tuple) else [facecolors] * len(geoms)
    for geom, color in zip(geoms, colors):
        path = _path(geom) if geom is not None else None
        if path is not None:
            paths.append(path)
            faces.append(color)
    if paths:
        ax.add_collection(PathCollection(paths, facecolors=faces, edgecolors=edgecolor, linewidths=linewidth, zorder=zorder))


def draw_choropleth(ax, choropleth: Choropleth, *, labels: bool = True, edge: str = "#636363") -> None:
    frame = choropleth.frame
    draw_polygons(ax, list(frame.geometry), facecolors=list(frame["color"]), edgecolor=edge, linewidth=0.35)
    if labels:
        draw_labels(ax, frame, choropleth.indicator)


def draw_labels(ax, frame: gpd.GeoDataFrame, indicator: str, size: float = LABEL_SIZE) -> int:
    """Name and value at each territory's inner point, only where the text fits inside the
    territory's box on paper and clears the labels already placed. Returns labels drawn."""
    ax.apply_aspect()
    to_px = ax.transData.transform
    px_per_pt = ax.figure.dpi / 72
    placed: list[tuple[float, float, float, float]] = []
    # Biggest first (planar degrees are enough to rank them): they get the room first.
    order = frame.assign(_area=[g.area if g is not None else 0 for g in frame.geometry]).sort_values("_area", ascending=False)
    drawn = 0
    for row in order.itertuples():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        value = format_value(indicator, row.value)
        lines = [_short(row.name), value]
        width = max(len(t) for t in lines) * size * 0.55 * px_per_pt
        height = len(lines) * size * 1.25 * px_per_pt
        (x0, y0), (x1, y1) = to_px((geom.bounds[0], geom.bounds[1])), to_px((geom.bounds[2], geom.bounds[3]))
        if width > (x1 - x0) * 0.95 or height > (y1 - y0) * 0.9:
            continue
        point = geom.representative_point()
        cx, cy = to_px((point.x, point.y))
        box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        ax.text(point.x, point.y, "\n".join(lines), fontsize=size, ha="center", va="center", zorder=12, linespacing=1.1,
                color="#111111", bbox={"facecolor": "white", "alpha": 0.55, "edgecolor": "none", "pad": 0.6})
        drawn += 1
    return drawn


# A map's labels name communes and councils without the word the legend already says.
LABEL_PREFIXES = ("Comuna ", "Consejo Comunal ", "Consejo comunal ", "CC ")


def _short(name: str, width: int = 22) -> str:
    for prefix in LABEL_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
            break
    return name if len(name) <= width else name[: width - 1] + "…"


def draw_points(ax, layer: PointLayer, extent, shift: float = 0.0) -> None:
    """Dots with the layer's symbols, or counted clusters; `shift` (in cells) keeps the
    clusters of several layers side by side instead of one over the other."""
    if not layer.total:
        return
    if not layer.clustered:
        for marker in dict.fromkeys(layer.markers):
            pick = [i for i, m in enumerate(layer.markers) if m == marker]
            ax.scatter(layer.lon[pick], layer.lat[pick], c=[layer.colors[i] for i in pick], marker=marker, s=14,
                       edgecolors="white", linewidths=0.4, zorder=10)
        return
    # Clusters: counted circles on a grid of cells, area proportional to the count.
    minx, miny, maxx, maxy = extent
    cell = (maxx - minx) / CLUSTER_CELLS
    gx = np.floor((layer.lon - minx) / cell).astype(int)
    gy = np.floor((layer.lat - miny) / cell).astype(int)
    keys = gx * 100_000 + gy
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    sx = np.bincount(inverse, weights=layer.lon) / counts + shift * cell
    sy = np.bincount(inverse, weights=layer.lat) / counts
    color = CLUSTER_COLORS.get(layer.layer_id, "#252525")
    sizes = 25 + 520 * np.sqrt(counts / counts.max())
    ax.scatter(sx, sy, s=sizes, c=color, alpha=0.75, edgecolors="white", linewidths=0.8, zorder=10)
    for x, y, n in zip(sx, sy, counts):
        ax.text(x, y, f"{n:,}".replace(",", "."), fontsize=5.5, color="white", ha="center", va="center", zorder=11,
                fontweight="bold")


def draw_inset(fig, rect, theme: Theme) -> None:
    """The country with the territory's state shaded and the territory in red."""
    if theme.code is None or not len(theme.country):
        return
    ax = fig.add_axes(rect)
    country = theme.country
    draw_polygons(ax, list(country.geometry), facecolors="#eeeeee", edgecolor="#9e9e9e", linewidth=0.3)
    state = country[country["code"] == theme.state_code]
    draw_polygons(ax, list(state.geometry), facecolors="#bdbdbd", edgecolor="#616161", linewidth=0.4, zorder=4)
    if theme.outline is not None and len(theme.outline):
        draw_polygons(ax, list(theme.outline.geometry), facecolors="#c0392b", edgecolor="#c0392b", linewidth=0.8, zorder=5)
        cx, cy = theme.outline.geometry.iloc[0].representative_point().coords[0]
        ax.plot([cx], [cy], marker="o", markersize=9, markerfacecolor="none", markeredgecolor="#c0392b", markeredgewidth=1.2)
    frame_axes(ax, extent_of([country]))
    ax.set_title("Ubicación en el país", fontsize=7, pad=2)
    ax.set_facecolor("#f8fbff")

