"""The GDAL exports (GeoPackage with the Spanish labels as column aliases, Shapefile zipped
with its CAMPOS.txt), written batch after batch with pyogrio."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pyogrio
from sqlalchemy import Connection

from layers.features import WGS84, iter_batches
from layers.output import ExportError
from layers.registry import Layer, LayerParams


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
