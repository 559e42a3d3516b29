"""Per-request access to the app's engine, settings and the signed-in user's scope.

Callbacks and routes run inside a Flask request, so they reach what `create_app` put in
the server's config; nothing here opens a connection by itself.
"""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Engine

from geodata.access import NATIONAL, Scope
from geodata.settings import Settings


def engine() -> Engine:
    return current_app.config["SALA_ENGINE_GETTER"]()


def settings() -> Settings:
    return current_app.config["SALA_SETTINGS"]


def jobs():
    """The queue that runs this server's long exports (`layers.jobs.JobQueue`)."""
    return current_app.config["SALA_JOBS"]


def scope() -> Scope:
    """The scope of the signed-in user (dashboard.auth); the whole country when the app
    runs without the login module."""
    getter = current_app.config.get("SALA_SCOPE_GETTER")
    return getter() if getter else NATIONAL


def username() -> str | None:
    getter = current_app.config.get("SALA_USER_GETTER")
    user = getter() if getter else None
    if user is None:
        return None
    return getattr(user, "username", None) or (user.get("username") if isinstance(user, dict) else str(user))


def base_url() -> str:
    """The site's origin as the browser reached it (tile URLs must be absolute for MapLibre)."""
    return request.host_url.rstrip("/")
