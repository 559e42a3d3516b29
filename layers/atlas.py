"""The state atlas for directors: one PDF, one page per municipality of a state, each the
planning pack's summary page (three numbers, parishes coloured by open cases, the top
problems, the money), with the same frame and page numbers.

`sala export atlas --territory 15 -o atlas.pdf` writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Connection, select

from geodata.models import Territory
from layers import pack_pdf
from layers.describe import describe_params
from layers.output import ExportError, atomic_path, check_target
from layers.features import data_date, has_demo
from layers.pack import scope_line
from layers.pack_data import read_pack_data
from layers.pack_pages import Frame
from layers.registry import LayerParams, resolve_params
from layers.thematic import country_states, territory_shapes


def build_atlas(conn: Connection, code: str, path: str | Path, params: LayerParams | None = None, *, paper: str = "A4",
                progress: Callable[[str, int], None] | None = None) -> int:
    """Write the atlas of state `code` to `path` (.pdf); returns its page count."""
    check_target(path)
    params = resolve_params(conn, replace(params or LayerParams(), territory=code, filters=None))
    state = conn.execute(select(Territory.id, Territory.code, Territory.name, Territory.level, Territory.path)
                         .where(Territory.code == params.territory)).first()
    if state.level != "state":
        raise ExportError(f"El atlas se hace por estado; «{state.code}» ({state.name}) no es un estado.")
    municipalities = conn.execute(select(Territory.code, Territory.name, Territory.level, Territory.path)
                                  .where(Territory.parent_id == state.id, Territory.level == "municipality")
                                  .order_by(Territory.name)).all()
    country = country_states(conn)
    pages = []
    for i, node in enumerate(municipalities):
        if progress:
            progress(f"Atlas: leyendo {node.name}", int(50 * i / max(1, len(municipalities))))
        mparams = resolve_params(conn, replace(params, territory=node.code, territory_path=None))
        data = read_pack_data(conn, mparams)
        cover = pack_pdf.plan_pages(data, node, territory_shapes(conn, [node.code]), country, state.code, [])[0][1]
        pages.append((f"Municipio {node.name} ({node.code})", _without_contents(cover)))
    days = [d for d in (data_date(conn, layer, params) for layer in ("cases", "projects", "agreements")) if d]
    demo = any(has_demo(conn, layer, params) for layer in ("cases", "municipalities"))
    frame = Frame(document=f"Atlas del estado {state.name} ({state.code}) · un municipio por página",
                  scope=scope_line(describe_params(conn, params), params), data_day=max(days) if days else None, demo=demo,
                  paper=paper)

    def on_page(done: int, total: int, title: str) -> None:
        if progress:
            progress(f"Atlas: página {done} de {total}", 50 + int(50 * done / total))

    with atomic_path(Path(path)) as tmp:
        count = pack_pdf.render(tmp, frame, pages, f"Atlas del estado {state.name}", on_page)
    return count


def _without_contents(draw):
    """The pack's summary page, without the pack's table of contents (the atlas has none)."""
    def page(fig):
        draw(fig)
        for text in list(fig.texts):
            if text.get_text().startswith("Contenido:"):
                text.remove()
    return page
