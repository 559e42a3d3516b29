"""Asesoría para la próxima consulta (`/asesoria?territory=<commune or circuit>`): a
commune's or circuit's needs by sector against the projects it chose and how they went,
what to weigh in the next round, and the files a planner hands to the commune. Any other
territory lists its communes and circuits to choose from."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import advice_vm as avm
from dashboard import ids, session, texts
from dashboard.charts import CHART_CONFIG
from dashboard.components.page_links import error_page, page_crumbs, page_link
from dashboard.view import parse

dash.register_page(__name__, path="/asesoria", title=f"{texts.NAV_ADVICE} · {texts.APP_TITLE}", name=texts.NAV_ADVICE)

NUMERIC = {"cases", "open_cases", "aca_needs", "projects", "running", "completed", "stalled", "approved_amount", "deposited",
           "mean_progress", "progress", "budget", "votes", "voters", "projects_voted"}


def _link(code: str | None, name: str):
    return page_link("/asesoria", code, name)


def _table(table_id: str, columns: dict, rows: list[dict], flag: str | None = None) -> html.Table:
    head = html.Thead(html.Tr([html.Th(label, scope="col") for label in columns.values()]))
    body = []
    for r in rows:
        first, *rest = columns
        label = [r[first]] + ([html.Span(f" · {texts.ADV_UNANSWERED}", className="adv-flag")] if flag and r.get(flag) else [])
        body.append(html.Tr([html.Th(label, scope="row")]
                            + [html.Td(r[c], className="num" if c in NUMERIC else None) for c in rest],
                            className="adv-unanswered" if flag and r.get(flag) else None))
    return html.Table([head, html.Tbody(body)], id=table_id, className="data-table")


def _choose(page: avm.AdvicePage) -> list:
    name = page.crumbs[-1]["name"] if page.crumbs else ""
    if not page.units:
        return [html.P(texts.ADV_NO_UNITS.format(name=name), className="muted")]
    return [html.P(texts.ADV_CHOOSE.format(name=name)),
            html.Ul([html.Li(_link(u["code"], u["name"])) for u in page.units], id=ids.ADV_UNITS, className="adv-units"),
            html.P(page.units_note, className="muted") if page.units_note else None]


def layout(**query) -> html.Div:
    view = parse(query)
    page = avm.advice_page(session.engine(), view, session.scope())
    if page.error:
        return error_page(texts.NAV_ADVICE, page.error, ids.ADV_ERROR, "/asesoria")
    head = [
        html.Nav(page_crumbs("/asesoria", page.crumbs), id=ids.ADV_BREADCRUMB, className="breadcrumb", **{"aria-label": texts.NAV_ADVICE}),
        html.H2(page.title, id=ids.ADV_TITLE, className="room-title"),
    ]
    if page.units is not None:
        return html.Div(head + _choose(page), className="solutions")
    body = [
        html.Div(
            [html.Div([html.Div(k["value"], className="kpi-value"), html.Div(k["label"], className="kpi-label")],
                      className="kpi", id=f"adv-kpi-{k['id']}") for k in page.kpis],
            id=ids.ADV_KPIS, className="kpis kpis-row",
        ),
        html.Div(
            [
                html.Div([html.H3(texts.ADV_NEXT), html.Ul([html.Li(a) for a in page.advice], id=ids.ADV_ADVICE),
                          html.H3(texts.ADV_DOWNLOADS),
                          html.Ul([html.Li(html.A(d["label"], href=d["href"])) for d in page.downloads], id=ids.ADV_DOWNLOADS)],
                         className="sol-col"),
                html.Div([dcc.Graph(id=ids.ADV_CHART, figure=page.chart, config=CHART_CONFIG)]
                         if page.chart else [], className="sol-col"),
            ],
            className="sol-row",
        ),
        html.H3(texts.ADV_SECTORS),
        html.Div(_table(ids.ADV_SECTORS, texts.ADV_SECTOR_COLUMNS, page.sectors, flag="unanswered"), className="table-scroll"),
        html.H3(texts.ADV_PROJECTS),
        html.Div(_table(ids.ADV_PROJECTS, texts.ADV_PROJECT_COLUMNS, page.projects) if page.projects
                 else html.P(texts.ADV_NO_PROJECTS, className="muted"), className="table-scroll"),
        html.H3(texts.ADV_ROUNDS),
        html.Div(_table(ids.ADV_ROUNDS, texts.ADV_ROUND_COLUMNS, page.rounds) if page.rounds
                 else html.P(texts.ADV_NO_ROUNDS, className="muted"), className="table-scroll"),
    ]
    return html.Div(head + body, className="solutions")
