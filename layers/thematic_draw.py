"""Drawing a thematic map (`layers.thematic.Theme`) on a matplotlib axes: polygons straight
into one collection, the choropleth with labels where they fit, points by their symbols or
counted clusters, the country inset, and the map's frame at a true aspect."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath

from layers.classify import format_value
from layers.thematic import Choropleth, PointLayer, Theme

CLUSTER_CELLS = 16  # cells across the map's width when points are grouped
LABEL_SIZE = 6.5
CLUSTER_COLORS = {"cases": "#54278f", "projects": "#08519c", "claps": "#006d2c"}


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

