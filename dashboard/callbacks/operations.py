"""Callbacks of the alerts page: acknowledge an alert, write the shift log."""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from dashboard import ids, session, texts
from dashboard import operations_vm as ops
from dashboard.components.operations import alert_list, shift_list


def register(app) -> None:
    @app.callback(
        Output(ids.ALERTS, "children"),
        Output(ids.OPS_MESSAGE, "children"),
        Input({"type": ids.ALERT_ACK, "key": ALL}, "n_clicks"),
        State({"type": ids.ALERT_NOTE, "key": ALL}, "value"),
        State({"type": ids.ALERT_NOTE, "key": ALL}, "id"),
        State(ids.ALERTS_VIEW, "data"),
        prevent_initial_call=True,
    )
    def acknowledge(clicks, notes, note_ids, view):
        if not ctx.triggered_id or not ctx.triggered[0]["value"]:
            return no_update, no_update
        key = ctx.triggered_id["key"]
        note = next((n for n, i in zip(notes, note_ids) if i["key"] == key), None)
        error = ops.acknowledge(session.engine(), key, session.username(), note)
        if error:
            return no_update, error
        return alert_list(ops.alerts_view(session.engine(), view["territory"], session.scope())), texts.OPS_SAVED

    @app.callback(
        Output(ids.SHIFT_LOG, "children"),
        Output(ids.SHIFT_NOTE, "value"),
        Output(ids.OPS_MESSAGE, "children", allow_duplicate=True),
        Input(ids.SHIFT_SAVE, "n_clicks"),
        State(ids.SHIFT_NOTE, "value"),
        State(ids.ALERTS_VIEW, "data"),
        prevent_initial_call=True,
    )
    def save_shift_note(_n, note, view):
        error = ops.add_shift_note(session.engine(), session.username(), note, view["territory"])
        if error:
            return no_update, no_update, error
        return shift_list(ops.shift_notes(session.engine(), view["territory"], session.scope())), "", texts.OPS_SAVED
