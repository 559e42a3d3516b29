"""A layer's features as data: a GeoDataFrame, a GeoJSON dict, or a stream of rows.

Everything goes through the registry's `select`, so the map, the exports, the OGC API
and the printed maps show the same features for the same parameters. Geometry is
reprojected in PostGIS (`ST_Transform`) when another CRS is asked for.

This is also the one place where the territory layers' indicator fields
(`Layer.indicators`) join their features: `enrich` looks each row's code up in
`geodata.indicators.level_values` for the layer's level, computed once per request for
the territory, period, round and scope asked for, so a map, an export and the dashboard
give the same number for the same territory. Rows still stream: only the values dict
(one entry per territory of the level, at most ~49,000) is held in memory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Connection, Float, Integer, Select, String, bindparam, cast, column, exists, func, literal, select, text
from sqlalchemy.dialects.postgresql import JSONB

from geodata.indicators import Period, level_values
from layers.registry import Layer, LayerError, LayerParams, get_layer, resolve_params

WGS84 = 4326
BATCH_SIZE = 10_000


def check_crs(conn: Connection, epsg: int) -> int:
    """The EPSG code if PostGIS can reproject to it, else a clear error."""
    known = conn.execute(text("SELECT 1 FROM spatial_ref_sys WHERE srid = :srid"), {"srid": int(epsg)}).first()
    if known is None:
        raise LayerError(f"Sistema de referencia desconocido: EPSG:{epsg}.")
    return int(epsg)


def prepare(conn: Connection, layer_id: str | Layer, params: LayerParams | None) -> tuple[Layer, LayerParams]:
    """The layer and its parameters with the territory resolved (raises UnknownLayer/UnknownTerritory)."""
    layer = layer_id if isinstance(layer_id, Layer) else get_layer(layer_id)
    return layer, resolve_params(conn, params or LayerParams())


def _geometry(sub, crs: int):
    return sub.c.geom if crs == WGS84 else func.ST_Transform(sub.c.geom, crs)


def _ordering(sub, order_by: Sequence[str]):
    """`("-reported_date", "code")`: fields of the layer, `-` for descending (empty values last)."""
    columns = []
    for name in order_by:
        column = sub.c[name.lstrip("-")]
        columns.append(column.desc().nulls_last() if name.startswith("-") else column.asc().nulls_last())
    return columns


def feature_select(
    layer: Layer,
    params: LayerParams,
    *,
    crs: int = WGS84,
    geometry: str | Sequence[str] = "wkb",
    precision: int = 6,
    order_by: Sequence[str] = (),
    limit: int | None = None,
):
    """The layer's SQL attributes (`sql_field_names`) plus its geometry as `geom_wkb`,
    `geom_json`, `lon`/`lat`, `wkt` or `kml` (or several of these, in the order given:
    `("xy", "wkb")` reads a CSV's and a GeoPackage's geometry in one pass); pass its rows
    through `enrich` for every field.

    `order_by` (field names, `-` for descending) and `limit` pick e.g. the newest N features;
    without them the query is the layer's own, in its own order."""
    sub = layer.select(params).subquery("layer")
    attrs = [sub.c[name] for name in layer.sql_field_names]
    geom = _geometry(sub, crs)
    extra = []
    for form in (geometry,) if isinstance(geometry, str) else geometry:
        extra += _geometry_columns(sub, geom, form, precision)
    query = select(*attrs, *extra)
    if order_by:
        query = query.order_by(*_ordering(sub, order_by))
    if limit is not None:
        query = query.limit(limit)
    return query


