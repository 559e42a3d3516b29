"""The advice for the next consultation as a PDF: A4 portrait, laid out and paginated with
the minutes' machinery (`layers.minutes_pdf`: blocks measured first, drawn second, a
table's heading repeated after a page break, text as text).

Contents: the commune or circuit and its figures; what to weigh in the next round (sectors
with open needs and nothing under way, stalled projects, projects still unfunded); needs
by sector against the projects chosen; those projects one by one; the rounds it took
part in; a line to sign on handing it over.
"""

from __future__ import annotations

from pathlib import Path

from layers.advice import suggestions
from layers.minutes_pdf import (
    FONT,
    HEIGHT,
    LINE,
    MARGIN,
    OVERDUE,
    WIDTH,
    Block,
    _fig_text,
    _rect,
    _text_block,
    _wrap,
    write_pages,
)

SECTOR_TABLE = (("Sector", 88), ("Casos (abiertos)", 62), ("Necesidades ACA", 60), ("Proyectos", 52),
                ("En ejec. / culm. / paral.", 95), ("Aprobado", 54), ("Depositado", 60), ("Avance", 40))
PROJECT_TABLE = (("Consulta", 50), ("Proyecto", 140), ("Sector", 60), ("Etapa", 56), ("Avance", 40), ("Aprobado", 54),
                 ("Depositado", 60), ("Votos", 51))
ROUND_TABLE = (("Consulta", 50), ("Nombre", 200), ("Fechas", 120), ("Votantes", 70), ("Proyectos votados", 71))


def _money(value) -> str:
    return f"{float(value or 0):,.0f}".replace(",", ".")


def _heading(columns) -> Block:
    height = 2 * LINE + 6

    def draw(fig, y):
        _rect(fig, MARGIN, y, WIDTH - 2 * MARGIN, height, facecolor="#e8e8e8", edgecolor="none")
        x = MARGIN
        for title, width in columns:
            for i, line in enumerate(_wrap(title, width - 6)[:2]):
                _fig_text(fig, x + 3, y - 3 - i * LINE, line, fontsize=FONT, fontweight="bold")
            x += width

    return Block(height, draw, keep_with_next=True)


def _row(columns, cells: list[str], colour: str = "#111111") -> Block:
    wrapped = [_wrap(text, width - 6) for text, (_, width) in zip(cells, columns)]
    height = max(len(lines) for lines in wrapped) * LINE + 6

    def draw(fig, y):
        x = MARGIN
        for column, (lines, (_, width)) in enumerate(zip(wrapped, columns)):
            for i, line in enumerate(lines):
                _fig_text(fig, x + 3, y - 3 - i * LINE, line, fontsize=FONT, color=colour if column == 0 else "#111111",
                          fontweight="bold" if column == 0 and colour != "#111111" else "normal")
            x += width
        _rect(fig, MARGIN, y - height + 0.4, WIDTH - 2 * MARGIN, 0.4, facecolor="#bbbbbb", edgecolor="none")

    return Block(height, draw, table_row=True, heading=lambda: _heading(columns))


def _table(columns, rows: list[tuple[list[str], str]]) -> list[Block]:
    return [_heading(columns)] + [_row(columns, cells, colour) for cells, colour in rows] + [Block(8.0, lambda fig, y: None)]


