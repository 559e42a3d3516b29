"""Any address that is no page of the room: a Spanish «not found» with the way back."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import texts

dash.register_page(__name__, path="/404", title=f"{texts.NOT_FOUND_TITLE} · {texts.APP_TITLE}", name=texts.NOT_FOUND_TITLE)


def layout(**_query) -> html.Div:
    return html.Div(
        [html.H2(texts.NOT_FOUND_TITLE), html.P(texts.NOT_FOUND_TEXT), dcc.Link(texts.NOT_FOUND_BACK, href="/")],
        className="not-found",
    )
