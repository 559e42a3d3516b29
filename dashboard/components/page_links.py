"""The breadcrumb of a page that takes `?territory=`: each territory a link to the same
page there («Sistema comunal», «Asesoría para la próxima consulta»)."""

from __future__ import annotations

from dash import dcc, html


def page_link(path: str, code: str | None, name: str) -> dcc.Link:
    return dcc.Link(name, href=path + (f"?territory={code}" if code else ""), className="crumb-link")


def page_crumbs(path: str, crumbs: list[dict]) -> list:
    items = []
    for i, crumb in enumerate(crumbs):
        if i:
            items.append(html.Span("›", className="crumb-sep"))
        items.append(page_link(path, crumb["code"], crumb["name"]))
    return items


def error_page(title: str, message: str, error_id: str, path: str) -> html.Div:
    """A territory the page cannot show (unknown, or outside the scope): why, and the way back."""
    return html.Div([html.H2(title), html.P(message, id=error_id, className="error", role="alert"), dcc.Link(title, href=path)],
                    className="solutions")
