"""Callbacks of the alerts page: acknowledge an alert, write the shift log.

They pass the signed-in actor and what was typed; the alert key is checked against the
actor's scope and the note goes to the actor's room in `geodata.operations`. The page's
territory store only says which alerts to list again, and is scope-checked as a read.
"""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from dashboard import ids, inputs, session, texts
from dashboard import operations_vm as ops
from dashboard.components.operations import alert_list, shift_list


def _territory(view) -> str | None:
    return inputs.text(inputs.mapping(view).get("territory"), limit=32)


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
        if not isinstance(ctx.triggered_id, dict) or not inputs.count(ctx.triggered[0]["value"]):
            return no_update, no_update
        key = inputs.text(ctx.triggered_id.get("key"), limit=200)
        note = next((n for n, i in zip(notes or [], note_ids or []) if inputs.mapping(i).get("key") == key), None)
        actor = session.actor()
        error = ops.acknowledge(session.engine(), actor, key, inputs.text(note))
        if error:
            return no_update, error
        data = ops.alerts_view(session.engine(), _territory(view), actor.scope)
        return alert_list(data, ops.controls(actor)), texts.OPS_SAVED

    @app.callback(
        Output(ids.SHIFT_LOG, "children"),
        Output(ids.SHIFT_NOTE, "value"),
        Output(ids.OPS_MESSAGE, "children", allow_duplicate=True),
        Input(ids.SHIFT_SAVE, "n_clicks"),
        State(ids.SHIFT_NOTE, "value"),
        prevent_initial_call=True,
    )
    def save_shift_note(_n, note):
        # No territory comes from the page: the note goes to the actor's own room.
        actor = session.actor()
        error = ops.add_shift_note(session.engine(), actor, inputs.text(note))
        if error:
            return no_update, no_update, error
        return shift_list(ops.shift_notes(session.engine(), actor.scope)), "", texts.OPS_SAVED
