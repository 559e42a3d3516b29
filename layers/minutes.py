"""SINCO minutes: a cabinet's final minutes of agreements (acta final de acuerdos).

One municipality's Gabinete de Gobierno Comunal meets on a date and agrees actions; the
minutes of that session list every agreement by area (Social, Servicios Públicos,
Seguridad Integral) and working table, with the responsible institution, the due date,
the status and the follow-up (done when, overdue by how much, linked projects and cases).

`export_minutes(conn, territory, cabinet_date, fmt, path)` writes them as a PDF
(`layers.minutes_pdf`), or as the CSV / XLSX that the Federal Council of Government's
system takes: one row per agreement under the Spanish headers of `COLUMNS` (documented
in the README). Those headers are also names `sala load agreement` recognises, so the
minutes load back as agreements.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, and_, case, func, select

from geodata.access import NATIONAL, Scope
from geodata.models import Agreement, AgreementProject, Cabinet, Case, CaseSolution, Project, Territory, WorkingTable
from geodata import errors as sala_errors
from geodata.territory import ancestors, resolve
from geodata.vocab import AGREEMENT_STATUSES, AREAS
from layers.cells import spreadsheet_text
from layers.output import ExportError, atomic_path, check_target
from layers.registry import UnknownTerritory

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
NO_TABLE = "Sin mesa de trabajo asignada"
RESOLVED_CASES = ("resolved", "closed")

# (header, English description): the columns of the CSV / XLSX, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("numero", "number of the agreement in the minutes (1, 2, …), in the order of the PDF"),
    ("codigo_acuerdo", "agreement code"),
    ("cod_estado", "INE code of the state"),
    ("nombre_estado", "state name"),
    ("cod_municipio", "INE code of the municipality"),
    ("nombre_municipio", "municipality name"),
    ("fecha_gabinete", "date of the cabinet session (ISO 8601)"),
    ("area", "cabinet area: Social, Servicios Públicos or Seguridad Integral"),
    ("mesa_trabajo", "working table (mesa de trabajo); empty when none was assigned"),
    ("acuerdo", "text of the agreement"),
    ("ente_responsable", "responsible institution"),
    ("fecha_limite", "due date (ISO 8601); empty when none was set"),
    ("estatus", "status: Pendiente, En proceso or Cumplido"),
    ("vencido", "Sí when not done and past its due date on the day of the export, else No"),
    ("dias_vencido", "days past the due date (overdue agreements only)"),
    ("fecha_cumplimiento", "date it was done (ISO 8601)"),
    ("seguimiento", "follow-up in words: done on, overdue by, due in, linked projects and cases"),
    ("proyectos", "codes of the projects the agreement commits to, separated by ;"),
    ("casos", "codes of the 1x10 cases the agreement answers, separated by ;"),
    ("casos_resueltos", "how many of those cases are resolved or closed"),
    ("fecha_corte", "the day the status and follow-up were judged on (ISO 8601)"),
)
HEADERS = [name for name, _ in COLUMNS]


class NoMinutes(sala_errors.NotFound, ExportError):
    """No agreements for that cabinet date (404 on the web, exit code 2 on the command line)."""


@dataclass(frozen=True)
class Item:
    """One agreement as the minutes give it."""

    number: int
    code: str
    area: str
    area_label: str
    working_table: str
    text: str
    institution: str
    due_date: dt.date | None
    status: str
    status_label: str
    overdue: bool
    days_overdue: int | None
    done_date: dt.date | None
    projects: tuple[str, ...]
    cases: tuple[str, ...]
    cases_resolved: int
    follow_up: str


@dataclass(frozen=True)
class Minutes:
    municipality_code: str
    municipality_name: str
    state_code: str
    state_name: str
    cabinet_date: dt.date
    installed_date: dt.date | None
    as_of: dt.date
    items: tuple[Item, ...]
    is_demo: bool

    @property
    def scope(self) -> str:
        return f"Municipio {self.municipality_name} ({self.municipality_code}), estado {self.state_name}"

    def by_area(self) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
        """[(area label, [(working table, items)])], areas in the cabinet's order, every area listed."""
        result = []
        for area, label in AREAS.items():
            tables: dict[str, list[Item]] = {}
            for item in self.items:
                if item.area == area:
                    tables.setdefault(item.working_table, []).append(item)
            result.append((label, list(tables.items())))
        return result

    def counts(self) -> dict[str, int]:
        counts = {label: sum(1 for i in self.items if i.status == status) for status, label in AGREEMENT_STATUSES.items()}
        counts["Vencidos"] = sum(1 for i in self.items if i.overdue)
        return counts


