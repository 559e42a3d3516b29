"""The dashboard's Flask side with sign-in: geometry, tiles and pages follow the user's scope;
bundles are compressed and cached."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.app import create_app
from dashboard.auth import clear_cache
from geodata.settings import Settings
from geodata.users import create_user
from layers.boundaries import clear_cache as clear_boundaries
from tests.dashboard_fixtures import populated_tree


@pytest.fixture
def app(engine, db_url, data_dir):
    clear_boundaries()
    with engine.begin() as conn:
        populated_tree(conn)
    clear_cache()
    yield create_app(Settings(database_url=db_url, data_dir=data_dir, _env_file=None), warm=False)
    clear_cache()


def _login(client, username, password):
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf": csrf, "next": "/"})


def test_open_access_serves_the_country(app):
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    response = client.get("/geo/children/country.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/geo+json"
    assert response.headers["Cache-Control"] == "private, no-cache"  # no version in the URL
    etag = response.headers["ETag"]
    assert client.get("/geo/children/country.json", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/geo/children/9999.json").status_code == 404


def test_the_page_says_it_is_loading_in_spanish(app):
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert "Cargando la sala…" in page and "Loading..." not in page
    assert '<div id="react-entry-point">' in page  # where Dash's renderer draws the app


def test_versioned_geometry_is_cached_for_good(app, engine):
    from layers.boundaries import boundary_version

    with engine.connect() as conn:
        version = boundary_version(conn)
    client = app.server.test_client()
    response = client.get(f"/geo/children/0101.json?v={version}")
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert {f["id"] for f in json.loads(response.get_data())["features"]} == {"010101", "010102"}


def test_bundles_are_compressed_and_cached(app):
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    script = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"', page).group(1)
    response = client.get(script, headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] in ("br", "gzip")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_a_director_sees_only_their_state(app, engine):
    with engine.begin() as conn:
        create_user(conn, "dir.miranda", "una-clave-larga-1", "director", "15")
    clear_cache()
    client = app.server.test_client()
    assert client.get("/geo/children/country.json").status_code in (302, 401)
    assert _login(client, "dir.miranda", "una-clave-larga-1").status_code == 302
    states = json.loads(client.get("/geo/children/country.json").get_data())
    assert [f["id"] for f in states["features"]] == ["15"]
    assert client.get("/geo/children/01.json").status_code == 404
    assert client.get("/geo/children/15.json").status_code == 200
