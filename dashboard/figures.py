"""Plotly figures of the map room, built from plain data (no database here): the map, its
choropleth, points and layers (the weekly charts are `dashboard.charts`).

Figures are plain dicts in Plotly's JSON schema: building `plotly.graph_objects` would
validate every property on every request (tens of milliseconds each); the tests
validate the dicts with `go.Figure` instead.

The choropleth references its geometry by URL (`/geo/children/<code>.json?v=<version>`):
the browser fetches each parent's boundaries once and keeps them (HTTP cache and
plotly.js's own geo cache), so figures and patches carry only codes and values.
"""

from __future__ import annotations

import math
from collections import defaultdict

from dashboard import texts
from dashboard.classify import Classification, format_number, format_value
from geodata.indicators import INDICATORS
from layers.registry import Field, get_layer

MAP_HEIGHT = 560
# The aggregated bubbles' colours (individual records take their layer's style).
POINT_COLORS = {"cases": "#c0392b", "projects": "#1f5fa8", "claps": "#1e8449"}
BORDER_COLOR = "#4d4d4d"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
SEPARATORS = ",."  # decimal ',' and thousands '.', as written in Venezuela


def zoom_for_bbox(bbox, width_px: int = 820, height_px: int = MAP_HEIGHT) -> tuple[dict, float]:
    """Center and zoom that fit a lon/lat box in a map of about this size (Web Mercator;
    MapLibre counts zoom in 512-pixel tiles)."""
    if not bbox:
        return {"lon": -66.0, "lat": 7.0}, 4.4
    xmin, ymin, xmax, ymax = bbox

    def merc(lat):
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(xmax - xmin, 1e-4)
    dy = max(merc(ymax) - merc(ymin), 1e-6)
    zoom_x = math.log2(width_px / 512 * 360 / dx)
    zoom_y = math.log2(height_px / 512 * 2 * math.pi / dy)
    zoom = max(min(zoom_x, zoom_y) - 0.15, 1.0)
    center_lat = math.degrees(math.atan(math.sinh((merc(ymin) + merc(ymax)) / 2)))
    return {"lon": (xmin + xmax) / 2, "lat": center_lat}, round(min(zoom, 16.0), 2)


def discrete_colorscale(c: Classification) -> list:
    """A stepped colorscale over class indices -1 (no data) .. k-1."""
    colors = ["#d9d9d9", *c.colors]
    n = len(colors)
    scale = []
    for i, color in enumerate(colors):
        scale.append([i / n, color])
        scale.append([(i + 1) / n, color])
    return scale


def choropleth_values(rows: list[dict], indicator_id: str, c: Classification) -> dict:
    """The per-child parts of the choropleth trace: what an indicator switch patches."""
    ind = INDICATORS[indicator_id]
    return {
        "locations": [r["code"] for r in rows],
        "z": [-1 if cls is None else cls for cls in c.classes],
        "zmin": -1.5,
        "zmax": max(c.k - 0.5, 0.5),
        "colorscale": discrete_colorscale(c),
        "customdata": [[r["code"], r["name"], format_value(indicator_id, r.get(indicator_id))] for r in rows],
        "hovertemplate": "<b>%{customdata[1]}</b><br>" + ind.label + ": %{customdata[2]}<extra></extra>",
    }


def choropleth_trace(geojson_url: str, rows: list[dict], indicator_id: str, c: Classification) -> dict:
    return dict(
        type="choroplethmap",
        geojson=geojson_url,
        featureidkey="properties.code",
        showscale=False,
        marker={"line": {"color": "#ffffff", "width": 1}, "opacity": 0.85},
        name="territorios",
        **choropleth_values(rows, indicator_id, c),
    )


def _point_size(count: int, biggest: int) -> float:
    return 8 + 30 * math.sqrt(count / biggest) if biggest else 8


