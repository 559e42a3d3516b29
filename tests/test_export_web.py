"""The export, pack and tile routes on a Flask server, and the URL helpers the dashboard uses."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import mapbox_vector_tile
import pyogrio
import pytest
from flask import Flask

from sqlalchemy import select

from geodata.access import Scope
from geodata.permissions import Actor
from geodata.models import AuditLog
from geodata.indicators import Period
from layers.features import features_frame
from layers.jobs import JobQueue
from layers.registry import LayerParams
from layers.web import export_url, pack_url, register, tile_url
from tests.layers_records import add_records


@pytest.fixture
def jobs(engine, tmp_path):
    return JobQueue(lambda: engine, tmp_path / "exports", workers=1)


@pytest.fixture
def client(engine, jobs):
    with engine.begin() as conn:
        add_records(conn)
    server = Flask("test")
    register(server, lambda: engine, lambda: Actor("planificadora", Scope(role="planner")), jobs=jobs)
    return server.test_client()


def job_file(client, jobs, response):
    """The file of the job a 202 response started, once it is done."""
    assert response.status_code == 202, response.data
    jobs.wait_idle()
    status = client.get(response.headers["Location"]).get_json()
    assert status["state"] == "done", status
    return client.get(status["file_url"])


def test_url_helpers_carry_what_is_on_screen():
    url = export_url("cases", "gpkg", "0101", (dt.date(2025, 1, 1), dt.date(2025, 6, 30)), {"status": ["reported", "assigned"]})
    assert url == "/export/cases.gpkg?territory=0101&from=2025-01-01&to=2025-06-30&status=reported&status=assigned"
    assert export_url("projects", "pdf", None, Period(consultation_round="2025-1"), None, paper="A3") == (
        "/export/projects.pdf?round=2025-1&paper=A3")
    assert pack_url("0101", Period(date_from=dt.date(2025, 1, 1))) == "/export/pack/0101.zip?from=2025-01-01"
    assert tile_url("councils", "01") == "/tiles/councils/{z}/{x}/{y}.pbf?territory=01"


def test_export_route_streams_exactly_the_filtered_layer(client, engine, tmp_path):
    url = export_url("cases", "gpkg", "0101", (dt.date(2025, 1, 1), None), {"status": ["reported", "in_progress", "resolved"]})
    response = client.get(url)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="cases_0101_2025-01-01.gpkg"'
    path = tmp_path / "x.gpkg"
    path.write_bytes(response.data)
    got = pyogrio.read_dataframe(path)
    with engine.connect() as conn:
        expected = features_frame(conn, "cases", LayerParams(territory="0101", date_from=dt.date(2025, 1, 1),
                                                             filters={"status": ["reported", "in_progress", "resolved"]}))
    assert sorted(got["code"]) == sorted(expected["code"]) == ["C-001", "C-002", "C-003"]
    csv = client.get("/export/claps.csv?territory=01")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.data.decode("utf-8-sig").splitlines()[0].startswith("code,name,households")
    shp = client.get("/export/parishes.shp?territory=0101")
    assert shp.headers["Content-Disposition"].endswith('_shp.zip"')
    assert "parishes.prj" in zipfile.ZipFile(io.BytesIO(shp.data)).namelist()



def test_slow_formats_are_jobs_whose_file_is_the_same_export(client, jobs):
    pdf = job_file(client, jobs, client.get("/export/agreements.pdf?territory=0101&paper=A3"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment; filename=agreements_0101.pdf")


def test_export_route_errors(client):
    assert client.get("/export/rivers.gpkg").status_code == 404
    unknown = client.get("/export/cases.gpkg?territory=4242")
    assert unknown.status_code == 404 and "Territorio desconocido" in unknown.get_json()["error"]
    assert client.get("/export/cases.docx").status_code == 400
    assert client.get("/export/cases.gpkg?status=lost").status_code == 400
    assert client.get("/export/cases.gpkg?from=2025-13-01").status_code == 400
    assert client.get("/export/cases.gpkg?crs=abc").status_code == 400


def test_export_cap_is_413(engine, jobs, monkeypatch):
    with engine.begin() as conn:
        add_records(conn)
    monkeypatch.setenv("SALA_EXPORT_MAX_FEATURES", "2")
    from geodata.settings import get_settings

    get_settings.cache_clear()
    try:
        server = Flask("capped")
        register(server, lambda: engine, jobs=jobs)
        response = server.test_client().get("/export/cases.geojson")
        assert response.status_code == 413 and "el máximo es 2" in response.get_json()["error"]
    finally:
        get_settings.cache_clear()


def test_pack_route(client, jobs):
    response = job_file(client, jobs, client.get(pack_url("0101", (dt.date(2025, 1, 1), dt.date(2025, 12, 31)))))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "plan_0101.pdf" in names and "capas_0101.gpkg" in names
    assert client.get("/export/pack/01.zip").status_code == 400  # a state is not a municipality
    assert client.get("/export/pack/4242.zip").status_code == 404


def test_tile_route_headers_etag_and_scope(engine, jobs):
    with engine.begin() as conn:
        add_records(conn)
    server = Flask("tiles")
    register(server, lambda: engine, lambda: Actor("dir", Scope(role="director", territory_code="01", territory_path="/01/")),
             jobs=jobs)
    client = server.test_client()
    response = client.get("/tiles/states/0/0/0.pbf")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    assert "max-age=" in response.headers["Cache-Control"]
    tile = mapbox_vector_tile.decode(response.data)
    assert [f["properties"]["code"] for f in tile["states"]["features"]] == ["01"]  # Miranda is outside the scope
    again = client.get("/tiles/states/0/0/0.pbf", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/tiles/states/3/8/0.pbf").status_code == 404
    assert client.get("/tiles/states/23/0/0.pbf").status_code == 404
    assert client.get("/tiles/rivers/0/0/0.pbf").status_code == 404
    assert client.get("/tiles/cases/1/0/0.pbf?territory=15").status_code == 404  # outside the scope
    empty = client.get("/tiles/councils/2/0/0.pbf")
    assert empty.status_code == 200 and empty.data == b""


def test_downloads_are_audited(client, engine, jobs):
    assert client.get("/export/cases.csv?territory=0101&status=reported").status_code == 200
    assert client.get("/export/pack/0101.zip").status_code == 202
    jobs.wait_idle()  # a job's download is audited when its file is ready
    assert client.get("/export/cases.csv?territory=4242").status_code == 404
    with engine.connect() as conn:
        rows = conn.execute(select(AuditLog.username, AuditLog.action, AuditLog.target, AuditLog.detail)
                            .where(AuditLog.action == "export").order_by(AuditLog.id)).all()
    assert [(r.username, r.target) for r in rows] == [("planificadora", "cases.csv"), ("planificadora", "pack/0101")]
    assert rows[0].detail["query"] == {"territory": ["0101"], "status": ["reported"]}
    assert rows[0].detail["count"] == 1
