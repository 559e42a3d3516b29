"""A streaming standby of the embedded cluster, for trying read replicas on one machine.

`sala db replica` turns on what streaming needs on the primary (WAL at `replica` level,
WAL senders; one restart the first time), copies it with `pg_basebackup` through a
replication slot (so the primary keeps the WAL the standby has not replayed yet) and
starts the copy as a hot standby on its own port. The standby is an ordinary
`EmbeddedPostgres` in `SALA_DATA_DIR/replica/postgres`, with the primary's password, so
`sala db down` and the port bookkeeping work on it as on the primary. The web server
reads from it once SALA_READ_DATABASE_URL names it (`geodata.database.read_url`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import time

from sqlalchemy import text
from sqlalchemy.pool import NullPool

from geodata.database import make_engine
from geodata.embedded import SERVER_USER, EmbeddedError, EmbeddedPostgres, find_binaries, is_root
from geodata.settings import Settings

SLOT = "sala_standby"
# What the primary needs to stream; written with ALTER SYSTEM, so it survives restarts.
# Bulk loads then write their WAL too (minimal WAL let them skip it): slower loads are
# the price of a standby.
PRIMARY_SETTINGS = {"wal_level": "replica", "max_wal_senders": "4", "max_replication_slots": "4"}


def _primary(settings: Settings) -> EmbeddedPostgres:
    return EmbeddedPostgres(settings.cluster_dir, port=settings.db_port)


def standby(settings: Settings) -> EmbeddedPostgres:
    return EmbeddedPostgres(settings.replica_dir)


def _enable_streaming(primary: EmbeddedPostgres) -> None:
    """Set PRIMARY_SETTINGS and restart the primary if any of them needs it; create the slot."""
    engine = make_engine(primary.url(), poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            current = dict(conn.execute(text("SELECT name, setting FROM pg_settings WHERE name = ANY(:names)"),
                                        {"names": list(PRIMARY_SETTINGS)}).all())
            changed = [name for name, value in PRIMARY_SETTINGS.items() if current.get(name) != value]
            for name in changed:
                # Names are from PRIMARY_SETTINGS (not input); ALTER SYSTEM takes no bound parameters.
                conn.execute(text(f"ALTER SYSTEM SET {name} = '{PRIMARY_SETTINGS[name]}'"))
    finally:
        engine.dispose()
    if changed:
        primary.stop()
        primary.start()
    engine = make_engine(primary.url(), poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_replication_slots WHERE slot_name = :s"), {"s": SLOT}).scalar()
            if not exists:
                conn.execute(text("SELECT pg_create_physical_replication_slot(:s)"), {"s": SLOT})
    finally:
        engine.dispose()


def _base_backup(primary: EmbeddedPostgres, replica: EmbeddedPostgres) -> None:
    """Copy the running primary into the replica's folder, as a standby of it (`-R`)."""
    parent = replica.cluster_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(primary.password_file, replica.password_file)
    replica.password_file.chmod(0o600)
    # pg_basebackup reads the password from a pass file (never from its command line).
    passfile = parent / ".pgpass"
    passfile.write_text(f"127.0.0.1:{primary.running_port()}:*:sala:{primary.password()}\n")
    passfile.chmod(0o600)
    try:
        if is_root():
            server = pwd.getpwnam(SERVER_USER)
            for path in (parent, passfile):
                os.chown(path, server.pw_uid, server.pw_gid)
        result = primary.run_as_server(
            ["env", f"PGPASSFILE={passfile}", find_binaries()["pg_basebackup"], "-h", "127.0.0.1",
             "-p", str(primary.running_port()), "-U", "sala", "-D", str(replica.cluster_dir),
             "-X", "stream", "-S", SLOT, "-R", "--checkpoint=fast"]
        )
    finally:
        passfile.unlink(missing_ok=True)
    if result.returncode != 0:
        shutil.rmtree(replica.cluster_dir, ignore_errors=True)
        raise EmbeddedError(f"pg_basebackup falló:\n{result.stderr.strip()[-2000:]}")
    # The standby connects to the primary with the password in its own configuration
    # (primary_conninfo), readable only by the server's user like the rest of the folder.
    with open(replica.cluster_dir / "postgresql.auto.conf", "a") as conf:
        conf.write(f"primary_conninfo = 'host=127.0.0.1 port={primary.running_port()} user=sala "
                   f"password={primary.password()} application_name=sala_standby'\n"
                   f"primary_slot_name = '{SLOT}'\nhot_standby = on\n")
    (replica.cluster_dir / "postmaster.pid").unlink(missing_ok=True)


def start_standby(settings: Settings) -> tuple[EmbeddedPostgres, int]:
    """Create (the first time) and start the embedded primary's standby; its port."""
    if not settings.embedded:
        raise EmbeddedError("`sala db replica` crea la réplica de la base embebida; con SALA_DATABASE_URL, "
                            "cree la réplica en ese servidor (pg_basebackup -R) y nómbrela en SALA_READ_DATABASE_URL")
    primary = _primary(settings)
    if primary.running_port() is None:
        primary.start()
    replica = standby(settings)
    if not replica.initialized:
        _enable_streaming(primary)
        _base_backup(primary, replica)
    port = replica.start()
    return replica, port


def wait_for_replay(primary_url: str, standby_url: str, timeout: float = 30) -> None:
    """Block until the standby has replayed everything the primary had written when called."""
    primary = make_engine(primary_url, poolclass=NullPool)
    replica = make_engine(standby_url, poolclass=NullPool)
    try:
        with primary.connect() as conn:
            target = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        deadline = time.monotonic() + timeout
        while True:
            with replica.connect() as conn:
                behind = conn.execute(text("SELECT pg_wal_lsn_diff(CAST(:t AS pg_lsn), pg_last_wal_replay_lsn()) > 0"),
                                      {"t": str(target)}).scalar()
            if not behind:
                return
            if time.monotonic() > deadline:
                raise EmbeddedError(f"la réplica no alcanzó a la base principal en {timeout:.0f} s")
            time.sleep(0.1)
    finally:
        primary.dispose()
        replica.dispose()
