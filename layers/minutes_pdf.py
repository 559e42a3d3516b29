"""The minutes as a PDF: A4 portrait, a header on every page (municipality, cabinet date,
scope), page numbers «Página i de N», the agreements by area and working table in a
table (number, agreement, responsible institution, due date, status, follow-up), and the
signature lines of the cabinet and its follow-up team at the end.

The pages are laid out first (blocks of wrapped text measured in points) and drawn
second, so every page knows how many there are. Drawn with matplotlib (already used for
the printed maps), text as text: the PDF can be searched and copied.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from layers.cells import spreadsheet_text  # noqa: E402
from layers.minutes import Item, Minutes  # noqa: E402

WIDTH, HEIGHT = 595.0, 842.0  # A4 portrait, points
MARGIN = 42.0
TOP = HEIGHT - 96.0  # below the page header
BOTTOM = 54.0  # above the footer
FONT = 8.0
LINE = FONT * 1.3
CHAR = FONT * 0.6  # average width of a DejaVu Sans character at FONT points, with room to spare
# The agreement table: (heading, width in points); the widths fill the text column.
COLUMNS = (("Nº", 24), ("Acuerdo", 162), ("Responsable", 92), ("Límite", 60), ("Estatus", 54), ("Seguimiento", 123))
STATUS_COLOURS = {"done": "#1a7f37", "in_progress": "#9a6700", "pending": "#444444"}
OVERDUE = "#b42318"


@dataclass
class Block:
    height: float
    draw: Callable[[plt.Figure, float], None]
    table_row: bool = False  # a row of the agreement table: a page break repeats the table's heading
    keep_with_next: bool = False  # a heading: never the last thing on a page
    heading: Callable[[], Block] | None = None  # a table row's heading, if not the agreement table's


def _fig_text(fig, x: float, y: float, text: str, **kw) -> None:
    fig.text(x / WIDTH, y / HEIGHT, text, va="top", ha="left", **kw)


def _rect(fig, x: float, y: float, w: float, h: float, **kw) -> None:
    fig.patches.append(Rectangle((x / WIDTH, (y - h) / HEIGHT), w / WIDTH, h / HEIGHT, transform=fig.transFigure, **kw))


def _wrap(text: str, width: float, size: float = FONT) -> list[str]:
    chars = max(4, int(width / (size * 0.6)) - 1)
    return textwrap.wrap(spreadsheet_text(text or ""), chars, break_long_words=True) or [""]


def _text_block(text: str, size: float, *, bold: bool = False, colour: str = "#111111", before: float = 0.0,
                after: float = 4.0, keep: bool = False) -> Block:
    lines = _wrap(text, WIDTH - 2 * MARGIN, size)
    height = before + len(lines) * size * 1.3 + after

    def draw(fig, y):
        for i, line in enumerate(lines):
            _fig_text(fig, MARGIN, y - before - i * size * 1.3, line, fontsize=size, color=colour,
                      fontweight="bold" if bold else "normal")

    return Block(height, draw, keep_with_next=keep)


def _table_heading() -> Block:
    height = LINE + 6

    def draw(fig, y):
        _rect(fig, MARGIN, y, WIDTH - 2 * MARGIN, height, facecolor="#e8e8e8", edgecolor="none")
        x = MARGIN
        for heading, width in COLUMNS:
            _fig_text(fig, x + 3, y - 3, heading, fontsize=FONT, fontweight="bold")
            x += width

    return Block(height, draw, keep_with_next=True)


def _row_block(item: Item) -> Block:
    status = item.status_label + (" · vencido" if item.overdue else "")
    cells = [str(item.number), f"{item.code} — {item.text}", item.institution, item.due_date.isoformat() if item.due_date else "—",
             status, item.follow_up]
    wrapped = [_wrap(text, width - 6) for text, (_, width) in zip(cells, COLUMNS)]
    height = max(len(lines) for lines in wrapped) * LINE + 6
    colour = OVERDUE if item.overdue else STATUS_COLOURS.get(item.status, "#111111")

    def draw(fig, y):
        x = MARGIN
        for column, (lines, (_, width)) in enumerate(zip(wrapped, COLUMNS)):
            for i, line in enumerate(lines):
                _fig_text(fig, x + 3, y - 3 - i * LINE, line, fontsize=FONT,
                          color=colour if column == 4 else "#111111", fontweight="bold" if column == 4 else "normal")
            x += width
        _rect(fig, MARGIN, y - height + 0.4, WIDTH - 2 * MARGIN, 0.4, facecolor="#bbbbbb", edgecolor="none")

    return Block(height, draw, table_row=True)


def _signatures() -> Block:
    height = 110.0

    def draw(fig, y):
        _fig_text(fig, MARGIN, y - 8, "Firmas", fontsize=10, fontweight="bold")
        half = (WIDTH - 2 * MARGIN) / 2
        for i, who in enumerate(("Por el Gabinete de Gobierno Comunal", "Por el equipo de seguimiento")):
            x = MARGIN + i * half
            _rect(fig, x, y - 70, half - 30, 0.6, facecolor="#333333", edgecolor="none")
            _fig_text(fig, x, y - 76, who, fontsize=FONT)
            _fig_text(fig, x, y - 88, "Nombre, cargo y fecha", fontsize=FONT - 1, color="#666666")

    return Block(height, draw)


def blocks(minutes: Minutes) -> list[Block]:
    """The document as blocks, top to bottom."""
    counts = minutes.counts()
    summary = (f"{len(minutes.items)} acuerdos: " + ", ".join(f"{k.lower()} {v}" for k, v in counts.items())
               + f". Estatus y seguimiento al {minutes.as_of.isoformat()}.")
    installed = minutes.installed_date.isoformat() if minutes.installed_date else "sin fecha registrada"
    out = [
        _text_block("Acta final de acuerdos", 18, bold=True, after=2),
        _text_block(f"Gabinete de Gobierno Comunal del municipio {minutes.municipality_name}, sesión del "
                    f"{minutes.cabinet_date.isoformat()}", 11, after=8),
        _text_block(f"Ámbito: {minutes.scope}. Gabinete instalado: {installed}.", FONT + 1, colour="#333333", after=2),
        _text_block(summary, FONT + 1, colour="#333333", after=10),
    ]
    for number, (area, tables) in enumerate(minutes.by_area(), start=1):
        out.append(_text_block(f"{number}. Área {area}", 13, bold=True, before=6, after=4, keep=True))
        if not tables:
            out.append(_text_block("Sin acuerdos en esta área en esta sesión.", FONT + 1, colour="#555555", after=6))
            continue
        for table, items in tables:
            out.append(_text_block(f"Mesa de trabajo: {table} ({len(items)})", 10, bold=True, before=2, after=3, keep=True))
            out.append(_table_heading())
            out += [_row_block(item) for item in items]
            out.append(Block(8.0, lambda fig, y: None))
    out.append(_text_block("Los acuerdos vencidos son los no cumplidos cuya fecha límite pasó; el seguimiento cita los "
                           "proyectos y los casos 1x10 vinculados a cada acuerdo.", FONT, colour="#555555", before=6, after=14))
    out.append(_signatures())
    return out


def paginate(items: list[Block]) -> list[list[tuple[Block, float]]]:
    """Blocks placed on pages: [(block, y of its top)] per page; a table split by a page
    break gets its heading again at the top of the next page."""
    pages: list[list[tuple[Block, float]]] = [[]]
    y = TOP
    for n, block in enumerate(items):
        # A heading goes with what follows it: the run of headings and the first thing after them must fit.
        needed, k = block.height, n
        while items[k].keep_with_next and k + 1 < len(items):
            k += 1
            needed += items[k].height
        if y - needed < BOTTOM and pages[-1] and not (pages[-1][-1][0].keep_with_next):
            pages.append([])
            y = TOP
            if block.table_row:
                heading = (block.heading or _table_heading)()
                pages[-1].append((heading, y))
                y -= heading.height
        pages[-1].append((block, y))
        y -= block.height
    return pages


def _page_furniture(fig, minutes: Minutes, number: int, total: int) -> None:
    _fig_text(fig, MARGIN, HEIGHT - 34, "Acta final de acuerdos · Gabinete de Gobierno Comunal", fontsize=9, fontweight="bold")
    _fig_text(fig, MARGIN, HEIGHT - 48, f"{minutes.scope} · Gabinete del {minutes.cabinet_date.isoformat()}", fontsize=9)
    fig.text((WIDTH - MARGIN) / WIDTH, (HEIGHT - 34) / HEIGHT, f"Página {number} de {total}", va="top", ha="right", fontsize=9)
    if minutes.is_demo:
        fig.text((WIDTH - MARGIN) / WIDTH, (HEIGHT - 48) / HEIGHT, "Datos de demostración", va="top", ha="right",
                 fontsize=9, color=OVERDUE)
    _rect(fig, MARGIN, HEIGHT - 62, WIDTH - 2 * MARGIN, 0.8, facecolor="#333333", edgecolor="none")
    _rect(fig, MARGIN, 40, WIDTH - 2 * MARGIN, 0.5, facecolor="#999999", edgecolor="none")
    _fig_text(fig, MARGIN, 34, f"Sala de Autogobierno · acta de {minutes.municipality_name} ({minutes.municipality_code}) del "
              f"{minutes.cabinet_date.isoformat()} · estatus al {minutes.as_of.isoformat()}", fontsize=7, color="#555555")
    fig.text((WIDTH - MARGIN) / WIDTH, 34 / HEIGHT, f"{number}/{total}", va="top", ha="right", fontsize=7, color="#555555")


def write_pages(path: Path, items: list[Block], title: str, furniture: Callable[[plt.Figure, int, int], None]) -> int:
    """Paginate `items` and draw them, each page with `furniture(fig, number, total)`; returns the page count."""
    pages = paginate(items)
    with PdfPages(path, metadata={"Title": title, "Creator": "Sala de Autogobierno"}) as pdf:
        for number, page in enumerate(pages, start=1):
            fig = plt.figure(figsize=(WIDTH / 72, HEIGHT / 72))
            furniture(fig, number, len(pages))
            for block, y in page:
                block.draw(fig, y)
            pdf.savefig(fig)
            plt.close(fig)
    return len(pages)


def write_minutes_pdf(minutes: Minutes, path: Path) -> int:
    """Write the PDF; returns its page count."""
    title = f"Acta final de acuerdos — {minutes.municipality_name} {minutes.cabinet_date.isoformat()}"
    return write_pages(path, blocks(minutes), title, lambda fig, n, total: _page_furniture(fig, minutes, n, total))
