"""OGC API – Features, Part 1 (Core + GeoJSON), read-only, over the layer registry.

Pure functions that build the documents (landing page, conformance, collections, items,
item); `layers.web` serves them under `/ogc`. Each collection is a registry layer, so
QGIS and GDAL's OAPIF driver see the same features, scope and filters as the map:
`territory`, the layer's filters (`status=reported`…), `round`, plus the standard
`bbox`, `datetime`, `limit` and `offset`.

Written on the registry rather than with tipg or pygeoapi because both publish tables
or views as they are: the scope of the logged-in user, the territory subtree and the
registry's derived attributes (overdue, deposited, labels…) would have to be
re-expressed as per-user views, i.e. every layer defined twice.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from sqlalchemy import Connection, String, cast, func, select

from geodata import errors as sala_errors
from geodata.models import Territory
from layers.features import enriched_rows, feature_dict, feature_select
from layers.registry import Layer, LayerError, LayerParams, list_layers, resolve_params

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
VENEZUELA_BBOX = [-73.38, 0.65, -59.8, 12.2]
GEOJSON = "application/geo+json"
JSON = "application/json"


class NotFound(sala_errors.NotFound):
    pass


def landing(base: str) -> dict:
    return {
        "title": "Sala de Autogobierno — OGC API Features",
        "description": "Capas de la sala situacional (solo lectura): territorios, casos 1x10, proyectos, CLAP, acuerdos.",
        "links": [
            {"href": f"{base}", "rel": "self", "type": JSON, "title": "Esta página"},
            {"href": f"{base}/conformance", "rel": "conformance", "type": JSON, "title": "Conformidad"},
            {"href": f"{base}/collections", "rel": "data", "type": JSON, "title": "Colecciones"},
        ],
    }


def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


def scope_extent(conn: Connection, params: LayerParams) -> list[float]:
    """The box of the territory seen (the scope's root, or the country)."""
    query = select(func.ST_XMin(func.ST_Extent(Territory.geom)), func.ST_YMin(func.ST_Extent(Territory.geom)),
                   func.ST_XMax(func.ST_Extent(Territory.geom)), func.ST_YMax(func.ST_Extent(Territory.geom)))
    if params.scope.territory_code:
        query = query.where(Territory.code == params.scope.territory_code)
    else:
        query = query.where(Territory.parent_id.is_(None))
    row = conn.execute(query).first()
    return [float(v) for v in row] if row and row[0] is not None else VENEZUELA_BBOX


def collection(layer: Layer, base: str, bbox: list[float]) -> dict:
    href = f"{base}/collections/{layer.id}"
    return {
        "id": layer.id,
        "title": layer.title,
        "description": layer.description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}, "temporal": {"interval": [[None, None]]}},
        "links": [
            {"href": href, "rel": "self", "type": JSON, "title": layer.title},
            {"href": f"{href}/items", "rel": "items", "type": GEOJSON, "title": f"{layer.title} (GeoJSON)"},
        ],
    }


def collections(conn: Connection, base: str, params: LayerParams) -> dict:
    bbox = scope_extent(conn, params)
    return {
        "links": [{"href": f"{base}/collections", "rel": "self", "type": JSON}],
        "collections": [collection(layer, base, bbox) for layer in list_layers()],
    }


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        parts = [float(v) for v in value.split(",")]
    except ValueError:
        raise LayerError(f"bbox inválido: «{value}».") from None
    if len(parts) == 6:  # 3D box: drop the heights
        parts = [parts[0], parts[1], parts[3], parts[4]]
    if len(parts) != 4:
        raise LayerError(f"bbox inválido: «{value}» (se esperan 4 números).")
    return tuple(parts)  # type: ignore[return-value]


def _date(text: str) -> dt.date | None:
    if text in ("", ".."):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise LayerError(f"datetime inválido: «{text}».") from None


def parse_datetime(value: str | None) -> tuple[dt.date | None, dt.date | None]:
    """`2025-01-01`, `2025-01-01/2025-06-30`, `../2025-06-30`, `2025-01-01/..` (RFC 3339, day precision)."""
    if not value:
        return None, None
    if "/" in value:
        start, end = value.split("/", 1)
        return _date(start), _date(end)
    day = _date(value)
    return day, day


# PostgreSQL's OFFSET is a bigint; past it the database refuses the query.
MAX_OFFSET = 2**63 - 1
_DIGITS = re.compile(r"^[0-9]{1,19}$")  # ASCII digits only: str.isdigit() takes "²" and "٣"


def _count(value: str, name: str) -> int:
    if not _DIGITS.match(value) or int(value) > MAX_OFFSET:
        raise LayerError(f"{name} inválido: «{value[:40]}» (un entero entre 0 y {MAX_OFFSET}).")
    return int(value)


def parse_limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    limit = _count(value, "limit")
    if limit < 1:
        raise LayerError(f"limit inválido: «{value}» (al menos 1).")
    return min(limit, MAX_LIMIT)


def parse_offset(value: str | None) -> int:
    if value is None:
        return 0
    return _count(value, "offset")


def items(
    conn: Connection,
    layer: Layer,
    params: LayerParams,
    *,
    base: str,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    query: list[tuple[str, str]] | None = None,
) -> dict:
    """A page of features with numberMatched/numberReturned and next/prev links."""
    params = resolve_params(conn, params)
    matched = conn.execute(select(func.count()).select_from(layer.select(params).subquery("layer"))).scalar_one()
    rows = feature_select(layer, params, geometry="geojson", precision=6)
    page = rows.order_by(rows.selected_columns[layer.id_field]).limit(limit).offset(offset)
    features = [feature_dict(layer, row, geometry_json=row[-1]) for row in enriched_rows(conn, layer, params, page)]
    href = f"{base}/collections/{layer.id}/items"
    kept = [(k, v) for k, v in (query or []) if k not in ("limit", "offset")]

    def link(rel: str, new_offset: int) -> dict:
        args = urlencode([*kept, ("limit", limit), ("offset", new_offset)])
        return {"href": f"{href}?{args}", "rel": rel, "type": GEOJSON}

    links = [link("self", offset), {"href": f"{base}/collections/{layer.id}", "rel": "collection", "type": JSON}]
    if offset + len(features) < matched:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(offset - limit, 0)))
    return {
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }


def item(conn: Connection, layer: Layer, params: LayerParams, fid: str, *, base: str) -> dict:
    params = resolve_params(conn, params)
    rows = feature_select(layer, params, geometry="geojson", precision=6)
    rows = rows.where(cast(rows.selected_columns[layer.id_field], String) == fid)
    row = next(enriched_rows(conn, layer, params, rows), None)
    if row is None:
        raise NotFound(f"No existe el elemento «{fid}» en «{layer.id}».")
    feature = feature_dict(layer, row, geometry_json=row[-1])
    feature["links"] = [
        {"href": f"{base}/collections/{layer.id}/items/{fid}", "rel": "self", "type": GEOJSON},
        {"href": f"{base}/collections/{layer.id}", "rel": "collection", "type": JSON},
    ]
    return feature
