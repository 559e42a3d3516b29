"""Printable maps (PNG and PDF, A4 or A3 landscape) drawn offline with matplotlib.

Our own boundaries are the base map (no web tiles), so printing works with no network.
A page carries the title, territory, period and filters, the legend, a scale bar
computed for the map's latitude, a north arrow, the date of the data, the sources and
attribution, and a visible mark when demo data is shown.
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
from matplotlib.patches import FancyArrow, Patch, Rectangle  # noqa: E402
from sqlalchemy import Connection, and_, func, select  # noqa: E402

from geodata.indicators import INDICATORS  # noqa: E402
from geodata.models import Territory  # noqa: E402
from layers import thematic  # noqa: E402
from layers.describe import ATTRIBUTION, SOURCE, describe_params  # noqa: E402
from layers.features import data_date, features_frame, has_demo, prepare  # noqa: E402
from layers.output import ExportError  # noqa: E402
from layers.registry import Layer, LayerParams, get_layer  # noqa: E402

# Landscape sizes in inches.
PAPERS = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}
DEMO_MARK = "DATOS DE DEMOSTRACIÓN"
KM_PER_DEGREE = 111.32

matplotlib.rcParams["pdf.fonttype"] = 42  # TrueType in the PDF: its text can be searched and extracted


class PrintError(ExportError):
    pass


@dataclass
class MapLayer:
    """One layer drawn on a page: its definition and its features."""

    layer: Layer
    frame: gpd.GeoDataFrame
    label: str | None = None


def paper_size(paper: str) -> tuple[float, float]:
    try:
        return PAPERS[paper.upper()]
    except KeyError:
        raise PrintError(f"Tamaño de papel desconocido: «{paper}» (A4 o A3).") from None


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


def nice_length(km: float) -> float:
    """The largest 1-2-5 step not above `km`."""
    if km <= 0:
        return 1.0
    exponent = math.floor(math.log10(km))
    for step in (5, 2, 1):
        value = step * 10**exponent
        if value <= km:
            return value
    return 10**exponent


def draw_scale_bar(ax, extent) -> float:
    """A scale bar at the bottom left, true at the map's middle latitude; returns its length in km."""
    minx, miny, maxx, maxy = extent
    lat = (miny + maxy) / 2
    km_per_deg = KM_PER_DEGREE * math.cos(math.radians(lat))
    width_km = (maxx - minx) * km_per_deg
    length_km = nice_length(width_km / 5)
    length_deg = length_km / km_per_deg
    x0 = minx + (maxx - minx) * 0.04
    y0 = miny + (maxy - miny) * 0.04
    h = (maxy - miny) * 0.012
    half = length_deg / 2
    ax.add_patch(Rectangle((x0, y0), half, h, facecolor="black", edgecolor="black", zorder=20))
    ax.add_patch(Rectangle((x0 + half, y0), half, h, facecolor="white", edgecolor="black", zorder=20))
    label = f"{length_km:g} km" if length_km >= 1 else f"{length_km * 1000:g} m"
    ax.text(x0, y0 + h * 1.8, "0", fontsize=7, ha="center", zorder=20)
    ax.text(x0 + length_deg, y0 + h * 1.8, label, fontsize=7, ha="center", zorder=20)
    return length_km


def draw_north_arrow(ax) -> None:
    ax.add_patch(FancyArrow(0.95, 0.86, 0, 0.08, width=0.012, head_width=0.035, head_length=0.035,
                            transform=ax.transAxes, color="black", zorder=20))
    ax.text(0.95, 0.81, "N", transform=ax.transAxes, ha="center", va="center", fontsize=12, fontweight="bold", zorder=20)


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


