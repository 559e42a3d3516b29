"""The pages of the planning pack and of the state atlas, drawn with matplotlib.

Every page carries the same frame: what document it is (top left), the title, and at the
bottom the scope, period and filters, the dates and sources, and «Página n de N». Text is
cut to the width it has (`cut`), never left to run off the paper. Summary pages show
three big numbers, a choropleth with its legend and the top problems; table pages a
table of at most `TABLE_ROWS` rows.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from layers import thematic  # noqa: E402
from layers.cells import spreadsheet_text  # noqa: E402
from layers.describe import ATTRIBUTION, SOURCE  # noqa: E402
from layers.page import DEMO_MARK, draw_legend_entries, paper_size  # noqa: E402
from layers.print_theme import draw_theme_map  # noqa: E402

TABLE_ROWS = 26


@dataclass(frozen=True)
class Frame:
    """What every page of a document says around its content."""

    document: str  # «Paquete de planificación — Municipio Libertador (0101)»
    scope: str  # «Territorio: … · Periodo: … · Filtros: ninguno»
    data_day: dt.date | None
    demo: bool
    paper: str = "A4"


def cut(value, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def number(value, decimals: int = 0) -> str:
    if value is None or value != value:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def money(value) -> str:
    return number(value, 2) if value is not None else ""


def page(frame: Frame, title: str, number_: int, total: int) -> Figure:
    """A new page with the document's frame drawn: header, title, footer and page number."""
    fig = plt.figure(figsize=paper_size(frame.paper))
    fig.text(0.03, 0.975, cut(frame.document, 120), fontsize=8, color="#555555", va="top")
    fig.text(0.03, 0.945, cut(title, 80), fontsize=15, fontweight="bold", va="top")
    if frame.demo:
        fig.text(0.97, 0.975, DEMO_MARK, fontsize=8, fontweight="bold", color="white", va="top", ha="right",
                 bbox={"facecolor": "#c0392b", "edgecolor": "none", "pad": 2.5})
    day = frame.data_day.isoformat() if frame.data_day else "sin datos"
    fig.text(0.03, 0.032, cut(frame.scope, 170), fontsize=6.5, color="#333333")
    fig.text(0.03, 0.015, cut(f"Fecha de los datos: {day} · Elaborado: {dt.date.today().isoformat()} · Fuente: {SOURCE} · "
                              f"{ATTRIBUTION}", 170), fontsize=6.5, color="#555555")
    fig.text(0.97, 0.015, f"Página {number_} de {total}", fontsize=8, ha="right", color="#333333")
    return fig


def big_numbers(fig: Figure, numbers: Sequence[tuple[str, str, str]], top: float = 0.87, left: float = 0.03,
                width: float = 0.94) -> None:
    """Three (or more) boxes: a big figure, its label and a line of context."""
    n = len(numbers)
    gap = 0.015
    box = (width - gap * (n - 1)) / n
    for i, (label, value, context) in enumerate(numbers):
        x = left + i * (box + gap)
        # Patches and text on the figure itself: an axes per box costs more than the page.
        fig.add_artist(Rectangle((x, top - 0.12), box, 0.12, transform=fig.transFigure, facecolor="#f4f6f8",
                                 edgecolor="#c8ced6", linewidth=0.8))
        fig.text(x + 0.01, top - 0.045, value, fontsize=22, fontweight="bold", va="center", color="#1f2d3d")
        fig.text(x + 0.01, top - 0.084, cut(label, 44), fontsize=9, va="center")
        fig.text(x + 0.01, top - 0.106, cut(context, 62), fontsize=7, va="center", color="#555555")


def map_with_legend(fig: Figure, theme: thematic.Theme, rect=(0.03, 0.07, 0.56, 0.64), legend_rect=(0.61, 0.44, 0.22, 0.28)) -> None:
    ax = fig.add_axes(list(rect))
    draw_theme_map(ax, theme)
    legend_ax = fig.add_axes(list(legend_rect))
    legend_ax.axis("off")
    c = theme.choropleth
    draw_legend_entries(legend_ax, 1.0, cut(c.title, 40) + " (n.º)",
                        [(color, f"{label}  ({n})", None) for color, label, n in c.legend], step=0.1)


