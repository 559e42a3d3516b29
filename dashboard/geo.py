"""HTTP routes for the geometry the map references by URL: `/geo/children/<code>.json`.

The URL carries the boundary version (`?v=`), so a response can be cached for good: a
new boundary load changes the version and with it every URL. The scope decides what is
in the file, hence `private` caching (a shared proxy must not hand one user's file to
another).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, abort, jsonify, request
from sqlalchemy import Engine

from geodata.access import ScopeError
from geodata.permissions import Action, Actor, PermissionDenied
from layers.boundaries import COUNTRY, boundary_version, children_boundaries

LONG_CACHE = "private, max-age=31536000, immutable"
REVALIDATE = "private, no-cache"


def _revalidated(etag: str) -> bool:
    """True when the browser already holds this version. Flask-Compress marks the ETag of a
    compressed response (`"…:br"`), so the tag comes back with that suffix."""
    return any(tag.split(":")[0] == etag for tag in request.if_none_match)


def register_geo_routes(server: Flask, engine_getter: Callable[[], Engine], actor_getter: Callable[[], Actor]) -> None:
    @server.route("/geo/children/<code>.json")
    def geo_children(code: str):
        actor = actor_getter()
        try:
            actor.require(Action.READ)
        except PermissionDenied as exc:
            return jsonify(error=str(exc)), 403
        parent = None if code == COUNTRY else code
        with engine_getter().connect() as conn:
            version = boundary_version(conn)
            try:
                boundaries = children_boundaries(conn, parent, actor.scope)
            except ScopeError:
                abort(404)
        etag = f"{version}-{boundaries.etag}"
        cache = LONG_CACHE if request.args.get("v") == version else REVALIDATE
        if _revalidated(etag):
            response = Response(status=304)
        else:
            response = Response(boundaries.body, mimetype="application/geo+json")
        response.set_etag(etag)
        response.headers["Cache-Control"] = cache
        return response
