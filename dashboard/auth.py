"""Sign-in for the dashboard: a login page, server-side sessions and a guard on every request.

Access is open (a national administrator, `geodata.permissions.OPEN_ACCESS`) until the
first active user exists, so a fresh installation shows its map at once and says how to
close it («Acceso abierto: cree usuarios con `sala users add`»); from then on every page
asks for a login and every callback answers 401 until there is one.

The session cookie (signed, HttpOnly, SameSite=Lax, Secure over TLS) holds only a random
token; the session itself is a row in the database (`geodata.sessions`), looked up on
every request with no cache, so a logout, a disabled account or a new password ends it
on the next request in every server process. Failed logins are counted from the audit
log per user and real client address (`dashboard.proxy` behind a trusted proxy).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from flask import Flask, g, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from markupsafe import escape
from sqlalchemy import Engine

from dashboard.login_page import csrf_matches, error, login_page
from dashboard.proxy import TrustedProxies
from geodata.access import Scope
from geodata.permissions import OPEN_ACCESS, Actor
from geodata.sessions import SESSION_HOURS, end_session, open_session, session_actor
from geodata.settings import Settings, get_settings
from geodata.users import MAX_FAILURES, account_state, authenticate, failed_logins, has_active_users, logout

OPEN_ACCESS_MESSAGE = "Acceso abierto: cree usuarios con «sala users add»"
TOO_MANY = "Demasiados intentos fallidos. Espere unos minutos."

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# What the browser must fetch to draw the login page and the app's shell: served with no
# database read at all.
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
PUBLIC_PATHS = (LOGIN_PATH, LOGOUT_PATH, "/salud")  # /salud: the health check (dashboard.app)
# Data endpoints desktop GIS reads (QGIS, GDAL's OAPIF driver): they have no login page
# and no cookie, so these also take HTTP Basic credentials on each request.
BASIC_AUTH_PREFIXES = ("/ogc", "/tiles/", "/export/")
BASIC_REALM = 'Basic realm="Sala de Autogobierno", charset="UTF-8"'

_SESSION_KEY = "sala_sid"

# Verified Basic credentials, so a client paging through features is not hashed (scrypt)
# on every request: (user, sha256 of password) -> the account's password stamp. The
# account is still read on every request (`account_state`): a disabled user or a new
# password ends the access at once.
_lock = threading.Lock()
_basic_cache: dict[tuple[str, str], str] = {}
_BASIC_CACHE_SIZE = 1024


def clear_cache() -> None:
    """Forget the verified Basic credentials of this process."""
    with _lock:
        _basic_cache.clear()


def current_actor() -> Actor:
    """Who makes this request: the signed-in user, or the open-access administrator."""
    return g.get("sala_actor") or OPEN_ACCESS


def current_user() -> str | None:
    """The signed-in user's name; None when access is open or nobody is signed in."""
    actor = g.get("sala_actor")
    return actor.username if actor else None


def current_scope() -> Scope:
    """The signed-in user's scope; the whole country while access is open."""
    return current_actor().scope


def access_is_open() -> bool:
    """True while no user exists (the dashboard shows OPEN_ACCESS_MESSAGE)."""
    return bool(g.get("sala_open", False))


def _wants_json() -> bool:
    if request.path.startswith("/_dash-") or request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    # A page the browser navigates to redirects; an API that asks for JSON gets a 401.
    accept = request.accept_mimetypes
    return accept.quality("application/json") > accept.quality("text/html")


def _safe_next(target) -> str:
    """Only a path on this site: never another host (an open redirect), no control characters."""
    root = request.script_root or ""
    if not isinstance(target, str) or not target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return root + "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return root + "/"
    return target


def _original_path() -> str:
    full = request.script_root + request.full_path
    return full[:-1] if full.endswith("?") else full


def _guard(engine_getter: Callable[[], Engine]):
    if request.path.startswith(PUBLIC_PREFIXES):
        return None
    engine = engine_getter()
    token = session.get(_SESSION_KEY)
    if token:
        with engine.connect() as conn:
            actor = session_actor(conn, token)
        if actor is not None:
            g.sala_actor = actor
            return None
        # Logged out, expired, disabled or given a new password: the session is over.
        session.pop(_SESSION_KEY, None)
    with engine.connect() as conn:
        required = has_active_users(conn)
    if not required:
        g.sala_open, g.sala_actor = True, OPEN_ACCESS
        return None
    if request.path in PUBLIC_PATHS:
        return None
    if request.path.startswith(BASIC_AUTH_PREFIXES):
        return _basic_auth(engine)
    if _wants_json():
        response = jsonify(error="unauthenticated", message="Inicie sesión para continuar.", login=request.script_root + LOGIN_PATH)
        response.status_code = 401
        return response
    return redirect(request.script_root + LOGIN_PATH + "?" + urlencode({"next": _original_path()}))


