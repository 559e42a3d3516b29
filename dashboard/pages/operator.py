"""Alerts and shift hand-over (`/operador?territory=<code>`): what is late, acknowledged
with a note, and the room's log for the next shift."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids, session, texts
from dashboard import operations_vm as ops
from dashboard.components.operations import alert_list, shift_list
from dashboard.view import parse

dash.register_page(__name__, path="/operador", title=f"{texts.NAV_OPERATOR} · {texts.APP_TITLE}", name=texts.NAV_OPERATOR)


def layout(**query) -> html.Div:
    view = parse(query)
    engine, scope = session.engine(), session.scope()
    code = view.territory or (scope.territory_code if not scope.national else None)
    return html.Div(
        [
            dcc.Store(id=ids.ALERTS_VIEW, data={"territory": code}),
            html.H2(texts.OPS_TITLE, className="room-title"),
            html.Div(id=ids.OPS_MESSAGE, className="ops-message", role="status"),
            html.Div(
                [
                    html.Section([html.H3(texts.OPS_ALERTS), html.Div(alert_list(ops.alerts_view(engine, code, scope)), id=ids.ALERTS)],
                                 className="ops-col"),
                    html.Section(
                        [
                            html.H3(texts.OPS_SHIFT),
                            dcc.Textarea(id=ids.SHIFT_NOTE, placeholder=texts.OPS_SHIFT_NOTE, className="shift-note"),
                            html.Button(texts.OPS_SHIFT_SAVE, id=ids.SHIFT_SAVE, n_clicks=0, className="button"),
                            html.Ul(shift_list(ops.shift_notes(engine, code, scope)), id=ids.SHIFT_LOG, className="shift-log"),
                        ],
                        className="ops-col",
                    ),
                ],
                className="ops",
            ),
        ],
        className="operator",
    )
