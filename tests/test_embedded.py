"""The embedded server's life cycle and its errors, each naming the fix; its port kept across
restarts, and a data folder that is copied or moved."""

import shutil
import socket
import subprocess

import psycopg
import pytest

from geodata.embedded import DB_USER, EmbeddedError, EmbeddedPostgres, free_port
from geodata.service import describe
from tests.cluster_tools import new_cluster


def test_status_describes_running_database(template_url):
    info = describe(template_url)
    assert info.postgis_version.startswith("3.")
    assert info.up_to_date
    assert "***" in info.url and "territory" in info.row_counts


def test_port_taken_is_a_clear_error(data_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cluster = EmbeddedPostgres(data_dir / "other" / "postgres", port=port)
        with pytest.raises(EmbeddedError, match=f"puerto {port} .*ocupado.*SALA_DB_PORT"):
            cluster.start()


def test_unwritable_data_dir_is_a_clear_error(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    with pytest.raises(EmbeddedError, match="SALA_DATA_DIR"):
        EmbeddedPostgres(blocked / "postgres").init()


def test_url_before_start_says_how_to_start(tmp_path):
    with pytest.raises(EmbeddedError, match="sala db up"):
        EmbeddedPostgres(tmp_path / "postgres").url()


def test_start_stop_restart_keeps_data(data_dir):
    cluster = EmbeddedPostgres(data_dir / "lifecycle" / "postgres")
    port = cluster.start()
    assert cluster.start() == port  # idempotent: already running
    assert cluster.stop() is True
    assert cluster.running_port() is None
    assert cluster.stop() is False
    cluster.start()
    assert cluster.running_port() is not None
    cluster.stop()


def test_server_that_fails_to_start_shows_its_log(data_dir):
    cluster = EmbeddedPostgres(data_dir / "broken" / "postgres")
    cluster.init()
    with open(cluster.cluster_dir / "postgresql.auto.conf", "a") as conf:
        conf.write("shared_buffers = 'not-a-size'\n")
    with pytest.raises(EmbeddedError, match="no arrancó") as excinfo:
        cluster.start()
    assert "shared_buffers" in str(excinfo.value)  # the tail of the server's log names the cause


@pytest.fixture
def preferred_port_busy():
    """Hold 5433 (a fresh choice's first pick) if it is free, so that a port chosen anew at
    each start would differ from the first one."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", 5433))
            holder.listen()
        except OSError:
            pass  # already taken, by another cluster: just as good
        yield


def test_port_is_chosen_once_and_kept_across_restarts(data_dir, preferred_port_busy):
    cluster = new_cluster(data_dir, "port")
    port = cluster.start()
    try:
        cluster.stop()
        assert cluster.start() == port
        assert cluster.stored_port() == (port, cluster.cluster_dir.resolve())
        cluster.stop()
        with socket.socket() as squatter:  # another program took it while the server was down
            squatter.bind(("127.0.0.1", port))
            squatter.listen()
            with pytest.raises(EmbeddedError, match=f"puerto {port}, elegido para esta base de datos.*SALA_DB_PORT"):
                cluster.start()
            # SALA_DB_PORT wins, and is the port kept from then on.
            other = free_port(avoid=port)
            moved = EmbeddedPostgres(cluster.cluster_dir, port=other)
            assert moved.start() == other
        moved.stop()
        assert cluster.start() == other
    finally:
        cluster.stop()


def _socket_folder(cluster: EmbeddedPostgres, port: int) -> str:
    with psycopg.connect(host=str(cluster.cluster_dir), port=port, user=DB_USER, password=cluster.password(),
                         dbname="postgres") as conn:
        return conn.execute("SHOW unix_socket_directories").fetchone()[0]


def _query(cluster: EmbeddedPostgres, sql: str):
    with psycopg.connect(cluster.url(dbname="postgres").replace("+psycopg", ""), autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else None


def test_a_copied_data_folder_runs_beside_the_original(data_dir):
    original = new_cluster(data_dir, "original")
    port = original.start()
    _query(original, "CREATE TABLE note (said text)")
    original.stop()
    copy_folder = data_dir / f"copy-of-{original.cluster_dir.parent.name}"
    subprocess.run(["cp", "-a", str(original.cluster_dir.parent), str(copy_folder)], check=True)
    copy = EmbeddedPostgres(copy_folder / "postgres")
    try:
        assert original.start() == port
        copy_port = copy.start()
        assert copy_port != port  # the stored port belongs to the folder it was chosen for
        for cluster, its_port in ((original, port), (copy, copy_port)):
            assert (cluster.cluster_dir / f".s.PGSQL.{its_port}").is_socket()
            assert _socket_folder(cluster, its_port) == str(cluster.cluster_dir)
            for conf in ("postgresql.conf", "postgresql.auto.conf"):
                assert str(original.cluster_dir.parent) not in (cluster.cluster_dir / conf).read_text()
        _query(copy, "INSERT INTO note VALUES ('only in the copy')")
        assert _query(copy, "SELECT said FROM note") == [("only in the copy",)]
        assert _query(original, "SELECT said FROM note") == []
        copy.stop()
        assert copy.start() == copy_port  # and the copy keeps its own from then on
    finally:
        original.stop()
        copy.stop()


def test_a_lock_file_copied_from_a_running_server_is_not_taken_for_ours(data_dir):
    original = new_cluster(data_dir, "hot")
    original.start()
    copy = new_cluster(data_dir, "hot-copy")
    copy.init()
    try:
        shutil.copy(original.cluster_dir / "postmaster.pid", copy.cluster_dir / "postmaster.pid")
        assert copy.running_port() is None  # that server serves the original's folder
        assert copy.start() != original.running_port()
    finally:
        original.stop()
        copy.stop()


def test_start_removes_what_older_versions_wrote_into_the_config(data_dir):
    cluster = new_cluster(data_dir, "old")
    cluster.init()
    elsewhere = data_dir / "the-folder-it-was-created-in"
    with open(cluster.cluster_dir / "postgresql.auto.conf", "a") as conf:
        conf.write(f"unix_socket_directories = '{elsewhere}'\nsynchronous_commit = off\n")
    port = cluster.start()
    try:
        conf = (cluster.cluster_dir / "postgresql.auto.conf").read_text()
        assert "unix_socket_directories" not in conf and "synchronous_commit" not in conf
        assert "shared_buffers" in conf  # the rest stays
        assert _socket_folder(cluster, port) == str(cluster.cluster_dir)
        assert _query(cluster, "SHOW synchronous_commit") == [("on",)]
    finally:
        cluster.stop()
