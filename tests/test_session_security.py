"""Sessions live in the database (a logged-out or disabled session ends at once, in every
server process), cookies carry SameSite and Secure, pages carry security headers, and
the login throttle counts per real client behind a trusted proxy."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys

import pytest
from sqlalchemy import text

from dashboard.app import create_app
from geodata.settings import Settings
from geodata.users import MAX_FAILURES, deactivate
from tests.access_fixtures import login, room_app, room_db_url, seed  # noqa: F401
from tests.live_app import PASSWORD

PROXY = "127.0.0.1"  # what Flask's test client connects from


def _app(url, data_dir, **settings):
    return create_app(Settings(database_url=url, data_dir=data_dir, _env_file=None, **settings), warm=False).server


def _signed_in(client) -> bool:
    return client.get("/", headers={"Accept": "text/html"}).status_code == 200


@pytest.fixture
def url(engine, db_url):
    """A fresh database with the test tree and the users of tests.access_fixtures."""
    with engine.begin() as conn:
        seed(conn)
    return db_url


def test_the_cookie_is_samesite_lax_httponly_and_secure_only_over_tls(url, data_dir):
    plain = _app(url, data_dir).test_client()
    cookie = login(plain, "planner").headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    tls = _app(url, data_dir).test_client()
    cookie = login(tls, "planner", base_url="https://sala.example").headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=Lax" in cookie


def test_secure_behind_a_trusted_proxy_only(url, data_dir):
    behind = _app(url, data_dir, trusted_proxies=PROXY).test_client()
    cookie = login(behind, "planner", **{"X-Forwarded-Proto": "https"}).headers["Set-Cookie"]
    assert "Secure" in cookie
    # Anyone may send the header; it counts only from a proxy we trust.
    direct = _app(url, data_dir).test_client()
    cookie = login(direct, "planner", **{"X-Forwarded-Proto": "https"}).headers["Set-Cookie"]
    assert "Secure" not in cookie


def test_a_logged_out_cookie_stops_working_in_every_process(url, data_dir):
    first, second = _app(url, data_dir), _app(url, data_dir)  # two server processes, one database
    browser = first.test_client()
    assert login(browser, "planner").status_code == 302
    stolen = browser.get_cookie("session").value
    other = second.test_client()
    other.set_cookie("session", stolen)
    assert _signed_in(other)  # the same session is good on every worker
    browser.get("/logout")
    assert not _signed_in(other)
    replay = first.test_client()
    replay.set_cookie("session", stolen)
    assert not _signed_in(replay)


def test_a_disabled_user_loses_access_on_the_next_request(url, data_dir, engine):
    server = _app(url, data_dir)
    client = server.test_client()
    assert login(client, "op.nacional").status_code == 302
    assert _signed_in(client)
    with engine.begin() as conn:
        deactivate(conn, "op.nacional")
    assert not _signed_in(client)


def test_security_headers(room_app):
    response = room_app.server.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "worker-src blob:" in csp and "object-src 'none'" in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for digest in room_app.csp_hashes():
        assert digest in script_src  # Dash's inline renderer and clientside callbacks
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_refuses_the_default_secret_key_off_loopback(cli_env):
    env = {k: v for k, v in cli_env.items() if k != "SALA_SECRET_KEY"}
    sala = [sys.executable, "-m", "dashboard.cli", "serve", "--host", "0.0.0.0", "--port", str(_free_port())]
    # Before the check, this served the world with a key everyone knows (and the run timed out).
    result = subprocess.run(sala, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "SALA_SECRET_KEY" in result.stderr and "clave secreta" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
                                                 ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("sala.example", False)])
def test_which_hosts_are_loopback(host, loopback):
    from dashboard.serve import is_loopback

    assert is_loopback(host) is loopback


def _fail_five(client, **headers):
    for _ in range(MAX_FAILURES):
        assert login(client, "planner", "mala-clave-xx", **headers).status_code == 401


def test_behind_a_trusted_proxy_one_client_cannot_lock_out_another(url, data_dir):
    server = _app(url, data_dir, trusted_proxies=f"10.0.0.0/8, {PROXY}")
    attacker, colleague = server.test_client(), server.test_client()
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    _fail_five(attacker, **{"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
    spoofed = login(attacker, "planner", **{"X-Forwarded-For": "198.51.100.2, 203.0.113.9"})
    assert spoofed.status_code == 429 and "Demasiados intentos" in spoofed.get_data(as_text=True)
    assert login(colleague, "planner", **{"X-Forwarded-For": "10.1.2.3, 203.0.113.50"}).status_code == 302


def test_without_a_trusted_proxy_forwarded_for_is_ignored_and_the_count_is_shared(url, data_dir):
    first, second = _app(url, data_dir), _app(url, data_dir)  # two processes count the same failures
    _fail_five(first.test_client(), **{"X-Forwarded-For": "203.0.113.9"})
    blocked = login(second.test_client(), "planner", **{"X-Forwarded-For": "203.0.113.77"})
    assert blocked.status_code == 429


def test_failed_logins_are_audited_with_the_real_client(url, data_dir, engine):
    server = _app(url, data_dir, trusted_proxies=PROXY)
    login(server.test_client(), "planner", "mala-clave-xx", **{"X-Forwarded-For": "203.0.113.9"})
    with engine.connect() as conn:
        source = conn.execute(text("SELECT detail->>'source' FROM audit_log WHERE action = 'login_failed'")).scalar_one()
    assert source == "203.0.113.9"


def test_sessions_are_rows_revoked_at_logout(url, data_dir, engine):
    client = _app(url, data_dir).test_client()
    login(client, "planner")
    client.get("/logout")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT s.revoked_at IS NOT NULL FROM user_session s JOIN app_user u ON u.id = s.user_id "
                                 "WHERE u.username = 'planner'")).scalars().all()
    assert rows == [True]


def test_basic_credentials_stop_at_once_when_the_user_is_disabled(url, data_dir, engine):
    client = _app(url, data_dir).test_client()
    token = {"Authorization": "Basic " + base64.b64encode(f"planner:{PASSWORD}".encode()).decode()}
    assert client.get("/ogc/collections", headers=token).status_code == 200
    assert client.get("/ogc/collections", headers=token).status_code == 200  # verified once, not hashed again
    with engine.begin() as conn:
        deactivate(conn, "planner")
    assert client.get("/ogc/collections", headers=token).status_code == 401
