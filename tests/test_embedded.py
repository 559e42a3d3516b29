"""The embedded server's life cycle and its errors, each naming the fix."""

import socket

import pytest

from geodata.embedded import EmbeddedError, EmbeddedPostgres
from geodata.service import describe


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
        with pytest.raises(EmbeddedError, match=f"port {port} is taken.*SALA_DB_PORT"):
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
    with pytest.raises(EmbeddedError, match="failed to start") as excinfo:
        cluster.start()
    assert "shared_buffers" in str(excinfo.value)  # the tail of the server's log names the cause
