"""The functions behind the Map of Solutions page: problems beside solutions, per municipality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine

from dashboard import figures, texts
from dashboard.classify import format_date, format_number
from dashboard.view import View
from dashboard.viewmodels import cached_indicators, geo_url
from geodata import solutions
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.place import resolve_place
from layers.boundaries import boundary_version, territory_bbox

AGREEMENT_COLUMNS = (
    "code",
    "cabinet_date",
    "area_label",
    "working_table",
    "text",
    "institution",
    "status_label",
    "due_date",
    "days_overdue",
    "linked_cases",
    "linked_projects",
)
LINK_COLUMNS = ("case_code", "category_label", "case_status_label", "solution_kind_label", "solution_code", "solution_label")
UNANSWERED_COLUMNS = ("code", "category_label", "status_label", "reported_date", "due_date", "territory_name", "institution")
NEED_COLUMNS = ("code", "name", "stage_label", "sector_label", "budget", "round", "territory_name")


def columns(fields: tuple[str, ...], code_href: str | None = None) -> list[dict]:
    """The grid's columns; `code_href` makes the code a link (the prefix the code follows)."""
    wide = {"text", "solution_label", "name"}
    numeric = {"budget", "days_overdue", "linked_cases", "linked_projects"}
    dates = {"cabinet_date", "due_date", "reported_date"}
    cols = []
    for f in fields:
        col = {"field": f, "headerName": texts.COLUMNS[f], "filter": True}
        col.update({"flex": 2, "minWidth": 260, "wrapText": True, "autoHeight": True} if f in wide else {"minWidth": 110})
        if f in numeric:
            col.update({"type": "numericColumn", "valueFormatter": {"function": "salaNumber(params.value, 0)"}})
        if f in dates:
            col["valueFormatter"] = {"function": "salaDate(params.value)"}
        if f == "code" and code_href:
            col.update({"cellRenderer": "markdown",
                        "valueGetter": {"function": f"salaCodeLink(params.data.code, '{code_href}')"}})
        cols.append(col)
    return cols


@dataclass
class SolutionsPage:
    error: str | None = None
    title: str = ""
    crumbs: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    categories: dict | None = None
    map: dict | None = None
    agreements: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    unanswered: list[dict] = field(default_factory=list)
    needs: list[dict] = field(default_factory=list)


def categories_figure(categories: list[dict]) -> dict:
    """Per category: cases with a solution, open without answer, the rest (closed)."""
    labels = [c["label"] for c in categories]
    other = [c["cases"] - c["with_solution"] - c["unanswered"] for c in categories]
    data = [
        {"type": "bar", "y": labels, "x": [c["with_solution"] for c in categories], "name": texts.SOL_WITH, "orientation": "h", "marker": {"color": "#1e8449"}},
        {"type": "bar", "y": labels, "x": [c["unanswered"] for c in categories], "name": texts.SOL_OPEN_WITHOUT, "orientation": "h", "marker": {"color": "#c0392b"}},
        {"type": "bar", "y": labels, "x": other, "name": texts.SOL_OTHER, "orientation": "h", "marker": {"color": "#bbbbbb"}},
    ]
    layout = dict(
        barmode="stack",
        title={"text": texts.SOL_CATEGORIES, "font": {"size": 14}},
        height=max(220, 60 + 28 * len(labels)),
        margin={"l": 130, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "y": -0.15},
        yaxis={"autorange": "reversed"},
        separators=figures.SEPARATORS,
        font={"family": figures.FONT},
        plot_bgcolor="#ffffff",
    )
    return {"data": data, "layout": layout}


def _markers(lon: list, lat: list, size: int, color: str, name: str, text: list) -> dict:
    """One layer of points on the Map of Solutions, its hover text as given."""
    return dict(
        type="scattermap", lon=lon, lat=lat, mode="markers", marker={"size": size, "color": color},
        text=text, hovertemplate="%{text}<extra></extra>", name=name,
    )


