"""Reading any accepted file in chunks: vector formats through pyogrio, CSV through pandas,
XLSX through openpyxl (etl.excel).

Every reader yields `Chunk`s of at most `chunk_rows` rows, so a file of a million rows is
never held whole. Values come out as text (None for blank) with the file's own column
names; geometries as shapely arrays in the file's CRS, which `Source.crs` tells. What a
reader cannot take as it is (a NUL byte, a formula never calculated) travels with the chunk
as a problem of that row; a file whose text mixes encodings (etl.encodings) or a shapefile
missing one of its parts is refused naming what is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from etl.encodings import detect_encoding, scan_text
from etl.errors import LoadError
from geodata.spreadsheet import unguard

VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".kml", ".zip"}
# What GDAL's KML drivers add to every placemark: the format's furniture, not data.
KML_FURNITURE = {"id", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder",
                 "icon", "snippet"}
TABLE_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CHUNK_ROWS = 100_000


@dataclass
class Chunk:
    frame: pd.DataFrame  # text values (object dtype, None for blank), the file's column names
    geometry: np.ndarray | None  # shapely geometries, or None when the file has no geometry column
    first_row: int  # 1-based number of the chunk's first record
    wkb: np.ndarray | None = None  # the file's own WKB, passed through when a geometry needs no change
    # Cells the reader could not take as they are: (row in the chunk, column, reason). Their
    # rows are rejected with the reason when the load uses the column (etl.validate).
    problems: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Source:
    path: Path
    columns: list[str]
    crs: str | None  # as the file states it (EPSG:xxxx or WKT); None when it says nothing
    has_geometry: bool
    total_rows: int | None
    encoding: str | None
    reader: object  # a callable giving the chunk iterator

    def chunks(self) -> Iterator[Chunk]:
        return self.reader()


def file_sha256(path: Path) -> str:
    """Checksum of the file, or of every file of a shapefile folder in name order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with open(file, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def open_source(path: Path, *, layer: str | None = None, chunk_rows: int | None = None) -> Source:
    """Recognise the format and open it; a file that cannot be read raises LoadError naming it."""
    if not path.exists():
        raise LoadError("el archivo no existe", file=str(path))
    chunk_rows = chunk_rows or CHUNK_ROWS
    suffix = path.suffix.lower()
    try:
        if path.is_dir() or suffix in VECTOR_SUFFIXES:
            return _open_vector(path, layer, chunk_rows)
        if suffix in TABLE_SUFFIXES:
            return _open_csv(path, chunk_rows)
        if suffix in EXCEL_SUFFIXES:
            from etl.excel import open_xlsx  # here: it builds on this module's Chunk and Source

            return open_xlsx(path, layer, chunk_rows)
    except LoadError:
        raise
    except Exception as exc:  # the reader's own words are what tells the operator what is wrong
        raise LoadError(f"no se puede leer el archivo: {exc}", file=str(path)) from exc
    raise LoadError(
        "formato no reconocido (se aceptan GeoJSON, GeoPackage, Shapefile, FlatGeobuf, KML, CSV y XLSX)", file=str(path)
    )


# --- vector formats -----------------------------------------------------------------------------


def _vector_target(path: Path, layer: str | None) -> tuple[str, str | None, Path | None]:
    """GDAL path, layer, and the .dbf to sniff when a shapefile has no .cpg."""
    if path.is_dir():
        shps = sorted(path.glob("*.shp"))
        if not shps:
            _refuse_incomplete_shapefile([p.name for p in path.iterdir()], path)
            raise LoadError("la carpeta no contiene ningún .shp", file=str(path))
        chosen = _choose(shps, layer, path, lambda p: p.stem)
        _refuse_incomplete_shapefile([p.name for p in path.iterdir()], path, chosen.stem)
        return str(chosen), None, None if chosen.with_suffix(".cpg").exists() else chosen.with_suffix(".dbf")
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        shps = [n for n in names if n.lower().endswith(".shp")]
        others = [n for n in names if n.lower().endswith((".gpkg", ".geojson", ".fgb", ".json"))]
        if shps:
            inner = _choose(shps, layer, path, lambda n: Path(n).stem)
            stem = inner[: -len(".shp")]
            _refuse_incomplete_shapefile(names, path, stem)
            if not any(n.lower() == (stem + ".cpg").lower() for n in names):
                return f"/vsizip/{path}/{inner}", None, Path(f"{path}::{stem}.dbf")
            return f"/vsizip/{path}/{inner}", None, None
        if others:
            return f"/vsizip/{path}/{others[0]}", layer, None
        _refuse_incomplete_shapefile(names, path)
        raise LoadError("el .zip no contiene ningún shapefile ni capa vectorial", file=str(path))
    if path.suffix.lower() == ".shp":
        _refuse_incomplete_shapefile([p.name for p in path.parent.iterdir()], path, path.stem)
        if not path.with_suffix(".cpg").exists():
            return str(path), layer, path.with_suffix(".dbf")
    return str(path), layer, None


SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")  # without any of them GDAL reads no shapes or no attributes


def _refuse_incomplete_shapefile(names: list[str], path: Path, stem: str | None = None) -> None:
    """Name the part a shapefile lacks (`stem`: its name without extension, as listed in
    `names`; without it, the shapefile that the other parts in `names` belong to)."""
    lower = {n.lower() for n in names}
    if stem is None:
        parts = [n for n in names if n.lower().endswith(SHAPEFILE_PARTS[1:])]
        if not parts:
            return
        stem = parts[0][:-4]
    for suffix in SHAPEFILE_PARTS:
        if (stem + suffix).lower() not in lower:
            raise LoadError(
                f"falta el archivo {Path(stem).name}{suffix} del shapefile: un shapefile son varios archivos del mismo "
                "nombre (.shp las geometrías, .shx su índice, .dbf los atributos; .prj y .cpg opcionales) "
                "y deben venir juntos",
                file=str(path),
            )


def _choose(items, layer, path, name_of):
    if layer:
        for item in items:
            if name_of(item).lower() == layer.lower():
                return item
        raise LoadError(f"no hay capa «{layer}» (capas: {', '.join(name_of(i) for i in items)})", file=str(path))
    if len(items) > 1:
        raise LoadError(f"hay varias capas; elija una con --layer ({', '.join(name_of(i) for i in items)})", file=str(path))
    return items[0]


def _dbf_sample(dbf: Path) -> bytes:
    if "::" in str(dbf):
        archive, inner = str(dbf).split("::", 1)
        with zipfile.ZipFile(archive) as zf:
            match = next((n for n in zf.namelist() if n.lower() == inner.lower()), None)
            if match is None:
                return b""
            with zf.open(match) as handle:
                return handle.read(4 << 20)
    if not dbf.exists():
        return b""
    with open(dbf, "rb") as handle:
        return handle.read(4 << 20)


def _open_vector(path: Path, layer: str | None, chunk_rows: int) -> Source:
    target, layer, dbf = _vector_target(path, layer)
    if layer is None and not target.lower().endswith(".shp"):
        layers = [str(name) for name, _ in pyogrio.list_layers(target)]
        if len(layers) > 1:
            raise LoadError(f"hay varias capas; elija una con --layer ({', '.join(layers)})", file=str(path))
    elif layer is not None and not target.lower().endswith(".shp"):
        layers = [str(name) for name, _ in pyogrio.list_layers(target)]
        if layer not in layers:
            raise LoadError(f"no hay capa «{layer}» (capas: {', '.join(layers)})", file=str(path))
    encoding = None
    if dbf is not None:
        sample = _dbf_sample(dbf)
        # The dBase header holds no text; field values follow it, names are ASCII anyway.
        encoding = detect_encoding(sample[32:]) if sample else None
        encoding = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(encoding, encoding and encoding.upper())
    info = pyogrio.read_info(target, layer=layer, encoding=encoding)
    columns = [str(c) for c in info["fields"]]
    if target.lower().endswith(".kml"):
        columns = [c for c in columns if c not in KML_FURNITURE]
    total = int(info["features"]) if info["features"] is not None and info["features"] >= 0 else None
    has_geometry = info["geometry_type"] is not None

    def reader() -> Iterator[Chunk]:
        skip = 0
        while True:
            meta, _fids, geoms, values = pyogrio.raw.read(
                target, layer=layer, encoding=encoding, skip_features=skip, max_features=chunk_rows, force_2d=True
            )
            count = len(values[0]) if len(values) else (len(geoms) if geoms is not None else 0)
            if count == 0:
                return
            frame = pd.DataFrame({name: _as_text(col) for name, col in zip(meta["fields"], values)}, columns=columns)
            with np.errstate(invalid="ignore"):  # a NaN coordinate is validation's to reject, not a warning
                geometry = shapely.from_wkb(geoms) if geoms is not None else None
            yield Chunk(frame, geometry, skip + 1, geoms)
            skip += count
            if count < chunk_rows:
                return

    return Source(path, columns, info["crs"], has_geometry, total, encoding, reader)


def _as_text(values) -> np.ndarray:
    """A column of any type as text: integers without `.0`, dates as ISO, blanks as None."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(str).astype(object)
    if array.dtype.kind == "f":
        out = np.full(array.shape, None, dtype=object)
        finite = np.isfinite(array)
        whole = finite & (np.mod(array, 1, where=finite, out=np.zeros_like(array)) == 0) & (np.abs(array) < 1e15)
        out[whole] = array[whole].astype(np.int64).astype(str)
        rest = finite & ~whole
        out[rest] = array[rest].astype(str)
        return out
    if array.dtype.kind == "M":
        out = np.full(array.shape, None, dtype=object)
        ok = ~np.isnat(array)
        text = np.datetime_as_string(array[ok], unit="s")
        out[ok] = [t[:10] if t.endswith("T00:00:00") else t for t in text]
        return out
    if array.dtype.kind == "b":
        return array.astype(str).astype(object)
    out = array.astype(object)
    for i, value in enumerate(out):
        if value is not None and not isinstance(value, str):
            out[i] = None if (isinstance(value, float) and value != value) else scalar_text(value)
    return out


def scalar_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


# --- CSV ----------------------------------------------------------------------------------------


def _open_csv(path: Path, chunk_rows: int) -> Source:
    with open(path, "rb") as handle:
        sample = handle.read(1 << 20)
    if not sample.strip():
        raise LoadError("el archivo está vacío", file=str(path))
    scan = scan_text(path)  # the whole file: its lines, and whether it mixes encodings
    scan.refuse_if_mixed(str(path))
    encoding = scan.encoding(sample)
    head = sample[:65536].decode(encoding, errors="replace")
    first_line = head.splitlines()[0] if head else ""
    delimiter = max(",;\t|", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    columns = next(csv.reader(io.StringIO(first_line), delimiter=delimiter))
    columns = [c.strip() for c in columns]
    total = scan.lines - 1

    def reader() -> Iterator[Chunk]:
        chunks = pd.read_csv(
            path,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding=encoding,
            chunksize=chunk_rows,
            skipinitialspace=False,
            header=0,
            names=columns,
            skip_blank_lines=True,
        )
        first = 1
        try:
            for frame in chunks:
                frame = frame.astype(object).where(frame != "", None)
                frame.index = range(len(frame))
                yield Chunk(frame, None, first, problems=_text_cells(frame))
                first += len(frame)
        except UnicodeDecodeError as exc:
            raise LoadError(f"texto no legible como {encoding} cerca de la fila {first}: {exc}", file=str(path)) from exc
        except pd.errors.ParserError as exc:
            raise LoadError(f"CSV mal formado: {exc}", file=str(path), row=first) from exc

    return Source(path, columns, None, False, max(total, 0), encoding, reader)


NUL_REASON = "«{column}» contiene un carácter nulo (byte 0x00): el archivo parece dañado o no es texto"


def _text_cells(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """Take the formula guard off a CSV chunk's cells and find its NUL bytes, which no text
    column can store: their rows are returned as problems and the NUL shown as `\ufffd`.

    One scan of each column joined, not a test per cell: neither occurs in most files.
    """
    problems = []
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=object)
        joined = "\x1f".join(v for v in values if v is not None)
        if "\x00" not in joined and not (joined.startswith("'") or "\x1f'" in joined):
            continue
        fixed = values.copy()
        for i, value in enumerate(values):
            if value is None:
                continue
            if "\x00" in value:
                problems.append((i, column, NUL_REASON.format(column=column)))
                value = value.replace("\x00", "\ufffd")
            fixed[i] = unguard(value)
        frame[column] = fixed
    return problems
