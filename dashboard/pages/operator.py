"""Alerts and shift hand-over (`/operador?territory=<code>`): what is late, acknowledged
with a note, and the room's log for the next shift.

The alerts follow the territory asked for (within the user's scope), filtered by kind,
severity and territory a page at a time; the log is always the user's own room's (their
territory's, or the national room's). Times are the room's local time (SALA_TIMEZONE)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids, inputs, session, texts
from dashboard import operations_vm as ops
from dashboard import notify_vm as nvm
from dashboard.components.notify import section as notify_section
from dashboard.components.operations import alert_filters, alert_list, pager, shift_list
from dashboard.view import parse

dash.register_page(__name__, path="/operador", title=f"{texts.NAV_OPERATOR} · {texts.APP_TITLE}", name=texts.NAV_OPERATOR)


def _room_label(scope) -> str:
    if scope.national:
        return texts.OPS_ROOM_NATIONAL
    return texts.OPS_ROOM.format(name=ops.territory_name(session.read_engine(), scope.territory_code), code=scope.territory_code)


def operator_mode(operator: bool, seconds: int) -> html.Div:
    """Operator mode, as in the room: the list refreshes itself every SALA_REFRESH_SECONDS."""
    return html.Div(
        [
            dcc.Checklist(id=ids.OPS_OPERATOR, options=[{"label": texts.OPERATOR_MODE, "value": "on"}],
                          value=["on"] if operator else [], className="checklist"),
            html.Span(ops.operator_note(operator, seconds) or None, id=ids.OPS_OPERATOR_STATUS,
                      className="news operator-status", role="status"),
            dcc.Interval(id=ids.OPS_INTERVAL, interval=seconds * 1000, disabled=not operator),
        ],
        className="ops-operator",
    )


def layout(**query) -> html.Div:
    view = parse(query)
    engine, actor = session.read_engine(), session.actor()
    scope, controls = actor.scope, ops.controls(actor)
    settings = session.settings()
    # The filters and the page come from the URL, so a reload (or a wall screen) keeps them.
    state = ops.alerts_state(query)
    data = ops.alerts_view(engine, view.territory or scope.territory_code, scope, settings=settings,
                           filters=ops.alert_filter(state))
    state.update(territory=data["territory"], offset=data["offset"])
    operator = inputs.operator_requested(query)
    territories = ops.alert_territory_options(engine, scope, data["territory"])
    writer = [
        dcc.Textarea(id=ids.SHIFT_NOTE, placeholder=texts.OPS_SHIFT_NOTE, className="shift-note"),
        html.Button(texts.OPS_SHIFT_SAVE, id=ids.SHIFT_SAVE, n_clicks=0, className="button"),
    ] if controls["shift_log"] else []
    read_only = None if controls["acknowledge"] or controls["shift_log"] else html.P(texts.OPS_READ_ONLY, className="ops-note")
    return html.Div(
        [
            dcc.Store(id=ids.ALERTS_VIEW, data=state),
            dcc.Store(id=ids.OPS_URL, data=ops.alerts_query(state, operator)),
            html.Div([html.H2(texts.OPS_TITLE, className="room-title"), operator_mode(operator, settings.refresh_seconds)],
                     className="ops-head"),
            html.Div(data["error"], className="error", role="alert") if data["error"] else None,
            html.Div(id=ids.OPS_MESSAGE, className="ops-message", role="status"),
            read_only,
            html.Div(
                [
                    html.Section(
                        [
                            html.H3(texts.OPS_ALERTS),
                            alert_filters(data, territories),
                            pager(data),
                            html.Div(html.Div(alert_list(data, controls), id=ids.ALERTS), id=ids.ALERT_PAGE),
                        ],
                        className="ops-col",
                    ),
                    html.Div(
                        [
                            html.Section(
                                [
                                    html.H3(f"{texts.OPS_SHIFT} · {_room_label(scope)}"),
                                    *writer,
                                    html.Ul(shift_list(ops.shift_notes(engine, scope, settings)), id=ids.SHIFT_LOG,
                                            className="shift-log"),
                                ],
                                className="ops-col",
                            ),
                            notify_section(nvm.section(engine, actor, settings), territories, scope.territory_code),
                        ],
                        className="ops-side",
                    ),
                ],
                className="ops",
            ),
        ],
        className="operator",
    )
