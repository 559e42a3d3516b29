"""The application factory: `create_app()` gives the Dash app of the room.

Offline by design: every script and style is served by this app (no CDN), compressed,
and fingerprinted bundles are cached by browsers for a year, so a repeat visit fetches
only data. Geometry is served by URL (`dashboard.geo`) and cached the same way.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from pathlib import Path

import dash
from dash import Dash, dcc, html
from flask import Flask, Response, jsonify, request
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from dashboard import auth, bundles, headers, ids, maplibre_bundle, plotly_bundle, request_guard, static_cache, texts
from dashboard.geo import register_geo_routes
from dashboard.room_vm import country_boundaries_url
from layers import web
from geodata.database import get_engine, get_read_engine, is_unavailable, ping
from geodata.embedded import EmbeddedError
from layers.jobs import JobQueue
from geodata.settings import Settings, get_settings

HERE = Path(__file__).parent
YEAR = 31536000
# Answers 200 when the database does, 503 while it cannot be reached; the page polls it
# to know when to retry (assets/database-unavailable.js). Public: it tells nothing else.
HEALTH_PATH = "/salud"

# Dash's page, in Spanish: `lang` tells screen readers and the browser (hyphenation,
# date inputs) which language they read.
INDEX_STRING = """<!DOCTYPE html>
<html lang="es">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""
# What the page shows until Dash's renderer has drawn it (Dash's own says "Loading...").
APP_ENTRY = """<div id="react-entry-point"><div class="_dash-loading" role="status">Cargando la sala…</div></div>"""
RETRY_SECONDS = 5


def _cache_headers(response):
    """A year of caching for what Dash fingerprints (component suites, assets with ?m=)."""
    path = request.path
    if path == plotly_bundle.DASH_PLOTLY_PATH:
        return response  # no fingerprint in its address: revalidated (it sets its own headers)
    if response.status_code == 200 and (
        path.startswith("/_dash-component-suites/") or (path.startswith("/assets/") and "m" in request.args)
    ):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


