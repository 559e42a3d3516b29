"""Desktop GIS clients (QGIS, GDAL) reach /ogc, /tiles and /export with HTTP Basic credentials."""

from __future__ import annotations

import base64

import pytest
from flask import Flask, jsonify

from dashboard import auth
from geodata.users import create_user, set_password
from tests.factories import small_tree


def basic(username: str, password: str) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def client(engine):
    auth.clear_cache()
    server = Flask(__name__)
    server.secret_key = "test-secret"
    auth.init_auth(server, lambda: engine)

    @server.route("/ogc/collections")
    def collections():
        scope = auth.current_scope()
        return jsonify(user=auth.current_user(), territory=scope.territory_code)

    @server.route("/")
    def page():
        return "mapa"

    with engine.begin() as conn:
        small_tree(conn)
        create_user(conn, "qgis", "clave-segura-1", "director", "15")
    auth.clear_cache()
    yield server.test_client()
    auth.clear_cache()


def test_data_endpoint_asks_for_basic_credentials(client):
    response = client.get("/ogc/collections")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_basic_credentials_give_the_users_scope(client):
    response = client.get("/ogc/collections", headers=basic("qgis", "clave-segura-1"))
    assert response.status_code == 200
    assert response.get_json() == {"user": "qgis", "territory": "15"}
    again = client.get("/ogc/collections", headers=basic("qgis", "clave-segura-1"))  # from the cache
    assert again.get_json()["territory"] == "15"


def test_wrong_password_and_pages_do_not_take_basic(client):
    assert client.get("/ogc/collections", headers=basic("qgis", "otra")).status_code == 401
    page = client.get("/", headers=basic("qgis", "clave-segura-1"))
    assert page.status_code == 302 and "/login" in page.headers["Location"]  # pages keep the login form


def test_a_new_password_ends_cached_credentials(client, engine):
    assert client.get("/ogc/collections", headers=basic("qgis", "clave-segura-1")).status_code == 200
    with engine.begin() as conn:
        set_password(conn, "qgis", "clave-segura-2")
    auth.clear_cache()
    assert client.get("/ogc/collections", headers=basic("qgis", "clave-segura-1")).status_code == 401
    assert client.get("/ogc/collections", headers=basic("qgis", "clave-segura-2")).status_code == 200
