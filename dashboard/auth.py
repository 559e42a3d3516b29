"""Sign-in for the dashboard: a login page, a signed session and a guard on every request.

Access is open (national scope) until the first active user exists, so a fresh
installation shows its map at once and says how to close it («Acceso abierto: cree
usuarios con `sala users add`»); from then on every page asks for a login and every
callback answers 401 until there is one. The user's scope is re-read from the database
every few seconds, so a disabled account or a changed territory takes effect on the
next request, not at the next login; a new password ends the sessions opened with the
old one.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from flask import Flask, g, jsonify, redirect, request, session
from markupsafe import escape
from sqlalchemy import Engine

from geodata.access import NATIONAL, Scope
from geodata.settings import get_settings
from geodata.users import authenticate, has_active_users, logout, session_state

OPEN_ACCESS_MESSAGE = "Acceso abierto: cree usuarios con «sala users add»"

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# What the browser must fetch to draw the login page and the app's shell.
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
PUBLIC_PATHS = (LOGIN_PATH, LOGOUT_PATH, "/salud")  # /salud: the health check (dashboard.app)
# Data endpoints desktop GIS reads (QGIS, GDAL's OAPIF driver): they have no login page
# and no cookie, so these also take HTTP Basic credentials on each request.
BASIC_AUTH_PREFIXES = ("/ogc", "/tiles/", "/export/")
BASIC_REALM = 'Basic realm="Sala de Autogobierno", charset="UTF-8"'

CACHE_SECONDS = 5.0
SESSION_HOURS = 12  # one room shift, with margin
MAX_FAILURES, FAILURE_WINDOW = 5, 300.0  # per user and address, seconds

_SESSION_KEY = "sala_auth"
_CSRF_KEY = "sala_login_csrf"

_lock = threading.Lock()
_required_cache: dict[str, tuple[float, bool]] = {}
_scope_cache: dict[tuple[str, str], tuple[float, tuple[Scope, str] | None]] = {}
_failures: dict[tuple[str, str], deque] = defaultdict(deque)
# Verified Basic credentials, so a client paging through features is not hashed (scrypt)
# on every request: (user, sha256 of password) -> (time, the account's password stamp).
_basic_cache: dict[tuple[str, str], tuple[float, str]] = {}


def clear_cache() -> None:
    """Forget cached answers (after users are created or changed in this process)."""
    with _lock:
        _required_cache.clear()
        _scope_cache.clear()
        _failures.clear()
        _basic_cache.clear()


def _cached_read(cache: dict, key, engine: Engine, read):
    """`read(conn)`, remembered for CACHE_SECONDS under `key`."""
    now = time.monotonic()
    with _lock:
        cached = cache.get(key)
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    with engine.connect() as conn:
        value = read(conn)
    with _lock:
        cache[key] = (now, value)
    return value


def auth_required(engine: Engine) -> bool:
    """True once at least one active user exists; cached for a few seconds."""
    return _cached_read(_required_cache, engine.url.render_as_string(hide_password=True), engine, has_active_users)


def _fresh_state(engine: Engine, username: str) -> tuple[Scope, str] | None:
    key = (engine.url.render_as_string(hide_password=True), username)
    return _cached_read(_scope_cache, key, engine, lambda conn: session_state(conn, username))


def current_user() -> str | None:
    """The signed-in user's name; None when access is open or nobody is signed in."""
    return g.get("sala_user")


def current_scope() -> Scope:
    """The signed-in user's scope; the whole country while access is open."""
    return g.get("sala_scope") or NATIONAL


def access_is_open() -> bool:
    """True while no user exists (the dashboard shows OPEN_ACCESS_MESSAGE)."""
    return bool(g.get("sala_open", False))


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _wants_json() -> bool:
    if request.path.startswith("/_dash-") or request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    # A page the browser navigates to redirects; an API that asks for JSON gets a 401.
    accept = request.accept_mimetypes
    return accept.quality("application/json") > accept.quality("text/html")


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    root = request.script_root or ""
    if not target:
        return root + "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return root + "/"
    return target


def _original_path() -> str:
    full = request.script_root + request.full_path
    return full[:-1] if full.endswith("?") else full


def _guard(engine_getter: Callable[[], Engine]):
    engine = engine_getter()
    required = auth_required(engine)
    g.sala_open = not required
    if not required:
        g.sala_scope = NATIONAL
        g.sala_user = None
        return None
    state = session.get(_SESSION_KEY)
    if state:
        fresh = _fresh_state(engine, state["user"])
        if fresh is None or fresh[1] != state.get("stamp"):
            # Disabled, removed or given a new password since the login: the session ends.
            session.pop(_SESSION_KEY, None)
        else:
            g.sala_scope = fresh[0]
            g.sala_user = state["user"]
            return None
    if _is_public(request.path):
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
        key = (username, hashlib.sha256(password.encode()).hexdigest())
        now = time.monotonic()
        with _lock:
            cached = _basic_cache.get(key)
        fresh = _fresh_state(engine, username) if cached and now - cached[0] < CACHE_SECONDS * 12 else None
        if fresh is not None and fresh[1] == cached[1]:  # still active, same password
            g.sala_scope, g.sala_user = fresh[0], username
            return None
        failure_key = (username.lower(), request.remote_addr or "")
        if not _too_many_failures(failure_key):
            with engine.begin() as conn:
                scope = authenticate(conn, username, password, source=request.remote_addr)
                state = session_state(conn, username) if scope is not None else None
            if state is not None:
                with _lock:
                    _basic_cache[key] = (now, state[1])
                g.sala_scope, g.sala_user = state[0], username
                return None
            _record_failure(failure_key)
    response = jsonify(error="unauthenticated", message="Credenciales requeridas (usuario y contraseña de Sala).")
    response.status_code = 401
    response.headers["WWW-Authenticate"] = BASIC_REALM
    return response


