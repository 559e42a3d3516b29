"""What each role may do (DESIGN § 4 Access), enforced server-side: role × action over
HTTP (Dash callbacks and routes), in the geodata writes themselves, and on the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import func, select, text

from dashboard import ids
from geodata.access import NATIONAL, Scope
from geodata.models import AlertAck, ShiftLogEntry
from geodata.operations import acknowledge, add_shift_note
from geodata.permissions import OPEN_ACCESS, PERMISSIONS, Action, Actor, PermissionDenied
from geodata.users import create_user, deactivate, set_password
from tests.access_fixtures import USERS, room_app, room_db_url, seed, signed_in  # noqa: F401
from tests.dashboard_fixtures import MIRANDA_DIRECTOR, populated_tree
from tests.live_app import PASSWORD, DashCaller, acknowledge as ack_callback, message, response_outputs, shift_note_body

EXPECTED = {
    "operator": {Action.READ, Action.ACKNOWLEDGE, Action.SHIFT_LOG, Action.FOLLOW_UP, Action.SUBSCRIBE},
    "director": {Action.READ, Action.FOLLOW_UP},
    "planner": {Action.READ, Action.EXPORT},
    "admin": set(Action),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
def test_the_table_of_roles(role, action):
    assert (action in PERMISSIONS[role]) == (action in EXPECTED[role])
    actor = Actor("x", Scope(role=role, territory_code="15", territory_path="/15/"))
    assert actor.may(action) == (action in EXPECTED[role])


def test_open_access_is_a_national_administrator():
    assert OPEN_ACCESS.scope == NATIONAL and all(OPEN_ACCESS.may(action) for action in Action)


# ------------------------------------------------------------------ over HTTP, per role

ROLE_OF = {username: role for username, (role, _t) in USERS.items()}
KEY = "case_overdue:C5"  # Miranda's case: inside every test user's scope


def _count(room_db_url, model, **where) -> int:
    from geodata.database import make_engine

    engine = make_engine(room_db_url)
    with engine.connect() as conn:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        count = conn.execute(query).scalar_one()
    engine.dispose()
    return count


@pytest.mark.parametrize("username", list(USERS))
def test_acknowledge_by_role(room_app, room_db_url, username):
    caller = DashCaller.flask(signed_in(room_app, username))
    before = _count(room_db_url, AlertAck, username=username)
    said = message(ack_callback(caller, KEY, f"Visto por {username}", "15"))
    allowed = Action.ACKNOWLEDGE in EXPECTED[ROLE_OF[username]]
    assert said == ("Guardado." if allowed else "Su rol (" + {"director": "Director estadal", "planner": "Planificador"}
                    .get(ROLE_OF[username], "") + ") no permite reconocer alertas.")
    assert _count(room_db_url, AlertAck, username=username) == before + allowed


@pytest.mark.parametrize("username", list(USERS))
def test_shift_log_by_role(room_app, room_db_url, username):
    client = signed_in(room_app, username)
    caller = DashCaller.flask(client)
    before = _count(room_db_url, ShiftLogEntry, username=username)
    response = client.post("/_dash-update-component", json=shift_note_body(caller, f"Relevo de {username}"))
    allowed = Action.SHIFT_LOG in EXPECTED[ROLE_OF[username]]
    said = message(response)
    assert (said == "Guardado.") == allowed and (allowed or "no permite escribir en la bitácora" in said)
    assert _count(room_db_url, ShiftLogEntry, username=username) == before + allowed


@pytest.mark.parametrize("username", list(USERS))
def test_export_routes_and_download_links_by_role(room_app, username):
    client = signed_in(room_app, username)
    allowed = Action.EXPORT in EXPECTED[ROLE_OF[username]]
    for url in ("/export/cases.csv", "/export/pack/1501.zip"):
        response = client.get(url)
        if allowed:
            assert response.status_code in (200, 202), url  # the pack is a job (202)
        else:
            assert response.status_code == 403, url
            assert response.get_json()["error"] == f"Su rol ({'Director estadal' if ROLE_OF[username] == 'director' else 'Operador de sala'}) no permite descargar ni exportar datos."
    links = DashCaller.flask(client).call(f"{ids.EXPORT_LINK}.href", {
        f"{ids.VIEW}.data": {"territory": "1501"}, f"{ids.EXPORT_LAYER}.value": "cases", f"{ids.EXPORT_FORMAT}.value": "csv",
    })
    outputs = response_outputs(links)
    assert bool(outputs[f"{ids.EXPORT_LINK}.href"]) == allowed
    assert (outputs[f"{ids.EXPORT_NOTE}.children"] == "Su rol no permite descargar datos.") == (not allowed)


@pytest.mark.parametrize("username", list(USERS))
def test_every_role_reads_tiles_ogc_and_geometry(room_app, username):
    client = signed_in(room_app, username)
    for url in ("/tiles/states/0/0/0.pbf", "/ogc/collections/cases/items", "/geo/children/country.json", "/operador", "/"):
        assert client.get(url).status_code == 200, url


def test_tiles_on_the_dashboard_server_are_gzipped_once(room_app):
    """The tile route gzips itself; the dashboard's Flask-Compress must leave it alone."""
    import gzip

    import mapbox_vector_tile

    client = signed_in(room_app, next(iter(USERS)))
    response = client.get("/tiles/states/0/0/0.pbf", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert mapbox_vector_tile.decode(gzip.decompress(response.data))["states"]["features"]
    assert client.get("/tiles/states/0/0/0.pbf", headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_alerts_page_shows_write_controls_only_to_who_may_write(room_app):
    def page(username):
        caller = DashCaller.flask(signed_in(room_app, username))
        response = caller.call("_pages_content.children", {"_pages_location.pathname": "/operador", "_pages_location.search": ""})
        return str(response_outputs(response))

    operator, director = page("op.miranda"), page("dir.miranda")
    save, ack = f"'id': '{ids.SHIFT_SAVE}'", f"'type': '{ids.ALERT_ACK}'"
    assert save in operator and ack in operator
    assert save not in director and ack not in director and "no reconocer alertas" in director


# ------------------------------------------------------------------ in geodata itself


def test_the_geodata_writes_check_the_role(engine):
    with engine.begin() as conn:
        populated_tree(conn)
    director, operator = Actor("dir", MIRANDA_DIRECTOR), Actor("op", Scope(role="operator"))
    with engine.begin() as conn:
        with pytest.raises(PermissionDenied):
            acknowledge(conn, director, KEY, "nota")
        with pytest.raises(PermissionDenied):
            add_shift_note(conn, director, "nota")
        for write in (lambda: create_user(conn, "nuevo", PASSWORD, "admin", by=operator),
                      lambda: set_password(conn, "nuevo", PASSWORD, by=operator),
                      lambda: deactivate(conn, "nuevo", by=operator)):
            with pytest.raises(PermissionDenied, match="administrar usuarios"):
                write()
        assert acknowledge(conn, operator, KEY, "nota") > 0
        create_user(conn, "nuevo", PASSWORD, "planner", by=Actor("jefa", Scope(role="admin")))
        rows = conn.execute(text("SELECT username, action FROM audit_log ORDER BY id")).all()
    assert ("jefa", "user_created") in rows


# ------------------------------------------------------------------ the command line

SALA = [sys.executable, "-m", "dashboard.cli"]


def sala(env, *args, stdin=None):
    return subprocess.run([*SALA, *args], env=env, capture_output=True, text=True, timeout=300, input=stdin)


@pytest.fixture
def cli(engine, cli_env):
    with engine.begin() as conn:
        seed(conn)
    return cli_env


def test_the_cli_is_the_local_administrator(cli, engine, tmp_path):
    # Users exist, and still no login is asked: whoever runs `sala` holds the database's credentials.
    added = sala(cli, "users", "add", "nueva", "--role", "planner", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    exported = sala(cli, "export", "cases", "-o", str(tmp_path / "todo.csv"))
    assert exported.returncode == 0, exported.stderr
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT username, action, target FROM audit_log WHERE target IN ('nueva', 'cases.csv')")).all()
    assert {(r.action, r.target) for r in rows} == {("user_created", "nueva"), ("export", "cases.csv")}
    assert all(r.username.startswith("cli:") for r in rows)


def test_export_as_a_user_applies_role_and_scope(cli, engine, tmp_path):
    everything = sala(cli, "export", "cases", "-o", str(tmp_path / "todo.csv"))
    assert everything.returncode == 0, everything.stderr
    scoped = tmp_path / "miranda.csv"
    planner_miranda = sala(cli, "users", "add", "plan.miranda", "--role", "planner", "--territory", "15", "--password-stdin",
                           stdin=PASSWORD + "\n")
    assert planner_miranda.returncode == 0, planner_miranda.stderr
    result = sala(cli, "export", "cases", "--as-user", "plan.miranda", "-o", str(scoped))
    assert result.returncode == 0, result.stderr
    codes = [line.split(",")[0] for line in scoped.read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert codes == ["C5"]  # Miranda's only case; Distrito Capital's are outside the scope
    assert len((tmp_path / "todo.csv").read_text(encoding="utf-8-sig").splitlines()) == 6
    outside = sala(cli, "export", "cases", "--as-user", "plan.miranda", "-t", "0101", "-o", str(tmp_path / "x.csv"))
    assert outside.returncode == 2 and not (tmp_path / "x.csv").exists()
    for username in ("dir.miranda", "op.nacional"):
        refused = sala(cli, "export", "cases", "--as-user", username, "-o", str(tmp_path / f"{username}.csv"))
        assert refused.returncode == 3 and "no permite descargar" in refused.stderr
        assert not (tmp_path / f"{username}.csv").exists()
    unknown = sala(cli, "export", "cases", "--as-user", "nadie", "-o", str(tmp_path / "nadie.csv"))
    assert unknown.returncode == 2 and "No existe el usuario activo «nadie»" in unknown.stderr
    with engine.connect() as conn:
        audited = conn.execute(text("SELECT username FROM audit_log WHERE action = 'export' ORDER BY id")).scalars().all()
    assert audited[-1] == "plan.miranda"
