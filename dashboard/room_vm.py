"""The map room for one view (`room`), and the patch of an indicator switch: the choropleth,
the record points, the KPIs, the grid, the charts and the links, as plain data and figures.

The territory is resolved once per request into a `geodata.place.Place` (`locate`, or the
Place a drill already resolved) and that Place is passed down to every read."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine

from dashboard import figures, texts, variation
from dashboard.cache import cached_indicators, cached_read
from dashboard.charts import series_figures
from dashboard.classify import format_value
from dashboard.communal_map import COMMUNAL_LAYERS, communal_traces
from dashboard.events_vm import in_timeline
from dashboard.panels_vm import grid_columns, grid_rows, kpi_cards, legend, ranked
from dashboard.view import OUTLINE_KINDS, TILE_FILTERS, View
from geodata import indicators, records
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.indicators import INDICATORS
from geodata.place import Place, resolve_place
from geodata.rules import silence_days
from geodata.settings import Settings
from geodata.territory import TerritoryNode
from geodata.vocab import LEVEL_LABELS, LEVEL_LABELS_PLURAL
from layers.boundaries import COUNTRY, boundary_version, children_boundaries, territory_bbox
from layers.points import aggregated_points, density_points


SOLUTIONS_LEVELS = ("municipality", "parish", "commune", "council")


def geo_url(parent_code: str | None, version: str) -> str:
    """Where the browser fetches the children of `parent_code` (served by dashboard.geo)."""
    return f"/geo/children/{parent_code or COUNTRY}.json?v={version}"


def country_boundaries_url(engine: Engine) -> str:
    """The country's boundary file: every view of the room draws it (the outline around any
    territory, the choropleth of the national view), so the room's page preloads it."""
    with engine.connect() as conn:
        return geo_url(None, boundary_version(conn))


def locate(conn, code: str | None, scope: Scope) -> Place:
    """The Place of `code` (`geodata.place.resolve_place`, the one scope check); a director
    with no territory asked starts at their scope. A leaf territory shows its siblings:
    `place.map_place` is whose children fill the map.

    Raises ScopeError for an unknown code or one outside the scope.
    """
    return resolve_place(conn, code, scope)


def map_values(conn, place: Place, view: View, scope: Scope, today: dt.date | None, rows: list[dict]):
    """What the choropleth shows: (rows, legend, classes, hover texts or None, note or None).
    The chosen indicator's values, or with «variación» their change against the previous
    equal period (a diverging scale centred at 0); with a timeline week, that week's new
    cases (dashboard.timeline_vm), classed over every week of the period."""
    if view.week:
        from dashboard import timeline_vm

        week = timeline_vm.frame(conn, place.map_place, view, scope, today, cached_read)
        if week is not None:
            return week[0], week[1], week[2], None, None
    previous = variation.previous_period(view.period) if view.variation else None
    if previous is None:
        leg, classes = legend(view.indicator, rows, view.classification, view.classes)
        return rows, leg, classes, None, texts.VARIATION_NEEDS_DATES if view.variation else None
    before = cached_indicators(conn, "child_values", place.map_place, previous, scope, today, view.record_filter)
    changed, leg, classes, hover = variation.choropleth(rows, before, view.indicator)
    return changed, leg, classes, hover, None


def shown_indicator(view: View) -> str:
    """What the choropleth draws: the view's indicator, or a timeline week's new cases."""
    from dashboard.timeline_vm import shown_indicator as shown

    return shown(view)


@dataclass
class Room:
    """Everything the map room shows for one view."""

    view: View
    error: str | None
    crumbs: list[dict]
    title: str
    figure: dict
    legend: dict
    map_note: str
    kpis: list[dict]
    grid_title: str
    grid_columns: list[dict]
    grid_rows: list[dict]
    charts: dict[str, dict]
    solutions_href: str | None
    solutions_label: str
    advice_href: str | None
    advice_label: str
    alerts_href: str
    alerts_label: str
    rendered: dict
    timings: dict[str, float] = field(default_factory=dict)
    point_legend: list[dict] = field(default_factory=list)  # the point layers' key (figures.point_legend)


