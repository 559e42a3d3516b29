"""The XLSX export: a streamed (write-only) workbook with the sheets `datos`, `campos` and
`acerca`. Text that Excel would run as a formula is neutralised (`layers.cells`) and
written as a string cell; a workbook that fails half-way (a full disk) is cleaned up
quietly, its temporary files included."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import Connection

from layers.cells import spreadsheet_text
from layers.exports import ATTRIBUTION, SOURCE, describe_params, geometry_columns
from layers.features import WGS84, iter_rows, json_value
from layers.output import quiet_leftovers
from layers.registry import Layer, LayerParams

_EXCEL_CELL_MAX = 32_767


def write_xlsx(conn: Connection, layer: Layer, params: LayerParams, path: Path, *, crs: int = WGS84) -> None:
    """A write-only (streamed) workbook: the data sheet, then the fields and the export's context."""
    geometry = "xy" if layer.geometry_type == "Point" else "wkt"
    precision = 6 if crs == WGS84 else 2
    n = len(layer.fields)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("datos")
    bold = Font(bold=True)
    header = []
    for name in layer.field_names + geometry_columns(layer, crs):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in iter_rows(conn, layer, params, crs=crs, geometry=geometry, precision=precision):
        values = []
        for i, f in enumerate(layer.fields):
            value = row[i]
            if f.type == "date" and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                values.append(cell)
            else:
                values.append(_xlsx_value(sheet, json_value(value)))
        if geometry == "xy":
            values += [None if v is None else round(v, precision) for v in row[n:]]
        else:
            wkt = row[n] or ""
            # A cell holds at most 32,767 characters: larger polygons are left to the vector formats.
            values.append(wkt if len(wkt) <= _EXCEL_CELL_MAX else "(geometría demasiado grande para Excel: use GeoPackage)")
        sheet.append(values)
    fields = book.create_sheet("campos")
    fields.append(["campo", "descripción", "tipo"])
    for f in layer.fields:
        fields.append([f.name, f.label, f.type])
    about = book.create_sheet("acerca")
    about.append(["Capa", _xlsx_value(about, layer.title)])
    for key, value in describe_params(conn, params, layer).items():
        about.append([key, _xlsx_value(about, value)])
    about.append(["Sistema de referencia", f"EPSG:{crs}"])
    about.append(["Exportado", dt.datetime.now().isoformat(timespec="seconds")])
    about.append(["Fuente", SOURCE])
    about.append(["Atribución", ATTRIBUTION])
    _save_workbook(book, path)


def _save_workbook(book: Workbook, path: Path) -> None:
    """`book.save(path)`. If that fails (a full disk), the sheets openpyxl left half-written
    and their temporary files are closed and removed now, instead of being reported as
    «Exception ignored» (and left in the system's temporary folder) when Python exits."""
    with quiet_leftovers():
        try:
            book.save(path)
            return
        except Exception as exc:
            failure = exc
            # The frames of its tracebacks hold the broken archive: let them go now.
            while exc is not None:
                exc = exc.with_traceback(None).__context__
        for sheet in book.worksheets:
            rows, writer = getattr(sheet, "_rows", None), getattr(sheet, "_writer", None)
            for close in (rows.close if rows else None, writer.close if writer else None, writer.cleanup if writer else None):
                try:
                    if close:
                        close()
                except Exception:  # noqa: S112 - what is left of a failed workbook; the failure itself is raised below
                    continue
        gc.collect()
    raise failure


def _xlsx_value(sheet, value):
    """A text value neutralised and, when it had to be, written as a string cell: openpyxl
    takes any str that begins with "=" for a formula unless the cell says otherwise."""
    safe = spreadsheet_text(value)
    if safe is value:
        return value
    cell = WriteOnlyCell(sheet, value=safe)
    cell.data_type = "s"
    return cell