def blocks(advice: dict) -> list[Block]:
    unit, totals = advice["unit"], advice["totals"]
    kind = "Comuna" if unit["level"] == "commune" else "Circuito comunal"
    kind = "" if unit["name"].lower().startswith(kind.split()[0].lower()) else kind + " "
    share = totals["deposited_share"]
    communes = ", ".join(c["name"] for c in advice["communes"])
    out = [
        _text_block("Asesoría para la próxima consulta popular", 18, bold=True, after=2),
        _text_block(f"{kind}{unit['name']} ({unit['code']})", 12, after=2),
        _text_block(f"{unit['path']}" + (f" · comunas: {communes}" if unit["level"] == "circuit" else ""), FONT + 1,
                    colour="#333333", after=6),
        _text_block(
            f"{totals['cases']} casos 1x10 ({totals['open_cases']} abiertos); {totals['projects']} proyectos elegidos en consultas "
            f"anteriores: {totals['completed']} culminados, {totals['stalled']} paralizados, {totals['aca_needs']} sin financiar. "
            f"Aprobado {_money(totals['approved_amount'])} Bs, depositado {_money(totals['deposited'])} Bs"
            + (f" ({share:.1f} %)." if share is not None else ".") + f" Datos al {advice['today']}.",
            FONT + 1, colour="#333333", after=10),
        _text_block("1. Para la próxima consulta", 13, bold=True, before=4, after=4, keep=True),
    ]
    out += [_text_block("• " + line, FONT + 1, after=3) for line in suggestions(advice)]
    out.append(_text_block("2. Necesidades por sector y proyectos elegidos", 13, bold=True, before=10, after=4, keep=True))
    out += _table(SECTOR_TABLE, [
        ([s["label"] + (" · sin respuesta" if s["unanswered"] else ""), f"{s['cases']} ({s['open_cases']})", str(s["aca_needs"]),
          str(s["projects"]), f"{s['running']} / {s['completed']} / {s['stalled']}", _money(s["approved_amount"]),
          _money(s["deposited"]), "—" if s["mean_progress"] is None else f"{s['mean_progress']:.0f} %"],
         OVERDUE if s["unanswered"] else "#111111")
        for s in advice["sectors"]
    ])
    out.append(_text_block("3. Proyectos elegidos y su ejecución", 13, bold=True, before=6, after=4, keep=True))
    if advice["projects"]:
        out += _table(PROJECT_TABLE, [
            ([p["consultation_round"], f"{p['code']} — {p['name']}", p["sector_label"], p["stage_label"], f"{p['progress']:.0f} %",
              _money(p["budget"]), _money(p["deposited"]), "" if p["votes"] is None else str(p["votes"])],
             OVERDUE if p["stage"] == "stalled" else "#111111")
            for p in advice["projects"]
        ])
    else:
        out.append(_text_block("Ningún proyecto registrado.", FONT + 1, colour="#555555", after=6))
    out.append(_text_block("4. Consultas en que participó", 13, bold=True, before=6, after=4, keep=True))
    if advice["rounds"]:
        out += _table(ROUND_TABLE, [
            ([r["code"], r["name"] or "", f"{r['start_date']}" + (f" a {r['end_date']}" if r["end_date"] else ""),
              "—" if r["voters"] is None else f"{r['voters']:,}".replace(",", "."), str(r["projects_voted"])], "#111111")
            for r in advice["rounds"]
        ])
    else:
        out.append(_text_block("Sin participación registrada en las consultas cargadas.", FONT + 1, colour="#555555", after=6))
    out.append(_text_block("Los casos abiertos son los reportados, asignados o en proceso; un sector «sin respuesta» tiene casos "
                           "abiertos y ningún proyecto en ejecución ni culminado. Montos en bolívares.", FONT, colour="#555555",
                           before=6, after=30))
    out.append(_text_block("Entregado a la comuna por: ______________________    Recibido por: ______________________", FONT + 1,
                           after=4))
    return out


def _furniture(fig, advice: dict, number: int, total: int) -> None:
    unit = advice["unit"]
    _fig_text(fig, MARGIN, HEIGHT - 34, "Asesoría para la próxima consulta popular", fontsize=9, fontweight="bold")
    _fig_text(fig, MARGIN, HEIGHT - 48, f"{unit['name']} ({unit['code']}) · datos al {advice['today']}", fontsize=9)
    fig.text((WIDTH - MARGIN) / WIDTH, (HEIGHT - 34) / HEIGHT, f"Página {number} de {total}", va="top", ha="right", fontsize=9)
    if advice.get("is_demo"):
        fig.text((WIDTH - MARGIN) / WIDTH, (HEIGHT - 48) / HEIGHT, "Datos de demostración", va="top", ha="right",
                 fontsize=9, color=OVERDUE)
    _rect(fig, MARGIN, HEIGHT - 62, WIDTH - 2 * MARGIN, 0.8, facecolor="#333333", edgecolor="none")
    _rect(fig, MARGIN, 40, WIDTH - 2 * MARGIN, 0.5, facecolor="#999999", edgecolor="none")
    _fig_text(fig, MARGIN, 34, f"Sala de Autogobierno · asesoría de {unit['name']} ({unit['code']})", fontsize=7, color="#555555")


def write_advice_pdf(advice: dict, path: Path) -> int:
    """Write the PDF; returns its page count."""
    return write_pages(path, blocks(advice), f"Asesoría para la próxima consulta — {advice['unit']['name']}",
                       lambda fig, n, total: _furniture(fig, advice, n, total))
