"""The «asesoría para la próxima consulta» as a file a planner hands to a commune: PDF
(`layers.advice_pdf`), CSV (the sectors: needs against projects, one row each) or XLSX
(sheets `sectores`, `proyectos`, `consultas`, `campos`, `asesoria`). The figures are
`geodata.advice.consultation_advice`'s; the territory is resolved and scope-checked here.

`export_advice(conn, territory, fmt, path, scope=…)`; CLI `sala export advice
--territory CODE -o file`; web `/export/advice/<code>.<fmt>`.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.advice import NotACommune, consultation_advice
from geodata.place import resolve_place
from layers.cells import spreadsheet_text
from layers.output import ExportError, atomic_path, check_target
from layers.registry import UnknownTerritory

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

# (header, key in the sector row, English description): the CSV / XLSX `sectores` columns.
SECTOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("sector", "sector", "sector code (a 1x10 case category where the project sector matches one)"),
    ("nombre_sector", "label", "sector name"),
    ("casos", "cases", "1x10 cases reported in the commune or circuit, ever"),
    ("casos_abiertos", "open_cases", "cases still open (reported, assigned, in progress)"),
    ("casos_ultimo_ano", "cases_last_year", "cases reported in the 365 days before the cut-off date"),
    ("necesidades_aca", "aca_needs", "ACA projects chosen but not funded yet (proposed or approved)"),
    ("proyectos", "projects", "projects chosen in earlier rounds"),
    ("en_ejecucion", "running", "projects funded or in progress"),
    ("culminados", "completed", "projects completed"),
    ("paralizados", "stalled", "projects stalled"),
    ("monto_aprobado", "approved_amount", "budget of the projects past «proposed», in their currency (VES)"),
    ("monto_depositado", "deposited", "money deposited to the communal bank for those projects"),
    ("avance_medio", "mean_progress", "mean physical progress of the sector's projects (%)"),
    ("sin_respuesta", "unanswered", "Sí when there are open cases and no project running or completed"),
    ("prioridad", "priority", "open cases + ACA needs + 2 × stalled − projects running or completed"),
)
PROJECT_COLUMNS = (("consulta", "consultation_round"), ("codigo", "code"), ("proyecto", "name"), ("sector", "sector_label"),
                   ("etapa", "stage_label"), ("avance", "progress"), ("monto_aprobado", "budget"),
                   ("monto_depositado", "deposited"), ("ultimo_deposito", "last_deposit"), ("votos", "votes"),
                   ("territorio", "territory_name"))
SUGGESTIONS = 6
ROUND_COLUMNS = (("consulta", "code"), ("nombre", "name"), ("inicio", "start_date"), ("fin", "end_date"),
                 ("votantes", "voters"), ("proyectos_votados", "projects_voted"))


def load_advice(conn: Connection, territory: str, *, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """The advice of commune or circuit `territory`, as the scope may see it."""
    try:
        place = resolve_place(conn, territory, scope)
    except ScopeError:
        raise UnknownTerritory(territory) from None
    try:
        return consultation_advice(conn, place, today)
    except NotACommune as exc:
        raise ExportError(f"La asesoría se prepara para una comuna o un circuito comunal: {exc}.") from None


def _cell(value):
    if value is None:
        return ""
    if value is True or value is False:
        return "Sí" if value else "No"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return float(value) if not isinstance(value, int) else value


def suggestions(advice: dict) -> list[str]:
    """What to weigh in the next round, in words (the PDF's and the page's first section)."""
    out = []
    for s in advice["sectors"]:
        if s["unanswered"]:
            cases = "1 caso abierto" if s["open_cases"] == 1 else f"{s['open_cases']} casos abiertos"
            out.append(f"{s['label']}: {cases} y ningún proyecto en ejecución ni culminado.")
    stalled = [p for p in advice["projects"] if p["stage"] == "stalled"]
    if stalled:
        out.append(("1 proyecto paralizado: " if len(stalled) == 1 else f"{len(stalled)} proyectos paralizados: ") + "; ".join(f"{p['code']} {p['name']}" for p in stalled[:3])
                   + (" …" if len(stalled) > 3 else "") + ". Retomarlos antes de elegir otros del mismo sector.")
    unfunded = [p for p in advice["projects"] if p["stage"] in ("proposed", "approved")]
    if unfunded:
        out.append(("1 proyecto elegido" if len(unfunded) == 1 else f"{len(unfunded)} proyectos elegidos")
                   + " aún sin financiar (necesidades ACA pendientes).")
    return out[:SUGGESTIONS] or ["Sin necesidades abiertas sin respuesta en los datos cargados."]


def sector_rows(advice: dict) -> list[list]:
    return [[_cell(s[key]) for _, key, _ in SECTOR_COLUMNS] for s in advice["sectors"]]


def write_advice_csv(advice: dict, path: Path) -> None:
    """The sectors, UTF-8 with a BOM, text neutralised against formulas."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([h for h, _, _ in SECTOR_COLUMNS])
        for row in sector_rows(advice):
            writer.writerow([spreadsheet_text(v) if isinstance(v, str) else v for v in row])


