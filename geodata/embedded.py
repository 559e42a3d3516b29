"""The embedded PostGIS: a private PostgreSQL cluster in Sala's data folder.

It uses the system's PostgreSQL and PostGIS binaries. PostgreSQL refuses to run as
root, so when Sala is started by root the server runs as the `postgres` system user
and the cluster folder belongs to it; Sala itself still connects over TCP with a
generated password kept beside the cluster (mode 600).

The data folder can be copied, moved or restored: nothing in the cluster's configuration
names a path (the socket folder is given on the command line at each start), and the
port, chosen once and kept in `db-port.json` beside the cluster, is only reused by the
folder it was chosen for (see `EmbeddedPostgres.port_for_start`).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from geodata import errors as sala_errors

SERVER_USER = "postgres"
DB_USER = "sala"
DEFAULT_DB = "sala"


class EmbeddedError(sala_errors.SalaError, RuntimeError):
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
            "no se encuentran los programas del servidor PostgreSQL; instálelos: "
            "apt-get install -y postgresql postgresql-15-postgis-3"
        )
    for postgres in candidates:
        bindir = postgres.parent
        version = int(bindir.parent.name) if bindir.parent.name.isdigit() else 0
        sharedir = Path(f"/usr/share/postgresql/{version}") if version else bindir.parent / "share"
        if (sharedir / "extension" / "postgis.control").exists():
            return Binaries(bindir, sharedir, version)
    version = candidates[0].parent.parent.name
    raise EmbeddedError(
        f"PostGIS no está instalado para PostgreSQL {version}; instálelo: "
        f"apt-get install -y postgresql-{version}-postgis-3"
    )


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(preferred: int = 5433, avoid: int | None = None) -> int:
    """`preferred` if it is free, else one the system picks; never `avoid`."""
    if preferred != avoid and port_is_free(preferred):
        return preferred
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port != avoid:
            return port


def process_alive(pid: int) -> bool:
    """Whether `pid` runs; a zombie (killed, not yet reaped by its parent) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, owned by another user
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc to ask: kill(0) said it exists
    return state != "Z"


def is_root() -> bool:
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


# Written into postgresql.auto.conf when the cluster is created: a private, loopback-only
# server sized for a 2-core room machine. Nothing here may name a path (the folder can be
# copied or moved) and nothing may weaken what a commit promises (see NOT_IN_CONFIG).
SERVER_SETTINGS = (
    "listen_addresses = '127.0.0.1'\n"
    "shared_buffers = '512MB'\n"
    "work_mem = '64MB'\n"
    "maintenance_work_mem = '512MB'\n"
    "max_wal_size = '4GB'\n"
    "checkpoint_timeout = '15min'\n"
    # No replica streams from a room machine's private cluster (backups are pg_dump):
    # minimal WAL lets a bulk load skip it for tables and indexes the loading transaction
    # itself creates or empties.
    "wal_level = minimal\n"
    "max_wal_senders = 0\n"
    "jit = off\n"
)
# Settings that clusters created by older versions have in postgresql.auto.conf and that
# `start` removes: the socket folder was an absolute path (a copied folder kept using the
# original's), and `synchronous_commit = off` could lose a commit already reported as
# saved. Bulk loads turn it off for their own transaction only (SET LOCAL).
NOT_IN_CONFIG = ("unix_socket_directories", "synchronous_commit")


