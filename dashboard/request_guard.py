"""Requests no browser of ours sends are refused with a 400 before any code reads them.

- A NUL character anywhere a value is read from (path, query, form, HTTP Basic
  credentials): PostgreSQL refuses it in strings, and no real input holds one.
- A Dash callback request (`POST /_dash-update-component`) that is not what
  dash-renderer sends for a callback of this app: not a JSON object, nested deeper than
  any component property, naming no registered callback, or with inputs, state, outputs
  or changed properties of another shape than the callback declares. What is left —
  the values themselves — each callback unpacks with `dashboard.inputs`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask, jsonify, request

from geodata import errors as sala_errors

CALLBACK_PATH = "/_dash-update-component"
MAX_DEPTH = 64  # a figure's nesting is ~10; a crafted body of 100,000 brackets is refused

NUL_MESSAGE = "La solicitud contiene caracteres no válidos."
CALLBACK_MESSAGE = "Solicitud de actualización no válida."


class BadRequest(sala_errors.InvalidInput):
    pass


def _refuse(message: str):
    response = jsonify(error="bad_request", message=message)
    response.status_code = 400
    return response


def _has_nul(*values) -> bool:
    return any(isinstance(v, str) and "\x00" in v for v in values)


def _nul_in_request() -> bool:
    if "\x00" in request.path:
        return True
    for multi in (request.args, request.form):
        for key, values in multi.lists():
            if _has_nul(key, *values):
                return True
    auth = request.authorization
    return auth is not None and _has_nul(auth.username, auth.password)


def _walk(body) -> None:
    """Refuse nesting deeper than MAX_DEPTH and NUL in any string (iteratively: a deep
    body must not exhaust the stack here either)."""
    stack = [(body, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest("anidamiento excesivo")
        if isinstance(value, str):
            if "\x00" in value:
                raise BadRequest("carácter NUL")
        elif isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _wildcard(spec_id) -> bool:
    return isinstance(spec_id, dict)


def _matches(spec_id, sent_id) -> bool:
    """A concrete id sent for a declared one: equal, or for a wildcard id the same keys
    with the fixed values equal."""
    if not _wildcard(spec_id):
        return sent_id == spec_id
    if not isinstance(sent_id, dict) or set(sent_id) != set(spec_id):
        return False
    return all(isinstance(v, list) or sent_id[k] == v for k, v in spec_id.items())


def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _check_items(declared: list[dict], sent, what: str) -> None:
    if not isinstance(sent, list) or len(sent) != len(declared):
        raise BadRequest(f"{what}: se esperaban {len(declared)}")
    for spec, item in zip(declared, sent):
        spec_id = _parse_id(spec["id"])
        entries = item if _wildcard(spec_id) else [item]
        if not isinstance(entries, list):
            raise BadRequest(f"{what}: forma inesperada")
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("property") != spec["property"] or not _matches(spec_id, entry.get("id")):
                raise BadRequest(f"{what}: {spec['id']}.{spec['property']}")


def _changed_id(text) -> None:
    if not isinstance(text, str) or "." not in text:
        raise BadRequest("changedPropIds")
    component, _, _prop = text.rpartition(".")
    if component.startswith("{"):
        try:
            if not isinstance(json.loads(component), dict):
                raise BadRequest("changedPropIds")
        except (ValueError, RecursionError):
            raise BadRequest("changedPropIds") from None


# Dash's own page router reads the address bar's parts as a browser gives them; it fails
# (500) on anything else, so only that reaches it.
_LOCATION = "_pages_location"
_LOCATION_PREFIX = {"pathname": "/", "search": "?", "hash": "#"}


def _check_location(items) -> None:
    for item in items:
        if isinstance(item, dict) and item.get("id") == _LOCATION and item.get("property") in _LOCATION_PREFIX:
            value, prefix = item.get("value"), _LOCATION_PREFIX[item["property"]]
            if value is None or (isinstance(value, str) and (value == "" and prefix != "/" or value.startswith(prefix))):
                continue
            raise BadRequest(f"{_LOCATION}.{item['property']}")


def check_callback_body(body, callback_map: dict) -> None:
    """Raise BadRequest unless `body` has the shape dash-renderer sends for a registered callback."""
    if not isinstance(body, dict):
        raise BadRequest("se esperaba un objeto JSON")
    _walk(body)
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise BadRequest("callback desconocido")
    callback = callback_map[output]
    outputs = body.get("outputs")
    declared = output[2:-2].split("...") if output.startswith("..") else [output]
    sent = outputs if isinstance(outputs, list) and output.startswith("..") else [outputs]
    if callback.get("no_output"):
        sent, declared = [], []
    if len(sent) != len(declared) or not all(
        isinstance(o, dict) and f"{o.get('id')}.{str(o.get('property')).split('@')[0]}" == d.split("@")[0]
        for o, d in zip(sent, declared)
    ):
        raise BadRequest("outputs")
    _check_items(callback["inputs"], body.get("inputs"), "inputs")
    _check_items(callback["state"], body.get("state", []), "state")
    _check_location([*body["inputs"], *body.get("state", [])])
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list):
        raise BadRequest("changedPropIds")
    for text in changed:
        _changed_id(text)


def install(server: Flask, callback_map: Callable[[], dict]) -> None:
    """Refuse NUL and malformed callback requests; install it before sign-in, which reads
    the credentials. `callback_map` gives the app's (complete once the first request runs)."""

    def guard():
        if _nul_in_request():
            return _refuse(NUL_MESSAGE)
        if request.path == CALLBACK_PATH and request.method == "POST":
            try:
                body = json.loads(request.get_data(cache=True) or b"null")
                check_callback_body(body, callback_map())
            except (ValueError, RecursionError) as exc:  # BadRequest is a ValueError; so is bad JSON
                detail = str(exc) if isinstance(exc, BadRequest) else "JSON inválido"
                return _refuse(f"{CALLBACK_MESSAGE} ({detail})")
        return None

    server.before_request(guard)