def _municipality(conn: Connection, territory: str, scope: Scope):
    """The municipality `territory` names, in `scope` (outside it reads as unknown)."""
    node = resolve(conn, territory) if territory else None
    if node is None or not scope.allows(node.path):
        raise UnknownTerritory(territory or "")
    if node.level != "municipality":
        raise ExportError(f"El acta de acuerdos es la del gabinete de un municipio: {node.name} ({node.code}) no es un municipio.")
    return node


def cabinet_dates(conn: Connection, territory: str, scope: Scope = NATIONAL) -> list[dt.date]:
    """The dates the municipality's cabinet met (had agreements), newest first."""
    node = _municipality(conn, territory, scope)
    return list(conn.execute(
        select(Agreement.cabinet_date).join(Territory, Territory.id == Agreement.municipality_id)
        .where(Territory.code == node.code).group_by(Agreement.cabinet_date).order_by(Agreement.cabinet_date.desc())
    ).scalars())


def _follow_up(status: str, due: dt.date | None, done: dt.date | None, as_of: dt.date,
               projects: tuple[str, ...], cases: tuple[str, ...], resolved: int) -> tuple[str, bool, int | None]:
    parts = []
    overdue, late = False, None
    if status == "done":
        text = f"Cumplido el {done.isoformat()}" if done else "Cumplido"
        if done and due and done > due:
            text += f", {(done - due).days} días después del límite"
        parts.append(text)
    elif due is None:
        parts.append("Sin fecha límite")
    elif due < as_of:
        overdue, late = True, (as_of - due).days
        parts.append(f"Vencido hace {late} días")
    else:
        parts.append("Vence hoy" if due == as_of else f"En plazo: vence en {(due - as_of).days} días")
    if projects:
        parts.append("proyectos " + ", ".join(projects))
    if cases:
        parts.append(f"{len(cases)} casos vinculados ({resolved} resueltos)")
    return "; ".join(parts), overdue, late


def load_minutes(conn: Connection, territory: str, cabinet_date: dt.date | None = None, *,
                 scope: Scope = NATIONAL, as_of: dt.date | None = None) -> Minutes:
    """The minutes of the municipality's cabinet session on `cabinet_date` (None: the latest)."""
    node = _municipality(conn, territory, scope)
    dates = cabinet_dates(conn, node.code, scope)
    if not dates:
        raise NoMinutes(f"El gabinete del municipio {node.name} ({node.code}) no tiene acuerdos registrados.")
    if cabinet_date is None:
        cabinet_date = dates[0]
    elif cabinet_date not in dates:
        known = ", ".join(d.isoformat() for d in dates[:8])
        raise NoMinutes(f"El gabinete del municipio {node.name} ({node.code}) no tiene acuerdos del {cabinet_date.isoformat()}. "
                        f"Fechas con acuerdos (las más recientes): {known}.")
    as_of = as_of or conn.execute(select(func.current_date())).scalar_one()
    state = next((a for a in ancestors(conn, node.code) if a.level == "state"), None)
    installed = conn.execute(select(Cabinet.installed_date).join(Territory, Territory.id == Cabinet.municipality_id)
                             .where(Territory.code == node.code)).scalar()
    area_order = case({a: i for i, a in enumerate(AREAS)}, value=Agreement.area, else_=len(AREAS))
    rows = conn.execute(
        select(Agreement.id, Agreement.code, Agreement.area, WorkingTable.name.label("working_table"), Agreement.text,
               Agreement.institution, Agreement.status, Agreement.due_date, Agreement.done_date, Agreement.is_demo)
        .join(Territory, Territory.id == Agreement.municipality_id)
        .outerjoin(WorkingTable, WorkingTable.id == Agreement.working_table_id)
        .where(Territory.code == node.code, Agreement.cabinet_date == cabinet_date)
        .order_by(area_order, WorkingTable.name.asc().nulls_last(), Agreement.code)
    ).all()
    ids = [r.id for r in rows]
    projects: dict[int, list[str]] = {}
    for agreement_id, code in conn.execute(
        select(AgreementProject.agreement_id, Project.code).join(Project, Project.id == AgreementProject.project_id)
        .where(AgreementProject.agreement_id.in_(ids)).order_by(Project.code)
    ):
        projects.setdefault(agreement_id, []).append(code)
    cases: dict[int, list[str]] = {}
    resolved: dict[int, int] = {}
    for agreement_id, code, status in conn.execute(
        select(CaseSolution.agreement_id, Case.code, Case.status).join(Case, Case.id == CaseSolution.case_id)
        .where(and_(CaseSolution.agreement_id.in_(ids))).order_by(Case.code)
    ):
        cases.setdefault(agreement_id, []).append(code)
        resolved[agreement_id] = resolved.get(agreement_id, 0) + (status in RESOLVED_CASES)
    items = []
    for number, r in enumerate(rows, start=1):
        p, c = tuple(projects.get(r.id, ())), tuple(cases.get(r.id, ()))
        follow, overdue, late = _follow_up(r.status, r.due_date, r.done_date, as_of, p, c, resolved.get(r.id, 0))
        items.append(Item(number, r.code, r.area, AREAS.get(r.area, r.area), r.working_table or NO_TABLE, r.text,
                          r.institution, r.due_date, r.status, AGREEMENT_STATUSES.get(r.status, r.status), overdue, late,
                          r.done_date, p, c, resolved.get(r.id, 0), follow))
    return Minutes(node.code, node.name, state.code if state else "", state.name if state else "", cabinet_date, installed,
                   as_of, tuple(items), any(r.is_demo for r in rows))


