"""MapLibre GL JS for the room's map (`assets/room-map.js`), served from this app.

The room draws its map with MapLibre directly instead of through plotly.js, whose bundle
(≈ 680 kB brotli, MapLibre included) was most of the first visit's bytes and of its
blocking time. The release is the one plotly.js carries, vendored by
`scripts/vendor-maplibre.sh` (BSD-3-Clause, `static/LICENSE-maplibre-gl.txt`); only the
room's page asks for it (`dashboard.bundles`), at a versioned address cached a year.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Flask, abort, request

from dashboard.prebuilt import Prebuilt

MAPLIBRE_VERSION = "4.7.1"
STATIC = Path(__file__).parent / "static"
SCRIPT = Prebuilt(STATIC / "maplibre-gl.js", "text/javascript")
STYLE = Prebuilt(STATIC / "maplibre-gl.css", "text/css")
FILES = {"maplibre-gl.js": SCRIPT, "maplibre-gl.css": STYLE}
ROUTE = "/_sala/"


@cache
def url(name: str, prefix: str = "/") -> str:
    return f"{prefix.rstrip('/')}{ROUTE}{name}?v={FILES[name].version}"


def register(server: Flask) -> None:
    @server.route(ROUTE + "<name>")
    def maplibre_file(name: str):
        prebuilt = FILES.get(name)
        if prebuilt is None:
            abort(404)
        return prebuilt.response(immutable=request.args.get("v") == prebuilt.version)
