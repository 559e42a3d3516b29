"""Pieces of the map room: breadcrumb, legend, KPI cards, news line, case panel, the
download that runs as a job."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, texts


def breadcrumb(crumbs: list[dict]) -> list:
    """`Venezuela › Distrito Capital › Libertador`: every crumb but the last goes up."""
    items = []
    for i, crumb in enumerate(crumbs):
        last = i == len(crumbs) - 1
        if i:
            items.append(html.Span("›", className="crumb-sep", **{"aria-hidden": "true"}))
        if last:
            items.append(html.Span(crumb["name"], className="crumb crumb-current", **{"aria-current": "page"}))
        else:
            items.append(
                html.Button(
                    crumb["name"],
                    id={"type": ids.CRUMB, "code": crumb["code"] or ""},
                    className="crumb crumb-link",
                    n_clicks=0,
                )
            )
    return items


def legend(data: dict) -> list:
    return [
        html.Div(data["title"], className="legend-title"),
        html.Ul(
            [
                html.Li([html.Span(className="swatch", style={"background": item["color"]}), html.Span(item["label"])])
                for item in data["items"]
            ],
            className="legend-items",
        ),
        html.Div(data["scheme"], className="legend-scheme") if data.get("scheme") else None,
    ]


def kpi_cards(cards: list[dict]) -> list:
    return [
        html.Div(
            [html.Div(card["value"], className="kpi-value"), html.Div(card["label"], className="kpi-label")],
            className="kpi" + (" kpi-alert" if card["alert"] else ""),
            id=f"kpi-{card['id']}",
        )
        for card in cards
    ]


def news(items: list[str], headline: str, has_news: bool) -> list:
    if not has_news:
        return [html.Span(headline, className="news-none")]
    return [html.Strong(headline, className="news-head"), html.Span(", ".join(items), className="news-items")]


def case_panel(data: dict) -> list:
    """A case's detail card: title and «vencido», fields, description, linked solutions and
    the «Historial» as a vertical timeline (date — status)."""
    if data.get("error"):
        return [html.P(data["error"], className="case-error", role="alert")]
    head = [html.H3(data["title"], className="case-title")]
    if data["overdue"]:
        head.append(html.Span(texts.CASE_OVERDUE, className="badge badge-overdue"))
    fields = html.Dl([part for label, value in data["fields"] for part in (html.Dt(label), html.Dd(value))], className="case-fields")
    body = [html.Div(head, className="case-head"), fields]
    if data["description"]:
        body += [html.H4(texts.CASE_DESCRIPTION), html.P(data["description"], className="case-description")]
    body.append(html.H4(texts.CASE_SOLUTIONS))
    if data["solutions"]:
        body.append(
            html.Ul(
                [
                    html.Li([html.Strong(f"{s['kind']} {s['code']}"), f": {s['label']} ", html.Span(f"({s['status']})", className="muted")])
                    for s in data["solutions"]
                ],
                className="case-solutions",
            )
        )
    else:
        body.append(html.P(texts.CASE_NO_SOLUTIONS, className="muted"))
    body += [
        html.H4(texts.CASE_HISTORY),
        html.Ol(
            [html.Li([html.Span(day, className="timeline-date"), " — ", html.Span(status, className="timeline-status")])
             for day, status in data["timeline"]],
            className="timeline",
        ),
    ]
    return body


HIDDEN = {"display": "none"}
JOB_POLL_MS = 1000  # how often a download being prepared is asked how far it is


def job_control(button: str, status: str, file: str, job: str, poll: str, prepare: str, ready: str, shown: bool) -> list:
    """A download that runs as a job: the button that starts it, the line that follows it
    (polled), and the link to its file once ready."""
    return [
        html.Button(prepare, id=button, n_clicks=0, className="button button-secondary", style={} if shown else HIDDEN),
        html.Span(id=status, className="job-status", role="status", **{"aria-live": "polite"}),
        html.A(ready, id=file, href="", className="button", download="", style=HIDDEN),
        dcc.Store(id=job),
        dcc.Interval(id=poll, interval=JOB_POLL_MS, disabled=True),
    ]
