"""The planning pack of a municipality's Communal Government Cabinet: one zip with

- `plan_<code>.pdf` (`layers.pack_pdf`): the municipality's summary, a page per cabinet
  area and per parish (three numbers, a choropleth, the top problems), then the tables
  summarised: cases by category and parish, the 20 most urgent open cases, the projects'
  money trail and the agreements with status and due date;
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

from geodata.models import Cabinet, Territory, WorkingTable  # noqa: E402
from geodata.vocab import AREAS  # noqa: E402
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
from layers import pack_pdf  # noqa: E402
from layers.cells import spreadsheet_text  # noqa: E402
from layers.features import count_features, data_date, has_demo  # noqa: E402
from layers.pack_data import read_pack_data  # noqa: E402
from layers.pack_pages import Frame  # noqa: E402
from layers.printing import paper_size  # noqa: E402
from layers.registry import LayerParams, get_layer, resolve_params  # noqa: E402
from layers.thematic import country_states, territory_shapes  # noqa: E402

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

# `progress(phase, percent)`: what the pack is doing now (Spanish, shown to users) and how
# much of it is done.
Progress = Callable[[str, int], None]


# What each step weighs towards 100 %, roughly its share of the time: the PDF's tables
# (up to MAX_TABLE_ROWS rows, page after page) take longest.
WEIGHTS = {"read": 1, "pdf": 8, "gpkg": 1, "csv": 0.5, "zip": 1}


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


PDF_WEIGHT = WEIGHTS["read"] + WEIGHTS["pdf"]


def write_plan_pdf(conn: Connection, params: LayerParams, node, path: Path, *, paper: str = "A4", steps: Steps | None = None) -> int:
    """The printable plan (`layers.pack_pdf`); returns its number of pages. Takes PDF_WEIGHT of `steps`."""
    steps = steps or Steps(None, PDF_WEIGHT)
    steps.next("Plan en PDF: leyendo casos, proyectos y acuerdos", "read")
    data = read_pack_data(conn, params)
    demo = any(has_demo(conn, layer, params) for layer in ("cases", "projects", "agreements", "municipalities"))
    days = [d for d in (data_date(conn, layer, params) for layer in ("cases", "projects", "agreements", "claps")) if d]
    installed, working_tables = _cabinet(conn, node.code)
    extra = [f"Gabinete instalado: {_date(installed) or 'sin registro'}"]
    if working_tables:
        extra.append("Mesas de trabajo: " + "; ".join(f"{name} ({AREAS[area]})" for area, name in working_tables))
    state_code = node.path.strip("/").split("/")[0]
    pages = pack_pdf.plan_pages(data, node, territory_shapes(conn, [node.code]), country_states(conn), state_code, extra)
    info = describe_params(conn, params)
    frame = Frame(document=f"Paquete de planificación — Municipio {node.name} ({node.code}) · Gabinete de Gobierno Comunal",
                  scope=scope_line(info, params), data_day=max(days) if days else None, demo=demo, paper=paper)
    steps.next("Plan en PDF", "pdf")

    def on_page(done: int, total: int, title: str) -> None:
        steps.phase = f"Plan en PDF: página {done} de {total} ({title.split(' — ')[0]})"
        steps.within(done / total)

    return pack_pdf.render(path, frame, pages, f"Paquete de planificación — Municipio {node.name}", on_page)


def scope_line(info: dict[str, str], params: LayerParams) -> str:
    """Territory, period, round and filters of a document, for the foot of every page."""
    filters = "; ".join(f"{k}: {v}" for k, v in info.items() if k not in ("Territorio", "Periodo", "Consulta popular"))
    return " · ".join([*(f"{k}: {v}" for k, v in info.items() if k in ("Territorio", "Periodo", "Consulta popular")),
                       f"Filtros: {filters or 'ninguno'}"])


def check_pack(conn: Connection, code: str, params: LayerParams | None = None, *, max_features: int | None = None):
    """What the pack of `code` needs before anything is written: the resolved parameters,
    the municipality and the count of each layer. Raises UnknownTerritory, ExportError
    (not a municipality) or ExportTooLarge, so a job can be refused before it is queued."""
    from geodata.settings import get_settings

    params = resolve_params(conn, replace(params or LayerParams(), territory=code, filters=None))
    node = conn.execute(select(Territory.code, Territory.name, Territory.level, Territory.path)
                        .where(Territory.code == params.territory)).first()
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
            f"{pdf_name}: documento imprimible ({pages} páginas): resumen del municipio, una página por área del gabinete",
            "    y por parroquia, casos por categoría y parroquia, los 20 casos más urgentes, el rastro del dinero de los",
            "    proyectos y los acuerdos con estatus y fecha límite. Las listas completas están en la GeoPackage y los CSV.",
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
