"""Text cells that a spreadsheet would run as a formula, neutralised in every tabular export:
CSV and XLSX, and the planning pack's CSVs and the tables of its PDF (text copied from a
PDF table lands in a spreadsheet just the same). The rule, and its undoing by `sala load`,
live in `geodata.spreadsheet`.
"""

from __future__ import annotations

from geodata.spreadsheet import FORMULA_STARTS, guard

__all__ = ["FORMULA_STARTS", "spreadsheet_text"]

spreadsheet_text = guard
