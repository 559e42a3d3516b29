"""The map room's record points: a record layer's features under a place as map points
(`record_points`), as a heat map of grid cells above the point limit (`density_points`),
or one bubble per child territory above a municipality (`aggregated_points`).

They read through the layer registry (`layers.features`), so the points, the exports and
the OGC API show the same records for the same parameters. The territory comes as a
`geodata.place.Place` resolved at the edge (a code is still accepted and resolved once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from geodata import records
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.period import ALL_TIME, Period
from geodata.place import Where, code_of, node_of
from layers.features import count_features, iter_rows, json_value
from layers.registry import LayerParams, UnknownTerritory, get_layer

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


def place_params(conn, where: Where, period: Period | None, scope: Scope, today: dt.date | None,
                 filters: dict[str, list[str]] | None) -> LayerParams:
    """The registry's parameters for the records under `where` (a Place, a node or a code;
    None: all the scope shows), with the territory's path filled in so the registry does
    not look it up again. A leaf's parent may lie above the scope (only visible as an
    ancestor): the scope itself, which is inside that parent, is then what is shown."""
    # A code for the national scope is left to the registry, which checks it in its query.
    node = None if isinstance(where, str) and scope.national else node_of(conn, where, scope)
    code, path = (node.code, node.path) if node is not None else (code_of(where), None)
    if node is not None and not scope.national and not scope.allows(node.path) and scope.ancestor_visible(node.path):
        code, path = scope.territory_code, scope.territory_path
    period = period or Period()
    return LayerParams(
        territory=code,
        territory_path=path,
        date_from=period.date_from,
        date_to=period.date_to,
        consultation_round=period.consultation_round,
        scope=scope,
        as_of=(period or ALL_TIME).reference_day(today),
        filters=filters or None,
    )


def record_points(
    conn,
    kind: str,
    code: Where,
    period: Period | None = None,
    scope: Scope = NATIONAL,
    limit: int = DEFAULT_POINT_LIMIT,
    today: dt.date | None = None,
    filters: dict[str, list[str]] | None = None,
) -> PointSet:
    """The individual records of `kind` under `code` (a Place, a node or a code; None: all
    the scope shows), newest first, at most `limit`: the registry layer's features with its
    fields, as map points, kept to `filters` (the registry layer's own filters, as
    `LayerParams.filters`).

    Raises ScopeError for an unknown territory or one outside the scope."""
    if kind not in records.RECORD_KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(records.RECORD_KINDS)}")
    layer = get_layer(kind)
    params = place_params(conn, code, period, scope, today, filters)
    # Newest first by the date the period applies to, then by id: a stable choice of `limit`.
    order = (f"-{layer.period_field}", layer.id_field) if layer.period_field else (layer.id_field,)
    names = [*layer.field_names, "lon", "lat"]
    try:
        total = count_features(conn, layer, params)
        rows = iter_rows(conn, layer, params, geometry="xy", order_by=order, limit=limit)
        points = [{name: json_value(value) for name, value in zip(names, row)} for row in rows]
    except UnknownTerritory:
        raise ScopeError(code_of(code)) from None
    for p in points:
        # About a metre: all a map point needs, and a third fewer bytes on the wire.
        p["lon"] = round(p["lon"], 5) if p["lon"] is not None else None
        p["lat"] = round(p["lat"], 5) if p["lat"] is not None else None
    return PointSet(kind, points, total, aggregated=False)


def density_points(conn, kind: str, code: Where, period: Period | None = None, scope: Scope = NATIONAL,
                   today: dt.date | None = None, filters: dict[str, list[str]] | None = None, bbox=None) -> PointSet:
    """Every record of `kind` the points would show (same territory, period, filters and
    scope), counted per grid cell sized to `bbox`: the heat map drawn above the point limit."""
    from layers.density import cell_size, density_cells

    params = place_params(conn, code, period, scope, today, filters)
    try:
        cells = density_cells(conn, get_layer(kind), params, cell_size(bbox))
    except UnknownTerritory:
        raise ScopeError(code_of(code)) from None
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