def _geometry_columns(sub, geom, form: str, precision: int) -> list:
    if form == "wkb":
        return [func.ST_AsBinary(geom).label("geom_wkb")]
    if form == "geojson":
        return [func.ST_AsGeoJSON(geom, precision).label("geom_json")]
    if form == "xy":
        return [func.ST_X(geom).label("lon"), func.ST_Y(geom).label("lat")]
    if form == "wkt":
        # Rounded as it is written (as ST_AsGeoJSON does): snapping the geometry to a grid
        # first (ST_ReducePrecision) cost a noding pass per polygon, most of a council CSV's time.
        return [func.ST_AsText(geom, precision).label("wkt")]
    if form == "kml":
        # KML is EPSG:4326 by definition: ST_AsKML writes it (15 significant digits, as GDAL's writers).
        return [func.ST_AsKML(sub.c.geom).label("kml")]
    raise ValueError(form)


def count_features(conn: Connection, layer_id: str | Layer, params: LayerParams | None = None) -> int:
    layer, params = prepare(conn, layer_id, params)
    return conn.execute(select(func.count()).select_from(layer.select(params).subquery())).scalar_one()


def rows_only(query: Select) -> Select:
    """The layer's query reduced to which rows it yields: a constant for its attributes and
    no order. Counting or testing for rows needs nothing more, and PostgreSQL then neither
    computes the attributes nor sorts every matching row before a LIMIT (a state's cases:
    300 ms sorted, 20 ms not)."""
    return query.with_only_columns(literal(1), maintain_column_froms=True).order_by(None)


def count_at_most(conn: Connection, layer_id: str | Layer, params: LayerParams | None, most: int) -> int:
    """How many features the layer has for `params`, counted no further than `most`."""
    layer, params = prepare(conn, layer_id, params)
    rows = rows_only(layer.select(params)).limit(most).subquery()
    return conn.execute(select(func.count()).select_from(rows)).scalar_one()


def has_features(conn: Connection, layer_id: str | Layer, params: LayerParams | None = None) -> bool:
    """Whether the layer has at least one feature for `params` (PostgreSQL stops at the
    first row it finds)."""
    return count_at_most(conn, layer_id, params, 1) > 0


def layers_with_features(conn: Connection, params: LayerParams | None = None) -> list[Layer]:
    """The registry's layers that have something for `params` (a territory's subtree and a
    period): what a download may offer. A municipality has no states, a parish no
    municipalities; a record layer may be empty in a period. One statement of one EXISTS
    per layer: one round trip for the room's download control, not one per layer."""
    from layers.registry import list_layers

    params = resolve_params(conn, params or LayerParams())
    layers = list_layers()
    tests = [exists(rows_only(layer.select(params))).label(f"l{i}") for i, layer in enumerate(layers)]
    found = conn.execute(select(*tests)).one()
    return [layer for layer, present in zip(layers, found) if present]


def indicator_values(conn: Connection, layer: Layer, params: LayerParams) -> dict[str, dict]:
    """The indicator values of the layer's territories, by code: `geodata.indicators.level_values`
    for its level, within the territory asked for, for its period and round, in its scope
    ({} for a layer without indicators), judged on `params.as_of` (None: today) as the
    record layers are. `params` must be resolved (`prepare`)."""
    if not layer.indicators:
        return {}
    period = Period(params.date_from, params.date_to, params.consultation_round)
    return level_values(
        conn, layer.level, within=params.territory, period=period, scope=params.scope, today=params.as_of,
        only=layer.indicators,
    )


def enrich(layer: Layer, values: dict[str, dict], rows: Iterable[Any]) -> Iterator[Any]:
    """Rows of `feature_select` (SQL attributes, then the geometry columns) as rows of every
    field in `layer.fields` order, then the geometry columns: indicator fields looked up by
    the row's code in `values` (from `indicator_values`). Rows of layers without indicators
    pass unchanged; either way, one row in, one row out (streaming stays streaming)."""
    if not layer.indicators:
        yield from rows
        return
    names = layer.sql_field_names
    position = {name: i for i, name in enumerate(names)}
    code_at = position[layer.id_field]
    plan = [(position.get(f.name), f.name) for f in layer.fields]
    n = len(names)
    missing: dict = {}
    for row in rows:
        found = values.get(row[code_at], missing)
        yield tuple(row[i] if i is not None else found.get(name) for i, name in plan) + tuple(row[n:])


