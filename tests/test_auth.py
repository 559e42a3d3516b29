"""Dashboard sign-in: a tiny Dash app with init_auth, driven with Flask's test client."""

from __future__ import annotations

import re

import dash
import pytest
from dash import Input, Output, html
from flask import Flask, jsonify
from sqlalchemy import text

from dashboard import auth
from geodata.users import create_user, deactivate, set_password
from tests.factories import small_tree


@pytest.fixture
def app(engine):
    auth.clear_cache()
    server = Flask(__name__)
    server.secret_key = "test-secret"
    dash_app = dash.Dash(__name__, server=server)
    dash_app.layout = html.Div([html.Button(id="go"), html.Div(id="out")])

    @dash_app.callback(Output("out", "children"), Input("go", "n_clicks"))
    def show_scope(_clicks):
        scope = auth.current_scope()
        return f"{auth.current_user()}:{scope.role}:{scope.territory_code}"

    auth.init_auth(server, lambda: engine)

    @server.route("/whoami")
    def whoami():
        scope = auth.current_scope()
        return jsonify(user=auth.current_user(), role=scope.role, territory=scope.territory_code, open=auth.access_is_open())

    with engine.begin() as conn:
        small_tree(conn)
    yield server
    auth.clear_cache()


def _users(engine, *users):
    with engine.begin() as conn:
        for username, password, role, territory in users:
            create_user(conn, username, password, role, territory)
    auth.clear_cache()


def _csrf(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _login(client, username, password, next_url="/"):
    return client.post("/login", data={"username": username, "password": password, "csrf": _csrf(client), "next": next_url})


def _update_component(client):
    return client.post(
        "/_dash-update-component",
        json={"output": "out.children", "outputs": {"id": "out", "property": "children"},
              "inputs": [{"id": "go", "property": "n_clicks", "value": 1}], "changedPropIds": ["go.n_clicks"], "state": []},
    )


def test_open_access_with_no_users(app):
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/whoami").get_json() == {"user": None, "role": "admin", "territory": None, "open": True}
    assert _update_component(client).status_code == 200
    page = client.get("/login").get_data(as_text=True)
    assert "Acceso abierto" in page and "sala users add" in page


def test_redirects_to_login_once_users_exist(app, engine):
    _users(engine, ("admin", "clave-admin-1", "admin", None))
    client = app.test_client()
    response = client.get("/mapa/estado?territorio=01&capas=casos")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fmapa%2Festado%3Fterritorio%3D01%26capas%3Dcasos"
    xhr = _update_component(client)
    assert xhr.status_code == 401 and xhr.get_json()["error"] == "unauthenticated"
    api = client.get("/whoami", headers={"Accept": "application/json"})
    assert api.status_code == 401
    login_page = client.get("/login")
    assert login_page.status_code == 200 and "Contraseña" in login_page.get_data(as_text=True)
    # What the browser needs to draw the shell is not behind the login.
    for path in ("/assets/style.css", "/_dash-component-suites/dash/deps/react@18.3.1.min.js", "/_favicon.ico"):
        assert client.get(path).status_code not in (302, 401), path


def test_director_login_gives_the_director_scope(app, engine):
    _users(engine, ("maria", "caracas-2025", "director", "01"))
    client = app.test_client()
    response = _login(client, "maria", "caracas-2025", next_url="/mapa?territorio=0101")
    assert response.status_code == 302 and response.headers["Location"] == "/mapa?territorio=0101"
    assert client.get("/whoami").get_json() == {"user": "maria", "role": "director", "territory": "01", "open": False}
    assert client.get("/").status_code == 200
    callback = _update_component(client)
    assert callback.status_code == 200 and "maria:director:01" in callback.get_data(as_text=True)
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT username, action FROM audit_log ORDER BY id")).all()
    assert ("maria", "login") in actions


def test_bad_password_shows_the_form_again_and_is_audited(app, engine):
    _users(engine, ("maria", "caracas-2025", "director", "01"))
    client = app.test_client()
    response = _login(client, "maria", "no-es-esta")
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Usuario o contraseña incorrectos" in page and 'value="maria"' in page
    assert client.get("/whoami").status_code == 302
    with engine.connect() as conn:
        row = conn.execute(text("SELECT target, detail FROM audit_log WHERE action = 'login_failed'")).one()
    assert row.target == "maria" and row.detail["reason"] == "bad_password"


def test_logout_clears_the_session(app, engine):
    _users(engine, ("luis", "clave-de-luis", "operator", None))
    client = app.test_client()
    assert _login(client, "luis", "clave-de-luis").status_code == 302
    assert client.get("/whoami").status_code == 200
    response = client.get("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/whoami").status_code == 302
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'logout' AND username = 'luis'")).scalar() == 1


def test_disabled_user_loses_the_session(app, engine):
    _users(engine, ("luis", "clave-de-luis", "operator", None), ("ana", "clave-de-ana", "admin", None))
    client = app.test_client()
    _login(client, "luis", "clave-de-luis")
    with engine.begin() as conn:
        deactivate(conn, "luis")
    auth.clear_cache()
    assert client.get("/whoami").status_code == 302


def test_new_password_ends_the_old_sessions(app, engine):
    _users(engine, ("luis", "clave-de-luis", "operator", None))
    old, new = app.test_client(), app.test_client()
    _login(old, "luis", "clave-de-luis")
    with engine.begin() as conn:
        set_password(conn, "luis", "clave-nueva-luis")
    auth.clear_cache()
    assert old.get("/whoami").status_code == 302
    assert _login(new, "luis", "clave-nueva-luis").status_code == 302
    assert new.get("/whoami").get_json()["user"] == "luis"


def test_no_redirect_to_another_site_and_csrf_and_throttle(app, engine):
    _users(engine, ("luis", "clave-de-luis", "operator", None))
    client = app.test_client()
    outside = _login(client, "luis", "clave-de-luis", next_url="https://evil.example/x")
    assert outside.status_code == 302 and outside.headers["Location"] == "/"
    other = app.test_client()
    forged = other.post("/login", data={"username": "luis", "password": "clave-de-luis", "next": "/"})
    assert forged.status_code == 400 and "caducó" in forged.get_data(as_text=True)
    for _ in range(auth.MAX_FAILURES):
        assert _login(other, "luis", "mala-clave-xx").status_code == 401
    blocked = _login(other, "luis", "clave-de-luis")
    assert blocked.status_code == 429 and "Demasiados intentos" in blocked.get_data(as_text=True)