def draw_legend_entries(ax, y: float, title: str, entries, *, step: float = 0.042) -> float:
    """Swatches and labels, top down from `y` (axes fraction); returns the next free y.
    `entries`: (colour, label, marker or None for a filled box)."""
    ax.text(0, y, title, fontsize=8.5, fontweight="bold", va="top", wrap=True, transform=ax.transAxes)
    y -= step * 1.1
    for color, label, marker in entries:
        if marker is None:
            ax.add_patch(Rectangle((0, y - 0.022), 0.08, 0.026, facecolor=color, edgecolor="#636363", linewidth=0.4,
                                   transform=ax.transAxes))
        else:
            ax.plot([0.04], [y - 0.009], marker=marker, color=color, markersize=6, markeredgecolor="white",
                    transform=ax.transAxes, linestyle="")
        ax.text(0.11, y - 0.009, label, fontsize=7.5, va="center", transform=ax.transAxes)
        y -= step
    return y - step * 0.4


def theme_legend(ax, theme: thematic.Theme, top: float = 1.0) -> float:
    """The choropleth's classes (with how many territories each holds) and the point layers."""
    c = theme.choropleth
    entries = [(color, f"{label}  ({n})", None) for color, label, n in c.legend]
    y = draw_legend_entries(ax, top, f"{c.title} (territorios por clase)", entries)
    for layer in theme.points:
        heading = f"{_cut(layer.title, 26)}: {_thousands(layer.total)}"
        if layer.clustered:
            counts = " · ".join(f"{label} {_thousands(n)}" for label, _, _, n in layer.legend)
            entries = [(thematic.CLUSTER_COLORS.get(layer.layer_id, "#252525"), "grupo: número de registros", "o")]
            y = draw_legend_entries(ax, y, heading, entries)
            ax.text(0, y + 0.02, counts, fontsize=6.5, va="top", color="#333333", wrap=True, transform=ax.transAxes)
            y -= 0.05
        else:
            entries = [(color, f"{label}  ({_thousands(n)})", marker) for label, color, marker, n in layer.legend]
            y = draw_legend_entries(ax, y, heading, entries)
        if layer.note:
            ax.text(0, y + 0.02, layer.note, fontsize=6.5, color="#555555", va="top", wrap=True, transform=ax.transAxes)
            y -= 0.07
    return y


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def draw_theme_map(ax, theme: thematic.Theme, *, labels: bool = True) -> tuple[float, float, float, float]:
    """The map of a theme on `ax`: choropleth, labels, the territory's outline, points, scale, north."""
    c = theme.choropleth
    extent = thematic.extent_of([c.frame, theme.outline])
    thematic.frame_axes(ax, extent)
    thematic.draw_choropleth(ax, c, labels=False)
    if theme.outline is not None and len(theme.outline):
        thematic.draw_polygons(ax, list(theme.outline.geometry), edgecolor="#222222", linewidth=1.4, zorder=6)
    clustered = [layer for layer in theme.points if layer.clustered]
    for layer in theme.points:
        shift = (clustered.index(layer) - (len(clustered) - 1) / 2) * 0.4 if layer in clustered else 0.0
        thematic.draw_points(ax, layer, extent, shift)
    thematic.frame_axes(ax, extent)  # plotting may have moved the limits
    if labels:
        thematic.draw_labels(ax, c.frame, c.indicator)
    draw_scale_bar(ax, extent)
    draw_north_arrow(ax)
    return extent


def footer_text(data_day: dt.date | None) -> str:
    day = data_day.isoformat() if data_day else "sin datos"
    return (f"Fecha de los datos: {day} · Elaborado: {dt.date.today().isoformat()} · Fuente: {SOURCE} · {ATTRIBUTION}"
            " · Sistema de referencia: EPSG:4326")


def draw_theme_page(fig: Figure, theme: thematic.Theme, *, title: str, info: dict[str, str], data_day: dt.date | None,
                    demo: bool, footer: bool = True) -> None:
    """A printed view of the room: title and parameters, the map, legend, inset, sources."""
    ax = fig.add_axes([0.03, 0.07, 0.68, 0.79])
    draw_theme_map(ax, theme)
    fig.text(0.03, 0.95, title, fontsize=17, fontweight="bold", va="top")
    fig.text(0.03, 0.905, " · ".join(f"{k}: {v}" for k, v in info.items()), fontsize=8.5, va="top", color="#333333",
             wrap=True)
    legend_ax = fig.add_axes([0.74, 0.33, 0.24, 0.53])
    legend_ax.axis("off")
    theme_legend(legend_ax, theme)
    thematic.draw_inset(fig, [0.76, 0.07, 0.2, 0.22], theme)
    if footer:
        fig.text(0.03, 0.03, footer_text(data_day), fontsize=6.5, color="#333333")
    if demo:
        mark_demo(fig, ax)


