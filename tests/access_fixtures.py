"""The dashboard on the small test tree (tests.dashboard_fixtures) with one user per role,
for the access and hostile-input tests. Import the fixture into a test module:
`from tests.access_fixtures import room_app, room_db_url  # noqa: F401`. Module-scoped:
a test that writes must not disturb the others.
"""

from __future__ import annotations

import re
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


def seed(conn) -> None:
    """The test tree with its records, and one user per role (USERS)."""
    populated_tree(conn)
    for username, (role, territory) in USERS.items():
        create_user(conn, username, PASSWORD, role, territory)


def csrf(client, base_url: str = "http://localhost") -> str:
    page = client.get("/login", base_url=base_url).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def login(client, username: str, password: str = PASSWORD, base_url: str = "http://localhost", **headers):
    """Post the login form as a browser would (the answer: 302 signed in, else the form)."""
    form = {"username": username, "password": password, "csrf": csrf(client, base_url), "next": "/"}
    return client.post("/login", data=form, headers=headers, base_url=base_url)


def signed_in(app, username: str):
    """A Flask test client of `app` signed in as `username`."""
    client = app.server.test_client()
    assert login(client, username).status_code == 302
    return client


@pytest.fixture(scope="module")
def room_db_url(template_url):
    """A database of its own for the module: the test tree and one user per role."""
    url = create_database_from(template_url, f"t_room_{uuid.uuid4().hex[:12]}")
    engine = make_engine(url)
    with engine.begin() as conn:
        seed(conn)
    engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture(scope="module")
def room_app(room_db_url, data_dir):
    clear_boundaries()
    return create_app(Settings(database_url=room_db_url, data_dir=data_dir, _env_file=None), warm=False)
