"""The embedded PostGIS: a private PostgreSQL cluster in Sala's data folder.

It uses the system's PostgreSQL and PostGIS binaries. PostgreSQL refuses to run as
root, so when Sala is started by root the server runs as the `postgres` system user
and the cluster folder belongs to it; Sala itself still connects over TCP with a
generated password kept beside the cluster (mode 600).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"
DB_USER = "sala"
DEFAULT_DB = "sala"


class EmbeddedError(RuntimeError):
    """A problem with the embedded server; the message always names the fix."""


@dataclass(frozen=True)
class Binaries:
    bindir: Path
    sharedir: Path
    version: int

    def __getitem__(self, name: str) -> str:
        return str(self.bindir / name)


def find_binaries() -> Binaries:
    """The newest installed PostgreSQL server that has PostGIS next to it."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), reverse=True)
    if env_bin := os.environ.get("SALA_PG_BINDIR"):
        candidates.insert(0, Path(env_bin) / "postgres")
    if not candidates:
        raise EmbeddedError(
            "PostgreSQL server binaries not found. Install them: apt-get install -y postgresql postgresql-15-postgis-3"
        )
    for postgres in candidates:
        bindir = postgres.parent
        version = int(bindir.parent.name) if bindir.parent.name.isdigit() else 0
        sharedir = Path(f"/usr/share/postgresql/{version}") if version else bindir.parent / "share"
        if (sharedir / "extension" / "postgis.control").exists():
            return Binaries(bindir, sharedir, version)
    version = candidates[0].parent.parent.name
    raise EmbeddedError(
        f"PostGIS is not installed for PostgreSQL {version}. "
        f"Install it: apt-get install -y postgresql-{version}-postgis-3"
    )


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(preferred: int = 5433) -> int:
    if port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _is_root() -> bool:
    return os.geteuid() == 0


def _server_user_can_enter(path: Path) -> bool:
    result = subprocess.run(
        ["runuser", "-u", SERVER_USER, "--", "test", "-x", str(path)], capture_output=True
    )
    return result.returncode == 0


def _grant_traverse(path: Path) -> None:
    """Let the server user pass through the folders above the cluster (not list or read them)."""
    for folder in [*reversed(path.parents), path]:
        if _server_user_can_enter(folder):
            continue
        if shutil.which("setfacl"):
            subprocess.run(["setfacl", "-m", f"u:{SERVER_USER}:x", str(folder)], check=True)
        else:
            folder.chmod(folder.stat().st_mode | 0o001)


