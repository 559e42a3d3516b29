"""Security headers on every response, and one handler for what nothing else caught.

The Content-Security-Policy allows scripts from this site only, plus the hashes of the
inline scripts Dash writes into its page (the renderer's start and the clientside
callbacks: `Dash.csp_hashes()`, computed once all callbacks are registered). MapLibre
draws in a worker built from a blob URL (`worker-src blob:`); Plotly and React set
inline styles (`style-src 'unsafe-inline'`, styles only). A configured basemap's origin
may serve images and tiles. Pages may not be framed (clickjacking).

Errors: an HTTP error keeps its status with a Spanish body; an unexpected exception is
logged and answered with a Spanish 500 (JSON for callbacks and APIs) — the specific
input faults are handled where they arise, this is the last line only.
"""

from __future__ import annotations

import logging
from functools import cache
from urllib.parse import urlsplit

from dash import Dash
from dash.exceptions import DependencyException
from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

HTTP_MESSAGES = {
    400: "Solicitud no válida.",
    401: "Inicie sesión para continuar.",
    403: "No tiene permiso para esto.",
    404: "No se encontró lo que busca.",
    405: "Método no permitido.",
    413: "La solicitud es demasiado grande.",
    429: "Demasiadas solicitudes; espere un momento.",
}
SERVER_ERROR = "Error interno del servidor; quedó registrado. Vuelva a intentarlo o avise al administrador."


def basemap_origin(url: str | None) -> str | None:
    """The origin a basemap URL template loads from; a `{s}` subdomain becomes a wildcard."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc
    if "{" in host:
        host = "*." + host.split("}", 1)[-1].lstrip(".")
    return f"{parts.scheme}://{host}"


def content_security_policy(script_hashes: list[str], basemap_url: str | None = None) -> str:
    extra = basemap_origin(basemap_url)
    outside = f" {extra}" if extra else ""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob:{outside}",
        "connect-src": f"'self'{outside}",
        "worker-src": "blob:",
        "child-src": "blob:",
        "font-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _wants_json() -> bool:
    path = request.path
    if path.startswith(("/_dash-", "/ogc", "/export/", "/tiles/", "/geo/")):
        return True
    accept = request.accept_mimetypes
    return accept.quality("application/json") > accept.quality("text/html")


def _error_response(status: int, message: str) -> Response:
    if _wants_json():
        response = jsonify(error=status, message=message)
    else:
        response = Response(f'<!doctype html><html lang="es"><meta charset="utf-8"><title>{status}</title>'
                            f"<p>{message}</p></html>", mimetype="text/html")
    response.status_code = status
    return response


def install(app: Dash, basemap_url: str | None = None) -> None:
    server = app.server

    @cache
    def policy() -> str:
        # First asked for by the first request, when every callback has been registered.
        return content_security_policy(app.csp_hashes(), basemap_url)

    @server.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy()
        for name, value in FIXED_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @server.errorhandler(DependencyException)
    def unknown_bundle(_exc):
        # Dash raises this for a component-suite path it does not serve: a missing file.
        return _error_response(404, HTTP_MESSAGES[404])

    @server.errorhandler(Exception)
    def last_resort(exc: Exception):
        if isinstance(exc, HTTPException):
            if exc.code is None or exc.code < 400:
                return exc
            response = _error_response(exc.code, HTTP_MESSAGES.get(exc.code, exc.description or "Error."))
            for name in ("Allow", "WWW-Authenticate", "Retry-After"):
                if name in exc.get_response().headers:
                    response.headers[name] = exc.get_response().headers[name]
            return response
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error_response(500, SERVER_ERROR)
