"""Printable maps (PNG and PDF, A4 or A3 landscape) drawn offline with matplotlib.

Our own boundaries are the base map (no web tiles), so printing works with no network.
A page carries the title, territory, period and filters, the legend, a scale bar
computed for the map's latitude, a north arrow, the date of the data, the sources and
attribution, and a visible mark when demo data is shown.

This module draws the page of one layer (`print_map`); the page's furniture (paper, scale
bar, north arrow, footer, demo mark) is in `layers.page`, the room's thematic pages in
`layers.print_theme`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from sqlalchemy import Connection, and_, func, select  # noqa: E402

from geodata.models import Territory  # noqa: E402
from layers.describe import ATTRIBUTION, SOURCE, describe_params  # noqa: E402
from layers.features import data_date, features_frame, has_demo, prepare  # noqa: E402
from layers.page import DEMO_MARK, PrintError, draw_north_arrow, draw_scale_bar, nice_length, paper_size  # noqa: E402
from layers.print_theme import print_territory_layer, print_view  # noqa: E402
from layers.registry import Layer, LayerParams  # noqa: E402

__all__ = ["DEMO_MARK", "MapLayer", "PrintError", "draw_page", "nice_length", "paper_size", "print_map", "print_view"]


@dataclass
class MapLayer:
    """One layer drawn on a page: its definition and its features."""

    layer: Layer
    frame: gpd.GeoDataFrame
    label: str | None = None


def base_boundaries(conn: Connection, params: LayerParams) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """The base map: the children of the territory shown (the states for the country) and its outline."""
    cols = [Territory.code, Territory.name, func.ST_AsBinary(func.coalesce(Territory.geom_display, Territory.geom)).label("wkb")]
    if params.territory:
        parent_id = select(Territory.id).where(Territory.code == params.territory).scalar_subquery()
        children = select(*cols).where(and_(Territory.parent_id == parent_id, Territory.level != "circuit"))
        outline = select(*cols).where(Territory.code == params.territory)
    else:
        children = select(*cols).where(Territory.parent_id.is_(None), params.scope.condition(Territory.path))
        outline = None

    def frame(query):
        rows = [r for r in conn.execute(query) if r.wkb is not None]
        return gpd.GeoDataFrame(
            {"code": [r.code for r in rows], "name": [r.name for r in rows]},
            geometry=shapely.from_wkb([bytes(r.wkb) for r in rows]) if rows else [],
            crs="EPSG:4326",
        )

    return frame(children), frame(outline) if outline is not None else None


def _extent(frames: Sequence[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    boxes = [f.total_bounds for f in frames if f is not None and len(f) and not f.geometry.is_empty.all()]
    if not boxes:
        return (-73.5, 0.6, -59.7, 12.3)  # Venezuela
    minx = min(b[0] for b in boxes)
    miny = min(b[1] for b in boxes)
    maxx = max(b[2] for b in boxes)
    maxy = max(b[3] for b in boxes)
    pad = max(maxx - minx, maxy - miny, 0.01) * 0.06
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _draw_layer(ax, item: MapLayer) -> list:
    layer, frame, style = item.layer, item.frame, item.layer.style
    handles = []
    if len(frame):
        colors = [style.color_for(v) for v in frame[style.field]] if style.field else style.color
        if layer.geometry_type == "Point":
            frame.plot(ax=ax, color=colors, marker=style.marker, markersize=style.radius * 6, edgecolor="white",
                       linewidth=0.5, zorder=10)
        else:
            frame.plot(ax=ax, color=colors, alpha=max(style.fill_opacity, 0.3), edgecolor=style.line_color,
                       linewidth=style.line_width, zorder=5)
    present = set(frame[style.field].astype(str)) if style.field and len(frame) else None
    for label, color in style.legend():
        value_present = present is None or any(style.labels.get(v, v) == label for v in present)
        if not value_present:
            continue
        text = label or item.label or layer.title
        if style.field:
            text = f"{item.label or layer.title}: {label}"
        if layer.geometry_type == "Point":
            handles.append(Line2D([], [], marker=style.marker, linestyle="", markerfacecolor=color, markeredgecolor="white",
                                  markersize=8, label=text))
        else:
            handles.append(Patch(facecolor=color, edgecolor=style.line_color, label=text))
    return handles


def draw_page(
    fig: Figure,
    conn: Connection,
    items: Sequence[MapLayer],
    params: LayerParams,
    *,
    title: str,
    subtitle_extra: str = "",
    data_day: dt.date | None = None,
    demo: bool = False,
) -> None:
    """One map page: the map with its base, then the margins (titles, legend, scale, arrow, sources)."""
    ax = fig.add_axes([0.03, 0.1, 0.72, 0.76])
    children, outline = base_boundaries(conn, params)
    extent = _extent([children, outline, *[i.frame for i in items]])
    if len(children):
        children.plot(ax=ax, facecolor="#f7f7f7", edgecolor="#888888", linewidth=0.6, zorder=1)
    if outline is not None and len(outline):
        outline.boundary.plot(ax=ax, color="#222222", linewidth=1.6, zorder=2)
    handles = []
    for item in items:
        handles += _draw_layer(ax, item)
    handles.append(Patch(facecolor="#f7f7f7", edgecolor="#888888", label="Límites territoriales"))
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    # Degrees shrink eastward with latitude: this aspect keeps shapes and the scale bar true.
    ax.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)), adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#555555")
    draw_scale_bar(ax, extent)
    draw_north_arrow(ax)

    info = describe_params(conn, params, items[0].layer if len(items) == 1 else None)
    fig.text(0.03, 0.95, title, fontsize=18, fontweight="bold", va="top")
    subtitle = " · ".join(f"{k}: {v}" for k, v in info.items())
    if subtitle_extra:
        subtitle = f"{subtitle} · {subtitle_extra}"
    fig.text(0.03, 0.905, subtitle, fontsize=9, va="top", color="#333333", wrap=True)
    legend_ax = fig.add_axes([0.77, 0.3, 0.21, 0.56])
    legend_ax.axis("off")
    legend_ax.text(0, 1, "Leyenda", fontsize=11, fontweight="bold", va="top")
    if handles:
        legend_ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0.95), frameon=False, fontsize=8)
    counts = "\n".join(f"{i.label or i.layer.title}: {len(i.frame)} elementos" for i in items)
    legend_ax.text(0, 0.0, counts, fontsize=8, va="bottom", color="#333333")
    day = data_day.isoformat() if data_day else "sin datos"
    footer = (
        f"Fecha de los datos: {day} · Elaborado: {dt.date.today().isoformat()} · Fuente: {SOURCE} · {ATTRIBUTION}"
        " · Sistema de referencia: EPSG:4326"
    )
    fig.text(0.03, 0.04, footer, fontsize=7, color="#333333")
    if demo:
        fig.text(0.77, 0.95, DEMO_MARK, fontsize=12, fontweight="bold", color="white", va="top",
                 bbox={"facecolor": "#c0392b", "edgecolor": "none", "pad": 4})
        ax.text(0.5, 0.5, DEMO_MARK, transform=ax.transAxes, fontsize=30, color="#c0392b", alpha=0.15,
                ha="center", va="center", rotation=25, zorder=30)


def new_figure(paper: str) -> Figure:
    return plt.figure(figsize=paper_size(paper))


def print_map(
    conn: Connection,
    layer_id: str | Layer,
    params: LayerParams | None,
    path: str | Path,
    *,
    fmt: str = "pdf",
    paper: str = "A4",
    title: str | None = None,
    dpi: int = 150,
) -> None:
    """Draw one layer, as on screen, to a PNG or PDF page at `path` (written as given: callers make it atomic)."""
    layer, params = prepare(conn, layer_id, params)
    if layer.indicators and not params.filters:
        # A territory layer prints as the room shows it: coloured by an indicator, labelled.
        print_territory_layer(conn, layer, params, path, fmt=fmt, paper=paper, title=title, dpi=dpi)
        return
    size = paper_size(paper)
    frame = features_frame(conn, layer, params)
    fig = plt.figure(figsize=size)
    try:
        draw_page(
            fig,
            conn,
            [MapLayer(layer, frame)],
            params,
            title=title or layer.title,
            data_day=data_date(conn, layer, params),
            demo=has_demo(conn, layer, params),
        )
        fig.savefig(path, format=fmt, dpi=dpi)
    finally:
        plt.close(fig)
