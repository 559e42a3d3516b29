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
"""

from __future__ import annotations

import csv
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyogrio
from sqlalchemy import Connection

from geodata import errors as sala_errors
from geodata.settings import get_settings
from geodata.vocab import LEVEL_LABELS
from layers.features import (
    WGS84,
    check_crs,
    count_features,
    feature_dict,
    iter_batches,
    iter_rows,
    json_value,
    prepare,
)
from layers.cells import FORMULA_STARTS, spreadsheet_text
from layers.output import ExportError, atomic_path, check_target
from layers.registry import Layer, LayerParams

ATTRIBUTION = "Límites: INE / OCHA vía geoBoundaries, CC BY 3.0 IGO"
SOURCE = "Sala de Autogobierno"


@dataclass(frozen=True)
class Format:
    id: str
    extension: str
    media_type: str
    label: str
    vector: bool = True


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("geojson", ".geojson", "application/geo+json", "GeoJSON"),
        Format("gpkg", ".gpkg", "application/geopackage+sqlite3", "GeoPackage"),
        Format("shp", ".zip", "application/zip", "Shapefile (zip)"),
        Format("kml", ".kml", "application/vnd.google-earth.kml+xml", "KML"),
        Format("csv", ".csv", "text/csv; charset=utf-8", "CSV"),
        Format("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
        Format("png", ".png", "image/png", "Mapa (PNG)", vector=False),
        Format("pdf", ".pdf", "application/pdf", "Mapa (PDF)", vector=False),
    )
}


class ExportTooLarge(sala_errors.TooLarge, ExportError):
    def __init__(self, count: int, cap: int):
        self.count, self.cap = count, cap
        super().__init__(
            f"La exportación tendría {count:,} elementos y el máximo es {cap:,}. "
            "Elija un territorio más pequeño, un periodo más corto o más filtros.".replace(",", ".")
        )


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    count: int


def get_format(fmt: str) -> Format:
    try:
        return FORMATS[fmt.lower()]
    except KeyError:
        raise ExportError(f"Formato desconocido: «{fmt}». Formatos: {', '.join(FORMATS)}.") from None


def format_from_path(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower()
    for f in FORMATS.values():
        if f.extension == suffix and not (suffix == ".zip"):
            return f.id
    return "shp" if suffix == ".zip" else None


def describe_params(conn: Connection, params: LayerParams, layer: Layer | None = None) -> dict[str, str]:
    """The on-screen parameters in Spanish, for file metadata and map margins."""
    from geodata.territory import resolve

    territory = "Venezuela"
    if params.territory:
        node = resolve(conn, params.territory)
        if node is not None:
            territory = f"{LEVEL_LABELS[node.level]} {node.name} ({node.code})"
    info = {"Territorio": territory, "Periodo": period_text(params)}
    if params.consultation_round:
        info["Consulta popular"] = params.consultation_round
    definitions = {f.name: f for f in layer.filters} if layer else {}
    for name, values in (params.filters or {}).items():
        definition = definitions.get(name)
        if definition is None:
            info[f"Filtro {name}"] = ", ".join(values)
            continue
        choices = {k.lower(): v for k, v in (definition.choices or {}).items()}
        info[definition.label] = ", ".join(choices.get(v.lower(), v) for v in values)
    return info


def period_text(params: LayerParams) -> str:
    if params.date_from and params.date_to:
        return f"{params.date_from.isoformat()} a {params.date_to.isoformat()}"
    if params.date_from:
        return f"desde {params.date_from.isoformat()}"
    if params.date_to:
        return f"hasta {params.date_to.isoformat()}"
    return "todo el periodo"


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


# --------------------------------------------------------------------------- CSV


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


# --------------------------------------------------------------------------- GDAL formats


def write_ogr(
    conn: Connection,
    layer: Layer,
    params: LayerParams,
    path: Path,
    *,
    driver: str,
    crs: int = WGS84,
    layer_name: str | None = None,
    columns: dict[str, str] | None = None,
    append_layer: bool = False,
) -> int:
    """Write batch after batch with pyogrio (append), so memory holds one batch at a time."""
    written = 0
    name = layer_name or layer.id
    if layer.geometry_type == "Geometry" and driver == "ESRI Shapefile":
        raise ExportError(
            f"La capa «{layer.id}» mezcla polígonos y puntos, y un Shapefile admite un solo tipo: use GeoPackage o GeoJSON."
        )
    geometry_type = "Unknown" if layer.geometry_type == "Geometry" else layer.geometry_type
    for i, batch in enumerate(iter_batches(conn, layer, params, crs=crs)):
        if columns:
            batch = batch.rename(columns=columns)
        options = {"encoding": "UTF-8"} if driver == "ESRI Shapefile" else {}
        pyogrio.write_dataframe(
            batch,
            path,
            layer=name,
            driver=driver,
            geometry_type=geometry_type,
            promote_to_multi=layer.geometry_type == "MultiPolygon",
            append=(i > 0) or append_layer,
            **options,
        )
        written += len(batch)
    if driver == "GPKG":
        add_gpkg_aliases(path, name, layer, columns)
    return written


def _aliases(layer: Layer) -> list[tuple]:
    """Each field with its alias: its label, made unique within the layer (the schema requires it)."""
    seen: set[str] = set()
    out = []
    for f in layer.fields:
        alias = f.label if f.label not in seen else f"{f.label} ({f.name})"
        seen.add(alias)
        out.append((f, alias))
    return out


def add_gpkg_aliases(path: Path, table: str, layer: Layer, columns: dict[str, str] | None = None) -> None:
    """The fields' Spanish labels as the GeoPackage's column aliases (`gpkg_data_columns`,
    the schema extension: QGIS and GDAL show them as the fields' aliases) and the layer's
    title and description in `gpkg_contents`."""
    import sqlite3

    columns = columns or {}
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, "
            "title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
            "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, "
            "definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        db.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL, 'gpkg_schema', "
            "'http://www.geopackage.org/spec121/#extension_schema', 'read-write')"
        )
        db.executemany(
            "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description) VALUES (?, ?, ?, ?, ?)",
            [(table, columns.get(f.name, f.name), alias, f.label, f"{f.label} ({f.name})") for f, alias in _aliases(layer)],
        )
        db.execute("UPDATE gpkg_contents SET identifier = ?, description = ? WHERE table_name = ?",
                   (layer.title, layer.description or layer.title, table))


def short_names(names: list[str], width: int = 10) -> dict[str, str]:
    """Shapefile (dBase) field names: at most 10 characters, unique, predictable."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        short = name[:width]
        n = 1
        while short.lower() in used:
            suffix = f"_{n}"
            short = name[: width - len(suffix)] + suffix
            n += 1
        used.add(short.lower())
        result[name] = short
    return result


FIELDS_FILE = "CAMPOS.txt"


def write_shapefile_zip(conn: Connection, layer: Layer, params: LayerParams, path: Path, *, crs: int = WGS84) -> None:
    """A zip with .shp/.shx/.dbf/.prj/.cpg (UTF-8) and CAMPOS.txt, the map from cut names to full ones."""
    mapping = short_names(layer.field_names)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".shp-") as folder:
        shp = Path(folder) / f"{layer.id}.shp"
        write_ogr(conn, layer, params, shp, driver="ESRI Shapefile", crs=crs, columns=mapping)
        cpg = shp.with_suffix(".cpg")
        if not cpg.exists():
            cpg.write_text("UTF-8\n", encoding="ascii")
        lines = [
            f"Capa: {layer.title} ({layer.id})",
            f"Sistema de referencia: EPSG:{crs}",
            "Codificación: UTF-8 (ver .cpg). Fechas en ISO 8601 (AAAA-MM-DD), como texto.",
            "Los nombres de campo del formato dBase tienen como máximo 10 caracteres;",
            "los textos de más de 254 caracteres se recortan (use GeoPackage para el texto completo).",
            "",
            "campo_shp\tcampo\tdescripción",
        ]
        lines += [f"{mapping[f.name]}\t{f.name}\t{f.label}" for f in layer.fields]
        (Path(folder) / FIELDS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(folder).iterdir()):
                archive.write(part, arcname=part.name)
