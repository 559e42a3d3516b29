#!/usr/bin/env bash
# Refreshes dashboard/static/maplibre-gl.js and .css (+ .br of each) and its licence from the
# npm package maplibre-gl at MAPLIBRE_VERSION (dashboard/maplibre_bundle.py): the release
# plotly.js carries, so the room map and Plotly's maps draw alike. Needs npm. Commit the files.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$($PY -c "from dashboard.maplibre_bundle import MAPLIBRE_VERSION; print(MAPLIBRE_VERSION)")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "maplibre-gl@$version" >/dev/null && tar xzf "maplibre-gl-$version.tgz")
# The source map is not shipped: drop the comment that would make browsers ask for it.
sed '/^\/\/# sourceMappingURL=/d' "$work/package/dist/maplibre-gl.js" > dashboard/static/maplibre-gl.js
cp "$work/package/dist/maplibre-gl.css" dashboard/static/maplibre-gl.css
cp "$work/package/LICENSE.txt" dashboard/static/LICENSE-maplibre-gl.txt
$PY -c "
import brotli, pathlib
for name in ('maplibre-gl.js', 'maplibre-gl.css'):
    p = pathlib.Path('dashboard/static') / name
    pathlib.Path(str(p) + '.br').write_bytes(brotli.compress(p.read_bytes(), quality=11))
    print(p, p.stat().st_size, 'bytes;', str(p) + '.br', pathlib.Path(str(p) + '.br').stat().st_size, 'bytes')"