def mark_demo(fig: Figure, ax) -> None:
    fig.text(0.74, 0.95, DEMO_MARK, fontsize=11, fontweight="bold", color="white", va="top",
             bbox={"facecolor": "#c0392b", "edgecolor": "none", "pad": 4})
    ax.text(0.5, 0.5, DEMO_MARK, transform=ax.transAxes, fontsize=30, color="#c0392b", alpha=0.12,
            ha="center", va="center", rotation=25, zorder=30)


def view_info(conn: Connection, view: thematic.MapView, scope) -> dict[str, str]:
    """The view's parameters in Spanish (territory, period, indicator, every layer's filters)."""
    info = describe_params(conn, view.params(scope))
    info["Indicador"] = INDICATORS[view.indicator].label
    for layer_id in dict.fromkeys(thematic.ROOM_FILTERS.values()):
        params = view.params(scope, layer_id)
        if params.filters:
            extra = describe_params(conn, params, get_layer(layer_id))
            info.update({k: v for k, v in extra.items() if k not in ("Territorio", "Periodo", "Consulta popular")})
    return info


def print_view(conn: Connection, view: thematic.MapView, scope, path: str | Path, *, fmt: str = "pdf", paper: str = "A4",
               title: str | None = None, dpi: int = 150) -> thematic.Theme:
    """The room's view (its URL parameters as a MapView), printed to one page at `path`."""
    theme = thematic.build_theme(conn, view, scope)
    layers = [*thematic.POINT_LAYERS, "municipalities"]
    params = view.params(scope)
    info = view_info(conn, view, scope)
    if theme.choropleth.scheme:
        info["Clases"] = theme.choropleth.scheme  # as the room's legend says it: «cuantiles, 3 clases»
    fig = plt.figure(figsize=paper_size(paper))
    try:
        draw_theme_page(
            fig, theme, title=title or f"{INDICATORS[view.indicator].label} — {theme.name}", info=info,
            data_day=max((d for d in (data_date(conn, lid, params) for lid in layers) if d), default=None),
            demo=any(has_demo(conn, lid, params) for lid in layers),
        )
        fig.savefig(path, format=fmt, dpi=dpi)
    finally:
        plt.close(fig)
    return theme


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


def print_territory_layer(conn: Connection, layer: Layer, params: LayerParams, path, *, fmt: str, paper: str,
                          title: str | None, dpi: int, indicator: str = thematic.DEFAULT_INDICATOR) -> None:
    """A territory layer's features coloured by `indicator` in the room's classes."""
    frame = features_frame(conn, layer, params)
    shapes = frame[["code", "name", "geometry"]]
    choropleth = thematic.make_choropleth(shapes, dict(zip(frame["code"], frame[indicator])), indicator)
    outline = None
    node = None
    if params.territory:
        node = conn.execute(select(Territory.code, Territory.name, Territory.level, Territory.path)
                            .where(Territory.code == params.territory)).first()
        outline = thematic.territory_shapes(conn, [node.code])
    theme = thematic.Theme(
        code=node.code if node else None, name=node.name if node else "Venezuela", level=node.level if node else "country",
        choropleth=choropleth, points=[], outline=outline, country=thematic.country_states(conn),
        state_code=node.path.strip("/").split("/")[0] if node else None,
    )
    info = {**describe_params(conn, params, layer), "Indicador": INDICATORS[indicator].label}
    fig = plt.figure(figsize=paper_size(paper))
    try:
        draw_theme_page(fig, theme, title=title or layer.title, info=info, data_day=data_date(conn, layer, params),
                        demo=has_demo(conn, layer, params))
        fig.savefig(path, format=fmt, dpi=dpi)
    finally:
        plt.close(fig)
