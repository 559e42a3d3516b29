"""Export a layer, exactly as on screen, to GeoJSON, GeoPackage, Shapefile (zip), KML,
CSV, XLSX, PNG or PDF.

Vector formats keep every attribute under its readable name (`Field.name`; the Spanish
labels travel in a side table), dates in ISO 8601 and EPSG:4326 unless another CRS is
asked for. Rows come from a server-side cursor and are written as they arrive (in
batches for the GDAL formats), so a large export never sits whole in memory; a size cap
refuses what is too big before anything is written. Every export is written to a
temporary file beside the output and renamed at the end (`layers.output`: targets that
are not regular files are refused, a full disk is told as such); on failure nothing
half-written is left. Text cells of CSV and XLSX are neutralised against formula
injection (`layers.cells`).

This module runs an export (`check_export`, `export_layer`) and writes GeoJSON; the
formats are in `layers.formats`, CSV in `layers.csvfile`, GeoPackage and Shapefile in
`layers.gdal`, KML and XLSX in `layers.kml` and `layers.xlsx`, the printed maps in
`layers.printing`, what a file says of itself in `layers.describe`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection

from geodata.settings import get_settings
from layers.csvfile import LABELS, check_labels, column_headers, csv_geometry, csv_line, geometry_columns, write_csv
from layers.features import WGS84, check_crs, count_features, feature_dict, iter_rows, prepare
from layers.formats import FORMATS, ExportResult, ExportTooLarge, Format, format_from_path, get_format
from layers.gdal import FIELDS_FILE, add_gpkg_aliases, short_names, write_ogr, write_shapefile_zip
from layers.output import ExportError, atomic_path, check_target
from layers.registry import Layer, LayerParams

__all__ = [  # the names other modules and tests read from here
    "FIELDS_FILE",
    "FORMATS",
    "LABELS",
    "ExportError",
    "ExportResult",
    "ExportTooLarge",
    "Format",
    "add_gpkg_aliases",
    "check_export",
    "check_labels",
    "column_headers",
    "csv_geometry",
    "csv_line",
    "export_layer",
    "format_from_path",
    "geometry_columns",
    "get_format",
    "short_names",
    "write_csv",
    "write_geojson",
    "write_ogr",
    "write_shapefile_zip",
]


def check_export(
    conn: Connection,
    layer_id: str | Layer,
    params: LayerParams | None,
    fmt: str,
    *,
    crs: int = WGS84,
    max_features: int | None = None,
) -> tuple[Layer, LayerParams, Format, int]:
    """What an export needs before anything is written: its layer, resolved parameters,
    format and feature count. Raises UnknownLayer / UnknownTerritory / ExportTooLarge /
    ExportError (a bad format or CRS), so a job can be refused before it is queued."""
    form = get_format(fmt)
    layer, params = prepare(conn, layer_id, params)
    if crs != WGS84:
        if not form.vector:
            raise ExportError("Los mapas impresos se dibujan siempre en EPSG:4326; quite --crs.")
        check_crs(conn, crs)
    cap = max_features or get_settings().export_max_features
    count = count_features(conn, layer, params)
    if count > cap:
        raise ExportTooLarge(count, cap)
    return layer, params, form, count


def export_layer(
    conn: Connection,
    layer_id: str | Layer,
    params: LayerParams | None,
    fmt: str,
    path: str | Path,
    *,
    crs: int = WGS84,
    paper: str = "A4",
    title: str | None = None,
    max_features: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    labels: str | None = None,
) -> ExportResult:
    """Write the layer (territory, period, filters of `params`) to `path` in `fmt`,
    telling `progress(phase, percent)` what it is doing. `labels="es"` heads the columns
    of a CSV or XLSX with the fields' Spanish labels instead of their names.

    Raises UnknownLayer / UnknownTerritory / ExportTooLarge / ExportError before anything
    is written; nothing is left at `path` if writing fails half-way.
    """
    report = progress or (lambda phase, percent: None)
    check_labels(labels)
    check_target(path)
    report("Contando los elementos", 0)
    layer, params, form, count = check_export(conn, layer_id, params, fmt, crs=crs, max_features=max_features)
    report(f"Escribiendo {count:,} elementos en {form.label}".replace(",", "."), 10)
    with atomic_path(path) as tmp:
        if form.id == "geojson":
            write_geojson(conn, layer, params, tmp, crs=crs)
        elif form.id == "csv":
            write_csv(conn, layer, params, tmp, crs=crs, labels=labels)
        elif form.id == "xlsx":
            from layers.xlsx import write_xlsx

            write_xlsx(conn, layer, params, tmp, crs=crs, labels=labels)
        elif form.id == "kml":
            from layers.kml import write_kml

            write_kml(conn, layer, params, tmp)
        elif form.id == "gpkg":
            write_ogr(conn, layer, params, tmp, driver="GPKG", crs=crs)
        elif form.id == "shp":
            write_shapefile_zip(conn, layer, params, tmp, crs=crs)
        else:
            from layers.printing import print_map

            print_map(conn, layer, params, tmp, fmt=form.id, paper=paper, title=title)
    report("Listo", 100)
    return ExportResult(Path(path), form.id, count)


# --------------------------------------------------------------------------- GeoJSON


def write_geojson(conn: Connection, layer: Layer, params: LayerParams, path: Path, *, crs: int = WGS84) -> None:
    precision = 6 if crs == WGS84 else 2
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "name": ' + json.dumps(layer.id))
        if crs != WGS84:
            # RFC 7946 knows only WGS 84; the old `crs` member is what GDAL and QGIS read.
            out.write(', "crs": ' + json.dumps({"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}))
        out.write(', "features": [\n')
        first = True
        for row in iter_rows(conn, layer, params, crs=crs, geometry="geojson", precision=precision):
            if not first:
                out.write(",\n")
            out.write(json.dumps(feature_dict(layer, row, geometry_json=row[-1]), ensure_ascii=False))
            first = False
        out.write("\n]}\n")
