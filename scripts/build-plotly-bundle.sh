#!/usr/bin/env bash
# Rebuilds dashboard/static/plotly-sala.min.js (+ .br): plotly.js with only the trace types in
# dashboard/plotly_bundle.py TRACES, from the plotly.js release the installed plotly package
# carries. Needs Node.js 20+ and npm (packages from the npm registry, into a temporary folder).
# Run it after upgrading plotly or adding a trace type; commit both files.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$($PY -c "from plotly.offline import get_plotlyjs_version; print(get_plotlyjs_version())")
traces=$($PY -c "from dashboard.plotly_bundle import TRACES; print(' '.join(TRACES))")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp scripts/plotly-bundle/build.js "$work/"
(
  cd "$work"
  npm install --no-audit --no-fund --silent "plotly.js@$version" esbuild@0.24.0 esbuild-plugin-inline-css@0.0.1 \
      esbuild-plugin-environment@0.5.0 esbuild-plugin-glsl@1.4.2
  {
    echo "var Plotly = require('plotly.js/lib/core');"
    echo "Plotly.register(["
    for t in $traces; do [ "$t" = scatter ] || echo "    require('plotly.js/lib/$t'),"; done
    echo "]);"
    echo "module.exports = Plotly;"
  } > entry.js
  node build.js "$work/plotly-sala.min.js" "plotly.js v$version, Sala partial bundle: $traces"
)
mkdir -p dashboard/static
cp "$work/plotly-sala.min.js" dashboard/static/plotly-sala.min.js
$PY -c "
import brotli, pathlib
p = pathlib.Path('dashboard/static/plotly-sala.min.js')
pathlib.Path(str(p) + '.br').write_bytes(brotli.compress(p.read_bytes(), quality=11))
print(p, p.stat().st_size, 'bytes;', str(p) + '.br', pathlib.Path(str(p) + '.br').stat().st_size, 'bytes')"
