"""Sistema comunal (`/comunal?territory=<code>`): peace quadrants, defence plans, the
communal economy and the justice of the peace of a territory, child by child."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import communal_vm as cvm
from dashboard import ids, session, texts
from dashboard.charts import CHART_CONFIG
from dashboard.components.page_links import error_page, page_crumbs, page_link
from dashboard.view import parse

dash.register_page(__name__, path="/comunal", title=f"{texts.NAV_COMMUNAL} · {texts.APP_TITLE}", name=texts.NAV_COMMUNAL)

GRAPH_CONFIG = {**CHART_CONFIG, "scrollZoom": True}


def _link(code: str | None, name: str):
    return page_link("/comunal", code, name)


def _table(rows: list[dict]) -> html.Table:
    """A plain table: each territory's name drills down (keyboard and screen readers included)."""
    head = html.Thead(html.Tr([html.Th(texts.COM_TERRITORY, scope="col")]
                              + [html.Th(texts.COM_KPIS[c], scope="col") for c in cvm.TABLE_COLUMNS]))
    body = html.Tbody([
        html.Tr([html.Th(_link(r["code"], r["name"]), scope="row")] + [html.Td(r[c], className="num") for c in cvm.TABLE_COLUMNS])
        for r in rows
    ])
    return html.Table([head, body], id=ids.COM_TABLE, className="data-table")


def _money(tables: list[dict]) -> html.Section:
    """Deposits by commune and by circuit, with their banks (geodata.money)."""
    columns = list(texts.COM_MONEY_COLUMNS)
    parts: list = [html.H3(texts.COM_MONEY)]
    for t in tables:
        head = html.Thead(html.Tr([html.Th(texts.COM_MONEY_COLUMNS[c], scope="col") for c in columns]))
        body = html.Tbody([
            html.Tr([html.Th(r["path"], scope="row")] + [html.Td(r[c], className="num" if c != "banks" else "") for c in columns[1:]])
            for r in t["rows"]
        ])
        parts += [
            html.H4(t["title"]),
            html.P(t["total"] + t["shown"], className="muted"),
            html.Div(html.Table([head, body], className="data-table money-table", id=f"com-money-{t['unit']}") if t["rows"]
                     else html.P(texts.COM_MONEY_EMPTY), className="table-scroll"),
            html.Ul([html.Li(html.A(d["label"], href=d["href"])) for d in t["downloads"]], className="money-downloads"),
        ]
    return html.Section(parts, id=ids.COM_MONEY)


def layout(**query) -> html.Div:
    view = parse(query)
    page = cvm.communal_page(session.read_engine(), view, session.scope())
    if page.error:
        return error_page(texts.NAV_COMMUNAL, page.error, ids.COM_ERROR, "/comunal")
    return html.Div(
        [
            html.Nav(page_crumbs("/comunal", page.crumbs), id=ids.COM_BREADCRUMB, className="breadcrumb", **{"aria-label": texts.NAV_COMMUNAL}),
            html.H2(page.title, id=ids.COM_TITLE, className="room-title"),
            dcc.Link(texts.COM_ADVICE_LINK, href="/asesoria" + (f"?territory={page.code}" if page.code else ""),
                     id=ids.COM_ADVICE_LINK, className="solutions-link"),
            html.Div(
                [html.Div([html.Div(k["value"], className="kpi-value"), html.Div(k["label"], className="kpi-label")],
                          className="kpi", id=f"com-kpi-{k['id']}") for k in page.kpis],
                id=ids.COM_KPIS, className="kpis kpis-row",
            ),
            html.Div(
                [
                    html.Div([html.H3(texts.COM_MAP), dcc.Graph(id=ids.COM_MAP, figure=page.map, config=GRAPH_CONFIG),
                              html.Div(texts.ATTRIBUTION, className="map-note")], className="sol-col"),
                    html.Div([dcc.Graph(id=ids.COM_SECTORS, figure=page.sectors, config=CHART_CONFIG)]
                             if page.sectors else [], className="sol-col"),
                ],
                className="sol-row",
            ),
            html.H3(texts.COM_TABLE),
            html.Div(_table(page.rows) if page.rows else html.P(texts.COM_EMPTY), className="table-scroll"),
            _money(page.money),
            html.H3(texts.COM_DOWNLOADS),
            html.Ul([html.Li(html.A(d["label"] + " (CSV)", href=d["href"])) for d in page.downloads], id=ids.COM_DOWNLOADS),
        ],
        className="solutions",
    )
