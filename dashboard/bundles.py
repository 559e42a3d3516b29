"""Which scripts the room's page loads, and when: what the first screen draws comes with
the page, what sits below it comes when it is needed.

- **AG Grid on demand.** Dash writes every component library's bundle into the page as a
  blocking script; AG Grid's is 1.3 MB (≈ 350 kB brotli, and a ≈ 250 kB chunk it loads
  itself), for a ranked table below the map. Its resource is marked `dynamic` here (Dash
  still serves it at its fingerprinted address, cached a year, but writes no script tag),
  its address goes in a `<meta name="sala-grid-script">`, and `assets/lazy-grid.js`
  stands in for the library: a light `AgGrid` that keeps the grid's place (no layout
  shift) and loads the real bundle once the grid reaches the viewport, takes the pointer
  or the focus, or someone asks for its API (`getApiAsync`).
  Only the room (`/`) defers it: every other page with a grid shows it on its first
  screen, so there the bundle stays an ordinary script of the page (`page_scripts`).
- **The first screen's own chunks with the page.** dcc loads its dropdown, date picker,
  slider and graph code as async chunks once a component asks for it, and draws nothing
  in its place meanwhile: the side panel and the timeline grew as each arrived (layout
  shift) and the map's plotly.js could only be requested after the graph's chunk. These
  four (≈ 50 kB brotli together, every one on the room's first screen) are ordinary
  scripts of the page instead; webpack finds them installed when a component asks.
- **No @babel/polyfill.** Dash writes a 99 kB polyfill of ES2015+ (core-js 2) before React,
  for browsers older than any the room supports. Evaluating it is one long task of the
  first paint, and its timer polyfills then carry React's scheduling. dash-renderer and
  dash_table need only its `regeneratorRuntime`, which `assets/00-regenerator-runtime.js`
  defines (an asset: written before them).
- **The room's map without plotly.js.** The room draws its map with MapLibre
  (`dashboard.maplibre_bundle`, ≈ 175 kB brotli, its script preloaded from the head) and
  its weekly charts, below the grid, mount when they are reached: plotly.js (≈ 680 kB) is
  then not part of the room's first visit. Other pages draw Plotly on their first
  screen, and preload it.
"""

from __future__ import annotations

import functools
import os

import dash_ag_grid
from dash import _dash_renderer, dcc
from dash.fingerprint import build_fingerprint
from markupsafe import escape

from dashboard import maplibre_bundle, plotly_bundle

GRID_BUNDLE = "dash_ag_grid.min.js"
GRID_META = "sala-grid-script"
FIRST_SCREEN_CHUNKS = ("dcc/async-dropdown.js", "dcc/async-datepicker.js", "dcc/async-slider.js", "dcc/async-graph.js")
POLYFILL = "polyfill@"


def install() -> None:
    """Defer the grid's bundle, bring the first screen's chunks forward and drop the
    polyfill (process-wide: Dash reads the resource lists at each page; call it after
    `Dash()`, which sets React's)."""
    for resource in _dash_renderer._js_dist_dependencies:
        for key in ("external_url", "relative_package_path"):
            for mode, paths in resource.get(key, {}).items():
                resource[key][mode] = [p for p in paths if POLYFILL not in p]
    for resource in dash_ag_grid._js_dist:
        if resource.get("relative_package_path") == GRID_BUNDLE:
            resource["dynamic"] = True
    for resource in dcc._js_dist:
        if resource.get("relative_package_path") in FIRST_SCREEN_CHUNKS:
            resource.pop("async", None)


@functools.cache
def grid_bundle_url(prefix: str = "/") -> str:
    """The grid bundle's fingerprinted address, as Dash would have written it in the page
    (the installed file does not change while the process runs: read its date once, not on
    every page)."""
    path = os.path.join(os.path.dirname(dash_ag_grid.__file__), GRID_BUNDLE)
    fingerprint = build_fingerprint(GRID_BUNDLE, dash_ag_grid.__version__, int(os.stat(path).st_mtime))
    return f"{prefix}_dash-component-suites/dash_ag_grid/{fingerprint}"


def is_room(path: str, prefix: str = "/") -> bool:
    return path in (prefix, prefix.rstrip("/") or "/")


def head_tags(path: str, prefix: str = "/", boundaries: str | None = None) -> str:
    """What the page's head gains: the addresses of the grid's bundle and of MapLibre (which
    the room's map fetches when it is reached from another page); on the room, MapLibre's
    style, the preload of its script and of the `boundaries` file its map fetches first
    (as `fetch()` asks for it: same-origin credentials); elsewhere plotly.js's preload."""
    script, style = maplibre_bundle.url("maplibre-gl.js", prefix), maplibre_bundle.url("maplibre-gl.css", prefix)
    tags = (f'<meta name="{GRID_META}" content="{escape(grid_bundle_url(prefix))}">'
            f'<meta name="sala-maplibre-script" content="{escape(script)}">'
            f'<meta name="sala-maplibre-style" content="{escape(style)}">')
    if is_room(path, prefix):
        tags += f'<link rel="stylesheet" href="{escape(style)}"><link rel="preload" href="{escape(script)}" as="script">'
        if boundaries:
            tags += f'<link rel="preload" href="{escape(boundaries)}" as="fetch" crossorigin="anonymous">'
        return tags
    plotly = prefix.rstrip("/") + plotly_bundle.DASH_PLOTLY_PATH
    return tags + f'<link rel="preload" href="{escape(plotly)}" as="script">'


def page_scripts(scripts: str, path: str, prefix: str = "/") -> str:
    """The page's script tags, right before the app's own assets (after React): on the room,
    MapLibre; on any other page, the grid's bundle among them again."""
    if is_room(path, prefix):
        tag = f'<script src="{escape(maplibre_bundle.url("maplibre-gl.js", prefix))}"></script>'
    else:
        tag = f'<script src="{escape(grid_bundle_url(prefix))}"></script>'
    at = scripts.find('<script src="' + prefix + "assets/")
    return scripts[:at] + tag + scripts[at:] if at >= 0 else tag + scripts
