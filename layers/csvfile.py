"""CSV exports and the header rows tables share (CSV, XLSX, the packs' CSV): field names or
their Spanish labels, then the geometry columns (lon/lat or x/y for points, WKT else); text
cells neutralised against formula injection (`layers.cells`)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Connection

from layers.cells import FORMULA_STARTS, spreadsheet_text
from layers.features import WGS84, iter_rows, json_value
from layers.output import ExportError
from layers.registry import Layer, LayerParams


def _csv_value(value):
    # The common types first, by exact type: this runs for every cell of every CSV.
    kind = type(value)
    if kind is str:
        return spreadsheet_text(value) if value[:1] in _GUARDED_STARTS else value
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    return spreadsheet_text(json_value(value))


# A text starting otherwise is never guarded (`geodata.spreadsheet`): skip the call.
_GUARDED_STARTS = frozenset(FORMULA_STARTS) | {"'"}


def geometry_columns(layer: Layer, crs: int) -> list[str]:
    if layer.geometry_type == "Point":
        return ["lon", "lat"] if crs == WGS84 else ["x", "y"]
    return ["wkt"]


LABELS = ("es",)


def check_labels(labels: str | None) -> None:
    if labels is not None and labels not in LABELS:
        raise ExportError(f"Encabezados desconocidos: «{labels}» (use «es» para los nombres en español, u omita la opción).")


def column_headers(layer: Layer, crs: int, labels: str | None = None) -> list[str]:
    """A table's header row: the field names (what `sala load` reads back), or with
    `labels="es"` their Spanish labels; then the geometry columns."""
    if labels == "es":
        spanish = {"lon": "longitud", "lat": "latitud", "x": "x", "y": "y", "wkt": "wkt"}
        return [f.label for f in layer.fields] + [spanish[c] for c in geometry_columns(layer, crs)]
    return layer.field_names + geometry_columns(layer, crs)


def write_csv(conn: Connection, layer: Layer, params: LayerParams, path: Path, *, crs: int = WGS84,
              labels: str | None = None) -> None:
    """UTF-8 with a BOM (so Excel reads the accents); points as lon/lat, polygons as WKT."""
    geometry, precision = csv_geometry(layer, crs)
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(column_headers(layer, crs, labels))
        line = csv_line(layer, crs)
        writer.writerows(line(row) for row in iter_rows(conn, layer, params, crs=crs, geometry=geometry, precision=precision))


def csv_geometry(layer: Layer, crs: int = WGS84) -> tuple[str, int]:
    """How a CSV carries the layer's geometry (`feature_select`'s form) and its decimals."""
    return ("xy" if layer.geometry_type == "Point" else "wkt"), (6 if crs == WGS84 else 2)


def csv_line(layer: Layer, crs: int = WGS84):
    """`line(row)`: a row of `iter_rows` (every field, then the CSV's geometry columns, then
    anything after them, ignored) as the cells of a CSV line."""
    geometry, precision = csv_geometry(layer, crs)
    n = len(layer.fields)
    value = _csv_value
    if geometry == "xy":
        def line(row):
            lon, lat = row[n], row[n + 1]
            return [*map(value, row[:n]), "" if lon is None else round(lon, precision), "" if lat is None else round(lat, precision)]
    else:
        def line(row):
            return [*map(value, row[:n]), row[n] or ""]
    return line
