"""Layer registry, styles, generalisation, exports, vector tiles and printable maps.

Where things live: `registry` (every layer, its fields, filters and query), `features`
(a layer's features as rows, GeoJSON or a GeoDataFrame), `points`/`density` (the room's
record points and heat map), `boundaries` (the cached children boundaries the map draws),
`classify`/`thematic`, `exports`/`xlsx`/`kml`/`output` (files), `tiles` (vector tiles),
`ogc` (OGC API – Features), `web` (the HTTP routes: tiles, exports, the pack, OGC),
`jobs` (long exports), `printing`/`atlas`/`pack*`/`minutes*`/`advice*` (printed maps
and documents), `cli` (`sala export`…). Generalised geometry is `geodata.generalise`'s.
"""