def _timed(timings: dict, name: str, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    timings[name] = round((time.perf_counter() - started) * 1000, 1)
    return result


def rendered_key(view: View) -> dict:
    """What a full map render depends on; an indicator switch alone changes none of it."""
    return {
        "territory": view.territory,
        "layers": list(view.layers),
        "period": [view.round, view.date_from, view.date_to],
        "filters": [list(view.category), list(view.status), view.overdue, list(view.stage)],
        **({"variation": True} if view.variation else {}),
    }


def outline_tiles(view: View, base_url: str = "") -> list[tuple[str, str, int]]:
    """The vector-tile layers the view asks for: (kind, absolute tile URL, minimum zoom).
    MapLibre fetches tiles itself, so their URLs carry the site's origin."""
    from layers import web
    from layers.registry import get_layer

    return [
        (kind, base_url.rstrip("/") + web.tile_url(kind, view.territory, view.period, TILE_FILTERS.get(kind)),
         get_layer(kind).min_zoom)
        for kind in view.layers
        if kind in OUTLINE_KINDS
    ]


def room(
    engine: Engine,
    view: View,
    scope: Scope = NATIONAL,
    settings: Settings | None = None,
    today: dt.date | None = None,
    base_url: str = "",
    place: Place | None = None,
) -> Room:
    """The whole map room for `view`. An unknown territory shows the country with an error.

    `base_url` (the site's origin) makes tile URLs absolute for MapLibre. `place`: the
    view's territory when the request resolved it already (a drill), else it is located."""
    settings = settings or Settings(_env_file=None)
    timings: dict[str, float] = {}
    view = in_timeline(view, today)
    period = view.period
    error = None
    with engine.connect() as conn:
        try:
            if place is None or place.code != view.territory or place.scope != scope:
                place = _timed(timings, "locate", locate, conn, view.territory, scope)
        except ScopeError:
            error = texts.NOT_FOUND.format(code=view.territory)
            view = view.with_(territory=None)
            place = locate(conn, None, scope)
        version = boundary_version(conn)
        parent = place.map_place  # whose children fill the map
        chosen = view.record_filter
        rows = _timed(timings, "child_values", cached_indicators, conn, "child_values", parent, period, scope, today,
                      chosen)
        values = _timed(timings, "summary", cached_indicators, conn, "summary", place, period, scope, today, chosen)
        weekly = _timed(timings, "weekly_series", cached_indicators, conn, "weekly_series", place, period, scope, today,
                        chosen)
        previous = variation.previous_period(period)
        before = _timed(timings, "summary_before", cached_indicators, conn, "summary", place, previous, scope, today,
                        chosen) if previous else None
        map_rows, leg, classes, hover, show_note = _timed(timings, "map_values", map_values, conn, place, view, scope, today,
                                                          rows)
        bbox = _timed(timings, "bbox", territory_bbox, conn, parent, scope)
        # Built now so the route serving it answers from the cache.
        _timed(timings, "boundaries", children_boundaries, conn, parent, scope)
        pointsets = []
        level = place.map_parent.level if place.map_parent else None
        aggregate = level in (None, "state")
        record_kinds = [k for k in view.layers if k in records.RECORD_KINDS]
        if aggregate and record_kinds:
            anchors = _timed(timings, "label_points", records.child_label_points, conn, parent, scope)
        for kind in record_kinds:
            if aggregate:
                # Above a municipality: one bubble per child, from the indicators already read.
                pointsets.append(aggregated_points(kind, rows, anchors))
            else:
                ps = _timed(timings, f"points_{kind}", cached_indicators, conn, f"points_{kind}", parent, period, scope,
                            today, view.filters_for(kind), limit=settings.map_point_limit)
                pointsets.append(ps)
                if ps.truncated:
                    # Too many to draw one by one: a heat map of all of them under the newest few,
                    # so the map shows where every record is, not only the latest.
                    key = ("density", kind, parent.code, period, scope, today or dt.date.today(),
                           tuple(sorted((k, tuple(v)) for k, v in view.filters_for(kind).items())), bbox)
                    pointsets.append(_timed(timings, f"density_{kind}", cached_read, conn, key, lambda kind=kind: density_points(
                        conn, kind, parent, period, scope, today, view.filters_for(kind), bbox)))
        crumbs = [{"code": code, "name": name} for code, name in place.breadcrumb]
        demo = indicators.demo_loaded(conn)
        unit = _advice_unit(place)
        communal_kinds = [k for k in view.layers if k in COMMUNAL_LAYERS]
        if communal_kinds and aggregate and not record_kinds:
            anchors = _timed(timings, "label_points", records.child_label_points, conn, parent, scope)
        communal = _timed(timings, "communal_layers", communal_traces, conn, communal_kinds, parent, aggregate, view,
                          scope, anchors if aggregate else None, today) if communal_kinds else []

    started = time.perf_counter()
    outline = [geo_url(None, version)]
    if place.map_parent is not None and place.map_parent.depth >= 1:
        outline.append(geo_url(place.map_parent.path_codes[-2], version))
    trace = figures.choropleth_trace(geo_url(parent.code, version), map_rows, shown_indicator(view), classes)
    if hover is not None:
        trace["customdata"] = hover
    fig = figures.map_figure(
        trace,
        [figures.points_trace(ps.kind, ps) for ps in pointsets] + communal,
        bbox,
        figures.base_layers(outline, settings.basemap_url, settings.basemap_attribution, demo)
        + figures.tile_layers(outline_tiles(view, base_url)),
        uirevision=f"{parent.code or COUNTRY}",
    )
    charts = series_figures(weekly)
    timings["figures"] = round((time.perf_counter() - started) * 1000, 1)

    name = place.node.name if place.node else texts.COUNTRY
    child_level = rows[0]["level"] if rows else None
    child_label = LEVEL_LABELS_PLURAL.get(child_level, "Territorios")
    parent_name = place.map_parent.name if place.map_parent else texts.COUNTRY
    notes = [texts.MAP_LEAF.format(name=name) if place.leaf else texts.MAP_HINT, *([show_note] if show_note else [])]
    if "reporting" in view.layers:
        notes.append(texts.REPORTING_NOTE.format(count=format_value("councils_silent", values.get("councils_silent")),
                                                 days=silence_days()))
    for ps in pointsets:
        layer = texts.LAYER_LABELS[ps.kind]
        if ps.density:
            notes.append(texts.POINTS_DENSITY.format(layer=layer, total=ps.total, limit=settings.map_point_limit))
        elif ps.aggregated:
            notes.append(texts.POINTS_AGGREGATED.format(layer=layer, total=ps.total, level=LEVEL_LABELS.get(child_level, "territorio").lower()))
        elif ps.truncated:
            notes.append(texts.POINTS_TRUNCATED.format(layer=layer, shown=len(ps.points), total=ps.total))
        else:
            notes.append(texts.POINTS_INDIVIDUAL.format(layer=layer, shown=len(ps.points), total=ps.total))
    title = texts.COUNTRY_TITLE if place.node is None else f"{LEVEL_LABELS[place.node.level]} {name}"
    mun_code = _municipality_code(place, crumbs)
    return Room(
        view=view,
        error=error,
        crumbs=crumbs,
        title=title,
        figure=fig,
        legend=leg,
        map_note=" · ".join(notes),
        kpis=kpi_cards(values, before),
        grid_title=texts.GRID_TITLE.format(level=child_label, name=parent_name, indicator=INDICATORS[view.indicator].label),
        grid_columns=grid_columns(view.indicator),
        grid_rows=grid_rows(ranked(rows, view.indicator)),
        charts=charts,
        # The Map of Solutions opens on the same period as the room.
        solutions_href="/soluciones" + View(mun_code[0], round=view.round, date_from=view.date_from, date_to=view.date_to).to_query()
        if mun_code
        else None,
        solutions_label=texts.SOLUTIONS_LINK.format(name=mun_code[1]) if mun_code else "",
        advice_href="/asesoria" + View(unit.code).to_query() if unit else None,
        advice_label=texts.ADVICE_LINK.format(name=unit.name) if unit else "",
        alerts_href="/operador" + View(place.code).to_query(),
        alerts_label=texts.ALERTS_LINK.format(name=name),
        rendered=rendered_key(view),
        timings=timings,
        point_legend=figures.point_legend(pointsets),
    )


def _advice_unit(place: Place) -> TerritoryNode | None:
    """The commune or circuit the view is (or, a council, lies in), for the advice link."""
    node = place.node
    if node is None or node.level not in ("circuit", "commune", "council"):
        return None
    if node.level != "council":
        return node
    return next((a for a in place.ancestors if a.level == "commune"), None)


def _municipality_code(place: Place, crumbs: list[dict]) -> tuple[str, str] | None:
    """The municipality the view is in (itself or an ancestor), for the Solutions link."""
    if place.node is None or place.node.level not in SOLUTIONS_LEVELS:
        return None
    # The breadcrumb runs country, state, municipality, …
    return (crumbs[2]["code"], crumbs[2]["name"]) if len(crumbs) > 2 else None


@dataclass
class IndicatorSwitch:
    """What changes on screen when only the indicator changes: values, legend and table."""

    choropleth: dict
    legend: dict
    grid_columns: list[dict]
    grid_rows: list[dict]
    grid_title: str


def indicator_switch(engine: Engine, view: View, scope: Scope = NATIONAL, today: dt.date | None = None) -> IndicatorSwitch:
    """The patch for an indicator switch: the precomputed values of the same children."""
    with engine.connect() as conn:
        place = locate(conn, view.territory, scope)
        rows = cached_indicators(conn, "child_values", place.map_place, view.period, scope, today, view.record_filter)
        map_rows, leg, classes, hover, _note = map_values(conn, place, view, scope, today, rows)
    choropleth = figures.choropleth_values(map_rows, shown_indicator(view), classes)
    if hover is not None:
        choropleth["customdata"] = hover
    child_label = LEVEL_LABELS_PLURAL.get(rows[0]["level"], "Territorios") if rows else "Territorios"
    parent_name = place.map_parent.name if place.map_parent else texts.COUNTRY
    return IndicatorSwitch(
        choropleth=choropleth,
        legend=leg,
        grid_columns=grid_columns(view.indicator),
        grid_rows=grid_rows(ranked(rows, view.indicator)),
        grid_title=texts.GRID_TITLE.format(level=child_label, name=parent_name, indicator=INDICATORS[view.indicator].label),
    )


def consultation_rounds(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [{"label": r, "value": r} for r in records.consultation_rounds(conn)]


def demo_loaded(engine: Engine) -> bool:
    with engine.connect() as conn:
        return indicators.demo_loaded(conn)
