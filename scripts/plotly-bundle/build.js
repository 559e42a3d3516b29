// esbuild of entry.js (written by scripts/build-plotly-bundle.sh) into one minified IIFE that
// sets window.Plotly, with the plugins and aliases of plotly.js's own esbuild-config.js.
// Usage: node build.js <outfile> <banner text>
const esbuild = require('esbuild');
const path = require('path');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

esbuild.build({
    entryPoints: ['./entry.js'],
    outfile: process.argv[2],
    banner: { js: `/* ${process.argv[3]}. plotly.js: Copyright Plotly, Inc., MIT licence. */` },
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    // maplibre-gl (the map traces) uses BigInt literals: ES2020 at least.
    target: 'es2020',
    nodePaths: [path.join(__dirname, 'node_modules/plotly.js/node_modules'), path.join(__dirname, 'node_modules')],
    logLevel: 'warning',
}).catch(() => process.exit(1));
