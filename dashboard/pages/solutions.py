"""Mapa de Soluciones (`/soluciones?territory=<municipality>`): the problems of a
municipality beside its solutions, the links between them and what is unanswered."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids, session, texts
from dashboard import solutions_vm as svm
from dashboard.charts import CHART_CONFIG
from dashboard.view import parse

dash.register_page(__name__, path="/soluciones", title=f"{texts.NAV_SOLUTIONS} · {texts.APP_TITLE}", name=texts.NAV_SOLUTIONS)


def _grid(grid_id: str, rows: list[dict], fields: tuple[str, ...], height: int = 320, row_class: dict | None = None,
          code_href: str | None = None):
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=svm.columns(fields, code_href),
        defaultColDef={"sortable": True, "resizable": True},
        rowClassRules=row_class or {},
        style={"height": f"{height}px"},
        className="ag-theme-alpine grid",
    )


def _crumbs(crumbs: list[dict], query: str) -> list:
    items = []
    for i, crumb in enumerate(crumbs):
        if i:
            items.append(html.Span("›", className="crumb-sep"))
        href = "/" + (f"?territory={crumb['code']}" if crumb["code"] else "")
        items.append(dcc.Link(crumb["name"], href=href, className="crumb crumb-link"))
    return items


def picker(code: str | None) -> html.Div:
    return html.Div(
        [
            html.Label(texts.SOL_PICKER, htmlFor=ids.SOL_PICKER),
            dcc.Dropdown(id=ids.SOL_PICKER, options=svm.municipality_options(session.read_engine(), session.scope()), value=code,
                         placeholder=texts.SOL_CHOOSE, clearable=False, labels=texts.DROPDOWN_LABELS),
        ],
        className="control sol-picker",
    )


def layout(**query) -> html.Div:
    view = parse(query)
    page = svm.solutions_page(session.read_engine(), view, session.scope())
    if page.error:
        return html.Div(
            [html.H2(texts.NAV_SOLUTIONS), picker(None), html.P(page.error, id=ids.SOL_ERROR, className="error", role="alert"),
             dcc.Link(texts.NAV_ROOM, href="/")],
            className="solutions",
        )
    return html.Div(
        [
            picker(view.territory if page.crumbs[-1]["code"] == view.territory else page.crumbs[-1]["code"]),
            html.Nav(_crumbs(page.crumbs, view.to_query()), id=ids.SOL_BREADCRUMB, className="breadcrumb"),
            html.H2(page.title, id=ids.SOL_TITLE, className="room-title"),
            html.Div(
                [html.Div([html.Div(t["value"], className="kpi-value"), html.Div(t["label"], className="kpi-label")],
                          className="kpi", id=f"sol-total-{t['id']}") for t in page.totals],
                id=ids.SOL_TOTALS,
                className="kpis kpis-row",
            ),
            html.Div(
                [
                    html.Div([html.H3(texts.SOL_PROBLEMS), dcc.Graph(id=ids.SOL_CATEGORIES, figure=page.categories, config=CHART_CONFIG)],
                             className="sol-col"),
                    html.Div([html.H3(texts.SOL_SOLUTIONS), dcc.Graph(id=ids.SOL_MAP, figure=page.map, config={**CHART_CONFIG, "scrollZoom": True}),
                              html.Div(texts.ATTRIBUTION, className="map-note")],
                             className="sol-col"),
                ],
                className="sol-row",
            ),
            html.Div([html.H3(texts.SOL_AGREEMENTS),
                      dcc.Link(texts.NAV_TEAM, href=f"/equipo?territory={page.crumbs[-1]['code']}", className="sol-team-link")],
                     className="sol-agreements-head"),
            _grid(ids.SOL_AGREEMENTS, page.agreements, svm.AGREEMENT_COLUMNS, 360, {"row-overdue": "params.data.overdue"},
                  code_href="/acuerdo?codigo=")
            if page.agreements else html.P(texts.SOL_NO_AGREEMENTS, id=ids.SOL_AGREEMENTS),
            html.H3(texts.SOL_LINKS),
            _grid(ids.SOL_LINKS, page.links, svm.LINK_COLUMNS, 260),
            html.H3(texts.SOL_UNANSWERED),
            _grid(ids.SOL_UNANSWERED, page.unanswered, svm.UNANSWERED_COLUMNS, 300),
            html.H3(texts.SOL_NEEDS),
            _grid(ids.SOL_NEEDS, page.needs, svm.NEED_COLUMNS, 260),
        ],
        className="solutions",
    )
