"""The planning pack's PDF: what a cabinet puts on its table, in this order.

1. the municipality: three numbers (open cases, overdue cases, agreements pending), its
   parishes coloured by open cases, the contents;
2. one page per cabinet area (Social, Servicios Públicos, Seguridad Integral): its three
   numbers, the parishes by the area's open cases, its top problems and its money;
3. one page per parish: its numbers, its communes and councils by open cases, its top
   problems and most urgent cases;
4. the tables, summarised: cases by category and by parish with totals, the 20 most
   urgent open cases (overdue first, oldest first), the projects' money trail (approved,
   deposited, stage, progress) and the agreements with status and due date.

Full lists are in the pack's CSV and GeoPackage, not here. Pages are planned first and
drawn after, so each knows its number and the total.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from geodata.vocab import AREAS  # noqa: E402
from layers import pack_data as pd_  # noqa: E402
from layers import thematic  # noqa: E402
from layers.describe import SOURCE  # noqa: E402
from layers.pack_pages import Frame, big_numbers, cut, map_with_legend, money, number, page, table, text_block  # noqa: E402
from layers.thematic_draw import draw_inset  # noqa: E402

AGREEMENT_PAGES = 3
CORE_FONTS = {"pdf.use14corefonts": True, "font.family": "sans-serif"}
Draw = Callable[[object], None]


def _table_name(name) -> str:
    text = "" if name is None else str(name)
    return text[len("Mesa de "):] if text.startswith("Mesa de ") else text


def _date(value) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else ""


def _theme(name: str, shapes, values: dict, outline, title: str, country=None, state_code=None, code=None) -> thematic.Theme:
    """A map of open cases (the room's ramp and classes) over `shapes`; with `country`, an inset too."""
    choropleth = thematic.make_choropleth(shapes, values, "cases_open", title)
    return thematic.Theme(code=code, name=name, level="", choropleth=choropleth, points=[], outline=outline,
                          country=country if country is not None else shapes.iloc[0:0], state_code=state_code)


def case_numbers(counts: dict, agreements) -> list[tuple[str, str, str]]:
    pending = agreements[agreements["status"] != "done"] if len(agreements) else agreements
    overdue_agreements = int(pending["overdue"].fillna(False).astype(bool).sum()) if len(pending) else 0
    share = f"{100 * counts['overdue'] / counts['open']:.0f} % de los abiertos".replace(".", ",") if counts["open"] else "—"
    return [
        ("Casos 1x10 abiertos", number(counts["open"]), f"de {number(counts['total'])} reportados · {number(counts['resolved'])} resueltos"),
        ("Casos vencidos (fecha límite pasada)", number(counts["overdue"]), share),
        ("Acuerdos del gabinete pendientes", number(len(pending)), f"{number(overdue_agreements)} vencidos de {number(len(agreements))}"),
    ]


def money_line(projects) -> str:
    if not len(projects):
        return "Proyectos: ninguno en el periodo."
    budget, deposited = projects["budget"].fillna(0).sum(), projects["deposited"].fillna(0).sum()
    pct = f" ({number(100 * deposited / budget)} %)" if budget else ""
    return f"Proyectos: {number(len(projects))} · aprobado Bs. {money(budget)}\n    depositado Bs. {money(deposited)}{pct}"


def summary_page(fig, *, numbers, theme: thematic.Theme, side_title: str, side_rows: list[list], side_lines: list[str],
                 urgent_rows: list[list] | None = None, inset: bool = False) -> None:
    """Three numbers, a choropleth with its legend, the top problems (and the most urgent cases)."""
    big_numbers(fig, numbers)
    map_with_legend(fig, theme)
    table(fig, (0.61, 0.27 if urgent_rows is None else 0.3, 0.36, 0.12), [("Categoría", 24), ("Área", 16), ("Abiertos", 8), ("Vencidos", 8)],
          side_rows, title=side_title)
    if urgent_rows is not None:
        table(fig, (0.61, 0.07, 0.36, 0.12), [("Caso", 15), ("Categoría", 17), ("Días", 6), ("Vencido", 7)], urgent_rows,
              title="Los casos abiertos más urgentes")
    text_block(fig, 0.61, 0.225 if urgent_rows is None else 0.27, side_lines, span=0.36, size=7.5, max_lines=6)
    if inset:
        draw_inset(fig, [0.84, 0.52, 0.13, 0.2], theme)


def plan_pages(data: pd_.PackData, node, outline, country, state_code, extra_lines: list[str]) -> list[tuple[str, Draw]]:
    """(title, draw) for every page of the plan, in order."""
    pages: list[tuple[str, Draw]] = []
    cases, projects, agreements = data.cases, data.projects, data.agreements
    totals = pd_.case_counts(cases)

    def cover(fig):
        theme = _theme(node.name, data.parishes, pd_.open_by(cases, "parish"), outline, "Casos abiertos por parroquia",
                       country, state_code, node.code)
        summary_page(fig, numbers=case_numbers(totals, agreements), theme=theme, side_title="Principales problemas (casos abiertos)",
                     side_rows=pd_.top_categories(cases, 5), side_lines=[money_line(projects), *extra_lines], inset=True)
        parish_pages = [i + 1 for i, (title, _) in enumerate(pages) if title.startswith("Parroquia")]
        contents = "Contenido: resumen p. 1 · áreas del gabinete p. 2–4"
        if parish_pages:
            contents += f" · parroquias p. {parish_pages[0]}–{parish_pages[-1]}"
        contents += f" · tablas p. {(parish_pages[-1] if parish_pages else 4) + 1}–{len(pages)}"
        text_block(fig, 0.61, 0.085, [contents], span=0.36, size=7, max_lines=2)

    pages.append((f"Paquete de planificación — Municipio {node.name}", cover))

    for area, label in AREAS.items():
        def area_page(fig, area=area, label=label):
            frame = data.cases_of(area=area)
            area_agreements = agreements[agreements["area"] == area] if len(agreements) else agreements
            area_projects = projects[projects["area"] == area] if len(projects) else projects
            theme = _theme(node.name, data.parishes, pd_.open_by(frame, "parish"), outline, f"Casos abiertos del área {label}")
            summary_page(fig, numbers=case_numbers(pd_.case_counts(frame), area_agreements), theme=theme,
                         side_title=f"Principales problemas del área {label}", side_rows=pd_.top_categories(frame, 5),
                         side_lines=[money_line(area_projects)])

        pages.append((f"Área {label} — Municipio {node.name}", area_page))

    for parish in data.parishes.itertuples():
        def parish_page(fig, parish=parish):
            frame = data.cases_of(parish=parish.code)
            counts = pd_.case_counts(frame)
            children = data.children[data.children["parent"] == parish.code]
            shape = data.parishes[data.parishes["code"] == parish.code]
            if len(children):
                theme = _theme(parish.name, children, pd_.open_by(frame, "child"), shape, "Casos abiertos por comuna y consejo")
            else:
                theme = _theme(parish.name, shape, {parish.code: counts["open"]}, shape, "Casos abiertos")
            urgent_rows = [[r.code, r.category_label, r.days_open, "sí" if r.overdue else ""] for r in pd_.urgent(frame, 5).itertuples()]
            numbers = [
                ("Casos 1x10 abiertos", number(counts["open"]), f"de {number(counts['total'])} reportados"),
                ("Casos vencidos", number(counts["overdue"]), "abiertos con la fecha límite pasada"),
                ("Casos resueltos", number(counts["resolved"]), "resueltos o cerrados"),
            ]
            summary_page(fig, numbers=numbers, theme=theme, side_title="Principales problemas (casos abiertos)",
                         side_rows=pd_.top_categories(frame, 5), side_lines=[], urgent_rows=urgent_rows)

        pages.append((f"Parroquia {parish.name} — Municipio {node.name}", parish_page))

    def categories(fig):
        rows = pd_.by_category(cases)
        rows = [[r[0], r[1], number(r[2]), number(r[3]), number(r[4]), number(r[5])] for r in rows[:24]]
        rows.append(["Total", "", number(totals["open"]), number(totals["overdue"]), number(totals["resolved"]), number(totals["total"])])
        table(fig, (0.03, 0.08, 0.45, 0.78), [("Categoría", 22), ("Área", 16), ("Abiertos", 8), ("Vencidos", 8), ("Resueltos", 9),
                                              ("Total", 7)], rows, title="Por categoría", font=6.5, bold_last=True)
        parish_rows = pd_.by_parish(data)
        shown = [[r[0], number(r[1]), number(r[2]), number(r[3]), number(r[4])] for r in parish_rows[:40]]
        shown.append(["Total", number(totals["open"]), number(totals["overdue"]), number(totals["resolved"]), number(totals["total"])])
        table(fig, (0.52, 0.08, 0.45, 0.78), [("Parroquia", 26), ("Abiertos", 8), ("Vencidos", 8), ("Resueltos", 9), ("Total", 7)],
              shown, title="Por parroquia", font=6.0 if len(shown) > 28 else 6.5, bold_last=True)

    pages.append(("Casos 1x10 por categoría y por parroquia", categories))

    def urgent_page(fig):
        rows = [[r.code, _date(r.reported_date), r.category_label, AREAS.get(r.area, r.area), r.status_label, _date(r.due_date),
                 "sí" if r.overdue else "", number(r.days_open), r.territory_name, r.institution]
                for r in pd_.urgent(cases).itertuples()]
        fig.text(0.03, 0.895, cut(f"{number(totals['open'])} casos abiertos, {number(totals['overdue'])} vencidos. Los 20 más urgentes: "
                                  "vencidos primero, luego los más antiguos. La lista completa está en csv/cases.csv y en la "
                                  "GeoPackage.", 190), fontsize=8, va="top", color="#333333")
        table(fig, (0.03, 0.08, 0.94, 0.78), [("Caso", 15), ("Reporte", 10), ("Categoría", 14), ("Área", 15), ("Estatus", 10),
                                              ("Límite", 10), ("Vencido", 7), ("Días", 5), ("Territorio", 22), ("Institución", 24)],
              rows)

    pages.append(("Casos 1x10 abiertos y vencidos: los 20 más urgentes", urgent_page))

    def money_page(fig):
        stages = pd_.money_by_stage(projects)
        rows = [[r[0], number(r[1]), money(r[2]), money(r[3]), f"{number(r[4])} %" if r[4] is not None else "—",
                 f"{number(r[5])} %" if r[5] is not None else "—"] for r in stages]
        budget = projects["budget"].fillna(0).sum() if len(projects) else 0
        deposited = projects["deposited"].fillna(0).sum() if len(projects) else 0
        progress = projects["progress"].dropna().mean() if len(projects) else None
        rows.append(["Total", number(len(projects)), money(budget), money(deposited),
                     f"{number(100 * deposited / budget)} %" if budget else "—", f"{number(progress)} %" if progress == progress and progress is not None else "—"])
        table(fig, (0.03, 0.6, 0.94, 0.26), [("Etapa", 18), ("Proyectos", 9), ("Aprobado Bs.", 18), ("Depositado Bs.", 18),
                                             ("% depositado", 11), ("Avance medio", 11)], rows,
              title="Rastro del dinero: aprobado, depositado y avance por etapa", bold_last=True)
        top = projects.sort_values(["budget", "code"], ascending=[False, True]).head(16) if len(projects) else projects
        project_rows = [[r.code, r.name, r.stage_label, AREAS.get(r.area, r.area), money(r.budget), money(r.deposited),
                         f"{number(r.deposited_pct)} %" if r.deposited_pct == r.deposited_pct and r.deposited_pct is not None else "—",
                         f"{number(r.progress)} %" if r.progress == r.progress and r.progress is not None else "—",
                         _date(r.last_deposit), r.territory_name] for r in top.itertuples()]
        title = f"Los {len(project_rows)} proyectos de mayor presupuesto (de {number(len(projects))}; todos en csv/projects.csv)"
        table(fig, (0.03, 0.08, 0.94, 0.44), [("Código", 9), ("Proyecto", 32), ("Etapa", 11), ("Área", 15), ("Aprobado Bs.", 14),
                                              ("Depositado Bs.", 14), ("%", 6), ("Avance", 7), ("Últ. depósito", 11), ("Territorio", 18)],
              project_rows, title=title)

    pages.append(("Proyectos y su financiamiento", money_page))

    ordered = agreements.assign(_late=agreements["overdue"].fillna(False).astype(bool), _done=agreements["status"] == "done") \
        .sort_values(["_done", "_late", "due_date", "code"], ascending=[True, False, True, True]) if len(agreements) else agreements
    chunks = [ordered.iloc[i: i + 22] for i in range(0, min(len(ordered), 22 * AGREEMENT_PAGES), 22)] or [ordered]
    for number_, chunk in enumerate(chunks, start=1):
        def agreements_page(fig, chunk=chunk, number_=number_):
            status = ordered["status_label"].value_counts().to_dict() if len(ordered) else {}
            late = int(ordered["_late"].sum()) if len(ordered) else 0
            note = " · ".join(f"{k}: {number(v)}" for k, v in status.items()) + f" · vencidos: {number(late)}"
            if len(ordered) > 22 * AGREEMENT_PAGES:
                note += f" · se muestran {22 * AGREEMENT_PAGES} de {number(len(ordered))} (pendientes primero); todos en csv/agreements.csv"
            fig.text(0.03, 0.895, cut(note, 190), fontsize=8, va="top", color="#333333")
            # «Mesa de Energía y Gas» under «Mesa»: the name without its «Mesa de», so more of it fits.
            rows = [[r.code, _date(r.cabinet_date), AREAS.get(r.area, r.area), _table_name(r.working_table), r.text,
                     r.institution, r.status_label, _date(r.due_date), "sí" if r.overdue else ""] for r in chunk.itertuples()]
            table(fig, (0.03, 0.08, 0.94, 0.78), [("Código", 12), ("Gabinete", 9), ("Área", 14), ("Mesa", 15), ("Acuerdo", 49),
                                                  ("Responsable", 18), ("Estatus", 9), ("Límite", 9), ("Vencido", 7)], rows)

        suffix = f" ({number_}/{len(chunks)})" if len(chunks) > 1 else ""
        pages.append((f"Acuerdos del gabinete: estatus y fecha límite{suffix}", agreements_page))
    return pages


def draw(payload: dict, path: Path, on_page: Callable[[int, int, str], None] | None = None) -> int:
    """Plan and draw the pack's PDF from what `layers.pack.plan_payload` read; the page count."""
    pages = plan_pages(payload["data"], payload["node"], payload["outline"], payload["country"], payload["state_code"],
                       payload["extra"])
    return render(path, payload["frame"], pages, payload["title"], on_page)


@contextlib.contextmanager
def _quiet_font_lookup():
    """matplotlib warns on every lookup that Helvetica has no «normal» weight (it takes «medium», the same)."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def render(path: Path, frame: Frame, pages: list[tuple[str, Draw]], title: str,
           on_page: Callable[[int, int, str], None] | None = None) -> int:
    """Draw the planned pages to one PDF; `on_page(done, total, title)` after each.

    The text is set in the PDF's standard Helvetica (`pdf.use14corefonts`, WinAnsi:
    every Spanish letter and sign), not in an embedded DejaVu: the same text, still
    searchable and extractable, drawn about ten times faster (a pack's pages carry
    thousands of table cells) and narrower, so more of each cell fits."""
    with matplotlib.rc_context(CORE_FONTS), _quiet_font_lookup(), \
            PdfPages(path, metadata={"Title": title, "Creator": SOURCE}) as pdf:
        for i, (page_title, draw) in enumerate(pages, start=1):
            fig = page(frame, page_title, i, len(pages))
            try:
                draw(fig)
                pdf.savefig(fig)
            finally:
                plt.close(fig)
            if on_page is not None:
                on_page(i, len(pages), page_title)
    return len(pages)
