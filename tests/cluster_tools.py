"""Private embedded clusters for the tests that stop, kill, copy or restart one (never the
session's): each lives in its own folder under the session's data folder."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

from geodata.embedded import EmbeddedPostgres


def new_cluster(data_dir: Path, name: str, **kwargs) -> EmbeddedPostgres:
    return EmbeddedPostgres(data_dir / f"{name}-{uuid.uuid4().hex[:8]}" / "postgres", **kwargs)


def postmaster_pid(cluster: EmbeddedPostgres) -> int:
    return int((cluster.cluster_dir / "postmaster.pid").read_text().split()[0])


def server_processes(cluster: EmbeddedPostgres) -> dict[int, str]:
    """The postmaster and its children (backends, WAL writer, checkpointer…): pid -> title."""
    root = postmaster_pid(cluster)
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            title = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root or ppid == root:
            found[pid] = title
    return found


def kill_hard(cluster: EmbeddedPostgres) -> None:
    """What a power cut does to the server's processes: SIGKILL to the postmaster and every
    child, no shutdown, no checkpoint; returns once all are gone (reaped too: PostgreSQL
    refuses to start while its lock file names a pid that exists, even a zombie's)."""
    processes = server_processes(cluster)
    for pid in processes:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in processes):
        if time.monotonic() > deadline:
            raise AssertionError(f"server processes still alive after SIGKILL: {processes}")
        time.sleep(0.05)
