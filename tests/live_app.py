"""The real app served by waitress in a thread, and a client that talks to it as a browser
(or an attacker replaying its requests) would: login form, cookies, Dash callbacks.

`DashCaller` builds the body of a `POST /_dash-update-component` from the app's own
`/_dash-dependencies`, so a test names a callback by one of its outputs and gives the
values it wants to send — crafted ones included.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager

import requests

from dashboard import ids
from geodata.settings import Settings

PASSWORD = "una-clave-larga-1"


@contextmanager
def serve(database_url: str, data_dir, **settings):
    """Yield the base URL of the dashboard on `database_url`, served on a free port."""
    import waitress

    from dashboard.app import create_app

    app = create_app(Settings(database_url=database_url, data_dir=data_dir, _env_file=None, **settings), warm=False)
    server = waitress.create_server(app.server, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()


def login(base: str, username: str, password: str = PASSWORD, **headers) -> requests.Session:
    """A browser session signed in through the login form (fails the test if it cannot)."""
    http = requests.Session()
    http.headers.update(headers)
    page = http.get(f"{base}/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = http.post(f"{base}/login", data={"username": username, "password": password, "csrf": csrf, "next": "/"},
                         allow_redirects=False)
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    return http


def pattern_id(id_text: str):
    """A dependency id as Dash sends it: a pattern-matching id is JSON with wildcards."""
    return json.loads(id_text) if id_text.startswith("{") else id_text


class DashCaller:
    """Calls the app's callbacks the way dash-renderer does, with any values."""

    def __init__(self, post, get):
        self._post, self._get = post, get
        self._deps: list[dict] | None = None

    @classmethod
    def over_http(cls, http: requests.Session, base: str) -> DashCaller:
        return cls(lambda body: http.post(f"{base}/_dash-update-component", json=body),
                   lambda path: http.get(base + path).json())

    @classmethod
    def flask(cls, client) -> DashCaller:
        return cls(lambda body: client.post("/_dash-update-component", json=body), lambda path: client.get(path).get_json())

    @property
    def dependencies(self) -> list[dict]:
        if self._deps is None:
            self._deps = self._get("/_dash-dependencies")
        return self._deps

    def dependency(self, output_part: str) -> dict:
        found = [d for d in self.dependencies if output_part in d["output"] and not d.get("clientside_function")]
        assert len(found) == 1, f"{len(found)} callbacks have an output like {output_part!r}"
        return found[0]

    def body(self, dep: dict, values: dict, changed: list[str] | None = None) -> dict:
        """The request body for `dep`; `values` maps "id.property" (or a wildcard dependency's
        "id.property" as in /_dash-dependencies) to the value sent (a list of
        {"id": …, "value": …} for a wildcard)."""

        def item(spec: dict):
            key = f"{spec['id']}.{spec['property']}"
            if spec["id"].startswith("{"):
                return [{"id": entry["id"], "property": spec["property"], "value": entry.get("value")} for entry in values.get(key, [])]
            return {"id": spec["id"], "property": spec["property"], "value": values.get(key)}

        outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in _outputs(dep["output"])]
        return {
            "output": dep["output"],
            "outputs": outputs if dep["output"].startswith("..") else outputs[0],
            "inputs": [item(spec) for spec in dep["inputs"]],
            "state": [item(spec) for spec in dep["state"]],
            "changedPropIds": changed if changed is not None else [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
        }

    def call(self, output_part: str, values: dict, changed: list[str] | None = None):
        return self._post(self.body(self.dependency(output_part), values, changed))


def _outputs(output: str) -> list[str]:
    """The "id.property" of each output of a callback's output key (dropping Dash's
    allow_duplicate suffix)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [part.split("@")[0] for part in parts]


def response_outputs(response) -> dict:
    """The values a callback response sets, as {"id.property": value}."""
    data = response.json() if hasattr(response, "json") and callable(response.json) else response.get_json()
    out = {}
    for component_id, props in data.get("response", {}).items():
        for prop, value in props.items():
            out[f"{component_id}.{prop}"] = value
    return out


ACK_INPUT = json.dumps({"key": ["ALL"], "type": ids.ALERT_ACK}, separators=(",", ":"))
NOTE_STATE = json.dumps({"key": ["ALL"], "type": ids.ALERT_NOTE}, separators=(",", ":"))


def acknowledge(caller: DashCaller, key: str, note: str, territory):
    """The acknowledgement callback as the browser sends it for the button of `key`, on
    an alerts page whose store says `territory`."""
    values = {
        f"{ACK_INPUT}.n_clicks": [{"id": {"key": key, "type": ids.ALERT_ACK}, "value": 1}],
        f"{NOTE_STATE}.value": [{"id": {"key": key, "type": ids.ALERT_NOTE}, "value": note}],
        f"{NOTE_STATE}.id": [{"id": {"key": key, "type": ids.ALERT_NOTE}, "value": {"key": key, "type": ids.ALERT_NOTE}}],
        f"{ids.ALERTS_VIEW}.data": {"territory": territory},
    }
    changed = [json.dumps({"key": key, "type": ids.ALERT_ACK}, separators=(",", ":")) + ".n_clicks"]
    return caller.call(f"{ids.ALERTS}.children", values, changed)


def shift_note_body(caller: DashCaller, note: str) -> dict:
    values = {f"{ids.SHIFT_SAVE}.n_clicks": 1, f"{ids.SHIFT_NOTE}.value": note}
    return caller.body(caller.dependency(f"{ids.SHIFT_LOG}.children"), values)


def message(response) -> str:
    """What the alerts page's message line says after a callback."""
    assert response.status_code == 200, response.text if hasattr(response, "text") else response.get_data(as_text=True)
    return str(response_outputs(response).get(f"{ids.OPS_MESSAGE}.children"))
