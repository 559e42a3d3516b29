"""OGC API – Features on a real HTTP server, read by GDAL's OAPIF driver as QGIS would."""

from __future__ import annotations

import subprocess
import sys

import pyogrio
import pytest
from flask import Flask

from geodata.access import Scope
from geodata.permissions import Actor
from layers.features import features_frame
from layers.registry import LayerParams
from layers.web import register
from tests.layers_records import add_records


@pytest.fixture
def app(engine):
    with engine.begin() as conn:
        add_records(conn)
    server = Flask("test")
    register(server, lambda: engine)
    return server


SERVE = """
import sys
from flask import Flask
from werkzeug.serving import make_server
from geodata.database import make_engine
from layers.web import register
app = Flask("ogc-test")
engine = make_engine(sys.argv[1])
register(app, lambda: engine)
http = make_server("127.0.0.1", 0, app, threaded=True)
print(http.server_port, flush=True)
http.serve_forever()
"""


@pytest.fixture
def live(app, db_url):
    # A separate process: GDAL holds the GIL while it fetches, so an in-process server would never answer.
    process = subprocess.Popen([sys.executable, "-c", SERVE, db_url], stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gdal_oapif_reads_the_layers(live, engine):
    url = f"OAPIF:{live}/ogc"
    names = {name for name, _ in pyogrio.list_layers(url)}
    assert {"cases", "projects", "states", "councils", "agreements", "claps"} <= names
    cases = pyogrio.read_dataframe(url, layer="cases")
    with engine.connect() as conn:
        expected = features_frame(conn, "cases", LayerParams())
    assert sorted(cases["code"]) == sorted(expected["code"])
    assert set(cases.columns) >= {"code", "status_label", "reported_date", "overdue", "geometry"}
    row = cases.set_index("code").loc["C-001"]
    assert row["category_label"] == "Agua"
    assert row.geometry.x == pytest.approx(-66.99)
    parishes = pyogrio.read_dataframe(url, layer="parishes")
    assert sorted(parishes["code"]) == ["010101", "010102"]
    with engine.connect() as conn:  # the indicators as every other consumer reads them
        expected_parishes = features_frame(conn, "parishes", LayerParams()).set_index("code")
    for code, cases_reported in zip(parishes["code"], parishes["cases_reported"]):
        assert cases_reported == expected_parishes.loc[code, "cases_reported"], code
    assert parishes["cases_reported"].sum() == 4
    assert parishes.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")


def test_gdal_follows_next_links(live):
    cases = pyogrio.read_dataframe(f"OAPIF:{live}/ogc", layer="cases", PAGE_SIZE=2)
    assert len(cases) == 6 and len(set(cases["code"])) == 6


def test_items_paging_filters_bbox_datetime(app):
    client = app.test_client()
    landing = client.get("/ogc").get_json()
    assert {link["rel"] for link in landing["links"]} >= {"conformance", "data"}
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in client.get("/ogc/conformance").get_json()["conformsTo"]
    page = client.get("/ogc/collections/cases/items?limit=4")
    assert page.mimetype == "application/geo+json"
    doc = page.get_json()
    assert doc["numberMatched"] == 6 and doc["numberReturned"] == 4
    nxt = next(link["href"] for link in doc["links"] if link["rel"] == "next")
    assert "offset=4" in nxt
    second = client.get(nxt.replace("http://localhost", "")).get_json()
    assert second["numberReturned"] == 2 and not any(link["rel"] == "next" for link in second["links"])
    assert {f["id"] for f in doc["features"]} | {f["id"] for f in second["features"]} == {
        "C-001", "C-002", "C-003", "C-004", "C-005", "M-001"}
    filtered = client.get("/ogc/collections/cases/items?territory=0101&status=reported").get_json()
    assert [f["id"] for f in filtered["features"]] == ["C-001"]
    boxed = client.get("/ogc/collections/cases/items?bbox=-66.8,10.2,-66.6,10.4").get_json()
    assert [f["id"] for f in boxed["features"]] == ["M-001"]
    dated = client.get("/ogc/collections/cases/items?datetime=2025-03-01/2025-04-30").get_json()
    assert sorted(f["id"] for f in dated["features"]) == ["C-001", "C-002", "M-001"]
    one = client.get("/ogc/collections/cases/items/C-003").get_json()
    assert one["properties"]["status_label"] == "Resuelto" and one["geometry"]["type"] == "Point"


def test_errors_are_404_and_400(app):
    client = app.test_client()
    assert client.get("/ogc/collections/rivers").status_code == 404
    assert client.get("/ogc/collections/rivers/items").status_code == 404
    assert client.get("/ogc/collections/cases/items/NOPE").status_code == 404
    missing = client.get("/ogc/collections/cases/items?territory=4242")
    assert missing.status_code == 404 and "Territorio desconocido" in missing.get_json()["description"]
    assert client.get("/ogc/collections/cases/items?limit=zero").status_code == 400
    assert client.get("/ogc/collections/cases/items?bbox=1,2").status_code == 400
    assert client.get("/ogc/collections/cases/items?colour=red").status_code == 400


def test_scope_applies_to_the_ogc_api(engine):
    with engine.begin() as conn:
        add_records(conn)
    server = Flask("scoped")
    register(server, lambda: engine, lambda: Actor("dir", Scope(role="director", territory_code="15", territory_path="/15/")))
    client = server.test_client()
    doc = client.get("/ogc/collections/cases/items").get_json()
    assert [f["id"] for f in doc["features"]] == ["M-001"]
    assert client.get("/ogc/collections/cases/items/C-001").status_code == 404
    assert client.get("/ogc/collections/cases/items?territory=0101").status_code == 404
    bbox = client.get("/ogc/collections/cases").get_json()["extent"]["spatial"]["bbox"][0]
    assert bbox == pytest.approx([-66.8, 10.2, -66.3, 10.7])
