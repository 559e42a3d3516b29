"""Long exports as jobs: at most N at once, the rest queued; progress and the file through
the routes; a job seen only by its user and scope; a restarted server fails its
unfinished jobs; and with eight packs under way a login still answers at once."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from geodata import export_jobs as store
from geodata.access import NATIONAL, Scope
from geodata.models import AuditLog, ExportJob
from geodata.permissions import Actor
from layers.jobs import JobQueue, pack_request
from layers.registry import LayerParams
from layers.web import pack_url, register
from tests.layers_records import add_records

# Planners of a state: they may export, within their state.
CARACAS = Scope(role="planner", territory_code="01", territory_path="/01/")
MIRANDA = Scope(role="planner", territory_code="15", territory_path="/15/")


@pytest.fixture
def records(engine):
    with engine.begin() as conn:
        add_records(conn)
    return engine


def states(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(ExportJob.state)).scalars())


def wait_for(condition, timeout: float = 120.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_the_queue_runs_at_most_n_jobs_and_queues_the_rest(records, tmp_path):
    release = threading.Event()
    lock = threading.Lock()
    running, most = [0], [0]

    def held(conn, request, scope, folder, progress):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        progress("Esperando", 50)
        release.wait(60)
        (folder / "x.txt").write_text("hecho")
        with lock:
            running[0] -= 1
        return "x.txt", "text/plain", 1

    jobs = JobQueue(lambda: records, tmp_path, workers=2, runner=held)
    ids = [jobs.submit(pack_request("0101", LayerParams()), username=None, scope=NATIONAL).id for _ in range(4)]
    wait_for(lambda: states(records) == ["queued", "queued", "running", "running"], what="two running, two queued")
    time.sleep(0.5)  # room for a third to start, if the bound did not hold
    assert states(records) == ["queued", "queued", "running", "running"] and most[0] == 2
    release.set()
    jobs.wait_idle()
    assert states(records) == ["done"] * 4 and most[0] == 2
    for job_id in ids:
        path, job = jobs.file(job_id, username=None, scope=NATIONAL)
        assert path.read_text() == "hecho" and job.count == 1


def test_bad_requests_are_refused_before_any_job(records, tmp_path):
    jobs = JobQueue(lambda: records, tmp_path, workers=1)
    server = Flask("jobs")
    register(server, lambda: records, jobs=jobs)
    client = server.test_client()
    assert client.post("/export/pack/01.zip").status_code == 400  # a state, not a municipality
    assert client.post("/export/pack/4242.zip").status_code == 404
    assert client.post("/export/rivers.pdf").status_code == 404
    assert client.get("/export/cases.pdf?territory=4242").status_code == 404
    assert client.get("/export/cases.pdf?crs=32619").status_code == 400
    assert states(records) == []


@pytest.fixture
def web(records, tmp_path):
    """A server whose user and scope the test sets (as the dashboard's sign-in would)."""
    who = {"user": "ana", "scope": CARACAS}
    jobs = JobQueue(lambda: records, tmp_path / "exports", workers=2)
    server = Flask("jobs")
    register(server, lambda: records, lambda: Actor(who["user"], who["scope"]), jobs=jobs)
    return server.test_client(), who, jobs


def test_a_pack_job_reports_progress_then_gives_its_file(web, records, tmp_path):
    client, _, jobs = web
    started = client.post(pack_url("0101"))
    assert started.status_code == 202
    job = started.get_json()
    assert job["state"] == "queued" and started.headers["Location"] == job["status_url"]
    seen = []

    def done():
        body = client.get(job["status_url"]).get_json()
        seen.append((body["state"], body["percent"], body["phase"]))
        return body if body["state"] in ("done", "failed") else None

    final = wait_for(done, what="the pack job")
    assert final["state"] == "done", final
    percents = [p for state, p, _ in seen if state == "running"]
    assert percents == sorted(percents) and final["percent"] == 100
    assert any(phase.startswith("Plan en PDF") for _, _, phase in seen) or len(seen) < 3
    download = client.get(final["file_url"])
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment; filename=paquete_0101.zip")
    (tmp_path / "p.zip").write_bytes(download.data)
    assert "plan_0101.pdf" in zipfile.ZipFile(tmp_path / "p.zip").namelist()
    with records.connect() as conn:
        audit = conn.execute(select(AuditLog.username, AuditLog.target, AuditLog.detail).where(AuditLog.action == "export")).one()
    assert audit.username == "ana" and audit.target == "pack/0101" and audit.detail["job"] == job["id"]


def test_slow_formats_and_posts_are_jobs_quick_ones_stream(web):
    client, _, jobs = web
    for url in ("/export/cases.xlsx?territory=0101", "/export/cases.pdf?territory=0101", "/export/claps.kml"):
        assert client.get(url).status_code == 202, url
    assert client.post("/export/cases.csv?territory=0101").status_code == 202
    quick = client.get("/export/cases.csv?territory=0101")
    assert quick.status_code == 200 and quick.data.decode("utf-8-sig").startswith("code,")
    jobs.threshold = 2  # more features than this: a job, whatever the format
    assert client.get("/export/cases.csv?territory=0101").status_code == 202
    jobs.wait_idle()


def test_a_job_is_seen_only_by_its_user_and_scope(web):
    client, who, jobs = web
    job = client.post(pack_url("0101")).get_json()
    jobs.wait_idle()
    status, file = job["status_url"], f"/export/jobs/{job['id']}/file"
    assert client.get(status).get_json()["state"] == "done" and client.get(file).status_code == 200
    for user, scope in (("luis", CARACAS), ("ana", MIRANDA), (None, NATIONAL), ("ana", Scope(role="planner"))):
        who.update(user=user, scope=scope)
        assert client.get(status).status_code == 404, (user, scope)
        assert client.get(file).status_code == 404, (user, scope)
    who.update(user="ana", scope=CARACAS)
    assert client.get("/export/jobs/inventado").status_code == 404
    assert client.get("/export/jobs/inventado/file").status_code == 404
    assert client.get(file).status_code == 200


def test_a_file_not_ready_is_409_and_expired_jobs_go_with_their_files(web, records):
    client, _, jobs = web
    job = client.post(pack_url("0101")).get_json()
    early = client.get(f"/export/jobs/{job['id']}/file")
    assert early.status_code in (409, 200)
    jobs.wait_idle()
    folder = jobs.folder / job["id"]
    assert folder.is_dir()
    with records.begin() as conn:
        conn.execute(ExportJob.__table__.update().values(expires_at=ExportJob.created_at))
    assert client.get(job["status_url"]).status_code == 404
    jobs.recover()
    assert not folder.exists() and states(records) == []


# --------------------------------------------------------------------------- real servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port), "--workers", "1"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def answers():
        try:
            return requests.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200
        except requests.RequestException:
            return process.poll() is not None and pytest.fail("the server did not start")
    wait_for(answers, what="the server")
    return process


def test_a_restarted_server_fails_the_jobs_it_left_unfinished(records, cli_env, tmp_path):
    env = {**cli_env, "SALA_DATA_DIR": str(tmp_path), "SALA_EXPORT_JOBS": "1"}
    port = free_port()
    server = start_server(env, port)
    try:
        for _ in range(2):
            assert requests.post(f"http://127.0.0.1:{port}{pack_url('0101')}", timeout=30).status_code == 202
        wait_for(lambda: states(records) == ["queued", "running"], what="one running, one queued")
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    assert states(records) == ["queued", "running"]  # nobody is left to finish them
    server = start_server(env, port)
    try:
        wait_for(lambda: states(records) == ["failed", "failed"], what="the jobs of the killed server failed")
        with records.connect() as conn:
            messages = set(conn.execute(select(ExportJob.message)).scalars())
        assert messages == {store.RESTARTED}
        assert list((tmp_path / "exports").iterdir()) == []  # their half-made files are gone
    finally:
        server.terminate()
        server.wait()


def test_a_login_answers_while_eight_packs_are_under_way(records, db_url, tmp_path):
    import waitress

    from dashboard import auth
    from dashboard.app import create_app
    from geodata.settings import Settings
    from geodata.users import create_user

    with records.begin() as conn:
        create_user(conn, "planificadora", "clave-de-planificadora", "planner")
        create_user(conn, "operador", "clave-del-operador", "operator")
    auth.clear_cache()
    settings = Settings(database_url=db_url, data_dir=tmp_path, export_jobs=2, _env_file=None)
    app = create_app(settings, warm=False)
    server = waitress.create_server(app.server, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"

    def login(username, password) -> requests.Session:
        client = requests.Session()
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(base + "/login", timeout=30).text).group(1)
        answer = client.post(base + "/login", data={"username": username, "password": password, "csrf": csrf, "next": "/"},
                             allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text
        return client

    try:
        planner = login("planificadora", "clave-de-planificadora")
        answers = []
        starts = [threading.Thread(target=lambda: answers.append(planner.post(base + pack_url("0101"), timeout=60)))
                  for _ in range(8)]
        for thread in starts:
            thread.start()
        for thread in starts:
            thread.join()
        assert [a.status_code for a in answers] == [202] * 8
        login("operador", "clave-del-operador")
        # The login has answered: the eight packs are still queued or running, at most two at once.
        now = states(records)
        assert len(now) == 8 and set(now) <= {"queued", "running"} and now.count("running") <= 2, now
        # Enough: the queued ones are called off (the workers skip them), the running ones finish.
        with records.begin() as conn:
            conn.execute(ExportJob.__table__.update().where(ExportJob.state == "queued").values(state="failed"))
        wait_for(lambda: "running" not in states(records), timeout=300, what="the running packs")
    finally:
        server.close()
        auth.clear_cache()