# --------------------------------------------------------------------------- CSV and XLSX


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def rows(minutes: Minutes) -> list[list]:
    """The CSV / XLSX rows under `HEADERS` (dates as ISO text, numbers as numbers)."""
    m = minutes
    return [
        [i.number, i.code, m.state_code, m.state_name, m.municipality_code, m.municipality_name, _iso(m.cabinet_date),
         i.area_label, "" if i.working_table == NO_TABLE else i.working_table, i.text, i.institution, _iso(i.due_date),
         i.status_label, "Sí" if i.overdue else "No", i.days_overdue if i.days_overdue is not None else "",
         _iso(i.done_date), i.follow_up, ";".join(i.projects), ";".join(i.cases), i.cases_resolved, _iso(m.as_of)]
        for i in m.items
    ]


def write_minutes_csv(minutes: Minutes, path: Path) -> None:
    """UTF-8 with a BOM (Excel reads the accents), comma-separated, text neutralised against formulas."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for row in rows(minutes):
            writer.writerow([spreadsheet_text(v) if isinstance(v, str) else v for v in row])


def write_minutes_xlsx(minutes: Minutes, path: Path) -> None:
    """Sheets `acuerdos` (the rows), `campos` (the columns described) and `acta` (the session)."""
    from layers.xlsx import StreamedWorkbook

    with StreamedWorkbook(path) as book:
        with book.sheet("acuerdos", widths=[8, 12, 9, 16, 12, 18, 13, 18, 24, 60, 30, 12, 12, 9, 12, 16, 50, 20, 30, 14, 12]) as sheet:
            sheet.header(HEADERS)
            for row in rows(minutes):
                sheet.row(row)
        with book.sheet("campos", widths=[20, 90]) as sheet:
            sheet.header(["columna", "descripción"])
            for name, description in COLUMNS:
                sheet.row([name, description])
        with book.sheet("acta", widths=[24, 60]) as sheet:
            for key, value in _session_lines(minutes):
                sheet.row([key, value])


def _session_lines(minutes: Minutes) -> list[tuple[str, str]]:
    counts = minutes.counts()
    lines = [
        ("Documento", "Acta final de acuerdos del Gabinete de Gobierno Comunal"),
        ("Ámbito", minutes.scope),
        ("Fecha del gabinete", minutes.cabinet_date.isoformat()),
        ("Gabinete instalado", _iso(minutes.installed_date) or "sin fecha registrada"),
        ("Acuerdos", str(len(minutes.items))),
        *((k, str(v)) for k, v in counts.items()),
        ("Estatus al", minutes.as_of.isoformat()),
        ("Fuente", "Sala de Autogobierno"),
    ]
    if minutes.is_demo:
        lines.append(("Aviso", "Datos de demostración"))
    return lines


# --------------------------------------------------------------------------- the export


@dataclass(frozen=True)
class MinutesResult:
    path: Path
    format: str
    count: int
    cabinet_date: dt.date
    pages: int | None = None


def minutes_filename(code: str, cabinet_date: dt.date, fmt: str) -> str:
    return f"acta_{code}_{cabinet_date.isoformat()}.{fmt}"


def export_minutes(conn: Connection, territory: str, cabinet_date: dt.date | None, fmt: str, path: str | Path, *,
                   scope: Scope = NATIONAL, as_of: dt.date | None = None) -> MinutesResult:
    """Write the minutes of `territory`'s cabinet on `cabinet_date` (None: its latest session)
    as `fmt` (pdf, csv, xlsx) to `path`; nothing is left there if writing fails."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ExportError(f"El acta se exporta en PDF, CSV o XLSX, no en «{fmt}».")
    check_target(path)
    minutes = load_minutes(conn, territory, cabinet_date, scope=scope, as_of=as_of)
    pages = None
    with atomic_path(path) as tmp:
        if fmt == "pdf":
            from layers.minutes_pdf import write_minutes_pdf

            pages = write_minutes_pdf(minutes, tmp)
        elif fmt == "csv":
            write_minutes_csv(minutes, tmp)
        else:
            write_minutes_xlsx(minutes, tmp)
    return MinutesResult(Path(path), fmt, len(minutes.items), minutes.cabinet_date, pages)
