"""The functions behind the map room's callbacks: a view in, plain data and figures out.

Callbacks only unpack their inputs and call these; all reading goes through `geodata`
and `layers` (scoped), so these are tested against PostGIS without a browser.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from dashboard import figures, texts, variation
from dashboard.classify import classify, format_value, legend_items
from dashboard.communal_map import COMMUNAL_LAYERS, communal_traces
from dashboard.view import OUTLINE_KINDS, ROOM_FILTERS, TILE_FILTERS, View, filter_def
from geodata import indicators, records, solutions
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.permissions import OPEN_ACCESS, Action, Actor
from geodata.indicators import INDICATORS, Period
from geodata.measures import grid_ids, kpi_ids
from geodata.period import ALL_TIME
from geodata.settings import Settings
from geodata.territory import TerritoryNode, ancestors, breadcrumb, children, resolve
from geodata.rules import CASE_SLA_DAYS, silence_days
from geodata.vocab import (
    AGREEMENT_STATUSES,
    AREAS,
    CASE_CATEGORIES,
    CASE_STATUSES,
    LEVEL_LABELS,
    LEVEL_LABELS_PLURAL,
    PROJECT_STAGES,
)
from layers.boundaries import COUNTRY, boundary_version, children_boundaries, territory_bbox
from layers.features import count_features, iter_rows, json_value
from layers.lru import LRUCache
from layers.registry import LayerParams, UnknownTerritory, get_layer

# The KPI cards and the territory grid's columns: the indicators declared with a `kpi` or
# `grid` position (geodata.measures), in that order.
KPI_IDS = kpi_ids()
GRID_IDS = grid_ids()
# Indicators whose non-zero value the KPI cards flag as needing attention.
ALERT_KPIS = {"cases_overdue", "projects_stalled", "claps_without_recent_delivery", "agreements_overdue", "councils_silent"}
SOLUTIONS_LEVELS = ("municipality", "parish", "commune", "council")


def geo_url(parent_code: str | None, version: str) -> str:
    """Where the browser fetches the children of `parent_code` (served by dashboard.geo)."""
    return f"/geo/children/{parent_code or COUNTRY}.json?v={version}"


def indicator_options() -> list[dict]:
    return [{"label": ind.label, "value": ind.id} for ind in INDICATORS.values()]


_AGGREGATE_FIELDS = {
    # kind: (count, extra fields shown in the bubble's hover) from the indicator ids
    "cases": ("cases_reported", {"open": "cases_open", "overdue": "cases_overdue"}),
    "projects": ("projects_total", {"budget": "budget_approved"}),
    "claps": ("clap_count", {"coverage": "clap_coverage"}),
}


# A municipality can hold thousands of cases: the newest 2,000 keep a map readable and
# its payload near 100 kB compressed on a slow link.
DEFAULT_POINT_LIMIT = 2000


@dataclass(frozen=True)
class PointSet:
    """Points of one kind under one territory; `total` counts all, `points` may be capped."""

    kind: str
    points: list[dict[str, Any]]
    total: int
    aggregated: bool
    # Too many records for points: their counts per grid cell, drawn as a heat map
    # (`density_points`), instead of the newest few.
    cells: list[dict[str, Any]] | None = None

    @property
    def truncated(self) -> bool:
        return not self.aggregated and self.cells is None and self.total > len(self.points)

    @property
    def density(self) -> bool:
        return self.cells is not None


def record_points(
    conn,
    kind: str,
    code: str | None,
    period: Period | None = None,
    scope: Scope = NATIONAL,
    limit: int = DEFAULT_POINT_LIMIT,
    today: dt.date | None = None,
    filters: dict[str, list[str]] | None = None,
) -> PointSet:
    """The individual records of `kind` under `code` (None: all the scope shows), newest
    first, at most `limit`: the registry layer's features with its fields, as map points,
    kept to `filters` (the registry layer's own filters, as `LayerParams.filters`).

    Raises ScopeError for an unknown territory or one outside the scope."""
    if kind not in records.RECORD_KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(records.RECORD_KINDS)}")
    layer = get_layer(kind)
    if code is not None and not scope.national:
        # A leaf's parent may lie above the scope (only visible as an ancestor): the scope
        # itself, which is inside that parent, is then what is shown.
        node = resolve(conn, code)
        if node is not None and not scope.allows(node.path) and scope.ancestor_visible(node.path):
            code = scope.territory_code
    period = period or Period()
    params = LayerParams(
        territory=code,
        date_from=period.date_from,
        date_to=period.date_to,
        consultation_round=period.consultation_round,
        scope=scope,
        as_of=(period or ALL_TIME).reference_day(today),
        filters=filters or None,
    )
    # Newest first by the date the period applies to, then by id: a stable choice of `limit`.
    order = (f"-{layer.period_field}", layer.id_field) if layer.period_field else (layer.id_field,)
    names = [*layer.field_names, "lon", "lat"]
    try:
        total = count_features(conn, layer, params)
        rows = iter_rows(conn, layer, params, geometry="xy", order_by=order, limit=limit)
        points = [{name: json_value(value) for name, value in zip(names, row)} for row in rows]
    except UnknownTerritory:
        raise ScopeError(code) from None
    for p in points:
        # About a metre: all a map point needs, and a third fewer bytes on the wire.
        p["lon"] = round(p["lon"], 5) if p["lon"] is not None else None
        p["lat"] = round(p["lat"], 5) if p["lat"] is not None else None
    return PointSet(kind, points, total, aggregated=False)


def density_points(conn, kind: str, code: str | None, period: Period | None = None, scope: Scope = NATIONAL,
                   today: dt.date | None = None, filters: dict[str, list[str]] | None = None, bbox=None) -> PointSet:
    """Every record of `kind` the points would show (same territory, period, filters and
    scope), counted per grid cell sized to `bbox`: the heat map drawn above the point limit."""
    from layers.density import cell_size, density_cells

    if code is not None and not scope.national:
        node = resolve(conn, code)
        if node is not None and not scope.allows(node.path) and scope.ancestor_visible(node.path):
            code = scope.territory_code
    period = period or Period()
    params = LayerParams(territory=code, date_from=period.date_from, date_to=period.date_to,
                         consultation_round=period.consultation_round, scope=scope, as_of=(period or ALL_TIME).reference_day(today),
                         filters=filters or None)
    try:
        cells = density_cells(conn, get_layer(kind), params, cell_size(bbox))
    except UnknownTerritory:
        raise ScopeError(code) from None
    return PointSet(kind, [], sum(c["count"] for c in cells), aggregated=False, cells=cells)


def aggregated_points(kind: str, rows: list[dict], anchors: dict[str, tuple[float, float]]) -> PointSet:
    """One bubble per child territory with records of `kind`, at its label point."""
    count_id, extra = _AGGREGATE_FIELDS[kind]
    points = []
    for row in rows:
        count = row.get(count_id) or 0
        if not count or row["code"] not in anchors:
            continue
        lon, lat = anchors[row["code"]]
        points.append(
            {"code": row["code"], "name": row["name"], "lon": lon, "lat": lat, "count": count, **{k: row.get(i) for k, i in extra.items()}}
        )
    points.sort(key=lambda p: -p["count"])
    return PointSet(kind, points, sum(p["count"] for p in points), aggregated=True)


# Indicator reads, kept until the next indicator refresh (every load ends with one; the
# refresh time is part of the key), so going back up a level or switching indicators
# never recomputes.
_indicator_cache = LRUCache(1024)


_CACHED_READS = {
    # `filters` of the indicator reads: a RecordFilter (the facts by dimension answer it).
    "child_values": lambda conn, code, period, scope, day, filters=indicators.NO_FILTER: indicators.child_values(
        conn, code, period, scope, today=day, filters=filters),
    "summary": lambda conn, code, period, scope, day, filters=indicators.NO_FILTER: indicators.summary(
        conn, code, period, scope, today=day, filters=filters),
    "weekly_series": lambda conn, code, period, scope, day, filters=indicators.NO_FILTER: indicators.weekly_series(
        conn, code, period, scope, today=day, filters=filters),
    "solutions_map": lambda conn, code, period, scope, day: solutions.solutions_map(conn, code, period, scope, day),
    **{
        f"points_{kind}": (
            lambda kind: lambda conn, code, period, scope, day, filters=None, limit=DEFAULT_POINT_LIMIT: record_points(
                conn, kind, code, period, scope, today=day, filters=dict(filters) if filters else None, limit=limit
            )
        )(kind)
        for kind in records.RECORD_KINDS
    },
}


def cached_indicators(conn, function: str, code: str | None, period, scope: Scope, today: dt.date | None,
                      filters: dict | indicators.RecordFilter | None = None, limit: int | None = None):
    """One of the read functions above for (code, period, scope, day), cached until the
    next indicator refresh: records only arrive through loads, and every load refreshes.
    `filters`: the layer's filters (a dict) for the `points_*` reads, a RecordFilter for
    the indicator reads; `limit` (most points) only for the `points_*` reads."""
    day = today or dt.date.today()
    if isinstance(filters, indicators.RecordFilter):
        frozen = filters if filters.any else ()
        extra = (filters,) if filters.any else ()
    else:
        frozen = tuple(sorted((k, tuple(v)) for k, v in (filters or {}).items()))
        extra = (frozen,) if frozen else ()
        if limit is not None and limit != DEFAULT_POINT_LIMIT:
            return cached_read(conn, (function, code, period, scope, day, frozen, limit),
                               lambda: _CACHED_READS[function](conn, code, period, scope, day, dict(frozen), limit))
    return cached_read(conn, (function, code, period, scope, day, frozen),
                       lambda: _CACHED_READS[function](conn, code, period, scope, day, *extra))


def cached_read(conn, key: tuple, build):
    """`build()` cached per database and until the next indicator refresh (records only
    arrive through loads, and every load refreshes): the room's one process cache of reads."""
    refreshed = indicators.last_refresh(conn)
    stamp = refreshed["refreshed_at"] if refreshed else None
    return _indicator_cache.get_or_build((str(conn.engine.url), stamp, *key), build)


@dataclass
class Place:
    """Where the view stands: the territory shown (None: country) and the parent whose
    children fill the map (a leaf territory shows its siblings)."""

    node: TerritoryNode | None
    map_parent: TerritoryNode | None
    leaf: bool = False

    @property
    def code(self) -> str | None:
        return self.node.code if self.node else None

    @property
    def parent_code(self) -> str | None:
        return self.map_parent.code if self.map_parent else None


def locate(conn, code: str | None, scope: Scope) -> Place:
    """The Place of `code`; a director with no territory asked starts at their scope.

    Raises ScopeError for an unknown code or one outside the scope.
    """
    if code is None and not scope.national:
        code = scope.territory_code
    if code is None:
        return Place(None, None)
    node = resolve(conn, code)
    if node is None or not (scope.allows(node.path) or scope.ancestor_visible(node.path)):
        raise ScopeError(code)
    if children(conn, node.code):
        return Place(node, node)
    parent = resolve(conn, node.path_codes[-2]) if len(node.path_codes) > 1 else None
    return Place(node, parent, leaf=True)


def legend(indicator_id: str, rows: list[dict], method: str = "jenks", k: int = 5) -> tuple[dict, Any]:
    """The choropleth's legend (title, how it is classed, each class with its count and
    «sin datos») and its classification, by the user's `method` and `k` classes."""
    from dashboard.classify import scheme_label

    ind = INDICATORS[indicator_id]
    c = classify([r.get(indicator_id) for r in rows], indicator_id, k, method)
    scheme = scheme_label(c)
    title = ind.label + (f" ({ind.unit})" if ind.unit and ind.unit not in ("Bs.",) else "")
    return {"title": title, "scheme": scheme, "items": legend_items(c, indicator_id)}, c


def kpi_cards(values: dict, previous: dict | None = None) -> list[dict]:
    """The KPI cards; with `previous` (the previous equal period's values) each card whose
    indicator has a period also says its change («+12 % vs. período anterior»)."""
    cards = []
    for ind_id in KPI_IDS:
        ind = INDICATORS[ind_id]
        value = values.get(ind_id)
        cards.append(
            {
                "id": ind_id,
                "label": ind.label,
                "value": format_value(ind_id, value),
                "alert": ind_id in ALERT_KPIS and bool(value),
            }
        )
        if previous is not None:
            cards[-1]["change"] = variation.change_text(ind_id, value, previous.get(ind_id))
    return cards


def map_values(conn, place: Place, view: View, scope: Scope, today: dt.date | None, rows: list[dict]):
    """What the choropleth shows: (rows, legend, classes, hover texts or None, note or None).
    The chosen indicator's values, or with «variación» their change against the previous
    equal period (a diverging scale centred at 0); with a timeline week, that week's new
    cases (dashboard.timeline_vm), classed over every week of the period."""
    if view.week:
        from dashboard import timeline_vm

        week = timeline_vm.frame(conn, place.parent_code, view, scope, today, cached_read)
        if week is not None:
            return week[0], week[1], week[2], None, None
    previous = variation.previous_period(view.period) if view.variation else None
    if previous is None:
        leg, classes = legend(view.indicator, rows, view.classification, view.classes)
        return rows, leg, classes, None, texts.VARIATION_NEEDS_DATES if view.variation else None
    before = cached_indicators(conn, "child_values", place.parent_code, previous, scope, today, view.record_filter)
    changed, leg, classes, hover = variation.choropleth(rows, before, view.indicator)
    return changed, leg, classes, hover, None


def shown_indicator(view: View) -> str:
    """What the choropleth draws: the view's indicator, or a timeline week's new cases."""
    from dashboard.timeline_vm import shown_indicator as shown

    return shown(view)


def grid_columns(indicator_id: str) -> list[dict]:
    """dash-ag-grid column definitions: the name, the chosen indicator first, then the rest."""
    ids = [indicator_id, *[i for i in GRID_IDS if i != indicator_id]]
    cols = [{"field": "name", "headerName": texts.GRID_NAME, "pinned": "left", "minWidth": 180, "filter": True}]
    for ind_id in ids:
        ind = INDICATORS[ind_id]
        decimals = int(ind.fmt.split(".")[-1][0]) if "." in ind.fmt else 0
        cols.append(
            {
                "field": ind_id,
                "headerName": ind.label,
                "type": "numericColumn",
                "filter": "agNumberColumnFilter",
                "valueFormatter": {"function": f"salaNumber(params.value, {decimals})"},
                "sort": "desc" if ind_id == indicator_id else None,
                "minWidth": 130,
            }
        )
    return cols


def grid_rows(rows: list[dict]) -> list[dict]:
    keep = ("code", "name", "level", *GRID_IDS, *INDICATORS)
    return [{k: r.get(k) for k in dict.fromkeys(keep)} for r in rows]


def ranked(rows: list[dict], indicator_id: str) -> list[dict]:
    """Children sorted by the indicator, highest first, missing values last."""
    return sorted(rows, key=lambda r: (r.get(indicator_id) is None, -(r.get(indicator_id) or 0), r["name"]))


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


def filter_controls() -> list[dict]:
    """The room's record filters: URL name, Spanish label and options, all from the
    registry's `FilterDef`s ("overdue" is one yes switch: «solo vencidos»)."""
    controls = []
    for name in ROOM_FILTERS:
        fdef = filter_def(name)
        if name == "overdue":
            controls.append({"name": name, "label": fdef.label, "multi": False,
                             "options": [{"label": texts.FILTER_OVERDUE_ONLY, "value": "1"}]})
        else:
            controls.append({"name": name, "label": fdef.label, "multi": True,
                             "options": [{"label": label, "value": value} for value, label in (fdef.choices or {}).items()]})
    return controls


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
) -> Room:
    """The whole map room for `view`. An unknown territory shows the country with an error.

    `base_url` (the site's origin) makes tile URLs absolute for MapLibre."""
    settings = settings or Settings(_env_file=None)
    timings: dict[str, float] = {}
    view = in_timeline(view, today)
    period = view.period
    error = None
    with engine.connect() as conn:
        try:
            place = _timed(timings, "locate", locate, conn, view.territory, scope)
        except ScopeError:
            error = texts.NOT_FOUND.format(code=view.territory)
            view = view.with_(territory=None)
            place = locate(conn, None, scope)
        version = boundary_version(conn)
        chosen = view.record_filter
        rows = _timed(timings, "child_values", cached_indicators, conn, "child_values", place.parent_code, period, scope, today,
                      chosen)
        values = _timed(timings, "summary", cached_indicators, conn, "summary", place.code, period, scope, today, chosen)
        weekly = _timed(timings, "weekly_series", cached_indicators, conn, "weekly_series", place.code, period, scope, today,
                        chosen)
        previous = variation.previous_period(period)
        before = _timed(timings, "summary_before", cached_indicators, conn, "summary", place.code, previous, scope, today,
                        chosen) if previous else None
        map_rows, leg, classes, hover, show_note = _timed(timings, "map_values", map_values, conn, place, view, scope, today,
                                                          rows)
        bbox = _timed(timings, "bbox", territory_bbox, conn, place.parent_code, scope)
        # Built now so the route serving it answers from the cache.
        _timed(timings, "boundaries", children_boundaries, conn, place.parent_code, scope)
        pointsets = []
        level = place.map_parent.level if place.map_parent else None
        aggregate = level in (None, "state")
        record_kinds = [k for k in view.layers if k in records.RECORD_KINDS]
        if aggregate and record_kinds:
            anchors = _timed(timings, "label_points", records.child_label_points, conn, place.parent_code, scope)
        for kind in record_kinds:
            if aggregate:
                # Above a municipality: one bubble per child, from the indicators already read.
                pointsets.append(aggregated_points(kind, rows, anchors))
            else:
                ps = _timed(timings, f"points_{kind}", cached_indicators, conn, f"points_{kind}", place.parent_code, period, scope,
                            today, view.filters_for(kind), limit=settings.map_point_limit)
                pointsets.append(ps)
                if ps.truncated:
                    # Too many to draw one by one: a heat map of all of them under the newest few,
                    # so the map shows where every record is, not only the latest.
                    key = ("density", kind, place.parent_code, period, scope, today or dt.date.today(),
                           tuple(sorted((k, tuple(v)) for k, v in view.filters_for(kind).items())), bbox)
                    pointsets.append(_timed(timings, f"density_{kind}", cached_read, conn, key, lambda kind=kind: density_points(
                        conn, kind, place.parent_code, period, scope, today, view.filters_for(kind), bbox)))
        crumbs = [
            {"code": code, "name": name} for code, name in _timed(timings, "breadcrumb", breadcrumb, conn, place.code)
        ]
        demo = indicators.demo_loaded(conn)
        unit = _advice_unit(conn, place)
        communal_kinds = [k for k in view.layers if k in COMMUNAL_LAYERS]
        if communal_kinds and aggregate and not record_kinds:
            anchors = _timed(timings, "label_points", records.child_label_points, conn, place.parent_code, scope)
        communal = _timed(timings, "communal_layers", communal_traces, conn, communal_kinds, place.parent_code, aggregate, view,
                          scope, anchors if aggregate else None, today) if communal_kinds else []

    started = time.perf_counter()
    outline = [geo_url(None, version)]
    if place.map_parent is not None and place.map_parent.depth >= 1:
        outline.append(geo_url(place.map_parent.path_codes[-2], version))
    trace = figures.choropleth_trace(geo_url(place.parent_code, version), map_rows, shown_indicator(view), classes)
    if hover is not None:
        trace["customdata"] = hover
    fig = figures.map_figure(
        trace,
        [figures.points_trace(ps.kind, ps) for ps in pointsets] + communal,
        bbox,
        figures.base_layers(outline, settings.basemap_url, settings.basemap_attribution, demo)
        + figures.tile_layers(outline_tiles(view, base_url)),
        uirevision=f"{place.parent_code or COUNTRY}",
    )
    charts = figures.series_figures(weekly)
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
    title = name if place.node is None else f"{LEVEL_LABELS[place.node.level]} {name}"
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