_UNAVAILABLE_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{seconds}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="margin:0;font-family:system-ui,sans-serif;color:#1f2a33;background:#f4f6f8">
<p role="alert" style="margin:0;padding:10px 16px;text-align:center;background:#fff3cd;color:#5c4300;
border-bottom:2px solid #e0a800;font-weight:600">{message}</p>
<h1 style="font-size:20px;margin:16px">{title}</h1></body></html>
"""


def _database_unavailable(exc: Exception):
    """503 with the Spanish message while the database cannot be reached (stopped,
    restarting): a Dash callback or data route gets JSON the page's script understands, a
    page the browser navigates to gets a page that reloads itself. Any other database
    error is not ours to soften."""
    if not is_unavailable(exc):
        raise exc
    logging.getLogger(__name__).warning("database unavailable: %s", str(exc).splitlines()[0])
    accept = request.accept_mimetypes
    if not request.path.startswith("/_dash-") and accept.quality("text/html") > accept.quality("application/json"):
        page = _UNAVAILABLE_PAGE.format(seconds=RETRY_SECONDS, title=escape(texts.APP_TITLE), message=escape(texts.DB_UNAVAILABLE))
        response = Response(page, mimetype="text/html")
    else:
        response = jsonify(error="database_unavailable", message=texts.DB_UNAVAILABLE)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response


def _register_database_health(server: Flask, engine_getter) -> None:
    for error in (DBAPIError, EmbeddedError):
        server.register_error_handler(error, _database_unavailable)

    def health():
        ping(engine_getter())  # raises while the database is away: the handler's 503
        response = jsonify(status="ok")
        response.headers["Cache-Control"] = "no-store"
        return response

    server.add_url_rule(HEALTH_PATH, "health", health)


# dcc's dropdown, date picker and slider are React.lazy components that draw nothing on their
# first render, then themselves a frame later: the page's controls grew as they did (layout
# shift). One of each, hidden, in the shell renders while the page's content is still on its
# way, so when it arrives React already holds their code and draws them at once.
_WARM_COMPONENTS = html.Div(
    [dcc.Dropdown(options=[]), dcc.DatePickerRange(), dcc.Slider(min=0, max=1)], hidden=True, className="warm-components"
)


def shell() -> html.Div:
    """What every page shares: title bar, navigation, demo badge, the page container."""
    return html.Div(
        [
            html.Header(
                [
                    html.Div(
                        [html.H1(texts.APP_TITLE, className="app-title"), html.Span(texts.APP_SUBTITLE, className="app-subtitle")],
                        className="brand",
                    ),
                    html.Nav(
                        [
                            dcc.Link(texts.NAV_ROOM, href="/", className="nav-link"),
                            dcc.Link(texts.NAV_SOLUTIONS, href="/soluciones", className="nav-link"),
                            dcc.Link(texts.NAV_COMMUNAL, href="/comunal", className="nav-link"),
                            dcc.Link(texts.NAV_OPERATOR, href="/operador", className="nav-link"),
                        ],
                        id=ids.NAV,
                    ),
                    html.Div(id=ids.DEMO_BADGE),
                    html.Div(id=ids.ACCESS_NOTICE, className="access-notice"),
                    html.Div(id=ids.USER, className="user"),
                ],
                className="app-header",
            ),
            html.Main(dash.page_container, className="app-main"),
            _WARM_COMPONENTS,
        ],
        className="app",
    )


def create_app(settings: Settings | None = None, warm: bool = True) -> Dash:
    """The Dash app; with `warm`, the national and state views are computed in the
    background at start-up so the first visit and first drill-down answer from cache."""
    settings = settings or get_settings()

    @cache
    def engine_getter():
        return get_engine(settings)

    @cache
    def read_engine_getter():
        return get_read_engine(settings)

    # Compression settings must be in place before Dash initialises Flask-Compress.
    server = Flask(__name__)
    server.config.update(
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/geo+json",
        ],
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=500,
        # Bundles are compressed once and kept (dashboard.static_cache); data is not kept.
        COMPRESS_CACHE_KEY=static_cache.cache_key,
        COMPRESS_CACHE_BACKEND=static_cache.StaticCompressedCache,
    )
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        suppress_callback_exceptions=True,
        serve_locally=True,
        compress=True,
        title=texts.APP_TITLE,
        update_title=None,
        index_string=INDEX_STRING,
    )
    # Dash interpolates its English placeholder into {%app_entry%}: ours is in Spanish. The
    # head names the grid's deferred bundle and preloads the map's library (dashboard.bundles).
    bundles.install()
    prefix = app.config.requests_pathname_prefix

    def head(path: str) -> str:
        # The room's page also preloads the country's boundary file (every view draws it);
        # without the database the page is still written, without that preload.
        boundaries = None
        if bundles.is_room(path, prefix):
            try:
                boundaries = country_boundaries_url(read_engine_getter())
            except SQLAlchemyError:
                boundaries = None
        return bundles.head_tags(path, prefix, boundaries)

    app.interpolate_index = lambda **parts: Dash.interpolate_index(app, **{
        **parts, "app_entry": APP_ENTRY, "metas": parts.get("metas", "") + head(request.path),
        "scripts": bundles.page_scripts(parts.get("scripts", ""), request.path, prefix)})
    server.config["SALA_SETTINGS"] = settings
    server.config["SALA_ENGINE_GETTER"] = engine_getter
    server.config["SALA_READ_ENGINE_GETTER"] = read_engine_getter
    server.secret_key = settings.secret_key.get_secret_value()
    request_guard.install(server, lambda: app.callback_map)
    auth.init_auth(server, engine_getter, settings)
    _register_database_health(server, engine_getter)
    # Every page, callback and route then runs as the signed-in user (an Actor: role and scope).
    server.config["SALA_ACTOR_GETTER"] = auth.current_actor
    register_geo_routes(server, read_engine_getter, auth.current_actor)
    jobs = JobQueue.from_settings(engine_getter, settings)
    web.register(server, engine_getter, auth.current_actor, jobs=jobs, read_engine_getter=read_engine_getter)
    plotly_bundle.register(server)
    maplibre_bundle.register(server)
    server.after_request(_cache_headers)
    headers.install(app, settings.basemap_url)
    app.layout = shell()

    from dashboard.callbacks import register_all

    register_all(app)
    threading.Thread(target=_recover_jobs, args=(jobs,), name="sala-export-jobs", daemon=True).start()
    if warm:
        threading.Thread(target=_warm, args=(read_engine_getter,), name="sala-warm-up", daemon=True).start()
    return app


def _recover_jobs(jobs: JobQueue) -> None:
    """Export jobs left unfinished by a server process that is gone are failed, so nobody waits for them."""
    try:
        failed = jobs.recover()
    except Exception:  # the database may be down at start: the jobs stay as they are until the next start
        logging.getLogger(__name__).exception("could not check the export jobs left by earlier servers")
        return
    if failed:
        logging.getLogger(__name__).warning("%d export jobs of a stopped server marked as failed", failed)


def _warm(engine_getter) -> None:
    from dashboard.viewmodels import warm_up

    try:
        warm_up(engine_getter())
    except Exception:  # a cold cache is only slower: never let warming stop the app
        logging.getLogger(__name__).exception("warm-up failed; views will be computed on first use")