def points_trace(kind: str, pointset) -> dict:
    """Bubbles per child (aggregated, above a municipality) or individual records, these
    with the registry layer's popup fields (Spanish labels) and style colours.

    Plotly's clustering labels clusters with text, which needs web-hosted font glyphs;
    aggregation by territory gives the same overview offline.
    """
    label = texts.LAYER_LABELS[kind]
    color = POINT_COLORS[kind]
    pts = pointset.points
    if pointset.aggregated:
        biggest = max((p["count"] for p in pts), default=0)
        extra = {
            "cases": lambda p: f"Abiertos: {format_number(p['open'])} · Vencidos: {format_number(p['overdue'])}",
            "projects": lambda p: f"Presupuesto: Bs. {format_number(p['budget'])}",
            "claps": lambda p: f"Cobertura: {format_number(p['coverage'])} %",
        }[kind]
        return dict(
            type="scattermap",
            lon=[p["lon"] for p in pts],
            lat=[p["lat"] for p in pts],
            # No text on the map: MapLibre would fetch font glyphs from the web, and the
            # room is offline. The bubble's area carries the count; the hover says it.
            mode="markers",
            marker={"size": [_point_size(p["count"], biggest) for p in pts], "color": color, "opacity": 0.75},
            customdata=[[p["code"], p["name"], format_number(p["count"]), extra(p)] for p in pts],
            hovertemplate=f"<b>%{{customdata[1]}}</b><br>{label}: %{{customdata[2]}}<br>%{{customdata[3]}}<extra></extra>",
            name=label,
        )
    if pointset.density:
        return density_trace(kind, pointset)
    layer = get_layer(kind)
    style = layer.style
    # Open and overdue on top of resolved: MapLibre draws a trace's points in order.
    pts = sorted(pts, key=lambda p: draw_rank(kind, p))
    fields = [layer.field(name) for name in layer.popup]
    head, rest = fields[0], fields[1:]
    detail = [
        [
            "",  # records do not drill
            _popup_value(head, p.get(head.name)) if head.name in _TITLE_FIELDS else f"{head.label} {_popup_value(head, p.get(head.name))}",
            *[_popup_value(f, p.get(f.name)) for f in rest],
            # Last: which record this is (kind, id), for its detail panel (`clicked_record`).
            kind,
            p.get(layer.id_field),
        ]
        for p in pts
    ]
    lines = "".join(f"<br>{f.label}: %{{customdata[{i}]}}" for i, f in enumerate(rest, start=2))
    color = [style.color_for(p.get(style.field)) for p in pts] if style.field else style.color
    return dict(
        type="scattermap",
        lon=[p["lon"] for p in pts],
        lat=[p["lat"] for p in pts],
        mode="markers",
        # What needs attention (overdue, stalled, without deliveries) is drawn larger.
        marker={"size": [POINT_SIZE_URGENT if draw_rank(kind, p) == URGENT else POINT_SIZE for p in pts], "color": color,
                "opacity": 0.9},
        customdata=detail,
        hovertemplate="<b>%{customdata[1]}</b>" + lines + "<extra></extra>",
        name=label,
        uid=f"points-{kind}",
    )


POINT_SIZE, POINT_SIZE_URGENT = 9, 13
SETTLED, OPEN, URGENT = 0, 1, 2
_SETTLED = {"cases": {"resolved", "closed", "rejected"}, "projects": {"completed"}}
# The colour ramps of the heat maps (transparent where there is nothing), by layer: their
# own hues, none of the choropleth's (YlOrRd, GnBu and RdBu in layers.classify), so a
# heat map drawn over a classed map is never read as one of its classes: magenta to
# purple for cases (ColorBrewer RdPu), greys for projects, browns for CLAPs (BrBG's arm).
HEAT_SCALES = {
    "cases": [[0, "rgba(254,235,226,0)"], [0.15, "#fa9fb5"], [0.5, "#c51b8a"], [1, "#49006a"]],
    "projects": [[0, "rgba(240,240,240,0)"], [0.15, "#bdbdbd"], [0.5, "#737373"], [1, "#252525"]],
    "claps": [[0, "rgba(246,232,195,0)"], [0.15, "#dfc27d"], [0.5, "#bf812d"], [1, "#543005"]],
}


def draw_rank(kind: str, p: dict) -> int:
    """Where a record is drawn: settled ones (resolved, closed, completed) at the bottom,
    open ones above, and on top what is late: an overdue case, a stalled project, a CLAP
    with no delivery in CLAP_GAP_DAYS."""
    from geodata.rules import CLAP_GAP_DAYS

    if kind == "cases":
        if p.get("overdue"):
            return URGENT
        return SETTLED if p.get("status") in _SETTLED["cases"] else OPEN
    if kind == "projects":
        if p.get("stage") == "stalled":
            return URGENT
        return SETTLED if p.get("stage") in _SETTLED["projects"] else OPEN
    days = p.get("days_since_delivery")
    return URGENT if days is None or days > CLAP_GAP_DAYS else OPEN


def density_trace(kind: str, pointset) -> dict:
    """A heat map of every record of the layer in view, from its counts per grid cell."""
    cells = pointset.cells or []
    return dict(
        type="densitymap",
        lon=[c["lon"] for c in cells],
        lat=[c["lat"] for c in cells],
        z=[c["count"] for c in cells],
        radius=18,
        colorscale=HEAT_SCALES[kind],
        showscale=False,
        hoverinfo="skip",
        opacity=0.85,
        name=texts.LAYER_LABELS[kind],
        # Under the layer's own points (the newest, drawn on it), which plotly names by their uid.
        below=f"plotly-trace-layer-points-{kind}-circle",
    )


