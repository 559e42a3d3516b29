"""The room's partial plotly.js bundle: it holds every trace type the code draws, and it is
what Dash's plotly.js address serves (pre-compressed, revalidated)."""

from __future__ import annotations

import re

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from dashboard.plotly_bundle import BUNDLE, DASH_PLOTLY_PATH, TRACES
from tests.conftest import ROOT

TRACE_TYPES = {name.lower() for name in dir(go)
               if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)}
# A trace written as a dict (`"type": "bar"`, `type="scattermap"`) or built with go.Bar(...).
USES = re.compile(r"""(?:["']type["']\s*:\s*|\btype\s*=\s*)["']([a-z0-9]+)["']|\bgo\.([A-Z][A-Za-z0-9]+)\(""")


def traces_in_code() -> set[str]:
    found = set()
    for folder in ("dashboard", "layers"):
        for path in (ROOT / folder).rglob("*.py"):
            for literal, constructor in USES.findall(path.read_text(encoding="utf-8")):
                name = (literal or constructor).lower()
                if name in TRACE_TYPES:
                    found.add(name)
    return found


def test_the_bundle_holds_every_trace_type_the_code_draws():
    used = traces_in_code()
    assert {"choroplethmap", "scattermap", "bar"} <= used  # the scan finds the room's own figures
    assert used <= set(TRACES), f"add {sorted(used - set(TRACES))} to TRACES and run scripts/build-plotly-bundle.sh"


def test_the_bundle_is_built_from_the_installed_plotly_release():
    from plotly.offline import get_plotlyjs_version

    head = BUNDLE.read_text(encoding="utf-8")[:300]
    assert f"plotly.js v{get_plotlyjs_version()}, Sala partial bundle: {' '.join(TRACES)}" in head


def test_dash_plotly_address_serves_the_partial_bundle_precompressed(demo_url, data_dir):
    from dashboard.app import create_app
    from geodata.settings import Settings

    app = create_app(Settings(database_url=demo_url, data_dir=data_dir, _env_file=None), warm=False)
    client = app.server.test_client()
    response = client.get(DASH_PLOTLY_PATH, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert len(response.data) < 800_000  # the full bundle is 1.1 MB of brotli at the same setting
    assert response.data == BUNDLE.with_name(BUNDLE.name + ".br").read_bytes()
    assert "immutable" not in response.headers["Cache-Control"]
    again = client.get(DASH_PLOTLY_PATH, headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    plain = client.get(DASH_PLOTLY_PATH, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.data.startswith(b"/* plotly.js v")
