"""Test session: a throwaway embedded PostGIS started with the same code as `sala db up`.

If it cannot start, every test that needs it errors loudly; nothing is skipped.
Each test that asks for `db_url` or `engine` gets its own database copied from a
migrated template, so tests may commit freely and still not see each other.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from geodata.database import make_engine
from geodata.service import bring_up
from geodata.settings import Settings

# The tests' notification sinks listen on loopback: the webhook allow-list (empty by default,
# so no webhook is accepted) names it for the whole session and the processes it starts.
os.environ.setdefault("SALA_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DATA = ROOT / "geodata" / "reference"
# The workplace's shared reference data sits beside the checkout; a user's clone has only
# the package's copy of the same files.
SHARED_DATA = ROOT.parent / "shared" / "data" / "venezuela"
if not SHARED_DATA.is_dir():
    SHARED_DATA = REFERENCE_DATA


@pytest.fixture(scope="session")
def data_dir():
    # mkdtemp makes a 0700 folder; the server user (postgres, when root) must pass through it.
    folder = Path(tempfile.mkdtemp(prefix="sala-test-"))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def test_settings(data_dir) -> Settings:
    return Settings(database_url=None, data_dir=data_dir, db_port=0, _env_file=None)


@pytest.fixture(scope="session")
def template_url(test_settings):
    """The migrated database that per-test databases are copied from."""
    from geodata.database import embedded_cluster

    cluster = embedded_cluster(test_settings)
    url = bring_up(test_settings)  # fails the session loudly if PostGIS cannot start
    # A throwaway cluster need not survive a crash: its commits do not wait for the disk
    # (a sixth of the suite's time). The durable default is tested on a private cluster.
    from sqlalchemy.pool import NullPool

    engine = make_engine(url, poolclass=NullPool)  # no session left in the template database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ALTER ROLE CURRENT_USER SET synchronous_commit = off"))
    engine.dispose()
    yield url
    cluster.stop()


def create_database_from(template: str, name: str) -> str:
    """A new database copied from the template database of `template` URL."""
    from sqlalchemy.pool import NullPool

    admin = make_engine(make_url(template).set(database="postgres").render_as_string(hide_password=False), poolclass=NullPool)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"'))
    admin.dispose()
    return make_url(template).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    from sqlalchemy.pool import NullPool

    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False), poolclass=NullPool)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_url(template_url):
    url = create_database_from(template_url, f"t_{uuid.uuid4().hex[:12]}")
    yield url
    drop_database(url)


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def cli_env(db_url):
    """Environment for running the `sala` command against this test's database."""
    env = dict(os.environ)
    env["SALA_DATABASE_URL"] = db_url
    return env


# The day the session's demo is generated for: a session that runs past midnight still
# compares it with data generated for the same day.
DEMO_TODAY = dt.date.today()
# What the session's small demo planted for the room to find (its spike and CLAP gaps).
DEMO_PATTERNS: dict = {}


@pytest.fixture(scope="session")
def demo_url(template_url):
    """A database with the small demo (seed 1, today's date) loaded through the ETL, shared by
    the whole session: read from it, never write to it (use `engine` for a private database)."""
    from etl.demo import load_demo

    url = create_database_from(template_url, "demo_small")
    eng = make_engine(url)
    try:
        summary = load_demo(eng, scale="small", seed=1, today=DEMO_TODAY)
        DEMO_PATTERNS.update(spike=summary.patterns.spike_municipality, clap_gaps=list(summary.clap_left_behind),
                             silent=sorted(summary.patterns.silent_councils),
                             water_hotspots=list(summary.patterns.water_hotspots))
    finally:
        eng.dispose()
    # A frozen copy nobody connects to, so tests that write get their own copy of the demo
    # (`demo_copy_url`) while others hold connections to this one.
    frozen = create_database_from(url, "demo_small_frozen")
    yield url
    drop_database(frozen)
    drop_database(url)


def _demo_copy(demo_url: str) -> str:
    frozen = make_url(demo_url).set(database="demo_small_frozen").render_as_string(hide_password=False)
    return create_database_from(frozen, f"t_demo_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def demo_copy_url(demo_url):
    """A private copy of the small demo, for a test that writes (users, acknowledgements…)."""
    url = _demo_copy(demo_url)
    yield url
    drop_database(url)


@pytest.fixture(scope="module")
def demo_copy_module_url(demo_url):
    """The same, shared by the tests of one module."""
    url = _demo_copy(demo_url)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def demo_patterns(demo_url) -> dict:
    """What the small demo planted: `spike` (a municipality code), `clap_gaps` (codes) and
    `water_hotspots` (the councils at the centre of weak water service)."""
    return DEMO_PATTERNS


@pytest.fixture(scope="session")
def demo_engine(demo_url):
    eng = make_engine(demo_url)
    yield eng
    eng.dispose()