class EmbeddedPostgres:
    """Create, start, stop and describe the private cluster in `cluster_dir`."""

    def __init__(self, cluster_dir: Path, port: int = 0, dbname: str = DEFAULT_DB):
        self.cluster_dir = Path(cluster_dir).absolute()
        self.requested_port = port
        self.dbname = dbname
        self.password_file = self.cluster_dir.parent / "db-password"
        self.port_file = self.cluster_dir.parent / "db-port.json"
        self.log_file = self.cluster_dir.parent / "postgres.log"

    # --- running commands as the right user -------------------------------------------
    def run_as_server(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        """Run a PostgreSQL program as the server's user (`postgres` when started by root)."""
        if is_root():
            args = ["runuser", "-u", SERVER_USER, "--", *args]
        return subprocess.run(args, capture_output=True, text=True, **kwargs)

    # --- state ---------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return (self.cluster_dir / "PG_VERSION").exists()

    def _lock_file(self) -> tuple[int, Path, int] | None:
        """(pid, data folder, port) from postmaster.pid, or None if there is none."""
        pidfile = self.cluster_dir / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
            return int(lines[0]), Path(lines[1]), int(lines[3])
        except (OSError, IndexError, ValueError):
            return None

    def running_port(self) -> int | None:
        """The port of the running server, read from postmaster.pid, or None if it is not running."""
        lock = self._lock_file() if self.initialized else None
        if lock is None:
            return None
        pid, folder, port = lock
        if folder.resolve() != self.cluster_dir.resolve():
            return None  # copied from a running cluster: that server serves the original folder
        return port if process_alive(pid) else None

    def stored_port(self) -> tuple[int, Path] | None:
        """The port chosen for this cluster and the folder it was chosen for (db-port.json)."""
        try:
            stored = json.loads(self.port_file.read_text())
            return int(stored["port"]), Path(stored["folder"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a cluster from before ports were stored, or never started

    def port_for_start(self) -> int:
        """The port the next start uses.

        SALA_DB_PORT, when set, always wins. Otherwise the port stored in db-port.json is
        kept by the folder it was chosen for (a clear error if another program holds it).
        A folder that is not that one is a copy, a move or a restore: it never takes the
        stored port (the original may be running on it, now or later) and picks a free one,
        which is stored for it from then on. With nothing stored, a free port (5433 first).
        """
        if self.requested_port:
            if not port_is_free(self.requested_port):
                raise EmbeddedError(
                    f"el puerto {self.requested_port} (SALA_DB_PORT) está ocupado por otro programa: "
                    "defina SALA_DB_PORT con un puerto libre, o 0 para que Sala elija uno"
                )
            return self.requested_port
        stored = self.stored_port()
        if stored is None:
            return free_port()
        port, folder = stored
        if folder != self.cluster_dir.resolve():
            return free_port(avoid=port)
        if not port_is_free(port):
            raise EmbeddedError(
                f"el puerto {port}, elegido para esta base de datos (guardado en {self.port_file}), está ocupado "
                "por otro programa: deténgalo, o defina SALA_DB_PORT con otro puerto libre"
            )
        return port

    def _store_port(self, port: int) -> None:
        record = {"port": port, "folder": str(self.cluster_dir.resolve())}
        if self.stored_port() != (port, Path(record["folder"])):
            self.port_file.write_text(json.dumps(record) + "\n")

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self, port: int | None = None, dbname: str | None = None) -> str:
        port = port or self.running_port()
        if port is None:
            raise EmbeddedError(
                f"la base de datos embebida de {self.cluster_dir} no está en marcha: ejecute `sala db up`"
            )
        return f"postgresql+psycopg://{DB_USER}:{self.password()}@127.0.0.1:{port}/{dbname or self.dbname}"

    # --- lifecycle -----------------------------------------------------------------------
    def init(self) -> None:
        binaries = find_binaries()
        parent = self.cluster_dir.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EmbeddedError(
                f"no se puede crear la carpeta de datos {parent} ({exc.strerror}): "
                "defina SALA_DATA_DIR con una carpeta en la que pueda escribir"
            ) from exc
        if not os.access(parent, os.W_OK):
            raise EmbeddedError(
                f"no se puede escribir en la carpeta de datos {parent}: "
                "defina SALA_DATA_DIR con una carpeta en la que pueda escribir"
            )
        if self.initialized:
            return
        if self.cluster_dir.exists() and any(self.cluster_dir.iterdir()):
            raise EmbeddedError(
                f"{self.cluster_dir} existe pero no es un clúster de PostgreSQL: bórrela o defina SALA_DATA_DIR con otra carpeta"
            )
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24) + "\n")
            self.password_file.chmod(0o600)
        self.cluster_dir.mkdir(mode=0o700, exist_ok=True)
        pwfile = parent / ".initdb-pw"
        pwfile.write_text(self.password() + "\n")
        try:
            if is_root():
                server = pwd.getpwnam(SERVER_USER)
                _grant_traverse(parent)
                for path in (self.cluster_dir, pwfile):
                    os.chown(path, server.pw_uid, server.pw_gid)
            result = self.run_as_server(
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
            raise EmbeddedError(f"initdb falló en {self.cluster_dir}:\n{result.stderr.strip()[-2000:]}")
        with open(self.cluster_dir / "postgresql.auto.conf", "a") as conf:
            conf.write(SERVER_SETTINGS)
        # The port is chosen now, once, and kept from here on (port_for_start).
        self._store_port(self.port_for_start())

    def _repair_config(self) -> None:
        """Remove what older versions wrote into postgresql.auto.conf (NOT_IN_CONFIG)."""
        conf = self.cluster_dir / "postgresql.auto.conf"
        lines = conf.read_text().splitlines(keepends=True)
        kept = [line for line in lines if line.split("=", 1)[0].strip() not in NOT_IN_CONFIG]
        if kept != lines:
            with open(conf, "w") as out:  # in place: the file keeps its owner
                out.writelines(kept)

    def _drop_foreign_lock(self) -> None:
        """A postmaster.pid copied from a running cluster names the original's folder and
        process: PostgreSQL would refuse to start while that process lives."""
        lock = self._lock_file()
        if lock is not None and lock[1].resolve() != self.cluster_dir.resolve():
            (self.cluster_dir / "postmaster.pid").unlink()

    def start(self) -> int:
        """Start the server (creating the cluster the first time); return its port."""
        self.init()
        if (port := self.running_port()) is not None:
            return port
        binaries = find_binaries()
        self._drop_foreign_lock()
        self._repair_config()
        port = self.port_for_start()
        if is_root() and not self.log_file.exists():
            self.log_file.touch()
            server = pwd.getpwnam(SERVER_USER)
            os.chown(self.log_file, server.pw_uid, server.pw_gid)
        # The socket goes into the cluster's own folder, wherever that is today.
        options = f"-p {port} -k {shlex.quote(str(self.cluster_dir))}"
        result = self.run_as_server(
            [
                binaries["pg_ctl"],
                "-D", str(self.cluster_dir),
                "-l", str(self.log_file),
                "-o", options,
                "-w", "-t", "60",
                "start",
            ]
        )
        if result.returncode != 0 or self.running_port() is None:
            tail = self.log_tail()
            raise EmbeddedError(
                f"el PostgreSQL embebido no arrancó (puerto {port}, carpeta {self.cluster_dir}).\n"
                f"{result.stderr.strip()}\nÚltimas líneas de {self.log_file}:\n{tail}"
            )
        self._wait_ready(port)
        self._store_port(port)
        return port

    def _wait_ready(self, port: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)
        raise EmbeddedError(f"el PostgreSQL embebido no acepta conexiones en el puerto {port}:\n{self.log_tail()}")

    def stop(self) -> bool:
        """Stop the server; False if it was not running."""
        if self.running_port() is None:
            return False
        binaries = find_binaries()
        result = self.run_as_server([binaries["pg_ctl"], "-D", str(self.cluster_dir), "-m", "fast", "-w", "stop"])
        if result.returncode != 0:
            raise EmbeddedError(f"pg_ctl stop falló: {result.stderr.strip()}")
        return True

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_file.exists():
            return "(sin registro)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
