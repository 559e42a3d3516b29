"""Vector tiles from ST_AsMVT: they decode, hold the expected features, and stay bounded."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest

from layers.registry import LayerParams, UnknownLayer
from layers.tiles import TileOutOfRange, render_tile, tile_bounds
from tests.layers_records import add_records


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


@pytest.fixture
def records(engine):
    with engine.begin() as conn:
        add_records(conn)
    return engine


def decode(data: bytes) -> dict:
    return mapbox_vector_tile.decode(data)


def test_point_tile_holds_the_cases_of_its_box(records):
    z, x, y = tile_of(-66.99, 10.41, 12)
    with records.connect() as conn:
        data = render_tile(conn, "cases", z, x, y)
    layer = decode(data)["cases"]
    codes = {f["properties"]["code"] for f in layer["features"]}
    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    assert minx <= -66.99 <= maxx and miny <= 10.41 <= maxy
    assert {"C-001", "C-002"} <= codes
    assert "M-001" not in codes  # Miranda is far away
    feature = next(f for f in layer["features"] if f["properties"]["code"] == "C-001")
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["status"] == "reported"
    assert feature["properties"]["reported_date"] == "2025-03-01"
    assert layer["extent"] == 4096


def test_polygon_tile_and_filters(records):
    z, x, y = tile_of(-66.95, 10.45, 8)
    with records.connect() as conn:
        councils = decode(render_tile(conn, "councils", z, x, y))["councils"]
        communes = decode(render_tile(conn, "communes", z, x, y))
        filtered = decode(render_tile(conn, "cases", 8, x, y, LayerParams(filters={"category": ["water"]})))
        scoped = render_tile(conn, "cases", z, x, y, LayerParams(territory="15"))
    assert {f["properties"]["code"] for f in councils["features"]} == {"0101010101", "0101010102"}
    assert councils["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert {f["properties"]["code"] for f in communes["communes"]["features"]} == {"01010101"}
    assert {f["properties"]["category"] for f in filtered["cases"]["features"]} == {"water"}
    assert "cases" not in decode(scoped) or all(
        f["properties"]["code"].startswith("M") for f in decode(scoped)["cases"]["features"]
    )


def test_below_min_zoom_and_empty_tiles(records):
    with records.connect() as conn:
        assert render_tile(conn, "councils", 3, 2, 3) == b""  # councils start at zoom 8
        assert render_tile(conn, "cases", 12, 0, 0) == b""  # nothing there
        states = decode(render_tile(conn, "states", 0, 0, 0))["states"]
        assert {f["properties"]["code"] for f in states["features"]} == {"01", "15"}


def test_bad_tiles(records):
    with records.connect() as conn:
        for z, x, y in [(23, 0, 0), (-1, 0, 0), (3, 8, 0), (3, 0, 8), (0, 1, 0)]:
            with pytest.raises(TileOutOfRange):
                render_tile(conn, "cases", z, x, y)
        with pytest.raises(UnknownLayer):
            render_tile(conn, "rivers", 0, 0, 0)


def test_tile_indicators_equal_the_layer_without_a_box(records):
    from layers.features import features_frame

    z, x, y = tile_of(-66.99, 10.41, 9)
    with records.connect() as conn:
        tile = decode(render_tile(conn, "parishes", z, x, y))["parishes"]
        full = features_frame(conn, "parishes", LayerParams()).set_index("code")
    assert tile["features"]
    for feature in tile["features"]:
        props = feature["properties"]
        for name in ("cases_open", "cases_overdue", "projects_total", "clap_count"):
            assert props[name] == full.loc[props["code"], name], (props["code"], name)
    assert any(f["properties"]["cases_open"] > 0 for f in tile["features"])
