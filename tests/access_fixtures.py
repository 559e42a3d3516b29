"""The dashboard on the small test tree (tests.dashboard_fixtures) with one user per role,
for the access and hostile-input tests. Import the fixture into a test module:
`from tests.access_fixtures import room_app, room_db_url  # noqa: F401`. Module-scoped:
a test that writes must not disturb the others.
"""

from __future__ import annotations

import uuid

import pytest

from dashboard.app import create_app
from geodata.database import make_engine
from geodata.settings import Settings
from geodata.users import create_user
from layers.boundaries import clear_cache as clear_boundaries
from tests.conftest import create_database_from, drop_database
from tests.dashboard_fixtures import populated_tree
from tests.live_app import PASSWORD

# username -> (role, territory)
USERS = {
    "admin": ("admin", None),
    "op.nacional": ("operator", None),
    "op.miranda": ("operator", "15"),
    "dir.miranda": ("director", "15"),
    "planner": ("planner", None),
}


@pytest.fixture(scope="module")
def room_db_url(template_url):
    """A database of its own for the module: the test tree and one user per role."""
    url = create_database_from(template_url, f"t_room_{uuid.uuid4().hex[:12]}")
    engine = make_engine(url)
    with engine.begin() as conn:
        populated_tree(conn)
        for username, (role, territory) in USERS.items():
            create_user(conn, username, PASSWORD, role, territory)
    engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture(scope="module")
def room_app(room_db_url, data_dir):
    clear_boundaries()
    return create_app(Settings(database_url=room_db_url, data_dir=data_dir, _env_file=None), warm=False)