def summary_lines(advice: dict) -> list[tuple[str, str]]:
    unit, totals = advice["unit"], advice["totals"]
    share = totals["deposited_share"]
    lines = [
        ("Documento", "Asesoría para la próxima consulta popular"),
        ("Comuna o circuito", f"{unit['name']} ({unit['code']})"),
        ("Ubicación", unit["path"]),
        ("Comunas", ", ".join(f"{c['name']} ({c['code']})" for c in advice["communes"])),
        ("Casos 1x10", f"{totals['cases']} ({totals['open_cases']} abiertos)"),
        ("Proyectos elegidos", f"{totals['projects']} ({totals['completed']} culminados, {totals['stalled']} paralizados, "
                               f"{totals['aca_needs']} sin financiar)"),
        ("Monto aprobado / depositado", f"{totals['approved_amount']:,.2f} / {totals['deposited']:,.2f}"
                                        + (f" ({share:.1f} %)" if share is not None else "")),
        ("Datos al", advice["today"]),
        ("Fuente", "Sala de Autogobierno"),
    ]
    if advice.get("is_demo"):
        lines.append(("Aviso", "Datos de demostración"))
    return lines


def write_advice_xlsx(advice: dict, path: Path) -> None:
    from layers.xlsx import StreamedWorkbook

    with StreamedWorkbook(path) as book:
        with book.sheet("sectores", widths=[14, 22] + [12] * (len(SECTOR_COLUMNS) - 2)) as sheet:
            sheet.header([h for h, _, _ in SECTOR_COLUMNS])
            for row in sector_rows(advice):
                sheet.row(row)
        for name, columns, records, widths in (
            ("proyectos", PROJECT_COLUMNS, advice["projects"], [9, 22, 50, 18, 14, 9, 14, 14, 12, 9, 30]),
            ("consultas", ROUND_COLUMNS, advice["rounds"], [9, 40, 12, 12, 10, 16]),
        ):
            with book.sheet(name, widths=widths) as sheet:
                sheet.header([h for h, _ in columns])
                for record in records:
                    sheet.row([_cell(record[key]) for _, key in columns])
        with book.sheet("campos", widths=[20, 90]) as sheet:
            sheet.header(["columna", "descripción"])
            for header, _, description in SECTOR_COLUMNS:
                sheet.row([header, description])
        with book.sheet("asesoria", widths=[26, 90]) as sheet:
            for key, value in summary_lines(advice):
                sheet.row([key, value])


@dataclass(frozen=True)
class AdviceResult:
    path: Path
    format: str
    count: int  # sectors
    pages: int | None = None


def advice_filename(code: str, fmt: str) -> str:
    return f"asesoria_{code}.{fmt}"


def export_advice(conn: Connection, territory: str, fmt: str, path: str | Path, *, scope: Scope = NATIONAL,
                  today: dt.date | None = None) -> AdviceResult:
    """Write the advice of `territory` as `fmt` (pdf, csv, xlsx); nothing is left if writing fails."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ExportError(f"La asesoría se exporta en PDF, CSV o XLSX, no en «{fmt}».")
    check_target(path)
    advice = load_advice(conn, territory, scope=scope, today=today)
    pages = None
    with atomic_path(path) as tmp:
        if fmt == "pdf":
            from layers.advice_pdf import write_advice_pdf

            pages = write_advice_pdf(advice, tmp)
        elif fmt == "csv":
            write_advice_csv(advice, tmp)
        else:
            write_advice_xlsx(advice, tmp)
    return AdviceResult(Path(path), fmt, len(advice["sectors"]), pages)