def enriched_rows(conn: Connection, layer: Layer, params: LayerParams, query, *, stream: bool = False,
                  values: dict[str, dict] | None = None) -> Iterator[Any]:
    """Run a `feature_select` query (possibly ordered, paged or filtered further) and yield
    its rows with every field (`enrich`). `params` must be resolved (`prepare`); `values`,
    the layer's `indicator_values` for them if already computed."""
    if values is None:
        values = indicator_values(conn, layer, params)  # before the cursor opens
    rows = _stream(conn, query) if stream else conn.execute(query)
    yield from enrich(layer, values, rows)


def indicator_relation(values: dict[str, dict], layer: Layer, names: list[str]):
    """The same values as a SQL relation (`code` and the indicator `names`), for queries
    that must join them in PostGIS (vector tiles): join it on the layer's code."""
    kinds = {"int": Integer, "float": Float}
    records = [{layer.id_field: code, **{n: v.get(n) for n in names}} for code, v in values.items()]
    payload = cast(bindparam("indicator_values", json.dumps(records, default=float), type_=String), JSONB)
    cols = [column(layer.id_field, String), *(column(n, kinds[layer.field(n).type]) for n in names)]
    return func.jsonb_to_recordset(payload).table_valued(*cols).render_derived(name="indicators", with_types=True)


def _stream(conn: Connection, query) -> Iterator[Any]:
    """Rows from a server-side cursor: memory stays flat whatever the number of features."""
    result = conn.execution_options(stream_results=True, yield_per=BATCH_SIZE).execute(query)
    yield from result


def iter_rows(
    conn: Connection,
    layer_id: str | Layer,
    params: LayerParams | None = None,
    *,
    crs: int = WGS84,
    geometry: str | Sequence[str] = "wkb",
    precision: int = 6,
    order_by: Sequence[str] = (),
    limit: int | None = None,
    values: dict[str, dict] | None = None,
) -> Iterator[Any]:
    """The streamed rows of a layer: every attribute in field order (indicators merged by
    `enrich`; `values`: already computed by `indicator_values` for these parameters), then
    the geometry in the form asked for (`order_by`/`limit` as in `feature_select`)."""
    layer, params = prepare(conn, layer_id, params)
    if crs != WGS84:
        check_crs(conn, crs)
    query = feature_select(layer, params, crs=crs, geometry=geometry, precision=precision, order_by=order_by, limit=limit)
    yield from enriched_rows(conn, layer, params, query, stream=True, values=values)


def iter_batches(
    conn: Connection, layer_id: str | Layer, params: LayerParams | None = None, *, crs: int = WGS84, batch_size: int = BATCH_SIZE
) -> Iterator[gpd.GeoDataFrame]:
    """The layer as a sequence of GeoDataFrames of at most `batch_size` rows, with stable dtypes.

    Every batch has the same columns and dtypes (nullable integers and booleans, dates as
    ISO text), so batches can be appended one after the other to a file.
    """
    layer = layer_id if isinstance(layer_id, Layer) else get_layer(layer_id)
    rows: list[Any] = []
    produced = False
    for row in iter_rows(conn, layer, params, crs=crs):
        rows.append(row)
        if len(rows) >= batch_size:
            yield _frame(layer, rows, crs, iso_dates=True)
            produced = True
            rows = []
    if rows or not produced:
        yield _frame(layer, rows, crs, iso_dates=True)


_DTYPES = {"int": "Int64", "float": "float64", "bool": "boolean", "str": "object", "date": "object"}


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def rows_frame(layer: Layer, rows: list[Any], crs: int, *, iso_dates: bool = True) -> gpd.GeoDataFrame:
    """Rows of `iter_rows` (every field, then the geometry, WKB last) as a GeoDataFrame with
    the stable dtypes of `iter_batches`."""
    return _frame(layer, rows, crs, iso_dates=iso_dates)


