"""A load killed or stopped half-way leaves no process, no lock and no `running` run behind.

A file this long (≥ etl.stage.PARALLEL_MIN_ROWS) is validated in forked worker processes:
they must die with their parent and must not keep its database session open, or the
server never sees the client go and the session keeps its locks.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from geodata.etl_runs import mark_abandoned
from tests.etl_builders import counts, rows, scalar, with_tree, write_cases

ROWS = 250_000
# Locks on the tables a case load locks, held by any session but the asking one.
HELD_LOCKS = (
    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "WHERE l.pid <> pg_backend_pid() AND c.relname IN ('case_report', 'case_solution', 'case_status_change', "
    "'territory', 'project', 'agreement')"
)


@pytest.fixture
def tree(engine):
    with_tree(engine)
    return engine


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("killed") / "cases.csv"
    write_cases(path, ROWS)
    return path


def children_of(pid: int) -> list[int]:
    """Pids of the live processes whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and int(stat[1]) == pid and stat[0] != "Z":
                found.append(int(entry.name))
    return found


def _stat(pid: int) -> list[str] | None:
    """(state, ppid, …) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def wait_until(condition, seconds: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def start_big_load(tree, path: Path, cli_env) -> tuple[subprocess.Popen, list[int]]:
    """`sala load case` of the big file, once it streams into the staging table; with its workers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "load", "case", str(path)],
        env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while scalar(tree, "SELECT count(*) FROM pg_stat_progress_copy") == 0:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the load never started copying"
        time.sleep(0.02)
    workers = children_of(proc.pid)
    assert workers, "a file this long is validated in worker processes"
    return proc, workers


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_stopped_load_leaves_no_worker_no_lock_and_is_marked(tree, big_file, tmp_path, cli_env, how):
    before = counts(tree)
    proc, workers = start_big_load(tree, big_file, cli_env)
    try:
        with tree.begin() as conn:  # a run that runs is not taken for abandoned
            assert mark_abandoned(conn) == []
        proc.send_signal(getattr(signal, how))
        proc.wait(60)
        # Within a few seconds nothing of the load is left: no worker, no lock.
        assert wait_until(lambda: not any(alive(w) for w in workers), 5), [w for w in workers if alive(w)]
        assert wait_until(lambda: scalar(tree, HELD_LOCKS) == 0, 5), rows(
            tree, "SELECT pid, state, left(query, 60) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        )
    finally:
        if proc.poll() is None:
            proc.kill()
        for worker in workers:  # what the old code left behind must not outlive the test
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
    assert counts(tree) == before
    if how == "SIGTERM":  # handled like Ctrl-C: rolled back and recorded by the load itself
        assert proc.returncode == 1, proc.stderr.read().decode()
        assert rows(tree, "SELECT status, message FROM etl_run") == [
            ("interrupted", "carga interrumpida (SIGTERM): no se guardó nada")
        ]
    else:
        assert proc.returncode == -signal.SIGKILL
        assert rows(tree, "SELECT status FROM etl_run") == [("running",)]  # nobody could say otherwise yet

    # The next load neither waits nor fails, and tells the killed run for what it is.
    small = tmp_path / "small.csv"
    write_cases(small, 100, "S")
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "load", "case", str(small)],
        env=cli_env, capture_output=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert scalar(tree, "SELECT count(*) FROM case_report") == 100
    first, second = rows(tree, "SELECT status, message FROM etl_run ORDER BY id")
    assert second[0] == "loaded"
    if how == "SIGKILL":
        assert first[0] == "abandoned" and "proceso" in first[1], first


def test_workers_hold_no_socket_of_the_parent(tree, big_file, cli_env):
    # The workers inherit the parent's open files when forked; they must let go of its
    # database connection at once, not hold it (and its locks) for as long as they live.
    proc, workers = start_big_load(tree, big_file, cli_env)
    try:
        sockets = {w: [fd for fd in os.listdir(f"/proc/{w}/fd") if _is_socket(w, fd)] for w in workers if alive(w)}
        parent = [fd for fd in os.listdir(f"/proc/{proc.pid}/fd") if _is_socket(proc.pid, fd)]
    finally:
        proc.kill()
        proc.wait(30)
        for worker in workers:
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
    assert parent, "the parent talks to the database through a socket"
    assert sockets and all(fds == [] for fds in sockets.values()), sockets


def _is_socket(pid: int, fd: str) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    except OSError:
        return False


def test_db_status_marks_a_run_whose_session_is_gone(tree, cli_env):
    # A run whose session the server has closed is `abandoned` as soon as anyone looks.
    with tree.begin() as conn:
        conn.execute(text("INSERT INTO etl_run (kind, file_name, sha256, status, pid, host, backend_pid) "
                          "VALUES ('case', 'x.csv', '', 'running', 999999, 'elsewhere', 2147483600)"))
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "db", "status"], env=cli_env, capture_output=True,
                          timeout=60, text=True)
    assert done.returncode == 0, done.stderr
    assert "abandonada" in done.stdout
    assert rows(tree, "SELECT status FROM etl_run") == [("abandoned",)]


def test_the_lingering_session_of_a_dead_process_is_ended(tree):
    # A client that died while its session lived on (as when forked workers kept the socket):
    # the session can never commit, only hold its locks; the next look ends it.
    dead = subprocess.Popen(["true"])
    dead.wait()
    holder = tree.connect()
    try:
        holder.execute(text("LOCK TABLE case_report IN SHARE ROW EXCLUSIVE MODE"))
        backend = holder.execute(text("SELECT pg_backend_pid()")).scalar()
        with tree.begin() as conn:
            conn.execute(text("INSERT INTO etl_run (kind, file_name, sha256, status, pid, host, backend_pid) "
                              "VALUES ('case', 'x.csv', '', 'running', :pid, :host, :backend)"),
                         {"pid": dead.pid, "host": socket.gethostname(), "backend": backend})
        with tree.begin() as conn:
            marked = mark_abandoned(conn)
        assert len(marked) == 1 and "se cerró su sesión" in marked[0].message, marked
        assert wait_until(lambda: scalar(tree, HELD_LOCKS) == 0, 5)
        assert rows(tree, "SELECT status FROM etl_run") == [("abandoned",)]
        with tree.begin() as conn:  # a live run, or one already marked, is left alone
            assert mark_abandoned(conn) == []
    finally:
        holder.invalidate()
