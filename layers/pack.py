"""The planning pack of a municipality's Communal Government Cabinet: one zip with

- `plan_<code>.pdf` (`layers.pack_pdf`): the municipality's summary, a page per cabinet
  area and per parish (three numbers, a choropleth, the top problems), then the tables
  summarised: cases by category and parish, the 20 most urgent open cases, the projects'
  money trail and the agreements with status and due date;
- `capas_<code>.gpkg`: every layer of the registry for that territory, one GeoPackage layer each;
- `csv/<layer>.csv`: the same layers as CSV;
- `LEAME.txt`: what is in the pack and with which parameters.

Built in a private folder beside the output and renamed at the end (`layers.output`).
The PDF is drawn in a child process (`layers.pack_render`) while this one writes the
full lists, each layer read once for both files (`layers.pack_files`). `build_pack`
reports its progress (phase and percent, page by page and layer by layer, both at once
while both run) to a callback: the export jobs (`layers.jobs`) and the CLI's progress
bar show it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from sqlalchemy import Connection, and_, select  # noqa: E402

from geodata.models import Cabinet, Territory, WorkingTable  # noqa: E402
from geodata.vocab import AREAS  # noqa: E402
from layers.describe import ATTRIBUTION, SOURCE, describe_params  # noqa: E402
from layers.formats import ExportTooLarge  # noqa: E402
from layers.output import ExportError, atomic_path, check_target  # noqa: E402
from layers import pack_pdf, pack_render  # noqa: E402
from layers.cells import spreadsheet_text  # noqa: E402
from layers.features import count_features, layer_marks  # noqa: E402
from layers.pack_data import read_pack_data  # noqa: E402
from layers.pack_files import IndicatorsAhead, csv_member, write_layer_files  # noqa: E402
from layers.pack_pages import Frame  # noqa: E402
from layers.page import paper_size  # noqa: E402
from layers.registry import LayerParams, get_layer, resolve_params  # noqa: E402
from layers.thematic import country_states, territory_shapes  # noqa: E402

log = logging.getLogger(__name__)

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


# What each part weighs towards 100 %, roughly its share of the work. The PDF (drawn in a
# child process, `layers.pack_render`) and the full lists (GeoPackage and CSV) advance side
# by side, so the phase shown names both while both run.
WEIGHTS = {"read": 1, "pdf": 6, "files": 6, "zip": 1}


class Steps:
    """The pack's progress towards 100 %: each part (`WEIGHTS`) says how far it is (0–1)
    and what it is doing; parts may run at the same time (from two threads)."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.fractions: dict[str, float] = {}
        self.phases: dict[str, str] = {}
        self.lock = threading.Lock()

    def update(self, part: str, fraction: float, phase: str | None = None) -> None:
        with self.lock:
            self.fractions[part] = max(0.0, min(1.0, fraction))
            if phase is not None:
                self.phases[part] = phase
            if self.progress is None:
                return
            done = sum(WEIGHTS[k] * f for k, f in self.fractions.items())
            running = [self.phases[k] for k in WEIGHTS if k in self.phases and self.fractions.get(k, 0) < 1]
            self.progress(" · ".join(running) or "Terminando", min(99, int(100 * done / sum(WEIGHTS.values()))))

    def finish(self) -> None:
        if self.progress is not None:
            self.progress("Listo", 100)


@dataclass(frozen=True)
class PackResult:
    path: Path
    parts: list[str]
    counts: dict[str, int]
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds of each stage (see `build_pack`)


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


def plan_payload(conn: Connection, params: LayerParams, node, *, paper: str = "A4") -> dict:
    """Everything the plan's pages need, read from the database (`pack_pdf.draw` needs no
    connection, so a child process can draw them)."""
    data = read_pack_data(conn, params)
    marks = [layer_marks(conn, layer, params) for layer in ("cases", "projects", "agreements", "claps", "municipalities")]
    demo = any(is_demo for is_demo, _ in marks if is_demo)
    days = [day for _, day in marks[:4] if day]
    installed, working_tables = _cabinet(conn, node.code)
    extra = [f"Gabinete instalado: {_date(installed) or 'sin registro'}"]
    if working_tables:
        extra.append("Mesas de trabajo: " + "; ".join(f"{name} ({AREAS[area]})" for area, name in working_tables))
    info = describe_params(conn, params)
    frame = Frame(document=f"Paquete de planificación — Municipio {node.name} ({node.code}) · Gabinete de Gobierno Comunal",
                  scope=scope_line(info, params), data_day=max(days) if days else None, demo=demo, paper=paper)
    return {"data": data, "node": Place(node.code, node.name, node.level, node.path),
            "outline": territory_shapes(conn, [node.code]), "country": country_states(conn),
            "state_code": node.path.strip("/").split("/")[0], "extra": extra, "frame": frame,
            "title": f"Paquete de planificación — Municipio {node.name}"}


@dataclass(frozen=True)
class Place:
    """A territory as the pages name it (picklable, for the child that draws them)."""

    code: str
    name: str
    level: str
    path: str