class EmbeddedPostgres:
    """Create, start, stop and describe the private cluster in `cluster_dir`."""

    def __init__(self, cluster_dir: Path, port: int = 0, dbname: str = DEFAULT_DB):
        self.cluster_dir = Path(cluster_dir).absolute()
        self.requested_port = port
        self.dbname = dbname
        self.password_file = self.cluster_dir.parent / "db-password"
        self.log_file = self.cluster_dir.parent / "postgres.log"

    # --- running commands as the right user -------------------------------------------
    def _run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        if _is_root():
            args = ["runuser", "-u", SERVER_USER, "--", *args]
        return subprocess.run(args, capture_output=True, text=True, **kwargs)

    # --- state ---------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return (self.cluster_dir / "PG_VERSION").exists()

    def running_port(self) -> int | None:
        """The port of the running server, read from postmaster.pid, or None if it is not running."""
        pidfile = self.cluster_dir / "postmaster.pid"
        if not self.initialized or not pidfile.exists():
            return None
        lines = pidfile.read_text().splitlines()
        try:
            pid, port = int(lines[0]), int(lines[3])
        except (IndexError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # alive, owned by another user
        return port

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self, port: int | None = None, dbname: str | None = None) -> str:
        port = port or self.running_port()
        if port is None:
            raise EmbeddedError(f"the embedded database in {self.cluster_dir} is not running: run `sala db up`")
        return f"postgresql+psycopg://{DB_USER}:{self.password()}@127.0.0.1:{port}/{dbname or self.dbname}"

    # --- lifecycle -----------------------------------------------------------------------
    def init(self) -> None:
        binaries = find_binaries()
        parent = self.cluster_dir.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EmbeddedError(
                f"data folder {parent} cannot be created ({exc.strerror}): set SALA_DATA_DIR to a folder you can write"
            ) from exc
        if not os.access(parent, os.W_OK):
            raise EmbeddedError(f"data folder {parent} is not writable: set SALA_DATA_DIR to a folder you can write")
        if self.initialized:
            return
        if self.cluster_dir.exists() and any(self.cluster_dir.iterdir()):
            raise EmbeddedError(
                f"{self.cluster_dir} exists but is not a PostgreSQL cluster: remove it or set SALA_DATA_DIR elsewhere"
            )
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24) + "\n")
            self.password_file.chmod(0o600)
        self.cluster_dir.mkdir(mode=0o700, exist_ok=True)
        pwfile = parent / ".initdb-pw"
        pwfile.write_text(self.password() + "\n")
        try:
            if _is_root():
                server = pwd.getpwnam(SERVER_USER)
                _grant_traverse(parent)
                for path in (self.cluster_dir, pwfile):
                    os.chown(path, server.pw_uid, server.pw_gid)
            result = self._run(
                [
                    binaries["initdb"],
                    "-D", str(self.cluster_dir),
                    "-U", DB_USER,
                    "--pwfile", str(pwfile),
                    "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise EmbeddedError(f"initdb failed in {self.cluster_dir}:\n{result.stderr.strip()[-2000:]}")
        with open(self.cluster_dir / "postgresql.auto.conf", "a") as conf:
            # Private, loopback-only server; settings sized for a 2-core room machine.
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.cluster_dir}'\n"
                "shared_buffers = '512MB'\n"
                "work_mem = '64MB'\n"
                "maintenance_work_mem = '512MB'\n"
                "max_wal_size = '4GB'\n"
                "checkpoint_timeout = '15min'\n"
                "synchronous_commit = off\n"
                # No replica streams from a room machine's private cluster (backups are
                # pg_dump): minimal WAL lets a bulk load skip it for tables and indexes
                # the loading transaction itself creates or empties.
                "wal_level = minimal\n"
                "max_wal_senders = 0\n"
                "jit = off\n"
            )

    def start(self) -> int:
        """Start the server (creating the cluster the first time); return its port."""
        self.init()
        if (port := self.running_port()) is not None:
            return port
        binaries = find_binaries()
        if self.requested_port:
            port = self.requested_port
            if not port_is_free(port):
                raise EmbeddedError(
                    f"port {port} is taken by another program: set SALA_DB_PORT to a free port, or 0 to pick one"
                )
        else:
            port = free_port()
        if _is_root() and not self.log_file.exists():
            self.log_file.touch()
            server = pwd.getpwnam(SERVER_USER)
            os.chown(self.log_file, server.pw_uid, server.pw_gid)
        result = self._run(
            [
                binaries["pg_ctl"],
                "-D", str(self.cluster_dir),
                "-l", str(self.log_file),
                "-o", f"-p {port}",
                "-w", "-t", "60",
                "start",
            ]
        )
        if result.returncode != 0 or self.running_port() is None:
            tail = self.log_tail()
            raise EmbeddedError(
                f"the embedded PostgreSQL failed to start (port {port}, folder {self.cluster_dir}).\n"
                f"{result.stderr.strip()}\nLast lines of {self.log_file}:\n{tail}"
            )
        self._wait_ready(port)
        return port

    def _wait_ready(self, port: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)
        raise EmbeddedError(f"the embedded PostgreSQL did not accept connections on port {port}:\n{self.log_tail()}")

    def stop(self) -> bool:
        """Stop the server; False if it was not running."""
        if self.running_port() is None:
            return False
        binaries = find_binaries()
        result = self._run([binaries["pg_ctl"], "-D", str(self.cluster_dir), "-m", "fast", "-w", "stop"])
        if result.returncode != 0:
            raise EmbeddedError(f"pg_ctl stop failed: {result.stderr.strip()}")
        return True

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
