"""The functions behind the «Sistema comunal» page (`/comunal?territory=<code>`): a
place's peace quadrants, defence plans, communal businesses and justices of the peace,
territory by territory, on a map and in a table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine

from dashboard import figures, texts
from dashboard.classify import format_number
from dashboard.view import View
from dashboard.viewmodels import cached_read, geo_url
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.communal_summary import communal_summary
from geodata.money import money_summary
from geodata.place import resolve_place
from layers.boundaries import boundary_version, territory_bbox
from layers.features import features_frame, features_geojson
from layers.registry import LayerParams, get_layer
from layers.web import export_url

TABLE_COLUMNS = ("quadrants", "quadrants_stale", "security_cases", "defense_plans", "defense_plans_stale",
                 "businesses_active", "business_workers", "peace_judges", "peace_cases", "peace_open", "peace_resolution_rate")
# Quadrants and points are drawn from the municipality down (a few hundred features);
# above it the map shows the children's totals.
DETAIL_LEVELS = ("municipality", "parish", "commune", "council")
LAYERS = ("quadrants", "defense_plans", "businesses", "peace_judges")
MONEY_LAYERS = {"commune": "money_communes", "circuit": "money_circuits"}
MONEY_SHOWN = 10


@dataclass
class CommunalPage:
    error: str | None = None
    title: str = ""
    code: str | None = None
    crumbs: list[dict] = field(default_factory=list)
    kpis: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    sectors: dict | None = None
    map: dict | None = None
    downloads: list[dict] = field(default_factory=list)
    money: list[dict] = field(default_factory=list)


def _value(name: str, value) -> str:
    if value is None:
        return "—"
    return format_number(value, ",.1f") if name == "peace_resolution_rate" else format_number(value)


def sectors_figure(sectors: list[dict]) -> dict:
    labels = [s["sector"].capitalize() for s in sectors]
    data = [{"type": "bar", "y": labels, "x": [s["businesses"] for s in sectors], "orientation": "h",
             "marker": {"color": "#1b9e77"}, "hovertemplate": "%{y}: %{x:,} empresas<extra></extra>"}]
    layout = dict(title={"text": texts.COM_SECTORS, "font": {"size": 14}}, height=max(220, 60 + 26 * len(labels)),
                  margin={"l": 120, "r": 10, "t": 40, "b": 30}, yaxis={"autorange": "reversed"},
                  separators=figures.SEPARATORS, font={"family": figures.FONT}, plot_bgcolor="#ffffff")
    return {"data": data, "layout": layout}


def _colorbar(title: str) -> dict:
    """The colour scale across the map's top right, inside it (under the map's buttons, clear
    of the legend at the top left and the attribution at the bottom): a vertical bar at the
    side took its width from the map (on a phone, nearly all of it)."""
    return {"title": {"text": title, "side": "top", "font": {"size": 11}}, "orientation": "h", "thickness": 10,
            "len": 0.7, "x": 0.99, "xanchor": "right", "y": 0.92, "yanchor": "top", "bgcolor": "rgba(255,255,255,0.85)",
            "tickfont": {"size": 10}}


def map_figure(rows: list[dict], children_url: str, bbox, detail: dict | None) -> dict:
    """The children coloured by the security cases inside their quadrants; from the
    municipality down, the quadrants themselves and the judges and defence plans."""
    traces: list[dict] = [dict(
        type="choroplethmap", geojson=children_url, featureidkey="properties.code",
        locations=[r["code"] for r in rows], z=[r["security_cases"] for r in rows],
        text=[r["name"] for r in rows], colorscale="Reds", marker={"opacity": 0.35 if detail else 0.8, "line": {"width": 0.8}},
        colorbar=_colorbar(texts.COM_MAP_QUADRANTS if not detail else ""),
        hovertemplate="%{text}: %{z:,} casos de seguridad<extra></extra>", showscale=not detail, name=texts.COM_MAP,
    )]
    if detail:
        quadrants = detail["quadrants"]
        traces.append(dict(
            type="choroplethmap", geojson=quadrants, featureidkey="properties.code",
            locations=[f["properties"]["code"] for f in quadrants["features"]],
            z=[f["properties"]["security_cases"] for f in quadrants["features"]],
            text=[f"{f['properties']['name']} · último reporte {f['properties']['last_report_date'] or '—'}"
                  + (" · sin reporte reciente" if f["properties"]["stale"] else "") for f in quadrants["features"]],
            colorscale="OrRd", marker={"opacity": 0.6, "line": {"width": 1.2, "color": "#7f0000"}},
            colorbar=_colorbar(texts.COM_MAP_QUADRANTS),
            hovertemplate="%{text}<br>%{z:,} casos de seguridad<extra></extra>", name=texts.COM_MAP_QUADRANTS,
        ))
        for key, name, color, symbol in (("peace_judges", texts.COM_MAP_JUDGES, "#6a51a3", "circle"),
                                         ("defense_plans", texts.COM_MAP_PLANS, "#006d2c", "circle")):
            points = detail[key]
            traces.append(dict(type="scattermap", mode="markers", lon=[p["lon"] for p in points], lat=[p["lat"] for p in points],
                               marker={"size": 9, "color": color, "symbol": symbol}, text=[p["text"] for p in points],
                               hovertemplate="%{text}<extra></extra>", name=name))
    center, zoom = figures.zoom_for_bbox(bbox, width_px=900, height_px=520)
    layout = dict(map={"style": "white-bg", "center": center, "zoom": zoom,
                       "layers": figures.base_layers([children_url], None, "", False)},
                  margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=520, showlegend=bool(detail),
                  legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)"},
                  separators=figures.SEPARATORS, font={"family": figures.FONT})
    return {"data": traces, "layout": layout}


def _detail(conn, code: str, view: View, scope: Scope) -> dict:
    params = LayerParams(territory=code, date_from=view.period.date_from, date_to=view.period.date_to, scope=scope)
    quadrants = features_geojson(conn, "quadrants", params, precision=5)
    out = {"quadrants": quadrants}
    judges = features_frame(conn, "peace_judges", params)
    out["peace_judges"] = [{"lon": r.geometry.x, "lat": r.geometry.y,
                            "text": f"{r.name} · {r.cases} casos, {r.open_cases} abiertos · {r.territory_name}"}
                           for r in judges.itertuples() if r.geometry is not None]
    plans = features_frame(conn, "defense_plans", params)
    out["defense_plans"] = [{"lon": r.geometry.x, "lat": r.geometry.y,
                             "text": f"{r.name} · {r.status_label} · revisado {r.last_review_date or '—'}"}
                            for r in plans.itertuples() if r.geometry is not None]
    return out


def communal_page(engine: Engine, view: View, scope: Scope = NATIONAL, today: dt.date | None = None) -> CommunalPage:
    with engine.connect() as conn:
        try:
            place = resolve_place(conn, view.territory, scope)
        except ScopeError:
            return CommunalPage(error=texts.NOT_FOUND.format(code=view.territory))
        day = today or dt.date.today()
        data = cached_read(conn, ("communal_summary", place.code, view.period, scope, day),
                           lambda: communal_summary(conn, place, view.period, day))
        version = boundary_version(conn)
        bbox = territory_bbox(conn, place.code, scope)
        detail = _detail(conn, place.code, view, scope) if place.level in DETAIL_LEVELS else None
        money = cached_read(conn, ("money_summary", place.code, scope, day), lambda: money_summary(conn, place, MONEY_SHOWN))
    totals = data["totals"]
    return CommunalPage(
        title=texts.COM_TITLE.format(name=place.name),
        code=place.code,
        crumbs=[{"code": c, "name": n} for c, n in place.breadcrumb],
        kpis=[{"id": k, "label": label, "value": _value(k, totals.get(k))} for k, label in texts.COM_KPIS.items()],
        rows=[{"code": r["code"], "name": r["name"], **{k: _value(k, r[k]) for k in TABLE_COLUMNS}} for r in data["rows"]],
        sectors=sectors_figure(data["sectors"]) if data["sectors"] else None,
        map=map_figure(data["rows"], geo_url(place.code, version), bbox, detail),
        downloads=[{"label": get_layer(lid).title, "href": export_url(lid, "csv", place.code, view.period)} for lid in LAYERS],
        money=money_tables(money, place.code),
    )


def money_tables(money: dict, code: str | None) -> list[dict]:
    """The deposits by commune and by circuit as the page shows them: a title, the totals,
    the rows (most deposited first) formatted, and the downloads of the whole list."""
    tables = []
    for unit, layer_id in MONEY_LAYERS.items():
        data = money[unit]
        rows = [{**r, "projects": format_number(r["projects"]), "deposits": format_number(r["deposits"]),
                 "deposited": format_number(r["deposited"]), "banks": r["banks"] or "—",
                 "projects_without_deposit": format_number(r["projects_without_deposit"])} for r in data["rows"]]
        tables.append({
            "unit": unit,
            "title": texts.COM_MONEY_UNITS[unit],
            "total": texts.COM_MONEY_TOTAL.format(count=format_number(data["count"]), units=texts.COM_MONEY_UNIT_WORDS[unit],
                                                  deposited=format_number(data["deposited"]),
                                                  without=format_number(data["without_deposit"])),
            "shown": texts.COM_MONEY_SHOWN.format(shown=len(rows)) if data["count"] > len(rows) else "",
            "rows": rows,
            "downloads": [{"label": f"{get_layer(layer_id).title} ({fmt.upper()})", "href": export_url(layer_id, fmt, code)}
                          for fmt in ("csv", "geojson")],
        })
    return tables