def table(fig: Figure, rect, columns: Sequence[tuple[str, int]], rows: Sequence[Sequence], *, title: str | None = None,
          font: float = 7.0, bold_last: bool = False) -> None:
    """A table at the top of `rect` (figure fractions), one row per line; column widths in
    characters (cells are cut to them, numbers right-aligned). Drawn as plain text and
    stripes on the figure: matplotlib's own table costs seconds a page."""
    x0, y0, width, height = rect
    if title:
        fig.text(x0, y0 + height + 0.004, cut(title, int(width * 190)), fontsize=9.5, fontweight="bold", va="bottom")
    if not rows:
        fig.text(x0, y0 + height - 0.01, "Sin registros para este territorio y periodo.", fontsize=9, va="top")
        return
    fig_height = fig.get_figheight() * 72  # points
    line = font * 1.55 / fig_height  # one row, in figure fraction
    rows = list(rows)[: max(1, int(height / line) - 1)]
    widths = [w for _, w in columns]
    total = sum(widths)
    numeric = [all(_is_numeric(r[i]) for r in rows) for i in range(len(columns))]
    top = y0 + height
    fig.add_artist(Rectangle((x0, top - line), width, line, transform=fig.transFigure, facecolor="#e8ecf0", edgecolor="none"))
    for i in range(1, len(rows) + 1, 2):
        fig.add_artist(Rectangle((x0, top - line * (i + 1)), width, line, transform=fig.transFigure, facecolor="#f6f8fa",
                                 edgecolor="none"))
    if bold_last:
        fig.add_artist(Rectangle((x0, top - line * (len(rows) + 1)), width, line, transform=fig.transFigure,
                                 facecolor="#e8ecf0", edgecolor="none"))
    x = x0
    pad = 0.004
    for i, ((header, w), right) in enumerate(zip(columns, numeric)):
        col_w = width * w / total
        room = fits(fig, col_w - 2 * pad, font)  # the column's width sets the cut, not its share in characters
        tx, ha = (x + col_w - pad, "right") if right else (x + pad, "left")
        fig.text(tx, top - line / 2, cut(header, room), fontsize=font, fontweight="bold", ha=ha, va="center")
        for r, row in enumerate(rows, start=1):
            weight = "bold" if bold_last and r == len(rows) else "normal"
            fig.text(tx, top - line * (r + 0.5), cut(spreadsheet_text(row[i]), room), fontsize=font, ha=ha, va="center",
                     fontweight=weight)
        x += col_w


# Helvetica's mean advance in mixed Spanish text, capitals and digits included, in ems.
MEAN_ADVANCE = 0.56


def fits(fig: Figure, width: float, size: float) -> int:
    """How many characters of `size` points fit in `width` (a fraction of the page's width)."""
    return max(1, int(width * fig.get_figwidth() * 72 / (size * MEAN_ADVANCE)))


def _is_numeric(value) -> bool:
    text = "" if value is None else str(value).strip()
    return text == "" or text == "—" or text.replace(".", "").replace(",", "").replace(" %", "").replace("-", "").isdigit()


def text_block(fig: Figure, x: float, y: float, lines: Sequence[str], *, span: float = 0.36, size: float = 8.5,
               max_lines: int = 8) -> None:
    """Lines of text from (x, y) down, wrapped to `span` (a fraction of the page's width),
    at most `max_lines` (the last one cut with «…» if there is more)."""
    width = fits(fig, span, size)
    wrapped = [piece for line in lines for part in line.split("\n")
               for piece in (textwrap.wrap(part, width, subsequent_indent="    ") or [""])]
    if len(wrapped) > max_lines:
        wrapped = [*wrapped[: max_lines - 1], cut(wrapped[max_lines - 1] + " …", width)]
    fig.text(x, y, "\n".join(wrapped), fontsize=size, va="top", linespacing=1.5)
