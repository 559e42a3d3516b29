"""Input that used to answer 500: each now gets a 4xx or a Spanish message on screen."""

from __future__ import annotations

import base64
import json

import pytest

from dashboard import ids
from tests.access_fixtures import csrf, room_app, room_db_url, signed_in  # noqa: F401
from tests.live_app import PASSWORD, DashCaller, response_outputs


def basic(username: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@pytest.fixture
def director(room_app):
    return signed_in(room_app, "dir.miranda")


@pytest.fixture
def admin(room_app):
    return signed_in(room_app, "admin")


def _page(caller: DashCaller, pathname: str, search: str):
    return caller.call("_pages_content.children", {"_pages_location.pathname": pathname, "_pages_location.search": search})


@pytest.mark.parametrize("territory", ["01", "0101", "9999", "XX-Z"])
def test_alerts_page_of_a_foreign_or_unknown_territory(director, territory):
    response = _page(DashCaller.flask(director), "/operador", f"?territory={territory}")
    assert response.status_code == 200
    content = json.dumps(response_outputs(response), ensure_ascii=False)
    assert f"No se encontró el territorio «{territory}»" in content
    assert "Libertador" not in content and "Distrito Capital" not in content


def test_operator_refresh_of_a_foreign_view(director):
    caller = DashCaller.flask(director)
    response = caller.call(f"{ids.NEWS}.children", {
        f"{ids.INTERVAL}.n_intervals": 3,
        f"{ids.VIEW}.data": {"territory": "01"},
        f"{ids.LAST_REFRESH}.data": {"since": "2025-06-30T10:00:00+00:00"},
    })
    assert response.status_code == 200
    content = json.dumps(response_outputs(response), ensure_ascii=False)
    assert "Libertador" not in content and "Altagracia" not in content


@pytest.mark.parametrize("field", ["username", "password", "next", "csrf"])
def test_nul_in_a_login_field(room_app, field):
    client = room_app.server.test_client()
    form = {"username": "dir.miranda", "password": PASSWORD, "csrf": csrf(client), "next": "/"}
    form[field] = form[field][:3] + "\x00" + form[field][3:]
    response = client.post("/login", data=form)
    assert 400 <= response.status_code < 500
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 302  # not signed in


@pytest.mark.parametrize("username,password", [("dir.mi\x00randa", PASSWORD), ("dir.miranda", "una-clave\x00-larga-1"), ("\x00", "\x00")])
def test_nul_in_basic_credentials(room_app, username, password):
    client = room_app.server.test_client()
    response = client.get("/ogc/collections", headers=basic(username, password))
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("arg", ["offset=99999999999999999999", "offset=9223372036854775808", "offset=-1", "offset=²",
                                 "limit=99999999999999999999", "limit=-5", "limit=٣"])
def test_ogc_paging_out_of_range(admin, arg):
    response = admin.get(f"/ogc/collections/cases/items?{arg}")
    assert response.status_code == 400
    assert "inválido" in response.get_json()["description"]


BAD_BODIES = [
    b"null",
    b"[]",
    b"{}",
    b'"texto"',
    b"12",
    b"{not json",
    b'{"output": "..alerts.children...ops-message.children.."}',
    b'{"output": null, "outputs": [], "inputs": [], "state": [], "changedPropIds": []}',
    b'{"output": "no-such.children", "outputs": {"id": "no-such", "property": "children"}, "inputs": [], "changedPropIds": []}',
    b'{"output": "_pages_location.search", "outputs": {"id": "_pages_location", "property": "search"}, "inputs": 5, "state": {}, "changedPropIds": "x"}',
    b'{"output": "_pages_location.search", "outputs": {"id": "_pages_location", "property": "search"}, "inputs": [], "state": [], "changedPropIds": []}',
    b'{"output": "_pages_location.search", "outputs": {"id": "_pages_location", "property": "search"}, "inputs": [[1]], "state": [7], "changedPropIds": [3]}',
    b'{"output": "..alerts.children...ops-message.children..", "outputs": [{"id": "alerts", "property": "children"}, {"id": "ops-message", "property": "children"}], "inputs": [[{"id": {"type": "alert-ack", "key": "k"}, "property": "n_clicks", "value": 1}]], "state": [[], [], {"id": "alerts-view", "property": "data", "value": null}], "changedPropIds": ["{not json.n_clicks"]}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"output": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}",
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=lambda b: b[:40].decode("ascii", "replace"))
def test_malformed_callback_requests(admin, body):
    response = admin.post("/_dash-update-component", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("layer,fmt", [("no-such-layer", "geojson"), ("cases", "exe"), (["cases"], {"f": 1}), (None, 12)])
def test_bad_layer_or_format_in_the_download_callback(admin, layer, fmt):
    caller = DashCaller.flask(admin)
    response = caller.call(f"{ids.EXPORT_LINK}.href", {
        f"{ids.VIEW}.data": {"territory": "0101"}, f"{ids.EXPORT_LAYER}.value": layer, f"{ids.EXPORT_FORMAT}.value": fmt,
    })
    assert response.status_code == 200
    outputs = response_outputs(response)
    assert not outputs.get(f"{ids.EXPORT_LINK}.href")
