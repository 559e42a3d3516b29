"""Callbacks of the alerts page: acknowledge an alert, write the shift log.

They pass the signed-in actor and what was typed; the alert key is checked against the
actor's scope and the note goes to the actor's room in `geodata.operations`. The page's
territory store only says which alerts to list again, and is scope-checked as a read.
"""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, html, no_update

from dashboard import ids, inputs, session, texts
from dashboard import operations_vm as ops
from dashboard.components.operations import alert_list, shift_list


def _territory(view) -> str | None:
    return inputs.text(inputs.mapping(view).get("territory"), limit=32)


def _listed(view, pinned: str | None = None, engine=None) -> dict:
    """The alerts the page's store asks for (territory, filters, page), read within the
    signed-in user's scope (from `engine` after a write: a standby may lag behind it)."""
    actor = session.actor()
    return ops.alerts_view(engine or session.read_engine(), _territory(view), actor.scope, filters=ops.alert_filter(view),
                           settings=session.settings(), pinned=pinned)


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
        # The alert just acknowledged heads the list, with its note.
        return alert_list(_listed(view, key, session.engine()), ops.controls(actor)), texts.OPS_SAVED

    @app.callback(
        Output(ids.ALERT_PAGE, "children"),
        Output(ids.ALERTS_VIEW, "data"),
        Output(ids.ALERTS_PREVIOUS, "disabled"),
        Output(ids.ALERTS_NEXT, "disabled"),
        Output(ids.OPS_URL, "data"),
        Input(ids.ALERTS_KIND, "value"),
        Input(ids.ALERTS_SEVERITY, "value"),
        Input(ids.ALERTS_TERRITORY, "value"),
        Input(ids.ALERTS_PREVIOUS, "n_clicks"),
        Input(ids.ALERTS_NEXT, "n_clicks"),
        Input(ids.OPS_INTERVAL, "n_intervals"),
        Input(ids.OPS_OPERATOR, "value"),
        State(ids.ALERTS_VIEW, "data"),
        State({"type": ids.ALERT_NOTE, "key": ALL}, "value"),
        prevent_initial_call=True,
    )
    def list_alerts(kinds, severities, territory, _previous, _next, _tick, operator, view, notes):
        # A new filter starts at the first page; the pager moves a page from where it is;
        # operator mode's refresh reads the same page again.
        view = dict(inputs.mapping(view))
        filters = ops.alert_filter(view)
        offset = filters.offset
        if ctx.triggered_id == ids.OPS_INTERVAL and any(inputs.text(n) for n in notes or []):
            # Someone is writing an acknowledgement note: the refresh waits for it.
            return no_update, no_update, no_update, no_update, no_update
        if ctx.triggered_id == ids.OPS_OPERATOR:
            return no_update, no_update, no_update, no_update, ops.alerts_query(view, bool(operator))
        if ctx.triggered_id == ids.ALERTS_NEXT:
            offset += filters.limit
        elif ctx.triggered_id == ids.ALERTS_PREVIOUS:
            offset = max(0, offset - filters.limit)
        elif ctx.triggered_id != ids.OPS_INTERVAL:
            offset = 0
        view.update(
            territory=inputs.text(territory, limit=32),
            kinds=inputs.texts(kinds)[:10],
            severities=inputs.texts(severities)[:10],
            offset=offset,
        )
        data = _listed(view)
        view.update(territory=data["territory"], offset=data["offset"])
        listed = html.Div(alert_list(data, ops.controls(session.actor())), id=ids.ALERTS)
        return listed, view, not data["has_previous"], not data["has_next"], ops.alerts_query(view, bool(operator))

    # Operator mode on /operador: the interval runs while it is on, confirmed at once.
    @app.callback(
        Output(ids.OPS_INTERVAL, "disabled"),
        Output(ids.OPS_OPERATOR_STATUS, "children"),
        Input(ids.OPS_OPERATOR, "value"),
        prevent_initial_call=True,
    )
    def operator_mode(value):
        on = bool(value)
        return not on, ops.operator_note(on, session.settings().refresh_seconds)

    # The address follows the filters and the page (replaced, not a new history step), so
    # a reload reopens them.
    app.clientside_callback(
        """
        function (query) {
            if (typeof query !== "string") { return ""; }
            const target = window.location.pathname + query;
            if (target !== window.location.pathname + window.location.search) { window.history.replaceState({}, "", target); }
            return "";
        }
        """,
        Output(ids.OPS_URL, "modified_timestamp"),
        Input(ids.OPS_URL, "data"),
    )

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
