"""Pieces of the map room: breadcrumb, legend, KPI cards, news line."""

from __future__ import annotations

from dash import html

from dashboard import ids


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
