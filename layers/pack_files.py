"""The planning pack's full lists: every layer to one GeoPackage and to a CSV each, read once.

A layer's rows come from PostGIS in one streamed pass with both geometries the files need
(the CSV's lon/lat or WKT, and the WKB the GeoPackage takes), so the indicators of a
territory layer are computed once and its records are read once, not once per file.
Each batch goes to the GeoPackage (pyogrio, appended) and, line by line, to the CSV,
which is written straight into the pack's zip (no copy on disk). The files are the same
as `layers.exports` writes for one layer: the same columns, dtypes, Spanish aliases in
the GeoPackage and cells in the CSV.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyogrio
from sqlalchemy import Connection

from layers.csvfile import column_headers, csv_geometry, csv_line
from layers.gdal import add_gpkg_aliases
from layers.features import WGS84, iter_rows, rows_frame
from layers.registry import Layer, LayerParams

BATCH_SIZE = 20_000


def write_layer_files(conn: Connection, layer: Layer, params: LayerParams, gpkg: Path, csv_out, *, first: bool,
                      on_batch: Callable[[int], None] | None = None, values: dict[str, dict] | None = None) -> int:
    """Append `layer` to the GeoPackage `gpkg` (a new file when `first`) and write it as CSV
    to the text stream `csv_out`; returns its feature count. `on_batch(rows so far)`;
    `values`: the layer's indicator values, if already computed (`IndicatorsAhead`)."""
    geometry, precision = csv_geometry(layer)
    writer = csv.writer(csv_out)
    writer.writerow(column_headers(layer, WGS84))
    line = csv_line(layer)
    written = 0
    batch: list = []

    def flush(rows: list, append: bool) -> None:
        pyogrio.write_dataframe(
            rows_frame(layer, rows, WGS84),
            gpkg,
            layer=layer.id,
            driver="GPKG",
            geometry_type="Unknown" if layer.geometry_type == "Geometry" else layer.geometry_type,
            promote_to_multi=layer.geometry_type == "MultiPolygon",
            append=append,
        )
        writer.writerows(map(line, rows))

    # The CSV's geometry columns first, then the WKB (last, where `rows_frame` takes it).
    for row in iter_rows(conn, layer, params, geometry=(geometry, "wkb"), precision=precision, values=values):
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            flush(batch, append=written > 0 or not first)
            written += len(batch)
            batch = []
            if on_batch is not None:
                on_batch(written)
    if batch or not written:
        flush(batch, append=written > 0 or not first)
        written += len(batch)
    add_gpkg_aliases(gpkg, layer.id, layer)
    return written


def csv_member(archive: zipfile.ZipFile, name: str):
    """A text stream writing the CSV `name` straight into the zip (UTF-8 with a BOM, so
    Excel reads the accents, as `layers.exports.write_csv`)."""
    return io.TextIOWrapper(archive.open(name, "w", force_zip64=True), encoding="utf-8-sig", newline="")


class IndicatorsAhead:
    """The indicator values of the pack's territory layers, computed on a connection of
    their own while this one writes the record layers: the indicators are PostgreSQL's
    work (an aggregation of every record below each council), the records this process's,
    so on two cores they overlap. `values(layer)` waits for that layer's."""

    def __init__(self, engine, layers: list[Layer], params: LayerParams):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sala-pack-indicators")
        self.seconds: dict[str, float] = {}  # wall time of each layer's indicators
        self._futures = {layer.id: self._pool.submit(self._compute, engine, layer, params)
                         for layer in layers if layer.indicators}

    def _compute(self, engine, layer: Layer, params: LayerParams) -> dict[str, dict]:
        from layers.features import indicator_values

        started = time.perf_counter()
        with engine.connect() as conn:
            values = indicator_values(conn, layer, params)
        self.seconds[layer.id] = round(time.perf_counter() - started, 3)
        return values

    def values(self, layer: Layer) -> dict[str, dict] | None:
        future = self._futures.get(layer.id)
        return future.result() if future is not None else None

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)