def point_legend(pointsets) -> list[dict]:
    """The key of the point layers on the map, for the legend: each status with its colour
    and how many of the records drawn have it, what is drawn larger and on top, or that a
    layer is a heat map or bubbles per territory."""
    from geodata.rules import CLAP_GAP_DAYS

    sections = []
    for ps in pointsets:
        label = texts.LAYER_LABELS[ps.kind]
        if ps.aggregated:
            sections.append({"title": texts.LEGEND_BUBBLES.format(layer=label),
                             "items": [{"color": POINT_COLORS[ps.kind], "label": label, "count": ps.total, "shape": "bubble"}]})
            continue
        if ps.density:
            scale = HEAT_SCALES[ps.kind]
            sections.append({"title": texts.LEGEND_HEAT.format(layer=label, total=ps.total),
                             "gradient": [stop[1] for stop in scale[1:]],
                             "ends": [texts.LEGEND_HEAT_LOW, texts.LEGEND_HEAT_HIGH]})
            continue
        style = get_layer(ps.kind).style
        items = []
        if style.field:
            counts: dict[str, int] = defaultdict(int)
            for p in ps.points:
                counts[str(p.get(style.field))] += 1
            items = [{"color": color, "label": style.labels.get(value, value), "count": counts.get(value, 0)}
                     for value, color in style.colors.items() if counts.get(value)]
        else:
            items = [{"color": style.color, "label": style.single_label or label, "count": len(ps.points)}]
        urgent = sum(1 for p in ps.points if draw_rank(ps.kind, p) == URGENT)
        if urgent:
            text = {"cases": texts.LEGEND_OVERDUE, "projects": None,
                    "claps": texts.LEGEND_CLAP_LATE.format(days=CLAP_GAP_DAYS)}[ps.kind]
            if text:
                items.append({"color": "#ffffff", "label": text, "count": urgent, "shape": "big"})
        sections.append({"title": label, "items": items})
    return sections


# Popup fields that are a record's own name: shown alone as the popup's title.
_TITLE_FIELDS = ("name", "text")


def _popup_value(f: Field, value) -> str:
    """A record's attribute as its popup writes it: Sí/No, Venezuelan numbers, ISO dates."""
    if value is None or value == "":
        return "—"
    if f.type == "bool":
        return "Sí" if value else "No"
    if f.type in ("int", "float"):
        return format_number(value, ",.0f" if float(value).is_integer() else ",.1f")
    return str(value)


def base_layers(outline_urls: list[str], basemap_url: str | None, basemap_attribution: str, demo: bool) -> list[dict]:
    """Our own boundaries as the base map (outlines of the wider territory), with an
    optional raster basemap below them."""
    attribution = texts.ATTRIBUTION + (f" · {texts.ATTRIBUTION_DEMO}" if demo else "")
    layers = []
    if basemap_url:
        layers.append(
            {
                "sourcetype": "raster",
                "source": [basemap_url],
                "below": "traces",
                "sourceattribution": basemap_attribution or "",
            }
        )
    for i, url in enumerate(outline_urls):
        layers.append(
            {
                "sourcetype": "geojson",
                "source": url,
                "type": "fill",
                "color": "#eeeeee" if i == 0 else "#f7f7f7",
                "below": "traces",
                "sourceattribution": attribution if i == 0 else "",
            }
        )
        layers.append(
            {
                "sourcetype": "geojson",
                "source": url,
                "type": "line",
                "color": BORDER_COLOR,
                "line": {"width": 1.2 if i == 0 else 0.8},
                "below": "traces",
            }
        )
    return layers


OUTLINE_STYLE = {"communes": ("#6a3d9a", 1.0), "councils": ("#8c6bb1", 0.5)}
# Tile layers drawn filled: the silent councils (layers.reporting), dark over any choropleth.
FILL_STYLE = {"reporting": ("#1a1a1a", 0.6)}


def tile_layers(tiles: list[tuple[str, str, int]]) -> list[dict]:
    """Vector-tile boundary layers (kind, `{z}/{x}/{y}` URL, minimum zoom) drawn over the
    choropleth: communes and councils of the whole country without sending their geometry."""
    layers = []
    for kind, url, minzoom in tiles:
        if kind in FILL_STYLE:
            color, opacity = FILL_STYLE[kind]
            layers.append({"sourcetype": "vector", "source": [url], "sourcelayer": kind, "type": "fill", "color": color,
                           "opacity": opacity, "minzoom": minzoom})
            continue
        color, width = OUTLINE_STYLE[kind]
        layers.append(
            {"sourcetype": "vector", "source": [url], "sourcelayer": kind, "type": "line", "color": color, "line": {"width": width}, "minzoom": minzoom}
        )
    return layers


def map_figure(
    choropleth: dict,
    point_traces: list[dict],
    bbox,
    layers: list[dict],
    uirevision: str,
) -> dict:
    center, zoom = zoom_for_bbox(bbox)
    layout = dict(
        map={"style": "white-bg", "center": center, "zoom": zoom, "layers": layers},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        autosize=True,  # the map fills its panel (CSS sets the height)
        showlegend=bool(point_traces),
        legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)"},
        uirevision=uirevision,
        separators=SEPARATORS,
        font={"family": FONT},
        paper_bgcolor="#ffffff",
    )
    if bbox:
        # The server only guesses the frame; the browser fits this box to the real one, with padding
        # (assets/room-layout.js), once per view, so a pan or zoom by the user is kept.
        layout["meta"] = {"fit": [float(v) for v in bbox], "fit_key": uirevision, "server_zoom": zoom}
    return {"data": [choropleth, *point_traces], "layout": layout}
