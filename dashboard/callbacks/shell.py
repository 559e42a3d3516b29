"""Callbacks of the shell shared by every page."""

from __future__ import annotations

from dash import Input, Output, html

from dashboard import ids, session, texts
from dashboard import viewmodels as vm


def register(app) -> None:
    @app.callback(Output(ids.DEMO_BADGE, "children"), Input("_pages_location", "pathname"))
    def demo_badge(_pathname):
        if not vm.demo_loaded(session.engine()):
            return None
        return html.Span(texts.DEMO_BADGE, className="demo-badge", role="status")
