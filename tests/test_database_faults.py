"""The database's faults as the room lives them: a crash right after a write, a restart
under a running app, a server that never answers. Each test runs on a private cluster
(the session's is never stopped or killed)."""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import os
import socket
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from geodata import indicators, operations
from geodata.access import Scope
from geodata.database import CONNECT_TIMEOUT, is_unavailable, make_engine
from geodata.service import bring_up
from geodata.permissions import Actor
from geodata.settings import Settings
from geodata.users import create_user
from tests.cluster_tools import kill_hard, new_cluster, server_processes
from tests.dashboard_fixtures import add_case
from tests.factories import small_tree

OPERATOR = Scope(role="operator")  # a national room's operator


@pytest.fixture(scope="module")
def private(data_dir):
    """A migrated database in a cluster of its own: (settings, cluster, url)."""
    cluster = new_cluster(data_dir, "faults")
    settings = Settings(database_url=None, data_dir=cluster.cluster_dir.parent, db_port=0, _env_file=None)
    url = bring_up(settings)
    engine = make_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        small_tree(conn)
        add_case(conn, "C1", "0101010101", due=dt.date(2025, 6, 10))
    engine.dispose()
    yield settings, cluster, url
    cluster.stop()
    shutil.rmtree(cluster.cluster_dir.parent, ignore_errors=True)


def _setting(conn, name: str) -> str:
    return conn.execute(text(f"SHOW {name}")).scalar_one()  # our own setting names


def test_a_write_reported_as_saved_survives_a_crash(private):
    _settings, cluster, url = private
    engine = make_engine(url, poolclass=NullPool)
    # The WAL writer is frozen first: what it would write within the next 200 ms is what
    # a crash of the machine loses; only a commit that waited for the disk survives.
    walwriter = next(pid for pid, title in server_processes(cluster).items() if "walwriter" in title)
    os.kill(walwriter, signal.SIGSTOP)
    try:
        with engine.begin() as conn:
            ack = operations.acknowledge(conn, Actor("ana", OPERATOR), "case_overdue:C1", "Hidrocapital avisada")
        with engine.begin() as conn:
            create_user(conn, "maria", "caracas-2025", "director", "01", "María Pérez")
    finally:
        kill_hard(cluster)  # at once: no shutdown, no checkpoint
        engine.dispose()
    assert cluster.running_port() is None
    cluster.start()
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        note = conn.execute(text("SELECT note FROM alert_ack WHERE id = :id"), {"id": ack}).scalar()
        user = conn.execute(text("SELECT role FROM app_user WHERE username = 'maria'")).scalar()
    engine.dispose()
    assert note == "Hidrocapital avisada"
    assert user == "director"


def test_commits_wait_for_the_disk_except_inside_bulk_loads(private):
    from etl.load import _prepare

    engine = make_engine(private[2])  # the session's cluster is set to skip the wait
    with engine.connect() as conn:
        assert _setting(conn, "synchronous_commit") == "on"
    with engine.begin() as conn:
        _prepare(conn, "case")  # the ETL's load transaction
        assert _setting(conn, "synchronous_commit") == "off"
    with engine.begin() as conn:
        indicators.refresh(conn)
        assert _setting(conn, "synchronous_commit") == "off"
    with engine.connect() as conn:  # SET LOCAL: the pooled session is back to durable
        assert _setting(conn, "synchronous_commit") == "on"
    engine.dispose()


def test_the_engine_reconnects_after_a_restart_on_the_same_port(private):
    _settings, cluster, url = private
    engine = make_engine(url)  # pooled, as the app's
    try:
        with engine.connect() as conn:
            backend = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        port = cluster.running_port()
        cluster.stop()
        with pytest.raises(OperationalError) as down:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        assert is_unavailable(down.value)
        assert cluster.start() == port
        with engine.connect() as conn:  # the pooled connection was dead: pinged, replaced
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != backend
    finally:
        engine.dispose()


def test_a_server_that_never_answers_fails_fast():
    # A socket that accepts connections (the kernel does) and never says a word, like a
    # stopped or wedged server: without a connect timeout the request would wait forever.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql://sala:x@127.0.0.1:{port}/sala", poolclass=NullPool)
        outcome: dict = {}

        def connect():
            started = time.monotonic()
            try:
                engine.connect().close()
            except OperationalError as exc:
                outcome["error"] = exc
            outcome["seconds"] = time.monotonic() - started

        worker = threading.Thread(target=connect, daemon=True)
        worker.start()
        worker.join(CONNECT_TIMEOUT + 10)
        assert not worker.is_alive(), "the connection attempt hung"
    assert outcome["seconds"] < CONNECT_TIMEOUT + 3
    assert is_unavailable(outcome["error"])


def test_statement_errors_are_not_taken_for_an_outage(engine):
    with pytest.raises(Exception) as bad:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table"))
    assert not is_unavailable(bad.value)


# The shell's callback (demo badge, access notice, user), as the browser sends it.
SHELL_CALLBACK = {
    "output": "..demo-badge.children...access-notice.children...user.children..",
    "outputs": [{"id": i, "property": "children"} for i in ("demo-badge", "access-notice", "user")],
    "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"}],
    "changedPropIds": ["_pages_location.pathname"],
    "state": [],
}


def test_the_app_answers_503_in_spanish_while_the_database_is_down(private):
    from dashboard import auth
    from dashboard.app import create_app

    settings, cluster, _url = private
    app = create_app(settings, warm=False)
    client = app.server.test_client()
    assert client.get("/salud").status_code == 200
    assert client.get("/", headers={"Accept": "text/html"}).status_code < 400  # the map, or the login
    cluster.stop()
    auth.clear_cache()  # the sign-in guard's cached answers would hide the outage for 5 s
    try:
        health = client.get("/salud")
        assert health.status_code == 503 and health.headers["Retry-After"]
        assert health.get_json()["message"] == "Sin conexión con la base de datos; reintentando…"
        callback = client.post("/_dash-update-component", json=SHELL_CALLBACK)
        assert callback.status_code == 503
        assert callback.get_json()["error"] == "database_unavailable"
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 503 and 'http-equiv="refresh"' in page.get_data(as_text=True)
        assert "Sin conexión con la base de datos" in page.get_data(as_text=True)
    finally:
        cluster.start()
    assert client.get("/salud").status_code == 200
    assert client.get("/", headers={"Accept": "text/html"}).status_code < 400  # the map, or the login
