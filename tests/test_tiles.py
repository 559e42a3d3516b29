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


# --------------------------------------------------------------------------- the HTTP route


@pytest.fixture
def tile_client(records, tmp_path):
    from flask import Flask

    from geodata.access import Scope
    from geodata.permissions import Actor
    from layers.jobs import JobQueue
    from layers.web import register

    server = Flask("tiles")
    jobs = JobQueue(lambda: records, tmp_path / "exports", workers=1)
    register(server, lambda: records, lambda: Actor("planificadora", Scope(role="planner")), jobs=jobs)
    return server.test_client()


def test_tile_route_gzips_when_accepted_and_answers_304(tile_client, records):
    import gzip

    z, x, y = tile_of(-66.95, 10.45, 10)
    url = f"/tiles/councils/{z}/{x}/{y}.pbf"
    with records.connect() as conn:
        raw = render_tile(conn, "councils", z, x, y)
    assert raw

    plain = tile_client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert plain.data == raw

    packed = tile_client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.mimetype == "application/vnd.mapbox-vector-tile"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["Cache-Control"] == "private, max-age=60"
    assert gzip.decompress(packed.data) == raw
    assert len(packed.data) < len(raw)
    assert decode(gzip.decompress(packed.data))["councils"]["features"]
    # One ETag per representation, so a cache never serves gzip to a client that refused it.
    assert packed.headers["ETag"] != plain.headers["ETag"]

    again = tile_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == packed.headers["ETag"]
    assert again.headers["Cache-Control"] == "private, max-age=60"
    assert tile_client.get(url, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    # Either representation's ETag says the client holds this content: 304 with that ETag.
    held = tile_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]})
    assert held.status_code == 304 and held.headers["ETag"] == plain.headers["ETag"]
    assert tile_client.get(url, headers={"If-None-Match": '"stale", "other"'}).status_code == 200

    refused = tile_client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == raw


def test_tile_etag_changes_when_the_data_does(tile_client, records):
    from sqlalchemy import update

    from geodata.models import Territory

    z, x, y = tile_of(-66.95, 10.45, 10)
    url = f"/tiles/councils/{z}/{x}/{y}.pbf"
    first = tile_client.get(url, headers={"Accept-Encoding": "gzip"})
    with records.begin() as conn:
        conn.execute(update(Territory).where(Territory.code == "0101010101").values(name="Otro nombre"))
    second = tile_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]


def test_an_empty_tile_is_not_gzipped(tile_client):
    empty = tile_client.get("/tiles/councils/2/0/0.pbf", headers={"Accept-Encoding": "gzip"})
    assert empty.status_code == 200 and empty.data == b"" and "Content-Encoding" not in empty.headers


def test_outline_tiles_are_stamped_by_the_boundary_version_and_not_rendered_again(tile_client, records, tmp_path):
    from flask import Flask
    from sqlalchemy import event, update

    from geodata.access import Scope
    from geodata.models import Territory
    from geodata.permissions import Actor
    from layers.jobs import JobQueue
    from layers.web import register

    rendered = []

    def watch(_conn, _cursor, statement, *_args):
        if "ST_AsMVT(" in statement:
            rendered.append(statement)

    z, x, y = tile_of(-66.95, 10.45, 10)
    url = f"/tiles/councils/{z}/{x}/{y}.pbf"
    event.listen(records, "before_cursor_execute", watch)
    try:
        first = tile_client.get(url, headers={"Accept-Encoding": "gzip"})
        assert first.status_code == 200 and len(rendered) == 1
        # Held by the client: 304 without rendering; asked again: from the cache, not rendered.
        assert tile_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}).status_code == 304
        again = tile_client.get(url, headers={"Accept-Encoding": "gzip"})
        assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
        assert len(rendered) == 1

        # Another scope is another tile: its own stamp, rendered for it.
        server = Flask("director")
        register(server, lambda: records,
                 lambda: Actor("dir", Scope(role="director", territory_code="15", territory_path="/15/")),
                 jobs=JobQueue(lambda: records, tmp_path / "d", workers=1))
        other = server.test_client().get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
        assert other.status_code == 200 and other.headers["ETag"] != first.headers["ETag"]
        assert len(rendered) == 2

        # A change of the tree changes the stamp: the held copy is stale, the tile is rendered anew.
        with records.begin() as conn:
            conn.execute(update(Territory).where(Territory.code == "0101010101").values(name="Consejo nuevo"))
        fresh = tile_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
        assert fresh.status_code == 200 and fresh.headers["ETag"] != first.headers["ETag"]
        assert len(rendered) == 3
    finally:
        event.remove(records, "before_cursor_execute", watch)
    import gzip

    names = {f["properties"]["name"] for f in decode(gzip.decompress(fresh.data))["councils"]["features"]}
    assert "Consejo nuevo" in names


def test_record_tiles_are_stamped_by_their_bytes(tile_client, records):
    from tests.dashboard_fixtures import add_case

    z, x, y = tile_of(-66.99, 10.41, 12)
    url = f"/tiles/cases/{z}/{x}/{y}.pbf"
    first = tile_client.get(url, headers={"Accept-Encoding": "gzip"})
    with records.begin() as conn:
        add_case(conn, "NUEVO-1", "0101010101", geom="SRID=4326;POINT(-66.99 10.41)")
    second = tile_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
