"""The room's view printed: a thematic page (the choropleth with its labels, the points,
the legend with the class counts, the inset, the parameters and sources) for a `MapView`
(`print_view`) or for a territory layer coloured by an indicator (`print_territory_layer`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sqlalchemy import Connection, select  # noqa: E402

from geodata.indicators import INDICATORS  # noqa: E402
from geodata.models import Territory  # noqa: E402
from layers import thematic, thematic_draw  # noqa: E402
from layers.describe import describe_params  # noqa: E402
from layers.features import data_date, features_frame, has_demo  # noqa: E402
from layers.page import draw_legend_entries, draw_north_arrow, draw_scale_bar, footer_text, mark_demo, paper_size  # noqa: E402
from layers.registry import Layer, LayerParams, get_layer  # noqa: E402


def theme_legend(ax, theme: thematic.Theme, top: float = 1.0) -> float:
    """The choropleth's classes (with how many territories each holds) and the point layers."""
    c = theme.choropleth
    entries = [(color, f"{label}  ({n})", None) for color, label, n in c.legend]
    y = draw_legend_entries(ax, top, f"{c.title} (territorios por clase)", entries)
    for layer in theme.points:
        heading = f"{_cut(layer.title, 26)}: {_thousands(layer.total)}"
        if layer.clustered:
            counts = " · ".join(f"{label} {_thousands(n)}" for label, _, _, n in layer.legend)
            entries = [(thematic_draw.CLUSTER_COLORS.get(layer.layer_id, "#252525"), "grupo: número de registros", "o")]
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
    extent = thematic_draw.extent_of([c.frame, theme.outline])
    thematic_draw.frame_axes(ax, extent)
    thematic_draw.draw_choropleth(ax, c, labels=False)
    if theme.outline is not None and len(theme.outline):
        thematic_draw.draw_polygons(ax, list(theme.outline.geometry), edgecolor="#222222", linewidth=1.4, zorder=6)
    clustered = [layer for layer in theme.points if layer.clustered]
    for layer in theme.points:
        shift = (clustered.index(layer) - (len(clustered) - 1) / 2) * 0.4 if layer in clustered else 0.0
        thematic_draw.draw_points(ax, layer, extent, shift)
    thematic_draw.frame_axes(ax, extent)  # plotting may have moved the limits
    if labels:
        thematic_draw.draw_labels(ax, c.frame, c.indicator)
    draw_scale_bar(ax, extent)
    draw_north_arrow(ax)
    return extent


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
    thematic_draw.draw_inset(fig, [0.76, 0.07, 0.2, 0.22], theme)
    if footer:
        fig.text(0.03, 0.03, footer_text(data_day), fontsize=6.5, color="#333333")
    if demo:
        mark_demo(fig, ax)


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