def solutions_figure(data: dict, parishes_url: str, outline_url: str, bbox) -> dict:
    """The municipality's parishes as the base; unanswered cases, answered cases, projects
    and a line from each case to the project that answers it."""
    traces: list = [
        dict(
            type="choroplethmap",
            geojson=parishes_url,
            featureidkey="properties.code",
            locations=[],
            z=[],
            showscale=False,
            hoverinfo="skip",
        )
    ]
    line_lon, line_lat = [], []
    linked_lon, linked_lat, linked_text = [], [], []
    for link in data["links"]:
        if link["case_lon"] is None:
            continue
        linked_lon.append(link["case_lon"])
        linked_lat.append(link["case_lat"])
        linked_text.append(f"Caso {link['case_code']} ({link['category_label']}) → {texts.SOLUTION_KINDS[link['solution_kind']]} {link['solution_code']}")
        if link["solution_lon"] is not None:
            line_lon += [link["case_lon"], link["solution_lon"], None]
            line_lat += [link["case_lat"], link["solution_lat"], None]
    if line_lon:
        traces.append(dict(type="scattermap", lon=line_lon, lat=line_lat, mode="lines", line={"color": "#7f8c8d", "width": 2}, name=texts.SOL_MAP_LINKS, hoverinfo="skip"))
    un = [u for u in data["unanswered"] if u["lon"] is not None]
    traces.append(_markers(
        [u["lon"] for u in un], [u["lat"] for u in un], 10, "#c0392b", texts.SOL_MAP_CASES,
        [f"Caso {u['code']} ({u['category_label']}) · {u['status_label']} · reportado {format_date(u['reported_date'])}" for u in un],
    ))
    traces.append(_markers(linked_lon, linked_lat, 9, "#e67e22", texts.SOL_MAP_LINKED, linked_text))
    projects = [p for p in data["projects"] + data["needs"] if p["lon"] is not None]
    traces.append(_markers(
        [p["lon"] for p in projects], [p["lat"] for p in projects], 11, "#1f5fa8", texts.SOL_MAP_PROJECTS,
        [f"{p['name']} · {p['stage_label']} · Bs. {format_number(p['budget'])}" for p in projects],
    ))
    center, zoom = figures.zoom_for_bbox(bbox, width_px=700, height_px=480)
    layout = dict(
        map={"style": "white-bg", "center": center, "zoom": zoom, "layers": figures.base_layers([outline_url, parishes_url], None, "", False)},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=480,
        legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)"},
        separators=figures.SEPARATORS,
        font={"family": figures.FONT},
    )
    return {"data": traces, "layout": layout}


def solutions_page(engine: Engine, view: View, scope: Scope = NATIONAL, today: dt.date | None = None) -> SolutionsPage:
    """The Map of Solutions of the municipality of `view.territory` (or of the one it lies in)."""
    if not view.territory:
        return SolutionsPage(error=texts.SOL_CHOOSE)
    with engine.connect() as conn:
        try:
            place = resolve_place(conn, view.territory, scope)  # the one lookup and scope check
            data = cached_indicators(conn, "solutions_map", place, view.period, scope, today)
        except ScopeError:
            return SolutionsPage(error=texts.NOT_FOUND.format(code=view.territory))
        except solutions.NotAMunicipality:
            return SolutionsPage(error=texts.SOL_NOT_MUNICIPALITY.format(name=view.territory))
        mun = data["municipality"]
        node = place.ancestor("municipality")
        version = boundary_version(conn)
        bbox = territory_bbox(conn, node, scope)
        # The breadcrumb from the country down to the municipality.
        crumbs = [{"code": c, "name": n} for c, n in place.breadcrumb[: node.depth + 2]]
    state_code = crumbs[1]["code"] if len(crumbs) > 1 else None
    links = [{**l, "solution_kind_label": texts.SOLUTION_KINDS[l["solution_kind"]]} for l in data["links"]]
    return SolutionsPage(
        title=texts.SOL_TITLE.format(name=mun["name"]),
        crumbs=crumbs,
        totals=[{"id": k, "label": label, "value": format_number(data["totals"][k])} for k, label in texts.SOL_TOTALS.items()],
        categories=categories_figure(data["categories"]),
        map=solutions_figure(data, geo_url(mun["code"], version), geo_url(state_code, version), bbox),
        agreements=[{k: a[k] for k in (*AGREEMENT_COLUMNS, "overdue")} for a in data["agreements"]],
        links=[{k: l[k] for k in LINK_COLUMNS} for l in links],
        unanswered=[{k: u[k] for k in UNANSWERED_COLUMNS} for u in data["unanswered"]],
        needs=[{k: n[k] for k in NEED_COLUMNS} for n in data["needs"]],
    )


def municipality_options(engine: Engine, scope: Scope = NATIONAL) -> list[dict]:
    """Dropdown options «Municipio (Estado)» → the page of that municipality."""
    with engine.connect() as conn:
        rows = solutions.municipalities(conn, scope)
    return [{"label": f"{r['name']} ({r['state_name']})", "value": r["code"]} for r in rows]