def _advice_unit(conn, place: Place) -> TerritoryNode | None:
    """The commune or circuit the view is (or, a council, lies in), for the advice link."""
    node = place.node
    if node is None or node.level not in ("circuit", "commune", "council"):
        return None
    if node.level != "council":
        return node
    return next((a for a in ancestors(conn, node.code) if a.level == "commune"), None)


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
        rows = cached_indicators(conn, "child_values", place.parent_code, view.period, scope, today, view.record_filter)
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


def drill(engine: Engine, view: View, code: str | None, scope: Scope = NATIONAL) -> View:
    """The view one level down into `code`; unchanged if `code` is unknown, outside the
    scope, already shown, or a leaf (a council has nothing below it to show)."""
    if not code or code == view.territory:
        return view
    with engine.connect() as conn:
        node = resolve(conn, code)
        if node is None or not scope.allows(node.path) or not children(conn, node.code):
            return view
    return view.with_(territory=node.code)


def _first_point(click_data) -> dict | None:
    """The first point of a Plotly click (None for anything else the browser may send)."""
    points = click_data.get("points") if isinstance(click_data, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    return point if isinstance(point, dict) else None


def clicked_code(click_data: dict | None) -> str | None:
    """The territory a map click points at: a choropleth location or an aggregated bubble."""
    point = _first_point(click_data)
    if point is None:
        return None
    if point.get("location") and not point.get("curveNumber"):  # the territories are trace 0 (a quadrant is not)
        return str(point["location"])
    custom = point.get("customdata")
    if isinstance(custom, list) and custom and custom[0]:
        return str(custom[0])
    return None


def clicked_record(click_data: dict | None) -> tuple[str, str] | None:
    """The record a map click points at, as (kind, id): an individual record point carries
    them last in its customdata (`figures.points_trace`), after an empty territory code
    (so `clicked_code` never drills on it). None for a territory or a bubble."""
    point = _first_point(click_data)
    custom = point.get("customdata") if point else None
    if not isinstance(custom, list) or len(custom) < 4 or custom[0] != "" or custom[-2] not in records.RECORD_KINDS:
        return None
    return (str(custom[-2]), str(custom[-1])) if custom[-1] not in (None, "") else None


def clicked_case(click_data: dict | None) -> str | None:
    """The code of the case whose point a map click hit (None for anything else)."""
    record = clicked_record(click_data)
    return record[1] if record and record[0] == "cases" else None


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def case_panel(engine: Engine, code: str, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """What the case panel shows, in Spanish: title, «vencido», labelled fields, linked
    solutions and the «Historial» (date — status, oldest first). An unknown case or one
    outside the scope gives only `error` (the same words either way)."""
    with engine.connect() as conn:
        try:
            case = records.case_detail(conn, code, scope, today=today)
        except ScopeError:
            return {"code": code, "error": texts.CASE_NOT_FOUND.format(code=code)}
    labels = texts.CASE_FIELDS
    due = _date(case["due_by"])
    if case["due_date"] is None:
        due = texts.CASE_DUE_DEFAULT.format(date=due, days=CASE_SLA_DAYS)
    place = " › ".join(name for _code, name in case["breadcrumb"][1:]) or case["territory_name"]
    fields = [
        (labels["status"], CASE_STATUSES.get(case["status"], case["status"])),
        (labels["category"], CASE_CATEGORIES.get(case["category"], case["category"])),
        (labels["area"], AREAS.get(case["area"], case["area"])),
        (labels["institution"], case["institution"] or "—"),
        (labels["territory"], f"{place} ({case['territory_code']})"),
        (labels["reported_date"], _date(case["reported_date"])),
        (labels["due_by"], due),
    ]
    if case["resolved_date"]:
        fields.append((labels["resolved_date"], _date(case["resolved_date"])))
    status_labels = {"project": PROJECT_STAGES, "agreement": AGREEMENT_STATUSES}
    return {
        "code": case["code"],
        "error": None,
        "title": texts.CASE_TITLE.format(code=case["code"]),
        "overdue": case["overdue"],
        "fields": fields,
        "description": case["description"] or "",
        "solutions": [
            {
                "kind": texts.SOLUTION_KINDS[s["kind"]],
                "code": s["code"],
                "label": s["label"],
                "status": status_labels[s["kind"]].get(s["status"], s["status"]),
            }
            for s in case["solutions"]
        ],
        "timeline": [(_date(day), CASE_STATUSES.get(status, status)) for status, day in case["timeline"]],
    }


def consultation_rounds(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [{"label": r, "value": r} for r in records.consultation_rounds(conn)]


def demo_loaded(engine: Engine) -> bool:
    with engine.connect() as conn:
        return indicators.demo_loaded(conn)


def apply_event(
    engine: Engine,
    view: View,
    trigger: str,
    *,
    indicator: str | None = None,
    show: str | None = None,
    layers: list[str] | None = None,
    round_: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    filters: dict | None = None,
    click_data: dict | None = None,
    cell_clicked: dict | None = None,
    crumb_code: str | None = None,
    scope: Scope = NATIONAL,
    classification: str | None = None,
    classes: int | str | None = None,
    week: int | None = None,
) -> View:
    """The view after one user action on the map room.

    trigger: "indicator", "show" (`show`: "value" or "variation" on the map), "layers", "round", "dates", "clear" (whole period), "filters"
    (`filters`: the values of the record filter controls by URL name), "map" (a click on a
    territory or bubble), "grid" (a row of the ranked table), "crumb" or "classification"
    (`classification`, `classes`: how the choropleth is classed), "week" (`week`: the
    timeline slider's value: a week's Monday as a day number) or "week_off" (back to the period).
    """
    return in_timeline(_apply(engine, view, trigger, indicator=indicator, show=show, layers=layers, round_=round_,
                              date_from=date_from, date_to=date_to, filters=filters, click_data=click_data,
                              cell_clicked=cell_clicked, crumb_code=crumb_code, scope=scope, classification=classification,
                              classes=classes, week=week))


def in_timeline(view: View, today: dt.date | None = None) -> View:
    """The view with its timeline week dropped if the period no longer covers it."""
    from dashboard.timeline_vm import weeks

    return view.with_(week=None) if view.week and view.week not in weeks(view, today) else view


def _apply(engine: Engine, view: View, trigger: str, *, indicator, show, layers, round_, date_from, date_to, filters,
           click_data, cell_clicked, crumb_code, scope, classification, classes, week) -> View:
    from dashboard.view import parse

    if trigger == "week":
        from dashboard.timeline_vm import week_of, weeks

        chosen = week_of(week)
        return view.with_(week=chosen) if chosen in weeks(view) else view
    if trigger == "week_off":
        return view.with_(week=None)
    if trigger == "indicator" and isinstance(indicator, str) and indicator in INDICATORS:
        return view.with_(indicator=indicator)
    if trigger == "show":
        return view.with_(variation=show == "variation")
    if trigger == "layers":
        return view.with_(layers=parse({"layers": ",".join(str(x) for x in layers) if isinstance(layers, list) else layers}).layers)
    if trigger in ("round", "dates"):
        period = parse({"round": round_, "from": date_from, "to": date_to})
        return view.with_(round=period.round, date_from=period.date_from, date_to=period.date_to)
    if trigger == "clear":
        return view.with_(round=None, date_from=None, date_to=None)
    if trigger == "filters":
        chosen = parse({name: (filters or {}).get(name) for name in ROOM_FILTERS})
        return view.with_(category=chosen.category, status=chosen.status, overdue=chosen.overdue, stage=chosen.stage)
    if trigger == "classification":
        chosen = parse({"classification": classification, "classes": classes})
        return view.with_(classification=chosen.classification, classes=chosen.classes)
    if trigger == "map":
        return drill(engine, view, clicked_code(click_data), scope)
    if trigger == "grid":
        row_id = cell_clicked.get("rowId") if isinstance(cell_clicked, dict) else None
        return drill(engine, view, row_id if isinstance(row_id, str) else None, scope)
    if trigger == "crumb":
        return view.with_(territory=parse({"territory": crumb_code}).territory)
    return view


DEFAULT_EXPORT_LAYER = "cases"
DEFAULT_EXPORT_FORMAT = "geojson"


def export_options(engine: Engine | None = None, view: View | None = None, scope=NATIONAL) -> tuple[list[dict], list[dict]]:
    """The layers and formats the download control offers (from the layer registry); given
    the view, only the layers with something in its territory and period (a municipality is
    not offered «Estados», which would export nothing)."""
    from layers.exports import FORMATS
    from layers.features import layers_with_features
    from layers.registry import LayerError, list_layers

    offered = list_layers()
    if engine is not None and view is not None:
        from dashboard.downloads_vm import view_params

        try:
            with engine.connect() as conn:
                offered = layers_with_features(conn, view_params(view, None, scope))
        except LayerError:
            offered = []
    layers = [{"label": layer.title, "value": layer.id} for layer in offered]
    formats = [{"label": f.label, "value": f.id} for f in FORMATS.values()]
    return layers, formats


def export_picker(engine: Engine, view: View, current, scope=NATIONAL) -> tuple[list[dict], str | None, str]:
    """The layer picker for the view: its options, the layer chosen (kept if it is still
    offered, else the default or the first one) and a note when nothing has elements."""
    layers, _ = export_options(engine, view, scope)
    values = [o["value"] for o in layers]
    if not values:
        return [], None, texts.EXPORT_EMPTY
    chosen = current if current in values else (DEFAULT_EXPORT_LAYER if DEFAULT_EXPORT_LAYER in values else values[0])
    return layers, chosen, ""


def download_links(engine: Engine, view: View, layer_id, fmt, actor: Actor = OPEN_ACCESS, jobs=None) -> dict:
    """The download URL of exactly what is on screen (territory, period and the filters that
    apply to the layer) for a layer and format, whether that export runs as a job (a slow
    format, or more features than `jobs.threshold`), and the URL that starts the planning
    pack of the municipality in view (None above a municipality). A role that may not
    export gets no links and `message`; so does a layer or format the registry does not know."""
    from dashboard import downloads_vm
    from layers import web
    from layers.exports import FORMATS
    from layers.jobs import SLOW_FORMATS
    from layers.registry import list_layers

    none = {"export_href": None, "export_job": False, "pack_href": None}
    if not actor.may(Action.EXPORT):
        return {**none, "message": texts.EXPORT_NOT_ALLOWED}
    layer_id = DEFAULT_EXPORT_LAYER if layer_id is None else layer_id
    fmt = DEFAULT_EXPORT_FORMAT if fmt is None else fmt
    known = isinstance(layer_id, str) and layer_id in {layer.id for layer in list_layers()}
    if not known or not isinstance(fmt, str) or fmt not in FORMATS:
        return {**none, "message": texts.EXPORT_UNKNOWN}
    # An XLSX is opened by a person: its header row in Spanish (the `campos` sheet maps it
    # back for `sala load`). A CSV goes into other systems and scripts: field names.
    labels = "es" if fmt == "xlsx" else None
    export_href = web.export_url(layer_id, fmt, view.territory, view.period, view.filters_for(layer_id), labels=labels)
    code = downloads_vm.pack_code(engine, view, actor.scope)
    as_job = downloads_vm.export_is_job(engine, jobs, view, layer_id, fmt, actor.scope) if jobs else fmt in SLOW_FORMATS
    return {"export_href": export_href, "export_job": as_job, "pack_href": web.pack_url(code, view.period) if code else None,
            "message": None}


def warm_up(engine: Engine, today: dt.date | None = None) -> int:
    """Read the country's and every state's indicators and boundaries into the caches, so
    the first operator to open the room (and to drill into a state) waits for nothing.
    Runs in a background thread at start-up; returns the number of views warmed."""
    from geodata.territory import children as tree_children

    period = indicators.ALL_TIME
    with engine.connect() as conn:
        codes = [None, *[n.code for n in tree_children(conn, None)]]
        for code in codes:
            cached_indicators(conn, "child_values", code, period, NATIONAL, today)
            cached_indicators(conn, "summary", code, period, NATIONAL, today)
            cached_indicators(conn, "weekly_series", code, period, NATIONAL, today)
            children_boundaries(conn, code, NATIONAL)
    return len(codes)
