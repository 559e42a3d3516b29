"""The room's own plotly.js: a partial bundle with only the trace types Sala draws.

Dash's dcc.Graph loads plotly.js lazily from one fixed address
(`/_dash-component-suites/plotly/package_data/plotly.min.js`, the full 4.8 MB bundle of
every trace type). The same address answers here with a bundle of `TRACES` only, built by
`scripts/build-plotly-bundle.sh` from the plotly.js release the installed plotly package
carries, and kept beside its brotli form made once at the strongest setting (no
compression per request): 1.1 MB of brotli becomes ~0.7 MB, still loaded after the page
has drawn its controls. A trace type not in `TRACES` would not draw; `tests/test_plotly_bundle.py`
fails when the code uses one.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from dashboard.prebuilt import Prebuilt

# Every plotly trace type the dashboard's figures use; the build script reads this list.
TRACES = ("bar", "choroplethmap", "densitymap", "scatter", "scattermap")
BUNDLE = Path(__file__).parent / "static" / "plotly-sala.min.js"
DASH_PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PREBUILT = Prebuilt(BUNDLE, "text/javascript")


def register(server: Flask) -> None:
    """Answer Dash's plotly.js address with the partial bundle (a more specific rule than
    Dash's component-suite route, so Werkzeug matches it first)."""

    @server.route(DASH_PLOTLY_PATH)
    def plotly_bundle():
        # The address carries no version: a browser revalidates (304 when unchanged).
        return PREBUILT.response()