def write_plan_pdf(conn: Connection, params: LayerParams, node, path: Path, *, paper: str = "A4",
                   on_page: Callable[[int, int, str], None] | None = None) -> int:
    """The printable plan (`layers.pack_pdf`), drawn here; returns its number of pages."""
    return pack_pdf.draw(plan_payload(conn, params, node, paper=paper), path, on_page)


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
    `path` (.zip), telling `progress(phase, percent)` as it goes.

    The stages, timed in `PackResult.timings` (wall seconds): `check` (the request and the
    counts), `read` (what the PDF's pages need), then side by side `pdf` (drawn in a child
    process) and `files` (every layer to the GeoPackage and its CSV, one read each; the
    CSVs straight into the zip; `files:<layer>` for each), `wait` (for the PDF once the
    files are written) and `zip` (the GeoPackage, the PDF and LEAME.txt into the zip); and
    the CPU seconds of this process (`cpu`) and of the child (`pdf_cpu`), which a loaded
    machine does not inflate as it does wall times."""
    clock, cpu = time.perf_counter(), time.process_time()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    check_target(path)
    pack_render.warm()  # the child's imports overlap the reading below
    params, node, counts = check_pack(conn, code, params, max_features=max_features)
    now = lap("check", clock)
    path = Path(path)
    steps = Steps(progress)
    parts: list[str] = []
    pdf_name, gpkg_name = f"plan_{node.code}.pdf", f"capas_{node.code}.gpkg"
    with atomic_path(path) as tmp:
        work = tmp.parent / "parts"  # inside the private folder atomic_path removes
        work.mkdir()
        steps.update("read", 0, "Plan en PDF: leyendo casos, proyectos y acuerdos")
        payload = plan_payload(conn, params, node, paper=paper)
        now = lap("read", now)
        steps.update("read", 1)

        def on_page(done: int, total: int, title: str) -> None:
            steps.update("pdf", done / total, f"Plan en PDF: página {done} de {total} ({title.split(' — ')[0]})")

        pdf_started, pdf_clock = now, time.time()
        render = _start_render(payload, work / pdf_name, on_page)
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                now = _write_files(conn, params, counts, work / gpkg_name, archive, steps, timings, parts)
                lap("files", now)
                now = time.perf_counter()
                pages = render.result() if render is not None else pack_pdf.draw(payload, work / pdf_name, on_page)
                now = lap("wait", now)
                timings["pdf"] = round(now - pdf_started, 3)
                if render is not None and render.finished is not None:  # the child's own end, not when it was asked
                    timings["pdf"] = round(render.finished - pdf_clock, 3)
                    timings["pdf_cpu"] = round(render.cpu, 3)
                steps.update("zip", 0, "Comprimiendo el paquete")
                (work / "LEAME.txt").write_text(_readme(conn, params, node, counts, pages, pdf_name, gpkg_name), encoding="utf-8")
                for part in (gpkg_name, pdf_name, "LEAME.txt"):
                    archive.write(work / part, arcname=part)
                lap("zip", now)
        finally:
            if render is not None:
                render.stop()
    # The PDF first, as the pack always listed it.
    parts = [pdf_name, gpkg_name, *parts, "LEAME.txt"]
    timings["total"] = round(time.perf_counter() - clock, 3)
    timings["cpu"] = round(time.process_time() - cpu, 3)
    steps.finish()
    return PackResult(path, parts, counts, pages, timings)


def _start_render(payload: dict, path: Path, on_page) -> pack_render.Render | None:
    """The PDF drawn by a child process, or None (drawn here, after the files) where none can start."""
    try:
        return pack_render.start(payload, path, on_page)
    except (OSError, ValueError):
        log.warning("the pack's PDF is drawn in this process", exc_info=True)
        return None


def _write_files(conn: Connection, params: LayerParams, counts: dict[str, int], gpkg: Path, archive: zipfile.ZipFile,
                 steps: Steps, timings: dict[str, float], parts: list[str]) -> float:
    """Every pack layer to the GeoPackage and to its CSV in the zip; returns when it began."""
    began = time.perf_counter()
    total = max(1, sum(counts.values()) + len(PACK_LAYERS))  # + 1 a layer: an empty layer is work too
    done = 0
    layers = [get_layer(layer_id) for layer_id in PACK_LAYERS]
    # The record layers first, while the territory layers' indicators are computed beside them.
    order = [layer for layer in layers if not layer.indicators] + [layer for layer in layers if layer.indicators]
    ahead = IndicatorsAhead(conn.engine, order, params)
    try:
        for i, layer in enumerate(order):
            done = _write_layer(conn, layer, params, counts, gpkg, archive, steps, timings, parts, first=i == 0,
                                done=done, total=total, values=ahead.values(layer))
    finally:
        ahead.close()
    timings.update({f"indicators:{layer_id}": seconds for layer_id, seconds in ahead.seconds.items()})
    steps.update("files", 1)
    return began


def _write_layer(conn: Connection, layer, params: LayerParams, counts: dict[str, int], gpkg: Path, archive: zipfile.ZipFile,
                 steps: Steps, timings: dict[str, float], parts: list[str], *, first: bool, done: int, total: int,
                 values) -> int:
    """One layer to the GeoPackage and its CSV; returns the features done so far."""
    layer_id = layer.id
    phase = f"Capas en GeoPackage y CSV: {layer.title}"
    steps.update("files", done / total, phase)
    started = time.perf_counter()
    name = f"csv/{layer_id}.csv"
    with csv_member(archive, name) as out:
        write_layer_files(conn, layer, params, gpkg, out, first=first, values=values,
                          on_batch=lambda rows: steps.update("files", (done + rows) / total, phase))
    parts.append(name)
    timings[f"files:{layer_id}"] = round(time.perf_counter() - started, 3)
    return done + counts[layer_id] + 1


def _readme(conn: Connection, params: LayerParams, node, counts: dict[str, int], pages: int, pdf_name: str,
            gpkg_name: str) -> str:
    info = describe_params(conn, params)
    lines = [
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
    return "\n".join(lines) + "\n"
