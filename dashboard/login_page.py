"""The login form (`/login`), served by `dashboard.auth`: plain HTML with its own style,
so it draws before any of the app's bundles and needs no script."""

from __future__ import annotations

import secrets

from flask import request, session
from markupsafe import escape

CSRF_KEY = "sala_login_csrf"


def csrf_matches(given) -> bool:
    """The form's token is the one this browser was given (compared in constant time,
    as bytes: whatever was typed into the field)."""
    expected = session.get(CSRF_KEY)
    if not isinstance(expected, str) or not isinstance(given, str):
        return False
    return secrets.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def error(text: str) -> str:
    return f'<p class="error">{escape(text)}</p>'


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


def login_page(next_url: str, message: str = "", username: str = "", status: int = 200):
    """The form, with a CSRF token kept in the (signed) session cookie."""
    token = session.get(CSRF_KEY) or secrets.token_urlsafe(24)
    session[CSRF_KEY] = token
    html = _PAGE.format(
        message=message,
        action=escape(request.script_root + "/login"),
        csrf=escape(token),
        next=escape(next_url),
        username=escape(username),
    )
    return html, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
