"""The planning pack of a municipality's Communal Government Cabinet: one zip with

- `plan_<code>.pdf`: a cover with the summary, a map page per cabinet area (cases,
  projects and agreements of that area) and tables of open and overdue cases, projects
  and their money trail (every deposit), and agreements with status and due dates;
- `capas_<code>.gpkg`: every layer of the registry for that territory, one GeoPackage layer each;
- `csv/<layer>.csv`: the same layers as CSV;
- `LEAME.txt`: what is in the pack and with which parameters.

Built in a private folder beside the output and renamed at the end (`layers.output`).
`build_pack` reports its progress (phase and percent, page by page and layer by layer)
to a callback: the export jobs (`layers.jobs`) and the CLI's progress bar show it.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from sqlalchemy import Connection, and_, select  # noqa: E402

from geodata.models import Cabinet, Deposit, Project, Territory, WorkingTable  # noqa: E402
from geodata.vocab import AREAS, OPEN_CASE_STATUSES  # noqa: E402
from layers.exports import (  # noqa: E402
    ATTRIBUTION,
    SOURCE,
    ExportError,
    ExportTooLarge,
    atomic_path,
    check_target,
    describe_params,
    write_csv,
    write_ogr,
)
from layers.cells import spreadsheet_text  # noqa: E402
from layers.features import count_features, data_date, features_frame, has_demo  # noqa: E402
from layers.printing import DEMO_MARK, MapLayer, draw_page, paper_size  # noqa: E402
from layers.registry import LayerParams, get_layer, resolve_params  # noqa: E402

# The layers a municipality's pack carries (its own outline and everything below it).
PACK_LAYERS = (
    "municipalities",
    "parishes",
    "circuits",
    "communes",
    "councils",
    "cases",
    "projects",
    "claps",
    "agreements",
    "integrity",
)
ROWS_PER_PAGE = {"A4": 24, "A3": 36}
MAX_TABLE_ROWS = 480
TABLES = 4  # open cases, projects, deposits, agreements

# `progress(phase, percent)`: what the pack is doing now (Spanish, shown to users) and how
# much of it is done.
Progress = Callable[[str, int], None]


# What each step weighs towards 100 %, roughly its share of the time: the PDF's tables
# (up to MAX_TABLE_ROWS rows, page after page) take longest.
WEIGHTS = {"cover": 1, "map": 2, "table": 10, "gpkg": 1, "csv": 0.5, "zip": 2}


class Steps:
    """The pack's steps towards 100 %: `next(phase, kind)` says a step begins, `within(f)`
    how far into it (0–1) the current step is."""

    def __init__(self, progress: Progress | None, total: float):
        self.progress, self.total = progress, total
        self.done, self.current, self.phase = 0.0, 0.0, ""

    def next(self, phase: str, kind: str) -> None:
        self.done += self.current
        self.current, self.phase = WEIGHTS[kind], phase
        self.within(0)

    def within(self, fraction: float) -> None:
        if self.progress is not None:
            self.progress(self.phase, min(99, int(100 * (self.done + self.current * fraction) / self.total)))

    def finish(self) -> None:
        if self.progress is not None:
            self.progress("Listo", 100)


@dataclass(frozen=True)
class PackResult:
    path: Path
    parts: list[str]
    counts: dict[str, int]


def _money(value) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _date(value) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else ""


def _cut(value, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def table_pages(pdf: PdfPages, paper: str, title: str, columns: list[tuple[str, int]], rows: list[list], note: str = "",
                on_page: Callable[[float], None] | None = None) -> int:
    """A table over as many pages as it needs; column widths in characters. Returns the page
    count; `on_page(fraction)` is told after each page how much of the table is drawn."""
    per_page = ROWS_PER_PAGE.get(paper.upper(), 24)
    if len(rows) > MAX_TABLE_ROWS:
        # A printed table of thousands of rows is read by nobody: the CSVs in the pack hold them all.
        note = (note + " " if note else "") + (
            f"Se muestran las primeras {MAX_TABLE_ROWS} de {len(rows)} filas; la lista completa está en la carpeta csv/."
        )
        rows = rows[:MAX_TABLE_ROWS]
    chunks = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    widths = [w for _, w in columns]
    total = sum(widths)
    for number, chunk in enumerate(chunks, start=1):
        fig = plt.figure(figsize=paper_size(paper))
        suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        fig.text(0.03, 0.95, title + suffix, fontsize=15, fontweight="bold", va="top")
        if note:
            fig.text(0.03, 0.905, note, fontsize=9, va="top", color="#333333")
        ax = fig.add_axes([0.03, 0.06, 0.94, 0.8])
        ax.axis("off")
        if chunk:
            # At 7 points a column holds about 1.5 characters per unit of its width.
            cells = [[_cut(spreadsheet_text(v), int(w * 1.5)) for v, w in zip(row, widths)] for row in chunk]
            table = ax.table(
                cellText=cells,
                colLabels=[h for h, _ in columns],
                colWidths=[w / total for w in widths],
                loc="upper left",
                cellLoc="left",
            )
            table.auto_set_font_size(False)
            table.set_fontsize(7)
            table.scale(1, 1.25)
            for (r, _), cell in table.get_celld().items():
                if r == 0:
                    cell.set_text_props(fontweight="bold")
                    cell.set_facecolor("#e8e8e8")
        else:
            ax.text(0, 0.95, "Sin registros para este territorio y periodo.", fontsize=10, va="top")
        fig.text(0.03, 0.025, f"Fuente: {SOURCE} · {ATTRIBUTION}", fontsize=6, color="#555555")
        pdf.savefig(fig)
        plt.close(fig)
        if on_page is not None:
            on_page(number / len(chunks))
    return len(chunks)


def _deposits(conn: Connection, params: LayerParams) -> list:
    conds = [Territory.path.startswith(params.territory_path, autoescape=True), params.scope.condition(Territory.path)]
    if params.date_from:
        conds.append(Deposit.deposit_date >= params.date_from)
    if params.date_to:
        conds.append(Deposit.deposit_date <= params.date_to)
    return conn.execute(
        select(Project.code, Project.name, Deposit.deposit_date, Deposit.amount, Deposit.currency, Deposit.bank)
        .join(Project, Project.id == Deposit.project_id)
        .join(Territory, Territory.id == Project.territory_id)
        .where(and_(*conds))
        .order_by(Project.code, Deposit.deposit_date)
    ).all()


def _cabinet(conn: Connection, municipality: str):
    row = conn.execute(
        select(Cabinet.id, Cabinet.installed_date)
        .join(Territory, Territory.id == Cabinet.municipality_id)
        .where(Territory.code == municipality)
    ).first()
    if row is None:
        return None, []
    tables = conn.execute(
        select(WorkingTable.area, WorkingTable.name).where(WorkingTable.cabinet_id == row.id).order_by(WorkingTable.area, WorkingTable.name)
    ).all()
    return row.installed_date, tables


PDF_WEIGHT = WEIGHTS["cover"] + WEIGHTS["map"] * len(AREAS) + WEIGHTS["table"] * TABLES


def write_plan_pdf(conn: Connection, params: LayerParams, node, path: Path, *, paper: str = "A4", steps: Steps | None = None) -> int:
    """The printable plan; returns its number of pages. Takes PDF_WEIGHT of `steps`."""
    steps = steps or Steps(None, PDF_WEIGHT)
    steps.next("Plan en PDF: portada y resumen", "cover")
    cases = features_frame(conn, "cases", params)
    projects = features_frame(conn, "projects", params)
    agreements = features_frame(conn, "agreements", params)
    demo = any(has_demo(conn, layer, params) for layer in ("cases", "projects", "agreements", "municipalities"))
    days = [d for d in (data_date(conn, layer, params) for layer in ("cases", "projects", "agreements", "claps")) if d]
    data_day = max(days) if days else None
    installed, working_tables = _cabinet(conn, node.code)
    open_cases = cases[cases["status"].isin(OPEN_CASE_STATUSES)] if len(cases) else cases
    overdue_cases = cases[cases["overdue"].fillna(False).astype(bool)] if len(cases) else cases
    pages = 0
    title = f"Paquete de planificación — Municipio {node.name}"
    with PdfPages(path, metadata={"Title": title, "Creator": SOURCE}) as pdf:
        fig = plt.figure(figsize=paper_size(paper))
        fig.text(0.05, 0.9, title, fontsize=22, fontweight="bold")
        fig.text(0.05, 0.85, "Gabinete de Gobierno Comunal", fontsize=14)
        info = describe_params(conn, params)
        lines = [f"{k}: {v}" for k, v in info.items()]
        lines.append(f"Gabinete instalado: {_date(installed) or 'sin registro'}")
        if working_tables:
            lines.append("Mesas de trabajo: " + "; ".join(f"{name} ({AREAS[area]})" for area, name in working_tables))
        lines += [
            "",
            f"Casos 1x10: {len(cases)} · abiertos {len(open_cases)} · vencidos {len(overdue_cases)}",
            f"Proyectos: {len(projects)} · presupuesto Bs. {_money(projects['budget'].fillna(0).sum() if len(projects) else 0)}"
            f" · depositado Bs. {_money(projects['deposited'].fillna(0).sum() if len(projects) else 0)}",
            f"Acuerdos: {len(agreements)} · pendientes {int((agreements['status'] != 'done').sum()) if len(agreements) else 0}"
            f" · vencidos {int(agreements['overdue'].fillna(False).astype(bool).sum()) if len(agreements) else 0}",
            "",
            "Contenido: un mapa por área del gabinete; casos abiertos y vencidos; proyectos y su rastro de dinero;",
            "acuerdos con su estatus y fecha límite. La carpeta incluye además la GeoPackage y los CSV de cada capa.",
            "",
            f"Fecha de los datos: {_date(data_day) or 'sin datos'} · Elaborado: {dt.date.today().isoformat()}",
            f"Fuente: {SOURCE} · {ATTRIBUTION}",
        ]
        fig.text(0.05, 0.78, "\n".join(lines), fontsize=11, va="top", linespacing=1.6)
        if demo:
            fig.text(0.05, 0.1, DEMO_MARK, fontsize=16, fontweight="bold", color="white",
                     bbox={"facecolor": "#c0392b", "edgecolor": "none", "pad": 5})
        pdf.savefig(fig)
        plt.close(fig)
        pages += 1

        frames = {"cases": cases, "projects": projects, "agreements": agreements}
        for area, area_label in AREAS.items():
            items = []
            for layer_id, label in (("cases", "Casos"), ("projects", "Proyectos"), ("agreements", "Acuerdos")):
                frame = frames[layer_id]
                frame = frame[frame["area"] == area] if len(frame) else frame
                items.append(MapLayer(get_layer(layer_id), frame, label=label))
            steps.next(f"Plan en PDF: mapa del área {area_label}", "map")
            fig = plt.figure(figsize=paper_size(paper))
            draw_page(fig, conn, items, params, title=f"Área {area_label} — Municipio {node.name}", data_day=data_day, demo=demo)
            pdf.savefig(fig)
            plt.close(fig)
            pages += 1

        steps.next("Plan en PDF: casos abiertos y vencidos", "table")
        case_rows = [
            [r.code, _date(r.reported_date), r.category_label, r.area_label, r.status_label, _date(r.due_date),
             "sí" if r.overdue else "", r.days_open, r.territory_name, r.institution]
            for r in open_cases.sort_values(["overdue", "reported_date"], ascending=[False, True]).itertuples()
        ] if len(open_cases) else []
        pages += table_pages(
            pdf, paper, "Casos 1x10 abiertos y vencidos",
            [("Caso", 10), ("Reporte", 10), ("Categoría", 14), ("Área", 16), ("Estatus", 10), ("Límite", 10),
             ("Vencido", 7), ("Días", 5), ("Territorio", 20), ("Institución", 20)],
            case_rows,
            note=f"{len(open_cases)} casos abiertos, {len(overdue_cases)} vencidos (fecha límite pasada).",
            on_page=steps.within,
        )
        steps.next("Plan en PDF: proyectos", "table")
        project_rows = [
            [r.code, r.name, r.consultation_round, r.stage_label, r.area_label, _money(r.budget), _money(r.deposited),
             "" if r.deposited_pct is None or r.deposited_pct != r.deposited_pct else f"{r.deposited_pct:.0f} %",
             _date(r.last_deposit), r.territory_name]
            for r in projects.itertuples()
        ] if len(projects) else []
        pages += table_pages(
            pdf, paper, "Proyectos y su financiamiento",
            [("Código", 9), ("Proyecto", 34), ("Consulta", 8), ("Etapa", 11), ("Área", 15), ("Presupuesto Bs.", 14),
             ("Depositado Bs.", 14), ("%", 5), ("Últ. depósito", 10), ("Territorio", 18)],
            project_rows,
            on_page=steps.within,
        )
        steps.next("Plan en PDF: rastro del dinero", "table")
        deposit_rows = [
            [d.code, d.name, _date(d.deposit_date), _money(d.amount), d.currency, d.bank] for d in _deposits(conn, params)
        ]
        pages += table_pages(
            pdf, paper, "Rastro del dinero: depósitos por proyecto",
            [("Proyecto", 9), ("Nombre", 40), ("Fecha", 10), ("Monto", 14), ("Moneda", 6), ("Banco comunal", 30)],
            deposit_rows,
            on_page=steps.within,
        )
        steps.next("Plan en PDF: acuerdos del gabinete", "table")
        agreement_rows = [
            [r.code, _date(r.cabinet_date), r.area_label, r.working_table, r.text, r.institution, r.status_label,
             _date(r.due_date), "sí" if r.overdue else ""]
            for r in agreements.itertuples()
        ] if len(agreements) else []
        pages += table_pages(
            pdf, paper, "Acuerdos del gabinete",
            [("Código", 8), ("Gabinete", 10), ("Área", 15), ("Mesa", 15), ("Acuerdo", 45), ("Responsable", 20),
             ("Estatus", 10), ("Límite", 10), ("Vencido", 7)],
            agreement_rows,
            on_page=steps.within,
        )
    return pages


def check_pack(conn: Connection, code: str, params: LayerParams | None = None, *, max_features: int | None = None):
    """What the pack of `code` needs before anything is written: the resolved parameters,
    the municipality and the count of each layer. Raises UnknownTerritory, ExportError
    (not a municipality) or ExportTooLarge, so a job can be refused before it is queued."""
    from geodata.settings import get_settings

    params = resolve_params(conn, replace(params or LayerParams(), territory=code, filters=None))
    node = conn.execute(select(Territory.code, Territory.name, Territory.level).where(Territory.code == params.territory)).first()
    if node.level != "municipality":
        raise ExportError(f"El paquete de planificación se hace por municipio; «{node.code}» ({node.name}) no es un municipio.")
    cap = max_features or get_settings().export_max_features
    counts = {layer_id: count_features(conn, layer_id, params) for layer_id in PACK_LAYERS}
    if sum(counts.values()) > cap:
        raise ExportTooLarge(sum(counts.values()), cap)
    return params, node, counts


def build_pack(
    conn: Connection,
    code: str,
    path: str | Path,
    params: LayerParams | None = None,
    *,
    paper: str = "A4",
    max_features: int | None = None,
    progress: Progress | None = None,
) -> PackResult:
    """Write the planning pack of municipality `code` (period and scope from `params`) to
    `path` (.zip), telling `progress(phase, percent)` as it goes."""
    check_target(path)
    params, node, counts = check_pack(conn, code, params, max_features=max_features)
    parts: list[str] = []
    path = Path(path)
    steps = Steps(progress, PDF_WEIGHT + (WEIGHTS["gpkg"] + WEIGHTS["csv"]) * len(PACK_LAYERS) + WEIGHTS["zip"])
    with atomic_path(path) as tmp:
        work = tmp.parent / "parts"  # inside the private folder atomic_path removes
        work.mkdir()
        pdf_name = f"plan_{node.code}.pdf"
        pages = write_plan_pdf(conn, params, node, work / pdf_name, paper=paper, steps=steps)
        parts.append(pdf_name)
        gpkg_name = f"capas_{node.code}.gpkg"
        for i, layer_id in enumerate(PACK_LAYERS):
            steps.next(f"Capas en GeoPackage: {get_layer(layer_id).title}", "gpkg")
            write_ogr(conn, get_layer(layer_id), params, work / gpkg_name, driver="GPKG", append_layer=i > 0)
        parts.append(gpkg_name)
        (work / "csv").mkdir()
        for layer_id in PACK_LAYERS:
            steps.next(f"CSV: {get_layer(layer_id).title}", "csv")
            write_csv(conn, get_layer(layer_id), params, work / "csv" / f"{layer_id}.csv")
            parts.append(f"csv/{layer_id}.csv")
        info = describe_params(conn, params)
        readme = [
            f"Paquete de planificación — Municipio {node.name} ({node.code})",
            *(f"{k}: {v}" for k, v in info.items()),
            f"Elaborado: {dt.datetime.now().isoformat(timespec='seconds')}",
            "",
            f"{pdf_name}: documento imprimible ({pages} páginas): mapas por área del gabinete, casos abiertos y vencidos,",
            "    proyectos y su rastro de dinero, acuerdos con estatus y fecha límite.",
            f"{gpkg_name}: todas las capas del municipio en EPSG:4326 (ábrala en QGIS).",
            "csv/: las mismas capas en CSV UTF-8 (puntos con lon/lat, polígonos en WKT).",
            "",
            *(f"    {get_layer(layer_id).title} ({layer_id}): {n} elementos" for layer_id, n in counts.items()),
            "",
            f"Fuente: {SOURCE} · {ATTRIBUTION}",
        ]
        (work / "LEAME.txt").write_text("\n".join(readme) + "\n", encoding="utf-8")
        parts.append("LEAME.txt")
        steps.next("Comprimiendo el paquete", "zip")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                archive.write(work / part, arcname=part)
    steps.finish()
    return PackResult(path, parts, counts)
