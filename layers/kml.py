"""The KML export, streamed: placemarks are written as the rows arrive from the
server-side cursor, so memory stays flat and the time is that of the query and the text.

GDAL's LIBKML writer, which this replaces, builds the whole document in memory (and
re-reads it on every appended batch): 42 s and hundreds of MB for Libertador's 71,000
cases. The document has the same shape as LIBKML's, so Google Earth, QGIS and
`sala load` read it as before: a `<Schema>` with every field (`SimpleField`, typed), one
`<Placemark>` per feature named by its `name` field or else by its id, with its
`description` field as the placemark's description (neither repeated in the data, as
LIBKML does), its attributes as `SchemaData` (empty values
left out), its geometry from PostGIS (`ST_AsKML`, always EPSG:4326 as KML requires).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from sqlalchemy import Connection

from layers.features import iter_rows, json_value
from layers.registry import Layer, LayerParams

_KML_TYPES = {"str": "string", "int": "int", "float": "double", "bool": "bool", "date": "string"}
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Characters XML 1.0 does not allow at all (a text pasted from a terminal): dropped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BUFFER = 1 << 20


def xml_text(value: str) -> str:
    text = value.translate(_ESCAPES)
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def _value_text(value) -> str | None:
    """An attribute as KML text: None for an empty value (the SimpleData is left out)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else repr(value)
    value = json_value(value)
    if isinstance(value, float):
        return repr(value)
    return xml_text(str(value)) if isinstance(value, str) else str(value)


def write_kml(conn: Connection, layer: Layer, params: LayerParams, path: Path) -> int:
    """Write the layer's features to `path` as KML; returns how many were written."""
    fields = layer.fields
    name_at = next((i for i, f in enumerate(fields) if f.name == "name"), None)
    description_at = next((i for i, f in enumerate(fields) if f.name == "description"), None)
    id_at = next(i for i, f in enumerate(fields) if f.name == layer.id_field)
    own = {name_at, description_at}  # the placemark's own elements: not repeated as data
    data = [(i, f'<SimpleData name="{f.name}">') for i, f in enumerate(fields) if i not in own]
    schema = f"{layer.id}.schema"
    written = 0
    with open(path, "w", encoding="utf-8", buffering=_BUFFER) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
                  '<Document id="root_doc">\n')
        out.write(f'<Schema name="{layer.id}" id="{schema}">\n')
        for i, f in enumerate(fields):
            if i not in own:
                out.write(f'  <SimpleField name="{f.name}" type="{_KML_TYPES[f.type]}"/>\n')
        out.write(f'</Schema>\n<Document id="{layer.id}">\n<name>{layer.id}</name>\n')
        head = f'<Placemark id="{layer.id}.'
        open_data = f'<ExtendedData><SchemaData schemaUrl="#{schema}">'
        for row in iter_rows(conn, layer, params, geometry="kml"):
            written += 1
            label = _value_text(row[name_at if name_at is not None else id_at]) or ""
            parts = [head, str(written), '"><name>', label, "</name>"]
            if description_at is not None and (text := _value_text(row[description_at])) is not None:
                parts += ("<description>", text, "</description>")
            parts.append(open_data)
            for i, tag in data:
                text = _value_text(row[i])
                if text is not None:
                    parts += (tag, text, "</SimpleData>")
            parts += ("</SchemaData></ExtendedData>", row[-1] or "", "</Placemark>\n")
            out.write("".join(parts))
        out.write("</Document>\n</Document>\n</kml>\n")
    return written