_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Iniciar sesión · Sala de Autogobierno</title>
<style>
body{{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827;
display:flex;min-height:100vh;align-items:center;justify-content:center}}
main{{background:#fff;padding:2rem 2.25rem;border-radius:10px;box-shadow:0 2px 12px rgba(0,0,0,.08);width:min(22rem,90vw)}}
h1{{font-size:1.25rem;margin:0 0 .25rem}} p.sub{{margin:0 0 1.25rem;color:#6b7280;font-size:.9rem}}
label{{display:block;font-size:.85rem;margin:.75rem 0 .25rem}}
input{{width:100%;box-sizing:border-box;padding:.55rem .6rem;border:1px solid #d1d5db;border-radius:6px;font-size:1rem}}
button{{margin-top:1.25rem;width:100%;padding:.6rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;font-size:1rem;cursor:pointer}}
.error{{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;padding:.5rem .6rem;border-radius:6px;font-size:.9rem}}
.note{{background:#fffbeb;color:#92400e;border:1px solid #fde68a;padding:.5rem .6rem;border-radius:6px;font-size:.9rem}}
</style></head>
<body><main>
<h1>Sala de Autogobierno</h1>
<p class="sub">Iniciar sesión</p>
{message}
<form method="post" action="{action}">
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label for="username">Usuario</label>
<input id="username" name="username" autocomplete="username" value="{username}" required autofocus>
<label for="password">Contraseña</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Entrar</button>
</form>
</main></body></html>
"""


def _login_page(next_url: str, message: str = "", username: str = "", status: int = 200):
    token = session.get(_CSRF_KEY) or secrets.token_urlsafe(24)
    session[_CSRF_KEY] = token
    html = _PAGE.format(
        message=message,
        action=escape(request.script_root + LOGIN_PATH),
        csrf=escape(token),
        next=escape(next_url),
        username=escape(username),
    )
    return html, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


def _too_many_failures(key: tuple[str, str]) -> bool:
    now = time.monotonic()
    with _lock:
        attempts = _failures[key]
        while attempts and now - attempts[0] > FAILURE_WINDOW:
            attempts.popleft()
        return len(attempts) >= MAX_FAILURES


def _record_failure(key: tuple[str, str]) -> None:
    with _lock:
        _failures[key].append(time.monotonic())


def init_auth(server: Flask, engine_getter: Callable[[], Engine]) -> None:
    """Install the login and logout routes and the request guard on the app's Flask server."""
    if not server.secret_key:
        server.secret_key = get_settings().secret_key.get_secret_value()
    server.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    server.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    server.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=SESSION_HOURS)

    server.before_request(lambda: _guard(engine_getter))

    def login():
        next_url = _safe_next(request.values.get("next"))
        if request.method == "GET":
            if access_is_open():
                note = f'<p class="note">{escape(OPEN_ACCESS_MESSAGE)}. <a href="{escape(next_url)}">Ir al mapa</a></p>'
                return _login_page(next_url, note)
            if current_user():
                return redirect(next_url)
            return _login_page(next_url)

        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        expected = session.get(_CSRF_KEY)
        if not expected or not secrets.compare_digest(expected, request.form.get("csrf") or ""):
            message = '<p class="error">El formulario caducó; vuelva a intentarlo.</p>'
            return _login_page(next_url, message, username, status=400)
        key = (username.lower(), request.remote_addr or "")
        if _too_many_failures(key):
            message = '<p class="error">Demasiados intentos fallidos. Espere unos minutos.</p>'
            return _login_page(next_url, message, username, status=429)
        with engine_getter().begin() as conn:
            scope = authenticate(conn, username, password, source=request.remote_addr)
            fresh = session_state(conn, username) if scope is not None else None
        if fresh is None:
            _record_failure(key)
            message = '<p class="error">Usuario o contraseña incorrectos.</p>'
            return _login_page(next_url, message, username, status=401)
        # A new session on login: nothing set before it (e.g. by someone else) carries over.
        session.clear()
        session.permanent = True
        session[_SESSION_KEY] = {"user": username, "stamp": fresh[1], "at": int(time.time())}
        with _lock:
            _scope_cache.pop((engine_getter().url.render_as_string(hide_password=True), username), None)
        return redirect(next_url)

    def logout_view():
        state = session.get(_SESSION_KEY)
        session.clear()
        if state:
            with engine_getter().begin() as conn:
                logout(conn, state["user"], source=request.remote_addr)
        return redirect(request.script_root + LOGIN_PATH)

    server.add_url_rule(LOGIN_PATH, "sala_login", login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "sala_logout", logout_view, methods=["GET", "POST"])
