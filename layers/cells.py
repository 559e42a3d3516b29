"""Text cells that a spreadsheet would run as a formula, neutralised.

A case description `=HYPERLINK("http://…","pulse aquí")` opened in Excel or LibreOffice
from a CSV or XLSX export becomes a live formula (CSV/formula injection). As OWASP
recommends, a text value that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a single apostrophe in front, so it is shown, and read back, as text.
Only text is touched: numbers (a negative amount, a longitude) stay numbers. `sala load`
strips that one apostrophe again, so an export loads back as it was.

Every tabular export goes through `spreadsheet_text`: CSV and XLSX, and the planning
pack's CSVs and the tables of its PDF (text copied from a PDF table lands in a
spreadsheet just the same).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """`value` with an apostrophe in front if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
