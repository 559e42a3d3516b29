"""Per-request access to the app's engine, settings and the signed-in user (actor, scope).

Callbacks and routes run inside a Flask request, so they reach what `create_app` put in
the server's config; nothing here opens a connection by itself.
"""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Engine

from geodata.access import Scope
from geodata.permissions import OPEN_ACCESS, Actor
from geodata.settings import Settings


def engine() -> Engine:
    return current_app.config["SALA_ENGINE_GETTER"]()


def read_engine() -> Engine:
    """The engine for reads: the standbys of SALA_READ_DATABASE_URL first, the primary when
    none answers (or without them). What a user just wrote is read back from `engine()`:
    a standby may not have replayed it yet."""
    return current_app.config["SALA_READ_ENGINE_GETTER"]()


def settings() -> Settings:
    return current_app.config["SALA_SETTINGS"]


def jobs():
    """The queue that runs this server's long exports (`layers.jobs.JobQueue`)."""
    return current_app.config["SALA_JOBS"]


def actor() -> Actor:
    """Who makes this request (dashboard.auth); the open-access administrator when the app
    runs without the login module."""
    getter = current_app.config.get("SALA_ACTOR_GETTER")
    return getter() if getter else OPEN_ACCESS


def scope() -> Scope:
    """The scope of the signed-in user; the whole country while access is open."""
    return actor().scope


def username() -> str | None:
    return actor().username


def base_url() -> str:
    """The site's origin as the browser reached it (tile URLs must be absolute for MapLibre)."""
    return request.host_url.rstrip("/")
