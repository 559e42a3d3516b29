"""Layer registry, styles, generalisation, exports, vector tiles and printable maps."""
