"""The furniture of a printed map page, shared by the one-layer pages (`layers.printing`),
the room's thematic pages (`layers.print_theme`) and the planning pack: paper sizes, the
scale bar and north arrow, legend entries, the footer with sources and attribution, and
the demo-data mark."""

from __future__ import annotations

import datetime as dt
import math

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrow, Rectangle  # noqa: E402

from layers.describe import ATTRIBUTION, SOURCE  # noqa: E402
from layers.output import ExportError  # noqa: E402

# Landscape sizes in inches.
PAPERS = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}
DEMO_MARK = "DATOS DE DEMOSTRACIÓN"
KM_PER_DEGREE = 111.32

matplotlib.rcParams["pdf.fonttype"] = 42  # TrueType in the PDF: its text can be searched and extracted


class PrintError(ExportError):
    pass


def paper_size(paper: str) -> tuple[float, float]:
    try:
        return PAPERS[paper.upper()]
    except KeyError:
        raise PrintError(f"Tamaño de papel desconocido: «{paper}» (A4 o A3).") from None


def nice_length(km: float) -> float:
    """The largest 1-2-5 step not above `km`."""
    if km <= 0:
        return 1.0
    exponent = math.floor(math.log10(km))
    for step in (5, 2, 1):
        value = step * 10**exponent
        if value <= km:
            return value
    return 10**exponent


def draw_scale_bar(ax, extent) -> float:
    """A scale bar at the bottom left, true at the map's middle latitude; returns its length in km."""
    minx, miny, maxx, maxy = extent
    lat = (miny + maxy) / 2
    km_per_deg = KM_PER_DEGREE * math.cos(math.radians(lat))
    width_km = (maxx - minx) * km_per_deg
    length_km = nice_length(width_km / 5)
    length_deg = length_km / km_per_deg
    x0 = minx + (maxx - minx) * 0.04
    y0 = miny + (maxy - miny) * 0.04
    h = (maxy - miny) * 0.012
    half = length_deg / 2
    ax.add_patch(Rectangle((x0, y0), half, h, facecolor="black", edgecolor="black", zorder=20))
    ax.add_patch(Rectangle((x0 + half, y0), half, h, facecolor="white", edgecolor="black", zorder=20))
    label = f"{length_km:g} km" if length_km >= 1 else f"{length_km * 1000:g} m"
    ax.text(x0, y0 + h * 1.8, "0", fontsize=7, ha="center", zorder=20)
    ax.text(x0 + length_deg, y0 + h * 1.8, label, fontsize=7, ha="center", zorder=20)
    return length_km


def draw_north_arrow(ax) -> None:
    ax.add_patch(FancyArrow(0.95, 0.86, 0, 0.08, width=0.012, head_width=0.035, head_length=0.035,
                            transform=ax.transAxes, color="black", zorder=20))
    ax.text(0.95, 0.81, "N", transform=ax.transAxes, ha="center", va="center", fontsize=12, fontweight="bold", zorder=20)


def draw_legend_entries(ax, y: float, title: str, entries, *, step: float = 0.042) -> float:
    """Swatches and labels, top down from `y` (axes fraction); returns the next free y.
    `entries`: (colour, label, marker or None for a filled box)."""
    ax.text(0, y, title, fontsize=8.5, fontweight="bold", va="top", wrap=True, transform=ax.transAxes)
    y -= step * 1.1
    for color, label, marker in entries:
        if marker is None:
            ax.add_patch(Rectangle((0, y - 0.022), 0.08, 0.026, facecolor=color, edgecolor="#636363", linewidth=0.4,
                                   transform=ax.transAxes))
        else:
            ax.plot([0.04], [y - 0.009], marker=marker, color=color, markersize=6, markeredgecolor="white",
                    transform=ax.transAxes, linestyle="")
        ax.text(0.11, y - 0.009, label, fontsize=7.5, va="center", transform=ax.transAxes)
        y -= step
    return y - step * 0.4


def footer_text(data_day: dt.date | None) -> str:
    day = data_day.isoformat() if data_day else "sin datos"
    return (f"Fecha de los datos: {day} · Elaborado: {dt.date.today().isoformat()} · Fuente: {SOURCE} · {ATTRIBUTION}"
            " · Sistema de referencia: EPSG:4326")


def mark_demo(fig: Figure, ax) -> None:
    fig.text(0.74, 0.95, DEMO_MARK, fontsize=11, fontweight="bold", color="white", va="top",
             bbox={"facecolor": "#c0392b", "edgecolor": "none", "pad": 4})
    ax.text(0.5, 0.5, DEMO_MARK, transform=ax.transAxes, fontsize=30, color="#c0392b", alpha=0.12,
            ha="center", va="center", rotation=25, zorder=30)
