"""Callbacks of the shell shared by every page."""

from __future__ import annotations

from dash import Input, Output, html

from dashboard import auth, ids, session, texts
from dashboard import viewmodels as vm


def register(app) -> None:
    @app.callback(
        Output(ids.DEMO_BADGE, "children"),
        Output(ids.ACCESS_NOTICE, "children"),
        Output(ids.USER, "children"),
        Input("_pages_location", "pathname"),
    )
    def shell_status(_pathname):
        badge = html.Span(texts.DEMO_BADGE, className="demo-badge", role="status") if vm.demo_loaded(session.read_engine()) else None
        notice = auth.OPEN_ACCESS_MESSAGE if auth.access_is_open() else None
        user = session.username()
        account = [html.Span(user, className="user-name"), html.A(texts.LOGOUT, href=auth.LOGOUT_PATH, className="nav-link")] if user else None
        return badge, notice, account
