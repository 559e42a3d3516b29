"""Text a spreadsheet would run as a formula: how exports neutralise it and loads undo it.

A case description `=HYPERLINK("http://…","pulse aquí")` opened in Excel or LibreOffice
from a CSV or XLSX export becomes a live formula (CSV/formula injection). As OWASP
recommends, a text value that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
gets a single apostrophe in front, so it is shown as text. `unguard` takes that one
apostrophe off again, so an export loads back as it was; a value that already began with
an apostrophe before such a character is guarded too, so it also survives the trip.
Only text is touched: numbers (a negative amount, a longitude) stay numbers.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_after_apostrophes(value: str) -> bool:
    """True when the text, past any leading apostrophes, starts like a formula."""
    rest = value.lstrip("'")
    return rest[:1] != "" and rest[:1] in FORMULA_STARTS


def guard(value):
    """`value` with an apostrophe in front if it is text a spreadsheet would evaluate
    (or text that already looked guarded, so that `unguard` gives it back whole)."""
    if isinstance(value, str) and _formula_after_apostrophes(value):
        return "'" + value
    return value


def unguard(value: str) -> str:
    """`'=SUM(A1)` → `=SUM(A1)`: the apostrophe an export put before a would-be formula."""
    return value[1:] if value[:1] == "'" and _formula_after_apostrophes(value) else value
