"""Read replicas for real: `sala db replica` makes a streaming standby of an embedded
primary; a load on the primary is read on the standby once replayed; with the standby
down the same read engine answers from the primary; the web server's reads are bounded
by a statement timeout. Its own primary and standby (two clusters in a temporary folder)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import InternalError, OperationalError

from etl.load import load_file
from geodata.database import get_read_engine, is_standby, make_engine, read_url
from geodata.replica import standby, start_standby, wait_for_replay
from geodata.service import bring_up
from geodata.settings import Settings
from tests.etl_builders import with_tree, write_cases


@pytest.fixture(scope="module")
def clusters(data_dir):
    """(settings of the primary, primary URL, standby URL); both stopped at the end."""
    # Inside the session's data folder, which the server user may enter (pytest's own
    # temporary folders are re-closed by every other pytest session that starts).
    folder = data_dir / f"replica-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    settings = Settings(database_url=None, data_dir=folder, db_port=0, _env_file=None)
    primary_url = bring_up(settings)
    replica, port = start_standby(settings)
    try:
        yield settings, primary_url, replica.url(port)
    finally:
        replica.stop()
        from geodata.database import embedded_cluster

        embedded_cluster(settings).stop()


def test_a_load_on_the_primary_is_read_on_the_standby(clusters, tmp_path):
    settings, primary_url, standby_url = clusters
    primary = make_engine(primary_url)
    with_tree(primary)
    write_cases(tmp_path / "cases.csv", 40)
    result = load_file(primary, "case", tmp_path / "cases.csv")
    assert result.inserted == 40 and result.rejected == 0
    wait_for_replay(primary_url, standby_url)
    reads = get_read_engine(Settings(database_url=primary_url, read_database_url=standby_url, _env_file=None))
    with reads.connect() as conn:
        assert is_standby(conn)  # the read went to the standby
        assert conn.execute(text("SELECT count(*) FROM case_report")).scalar() == 40
    # The standby refuses writes: what the room writes must go to the primary's engine.
    with pytest.raises(InternalError, match="read-only transaction"), reads.begin() as conn:
        conn.execute(text("DELETE FROM case_report"))
    primary.dispose()


def test_with_the_standby_down_the_reads_fall_back_to_the_primary(clusters):
    settings, primary_url, standby_url = clusters
    reads = get_read_engine(Settings(database_url=primary_url, read_database_url=standby_url, _env_file=None))
    with reads.connect() as conn:
        assert is_standby(conn)
    replica = standby(settings)
    replica.stop()
    try:
        # The pooled connection to the standby is dead: the pre-ping notices it and the
        # multi-host URL reconnects to the next host, the primary.
        with reads.connect() as conn:
            assert not is_standby(conn)
            assert conn.execute(text("SELECT count(*) FROM territory")).scalar() > 0
    finally:
        replica.start()
    reads.dispose()
    with reads.connect() as conn:
        assert is_standby(conn)  # back on the standby once it runs again


def test_the_read_url_lists_the_standbys_first_and_refuses_other_credentials():
    settings = Settings(database_url="postgresql+psycopg://sala:pw@10.0.0.1:5432/sala",
                        read_database_url="postgresql://sala:pw@10.0.0.2:5433/sala, postgresql://sala:pw@10.0.0.3/sala",
                        _env_file=None)
    url = read_url(settings)
    assert url.index("10.0.0.2%3A5433") < url.index("10.0.0.3%3A5432") < url.index("10.0.0.1%3A5432")
    assert "target_session_attrs=prefer-standby" in url
    other = Settings(database_url="postgresql+psycopg://sala:pw@10.0.0.1/sala",
                     read_database_url="postgresql://otro:pw@10.0.0.2/sala", _env_file=None)
    with pytest.raises(Exception, match="mismo usuario"):
        read_url(other)
    assert read_url(Settings(database_url="postgresql://sala:pw@10.0.0.1/sala", _env_file=None)).endswith("10.0.0.1/sala")


def test_a_web_read_longer_than_the_timeout_is_cancelled(db_url):
    reads = get_read_engine(Settings(database_url=db_url, read_statement_timeout=0.5, _env_file=None))
    with pytest.raises(OperationalError, match="statement timeout"), reads.connect() as conn:
        conn.execute(text("SELECT pg_sleep(5)"))
    with reads.connect() as conn:  # the next read on the same pool is fine
        assert conn.execute(text("SELECT 1")).scalar() == 1
    reads.dispose()


def test_sala_db_replica_prints_the_url_to_read_from(clusters):
    settings, _, standby_url = clusters
    env = {"SALA_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "dashboard.cli", "db", "replica"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Réplica en marcha" in result.stdout
    assert f"SALA_READ_DATABASE_URL='{standby_url}'" in result.stdout.replace("\n", "")
