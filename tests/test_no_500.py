"""No input produces a 500: every route of the app and every registered Dash callback,
walked with hostile values (NUL, huge and negative numbers, wrong types, deep nesting,
foreign and unknown territories), as the national administrator and as a director."""

from __future__ import annotations

import copy
import json
import re
from urllib.parse import quote

import pytest

from tests.access_fixtures import room_app, room_db_url, signed_in  # noqa: F401
from tests.live_app import DashCaller, pattern_id

HUGE = "9" * 30


def _deep(levels: int):
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


# Values a callback input may receive from a crafted request.
HOSTILE_VALUES = [
    None, [], {}, "", "01", "9999", HUGE, 10**30, -1, 1.5e308, True, "x" * 20_000, "\x00",
    _deep(40), {"points": "x"}, {"points": [{"location": {"a": 1}, "customdata": [None, {}, [], 7]}]},
    [{"a": 1}, None, 3], {"territory": "01"}, {"territory": 10**30, "layers": [1, None], "indicator": ["x"]},
    {"since": "ayer"}, {"rowId": ["01"]}, ["cases", 5, None],
]
# Values a path segment or query argument may carry.
HOSTILE_TEXT = ["\x00", HUGE, "-1", "0", "x" * 3000, "%FF", "../..", "[]", "{\"a\":1}", "é", "01", "9999", " "]
QUERY_KEYS = ["territory", "from", "to", "round", "paper", "title", "crs", "f", "bbox", "limit", "offset", "datetime",
              "status", "category", "stage", "overdue", "colour", "next", "v", "caso"]
REALISTIC = {"layer_id": "cases", "collection_id": "cases", "fid": "C1", "code": "0101", "fmt": "csv", "z": "0", "x": "0",
             "y": "0", "path": "operador", "filename": "sala.css", "package_name": "dash", "fingerprinted_path": "x.js"}


def _build(rule, values: dict) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", quote(values.get(name, REALISTIC.get(name, "x")), safe=""), path)
    return path


def _routes(app):
    return [rule for rule in app.server.url_map.iter_rules() if rule.endpoint != "static"]


@pytest.mark.parametrize("username", ["admin", "dir.miranda"])
def test_every_route_with_hostile_paths_and_queries(room_app, username):
    client = signed_in(room_app, username)
    failures = []

    def hit(method: str, url: str, **kwargs):
        response = client.open(url, method=method, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method} {url[:120]} -> {response.status_code}")

    for rule in _routes(room_app):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for name in rule.arguments:
            for value in HOSTILE_TEXT:
                for method in methods:
                    hit(method, _build(rule, {name: value}))
        # The planning pack builds a PDF: only the arguments it reads, to keep the walk short.
        keys = ["from", "to", "round", "paper"] if "pack" in rule.rule else QUERY_KEYS
        for key in keys:
            for value in HOSTILE_TEXT:
                for method in methods:
                    hit(method, f"{_build(rule, {})}?{quote(key)}={quote(value, safe='')}")
        if "POST" in methods:
            for value in HOSTILE_TEXT:
                hit("POST", _build(rule, {}), data={"username": value, "password": value, "csrf": value, "next": value})
    assert not failures, "\n".join(failures)


def _entry(spec_id, value=None, fill="x"):
    """A concrete component of a (possibly wildcard) dependency id."""
    if isinstance(spec_id, dict):
        concrete = {k: (fill if isinstance(v, list) else v) for k, v in spec_id.items()}
        return {"id": concrete, "value": value}
    return value


def _baseline(dep) -> dict:
    values = {}
    for spec in dep["inputs"] + dep["state"]:
        spec_id = pattern_id(spec["id"])
        key = f"{spec['id']}.{spec['property']}"
        values[key] = [_entry(spec_id, 1)] if isinstance(spec_id, dict) else None
    return values


def _changed(spec) -> str:
    spec_id = pattern_id(spec["id"])
    if isinstance(spec_id, dict):
        return json.dumps(_entry(spec_id)["id"], separators=(",", ":")) + "." + spec["property"]
    return f"{spec['id']}.{spec['property']}"


@pytest.mark.parametrize("username", ["admin", "dir.miranda"])
def test_every_callback_with_hostile_values(room_app, username):
    client = signed_in(room_app, username)
    caller = DashCaller.flask(client)
    failures = []

    def send(body, what: str):
        response = client.post("/_dash-update-component", json=body)
        if response.status_code >= 500:
            failures.append(f"{body['output'][:60]} {what} -> {response.status_code}")

    for dep in caller.dependencies:
        if dep.get("clientside_function"):
            continue
        baseline = _baseline(dep)
        for position, spec in enumerate(dep["inputs"] + dep["state"]):
            key = f"{spec['id']}.{spec['property']}"
            spec_id = pattern_id(spec["id"])
            trigger = spec if position < len(dep["inputs"]) else dep["inputs"][0]
            for value in HOSTILE_VALUES:
                values = copy.deepcopy(baseline)
                values[key] = [_entry(spec_id, value)] if isinstance(spec_id, dict) else value
                send(caller.body(dep, values, [_changed(trigger)]), f"{key}={str(value)[:40]}")
            if isinstance(spec_id, dict):  # the wildcard part of the id itself
                for fill in (10**30, None, {"a": 1}, [1], "\x00", "x" * 5000):
                    values = copy.deepcopy(baseline)
                    values[key] = [_entry(spec_id, 1, fill)]
                    changed = json.dumps(_entry(spec_id, 1, fill)["id"], separators=(",", ":")) + "." + spec["property"]
                    send(caller.body(dep, values, [changed]), f"{key} id={str(fill)[:40]}")
    assert not failures, "\n".join(failures)