def _basic_auth(engine: Engine):
    """Let a desktop GIS client in with HTTP Basic credentials, or ask it for them."""
    credentials = request.authorization
    if credentials is not None and credentials.type == "basic" and credentials.username:
        username, password = credentials.username, credentials.password or ""
        key = (username, hashlib.sha256(password.encode("utf-8", "replace")).hexdigest())
        with _lock:
            stamp = _basic_cache.get(key)
        with engine.begin() as conn:
            state = account_state(conn, username) if stamp is not None else None
            if state is None or state[1] != stamp:
                state = None
                allowed = failed_logins(conn, username, request.remote_addr) < MAX_FAILURES
                if allowed and authenticate(conn, username, password, source=request.remote_addr) is not None:
                    state = account_state(conn, username)
        if state is not None:
            with _lock:
                if len(_basic_cache) >= _BASIC_CACHE_SIZE:
                    _basic_cache.clear()
                _basic_cache[key] = state[1]
            g.sala_actor = state[0]
            return None
    response = jsonify(error="unauthenticated", message="Credenciales requeridas (usuario y contraseña de Sala).")
    response.status_code = 401
    response.headers["WWW-Authenticate"] = BASIC_REALM
    return response


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure whenever this request came over TLS (directly, or
    through a trusted proxy that says so: `dashboard.proxy`)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_auth(server: Flask, engine_getter: Callable[[], Engine], settings: Settings | None = None) -> None:
    """Install the login and logout routes, the request guard, the session cookie's
    attributes and the trusted-proxy reading on the app's Flask server."""
    settings = settings or get_settings()
    if not server.secret_key:
        server.secret_key = settings.secret_key.get_secret_value()
    # Assigned, not setdefault: Flask's default config already holds these keys.
    server.config["SESSION_COOKIE_HTTPONLY"] = True
    server.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    server.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=SESSION_HOURS)
    server.session_interface = _SessionInterface()
    if settings.trusted_proxy_networks:
        server.wsgi_app = TrustedProxies(server.wsgi_app, settings.trusted_proxy_networks)

    server.before_request(lambda: _guard(engine_getter))

    def login():
        next_url = _safe_next(request.values.get("next"))
        if request.method == "GET":
            if access_is_open():
                note = f'<p class="note">{escape(OPEN_ACCESS_MESSAGE)}. <a href="{escape(next_url)}">Ir al mapa</a></p>'
                return login_page(next_url, note)
            if current_user():
                return redirect(next_url)
            return login_page(next_url)

        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        if not csrf_matches(request.form.get("csrf")):
            return login_page(next_url, error("El formulario caducó; vuelva a intentarlo."), username, status=400)
        if "\x00" in username or "\x00" in password:
            return login_page(next_url, error("El formulario contiene caracteres no válidos."), status=400)
        client = request.remote_addr
        with engine_getter().begin() as conn:
            if failed_logins(conn, username, client) >= MAX_FAILURES:
                return login_page(next_url, error(TOO_MANY), username, status=429)
            scope = authenticate(conn, username, password, source=client)
            token = open_session(conn, username, source=client) if scope is not None else None
        if token is None:
            return login_page(next_url, error("Usuario o contraseña incorrectos."), username, status=401)
        # A new session on login: nothing set before it (e.g. by someone else) carries over.
        session.clear()
        session.permanent = True
        session[_SESSION_KEY] = token
        return redirect(next_url)

    def logout_view():
        token, user = session.get(_SESSION_KEY), current_user()
        session.clear()
        if token:
            with engine_getter().begin() as conn:
                end_session(conn, token)
                if user:
                    logout(conn, user, source=request.remote_addr)
        return redirect(request.script_root + LOGIN_PATH)

    server.add_url_rule(LOGIN_PATH, "sala_login", login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "sala_logout", logout_view, methods=["GET", "POST"])
