"""`sala serve --workers N`: several processes under gunicorn, each answering; a graceful
restart (SIGHUP) replaces every worker while the server keeps answering; SIGTERM stops it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def two_workers(pid: int, other_than: set[int] = frozenset()) -> set[int] | None:
    workers = children(pid)
    return workers if len(workers) == 2 and not workers & other_than else None


def wait_until(check, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/salud", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def test_two_workers_serve_restart_gracefully_and_stop(cli_env, data_dir):
    port = free_port()
    env = {**cli_env, "SALA_DATA_DIR": str(data_dir)}
    server = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port), "--workers", "2",
                               "--threads", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(base), "the server")
        first = wait_until(lambda: two_workers(server.pid), "two workers")
        with ThreadPoolExecutor(8) as pool:  # more requests at once than one worker's threads
            statuses = list(pool.map(lambda _: requests.get(f"{base}/login", timeout=30).status_code, range(24)))
        assert statuses == [200] * 24
        server.send_signal(signal.SIGHUP)
        replaced = wait_until(lambda: two_workers(server.pid, other_than=first), "the workers replaced")
        assert answers(base) and len(replaced) == 2
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    assert "2 procesos × 2 hilos" in output
