"""Mapbox vector tiles of a layer, made by PostGIS (`ST_AsMVT`).

The tile's features are the registry's query cut to the tile's box, so tiles show the
same features as the map and the exports. Size is bounded two ways: below a layer's
`min_zoom` the tile is empty (councils are not drawn nationally one by one), and at
most `tile_limit` features go into one tile. Polygons use the generalised display
geometry below `DETAIL_ZOOM`.

Territory layers' indicators travel in the tile only where the layer says so
(`Layer.tile_indicators`: states, municipalities and parishes, whose indicators are
materialised and cheap to read): the same `geodata.indicators.level_values` as every
other consumer (`layers.features.indicator_values`), joined by code. Commune and council
tiles draw outlines: they carry the territory attributes, not the indicators.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace

from sqlalchemy import Connection, String, cast, func, select

from layers.boundaries import boundary_version
from layers.features import indicator_relation, indicator_values
from layers.lru import LRUCache
from layers.registry import Layer, LayerError, LayerParams, get_layer, resolve_params

MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64
DETAIL_ZOOM = 10


class TileOutOfRange(LayerError, LookupError):
    def __init__(self, z: int, x: int, y: int):
        super().__init__(f"Tesela fuera de rango: {z}/{x}/{y} (z de 0 a {MAX_ZOOM}; x e y de 0 a 2^z − 1).")


def check_tile(z: int, x: int, y: int) -> None:
    if not (0 <= z <= MAX_ZOOM) or not (0 <= x < 2**z) or not (0 <= y < 2**z):
        raise TileOutOfRange(z, x, y)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's box in EPSG:4326 (minx, miny, maxx, maxy), for the index-using prefilter."""
    n = 2**z

    def lon(i: int) -> float:
        return i / n * 360.0 - 180.0

    def lat(j: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * j / n))))

    return lon(x), lat(y + 1), lon(x + 1), lat(y)


def tile_fields(layer: Layer) -> list[str]:
    """What a tile carries: the id, the styling and filter fields and the popup (not every attribute)."""
    names = [layer.id_field]
    if layer.style.field:
        names.append(layer.style.field)
    names += [f.name for f in layer.filters if f.name in layer.field_names and f.name not in names]
    names += [n for n in layer.popup if n not in names]
    names += [n for n in ("is_demo",) if n in layer.field_names and n not in names]
    if not layer.tile_indicators:
        names = [n for n in names if n not in layer.indicators]
    return names


def tile_query(layer: Layer, params: LayerParams, z: int, x: int, y: int, indicators: dict[str, dict] | None = None):
    """The MVT query; `indicators` are the layer's `indicator_values` when its tiles carry them."""
    margin = (BUFFER / EXTENT) * (360.0 / 2**z)
    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    box = (max(minx - margin, -180.0), max(miny - margin, -85.06), min(maxx + margin, 180.0), min(maxy + margin, 85.06))
    geometry = "display" if layer.geometry_type != "Point" and z < DETAIL_ZOOM else "full"
    sub = layer.select(replace(params, bbox=box), geometry=geometry).subquery("layer")
    envelope = func.ST_TileEnvelope(z, x, y)
    names = tile_fields(layer)
    wanted = [n for n in names if n in layer.indicators]
    ind = indicator_relation(indicators or {}, layer, wanted) if wanted else None
    columns = []
    for name in names:
        kind = layer.field(name).type
        value = ind.c[name] if name in layer.indicators else sub.c[name]
        # MVT values are strings, numbers or booleans: dates travel as ISO text.
        columns.append(cast(value, String).label(name) if kind == "date" else value.label(name))
    mvt_geom = func.ST_AsMVTGeom(func.ST_Transform(sub.c.geom, 3857), envelope, EXTENT, BUFFER, True)
    source = sub if ind is None else sub.outerjoin(ind, ind.c[layer.id_field] == sub.c[layer.id_field])
    features = (
        select(*columns, mvt_geom.label("geom"))
        .select_from(source)
        .where(sub.c.geom.is_not(None))
        .limit(layer.tile_limit)
        .subquery("features")
    )
    return select(func.ST_AsMVT(features.table_valued(), layer.id, EXTENT, "geom")).where(features.c.geom.is_not(None))


# Outline tiles (territory layers whose tiles carry no indicators: circuits, communes,
# councils — the largest) read the territory tree only, so the layer, the tile, the resolved
# parameters and the boundary version (a stamp in the database, the same in every server
# process) say all about them: that is their ETag, known without rendering, and the key of
# this cache of their bodies (never stale, only evicted).
_OUTLINES = LRUCache(128)


def reads_only_the_tree(layer: Layer) -> bool:
    return layer.level is not None and not layer.tile_indicators


@dataclass(frozen=True)
class TileRequest:
    """A checked tile request; `stamp` is its content's version when known before rendering."""

    conn: Connection
    layer: Layer
    z: int
    x: int
    y: int
    params: LayerParams
    stamp: str | None

    def body(self) -> bytes:
        if self.stamp is None:
            return _render(self.conn, self.layer, self.z, self.x, self.y, self.params)
        return _OUTLINES.get_or_build(
            self.stamp, lambda: _render(self.conn, self.layer, self.z, self.x, self.y, self.params)
        )


def open_tile(conn: Connection, layer_id: str | Layer, z: int, x: int, y: int, params: LayerParams | None = None) -> TileRequest:
    """Check the tile, the layer and the parameters (scope included); nothing rendered yet."""
    check_tile(z, x, y)
    layer = layer_id if isinstance(layer_id, Layer) else get_layer(layer_id)
    params = resolve_params(conn, params or LayerParams())
    stamp = None
    if reads_only_the_tree(layer):
        key = repr((str(conn.engine.url), layer.id, z, x, y, params, boundary_version(conn)))
        stamp = hashlib.sha1(key.encode()).hexdigest()
    return TileRequest(conn, layer, z, x, y, params, stamp)


def _render(conn: Connection, layer: Layer, z: int, x: int, y: int, params: LayerParams) -> bytes:
    if z < layer.min_zoom:
        return b""
    values = indicator_values(conn, layer, params) if layer.tile_indicators else None
    data = conn.execute(tile_query(layer, params, z, x, y, values)).scalar()
    return bytes(data) if data else b""


def render_tile(conn: Connection, layer_id: str | Layer, z: int, x: int, y: int, params: LayerParams | None = None) -> bytes:
    """The tile's bytes (empty when nothing is in it or the zoom is below the layer's minimum)."""
    return open_tile(conn, layer_id, z, x, y, params).body()
