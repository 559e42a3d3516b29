"""Reading an XLSX sheet in chunks, through openpyxl (read-only, streamed).

A formula cell gives the value the spreadsheet program calculated and saved with the file.
A file written by a program that does not calculate (a script, a report generator) holds
formulas without values: such a cell is no blank but a value nobody has seen, so its row
is rejected with the reason instead of loading NULL.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from etl.errors import LoadError
from etl.read import Chunk, Source, scalar_text
from geodata.spreadsheet import unguard


def open_xlsx(path: Path, sheet: str | None, chunk_rows: int) -> Source:
    from openpyxl import load_workbook

    def open_sheet(data_only: bool = True):
        # data_only: a formula cell gives the value the spreadsheet program calculated and saved.
        book = load_workbook(path, read_only=True, data_only=data_only)
        if sheet:
            if sheet not in book.sheetnames:
                raise LoadError(f"no hay hoja «{sheet}» (hojas: {', '.join(book.sheetnames)})", file=str(path))
            return book, book[sheet]
        return book, book.worksheets[0]

    book, ws = open_sheet()
    rows = ws.iter_rows(values_only=True)
    header = None
    for values in rows:
        if values and any(v not in (None, "") for v in values):
            header = values
            break
    total = (ws.max_row - 1) if ws.max_row else None
    formulas = _has_formulas(path, ws)
    names = _field_names(book) if ws.title != FIELDS_SHEET else {}
    book.close()
    if header is None:
        raise LoadError("la hoja está vacía", file=str(path))
    columns = [str(h).strip() if h is not None else f"columna_{i + 1}" for i, h in enumerate(header)]
    columns = [names.get(c, c) for c in columns]
    width = len(columns)

    def cells(values) -> list:
        return (list(values or ()) + [None] * width)[:width]

    def reader() -> Iterator[Chunk]:
        book, ws = open_sheet()
        # The same sheet read for its formulas too, row for row, when it has any: a formula
        # without a saved value (a file written by a program that does not calculate) is no
        # blank, it is a value nobody has seen.
        written = open_sheet(data_only=False) if formulas else None
        try:
            pairs = zip(ws.iter_rows(values_only=True),
                        written[1].iter_rows(values_only=True) if written else itertools.repeat(None))
            for values, _ in pairs:
                if values and any(v not in (None, "") for v in values):
                    break  # the header
            batch: list[list] = []
            problems: list[tuple[int, str, str]] = []
            first = 1
            for values, typed in pairs:
                uncalculated = [(j, f) for j, (v, f) in enumerate(zip(cells(values), cells(typed)))
                                if v is None and isinstance(f, str) and f.startswith("=")] if typed else []
                if not uncalculated and (not values or all(v in (None, "") for v in values)):
                    continue
                problems += [(len(batch), columns[j], _formula_reason(columns[j], f)) for j, f in uncalculated]
                batch.append([_cell_text(v) for v in cells(values)])
                if len(batch) >= chunk_rows:
                    yield Chunk(pd.DataFrame(batch, columns=columns, dtype=object), None, first, problems=problems)
                    first += len(batch)
                    batch, problems = [], []
            if batch:
                yield Chunk(pd.DataFrame(batch, columns=columns, dtype=object), None, first, problems=problems)
        finally:
            book.close()
            if written:
                written[0].close()

    return Source(path, columns, None, False, total, None, reader)


FIELDS_SHEET = "campos"
GEOMETRY_LABELS = {"longitud": "lon", "latitud": "lat"}


def _field_names(book) -> dict[str, str]:
    """Spanish column labels → field names, from the `campos` sheet of a Sala export
    (columns `campo`, `descripción`): an export headed with the labels (`--labels es`)
    loads back as one headed with the names. {} for any other workbook."""
    if FIELDS_SHEET not in book.sheetnames:
        return {}
    rows = book[FIELDS_SHEET].iter_rows(values_only=True)
    head = next(rows, None)
    if not head or [str(h or "").strip().lower() for h in head[:2]] != ["campo", "descripción"]:
        return {}
    names = {str(label).strip(): str(name).strip() for name, label, *_ in rows if name and label}
    return {**GEOMETRY_LABELS, **names} if names else {}


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path, ws) -> bool:
    """Whether the sheet holds formula cells, from a scan of its XML (a fraction of reading it)."""
    member = getattr(ws, "_worksheet_path", None)  # openpyxl's own name for the sheet's part
    if not member:
        return True
    with zipfile.ZipFile(path) as archive, archive.open(member) as xml:
        tail = b""
        while block := xml.read(1 << 20):
            if _FORMULA_TAG.search(tail + block):
                return True
            tail = block[-16:]
    return False


def _formula_reason(column: str, formula: str) -> str:
    shown = formula if len(formula) <= 60 else formula[:57] + "…"
    return (f"«{column}»: la celda tiene una fórmula ({shown}) sin valor calculado; ábrala y guárdela en Excel o "
            "LibreOffice, que calculan las fórmulas, o pegue solo los valores")


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = unguard(value).strip()
        return value or None
    return scalar_text(value)
