"""The XLSX export, streamed: the sheet's XML is written into the zip entry row by row as
the rows arrive from the server-side cursor, so memory stays flat and the time is that of
the query and the text (openpyxl, which this replaces, made an object per cell: 27 s for
Libertador's 71,000 cases).

The workbook has the sheets `datos` (the features), `campos` (each field's name, Spanish
label and type) and `acerca` (the export's context). The header row of `datos` holds the
field names (what `sala load` reads back), or with `labels="es"` the Spanish labels (what
a person reading the sheet expects; `sala load` maps them back through `campos`). Text is
written as inline strings, never as a formula: text that Excel would run as one is
neutralised (`layers.cells`). Dates are date cells (`yyyy-mm-dd`).
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Connection

from layers.cells import spreadsheet_text
from layers.csvfile import column_headers
from layers.describe import ATTRIBUTION, SOURCE, describe_params
from layers.features import WGS84, iter_rows, json_value
from layers.kml import xml_text
from layers.registry import Layer, LayerParams

_EXCEL_CELL_MAX = 32_767
_EPOCH = dt.date(1899, 12, 30)
BOLD, DATE, DATETIME = 1, 2, 3  # cell styles (index into styles.xml's cellXfs)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def column_letters(n: int) -> list[str]:
    letters = []
    for i in range(n):
        name, i = "", i + 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        letters.append(name)
    return letters


class Sheet:
    """One worksheet being written: `header(values)` (bold), then `row(values)`."""

    def __init__(self, handle, width: int):
        self._out = handle
        self._letters = column_letters(max(width, 1))
        self._number = 0

    def _write(self, text: str) -> None:
        self._out.write(text.encode("utf-8"))

    def header(self, values: Sequence) -> None:
        self.row(values, style=BOLD)

    def row(self, values: Sequence, style: int = 0) -> None:
        self._number += 1
        n = str(self._number)
        letters = self._letters
        if len(values) > len(letters):
            letters = self._letters = column_letters(len(values))
        parts = ['<row r="', n, '">']
        s = f' s="{style}"' if style else ""
        for i, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = letters[i] + n
            if isinstance(value, str):
                parts += ('<c r="', ref, '"', s, ' t="inlineStr"><is><t xml:space="preserve">', xml_text(value), "</t></is></c>")
            elif isinstance(value, bool):
                parts += ('<c r="', ref, '"', s, ' t="b"><v>', "1" if value else "0", "</v></c>")
            elif isinstance(value, int | float):
                if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                    continue
                parts += ('<c r="', ref, '"', s, "><v>", repr(value), "</v></c>")
            elif isinstance(value, dt.datetime):
                serial = (value - dt.datetime(1899, 12, 30, tzinfo=value.tzinfo)).total_seconds() / 86400
                parts += ('<c r="', ref, f'" s="{DATETIME}"><v>', repr(serial), "</v></c>")
            elif isinstance(value, dt.date):
                parts += ('<c r="', ref, f'" s="{DATE}"><v>', str((value - _EPOCH).days), "</v></c>")
            else:  # Decimal and the like
                number = json_value(value)
                text = repr(number) if isinstance(number, float) else xml_text(str(number))
                parts += ('<c r="', ref, '"', s, "><v>", text, "</v></c>") if isinstance(number, float) else (
                    '<c r="', ref, '"', s, ' t="inlineStr"><is><t xml:space="preserve">', text, "</t></is></c>")
        parts.append("</row>")
        self._write("".join(parts))


class StreamedWorkbook:
    """An XLSX written sheet after sheet straight into its zip: `with book.sheet(name) as s: s.row(…)`."""

    def __init__(self, path: Path):
        # Level 1 deflate: most of the size gain for a fraction of the default's time.
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._names: list[str] = []

    def __enter__(self) -> StreamedWorkbook:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self._finish()
            self._zip.close()
        else:
            with suppress(Exception):  # the archive of a failed write (a full disk): only its error matters
                self._zip.close()

    @contextmanager
    def sheet(self, name: str, widths: Sequence[float] | None = None, width: int = 0, freeze: bool = True) -> Iterator[Sheet]:
        self._names.append(name)
        number = len(self._names)
        with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as handle:
            head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
            if freeze:
                head.append('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                            ' state="frozen"/></sheetView></sheetViews>')
            if widths:
                head.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                               for i, w in enumerate(widths, start=1)) + "</cols>")
            head.append("<sheetData>")
            handle.write("".join(head).encode("utf-8"))
            sheet = Sheet(handle, max(width, len(widths or ())))
            yield sheet
            handle.write(b"</sheetData></worksheet>")

    def _finish(self) -> None:
        sheets = "".join(f'<sheet name="{xml_text(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(self._names, 1))
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(self._names) + 1))
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(self._names) + 1))
        n = len(self._names) + 1
        parts = {
            "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
            f'openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>',
            "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>',
            "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rId{n}" '
            f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
            "xl/styles.xml": _STYLES,
        }
        for name, text in parts.items():
            self._zip.writestr(name, text)


def write_xlsx(conn: Connection, layer: Layer, params: LayerParams, path: Path, *, crs: int = WGS84,
               labels: str | None = None) -> None:
    """The data sheet (streamed), then the fields and the export's context."""
    geometry = "xy" if layer.geometry_type == "Point" else "wkt"
    precision = 6 if crs == WGS84 else 2
    n = len(layer.fields)
    guard = spreadsheet_text
    widths = [max(10, min(40, len(h) + 2)) for h in column_headers(layer, crs, labels)]
    with StreamedWorkbook(path) as book:
        with book.sheet("datos", widths=widths) as sheet:
            sheet.header(column_headers(layer, crs, labels))
            for row in iter_rows(conn, layer, params, crs=crs, geometry=geometry, precision=precision):
                values = [guard(v) if isinstance(v, str) else v for v in row[:n]]
                if geometry == "xy":
                    values += [None if v is None else round(v, precision) for v in row[n:]]
                else:
                    wkt = row[n] or ""
                    # A cell holds at most 32,767 characters: larger polygons are left to the vector formats.
                    values.append(wkt if len(wkt) <= _EXCEL_CELL_MAX else "(geometría demasiado grande para Excel: use GeoPackage)")
                sheet.row(values)
        with book.sheet("campos", widths=[28, 40, 8]) as fields:
            fields.header(["campo", "descripción", "tipo"])
            for f in layer.fields:
                fields.row([f.name, f.label, f.type])
        with book.sheet("acerca", widths=[24, 60], freeze=False) as about:
            about.row(["Capa", guard(layer.title)])
            for key, value in describe_params(conn, params, layer).items():
                about.row([key, guard(value)])
            about.row(["Sistema de referencia", f"EPSG:{crs}"])
            about.row(["Exportado", dt.datetime.now().isoformat(timespec="seconds")])
            about.row(["Fuente", SOURCE])
            about.row(["Atribución", ATTRIBUTION])