def _frame(layer: Layer, rows: list[Any], crs: int, *, iso_dates: bool) -> gpd.GeoDataFrame:
    columns: dict[str, Any] = {}
    for i, f in enumerate(layer.fields):
        values = [r[i] for r in rows]
        if f.type == "date" and iso_dates:
            values = [_iso(v) for v in values]
        columns[f.name] = pd.Series(values, dtype=_DTYPES[f.type])
    geoms = shapely.from_wkb([r[-1] for r in rows]) if rows else []
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geoms, crs=f"EPSG:{crs}"), crs=f"EPSG:{crs}")


def features_frame(
    conn: Connection,
    layer_id: str | Layer,
    params: LayerParams | None = None,
    *,
    crs: int = WGS84,
    order_by: Sequence[str] = (),
    limit: int | None = None,
) -> gpd.GeoDataFrame:
    """The whole layer in memory (for maps and small sets; exports stream instead). Dates stay dates.
    `order_by`/`limit` as in `feature_select`."""
    layer = layer_id if isinstance(layer_id, Layer) else get_layer(layer_id)
    rows = list(iter_rows(conn, layer, params, crs=crs, order_by=order_by, limit=limit))
    return _frame(layer, rows, crs, iso_dates=False)


def json_value(value):
    """A database value as JSON: ISO dates, floats for numerics."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    return value


def feature_dict(layer: Layer, row, *, geometry_json: str | None) -> dict:
    props = {f.name: json_value(row[i]) for i, f in enumerate(layer.fields)}
    return {
        "type": "Feature",
        "id": props.get(layer.id_field),
        "geometry": json.loads(geometry_json) if geometry_json else None,
        "properties": props,
    }


def iter_geojson_features(
    conn: Connection, layer_id: str | Layer, params: LayerParams | None = None, *, precision: int = 6, crs: int = WGS84
) -> Iterator[dict]:
    layer = layer_id if isinstance(layer_id, Layer) else get_layer(layer_id)
    for row in iter_rows(conn, layer, params, crs=crs, geometry="geojson", precision=precision):
        yield feature_dict(layer, row, geometry_json=row[-1])


def features_geojson(conn: Connection, layer_id: str | Layer, params: LayerParams | None = None, *, precision: int = 6) -> dict:
    """A GeoJSON FeatureCollection (EPSG:4326, coordinates rounded to `precision` decimals)."""
    layer = layer_id if isinstance(layer_id, Layer) else get_layer(layer_id)
    return {
        "type": "FeatureCollection",
        "name": layer.id,
        "features": list(iter_geojson_features(conn, layer, params, precision=precision)),
    }


def data_date(conn: Connection, layer_id: str | Layer, params: LayerParams | None = None) -> dt.date | None:
    """The date of the data: the latest update among the features shown."""
    layer, params = prepare(conn, layer_id, params)
    if layer.date_field is None:
        return None
    sub = layer.select(params).subquery()
    return conn.execute(select(func.max(sub.c[layer.date_field]))).scalar()


def has_demo(conn: Connection, layer_id: str | Layer, params: LayerParams | None = None) -> bool:
    """True when any feature shown is demo data (the printed map must say so)."""
    layer, params = prepare(conn, layer_id, params)
    sub = layer.select(params).subquery()
    return bool(conn.execute(select(func.bool_or(sub.c.is_demo))).scalar())


def layer_marks(conn: Connection, layer_id: str | Layer, params: LayerParams | None = None) -> tuple[bool, dt.date | None]:
    """`has_demo` and `data_date` in one query: whether any feature shown is demo data,
    and the latest update among them (None for a layer without a date field)."""
    layer, params = prepare(conn, layer_id, params)
    sub = layer.select(params).subquery()
    day = func.max(sub.c[layer.date_field]) if layer.date_field else None
    row = conn.execute(select(func.bool_or(sub.c.is_demo), *([day] if day is not None else []))).one()
    return bool(row[0]), (row[1] if day is not None else None)
