"""The notifications section of /operador: subscribe the room, remove a subscription; the
list is drawn again as stored. `notify_vm` → `geodata.notify` checks role and scope."""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from dashboard import ids, inputs, session
from dashboard import notify_vm as nvm
from dashboard.components.notify import listing


def register(app) -> None:
    @app.callback(
        Output(ids.NOTIFY_LIST, "children"),
        Output(ids.NOTIFY_MESSAGE, "children"),
        Output(ids.NOTIFY_MESSAGE, "className"),
        Input(ids.NOTIFY_SUBSCRIBE, "n_clicks"),
        Input({"type": ids.NOTIFY_REMOVE, "id": ALL}, "n_clicks"),
        State(ids.NOTIFY_KINDS, "value"),
        State(ids.NOTIFY_TERRITORY, "value"),
        State(ids.NOTIFY_CHANNEL, "value"),
        State(ids.NOTIFY_TARGET, "value"),
        prevent_initial_call=True,
    )
    def write(subscribe, removes, kinds, territory, channel, target):
        trigger = ctx.triggered_id
        actor, engine = session.actor(), session.engine()
        if trigger == ids.NOTIFY_SUBSCRIBE and inputs.count(subscribe):
            ok, message = nvm.subscribe(engine, actor, kinds=inputs.texts(kinds), territory=inputs.text(territory, limit=32),
                                        channel=inputs.text(channel, limit=16), target=inputs.text(target, limit=600) or "",
                                        settings=session.settings())
        elif isinstance(trigger, dict) and trigger.get("type") == ids.NOTIFY_REMOVE and any(inputs.count(n) for n in removes or []):
            ok, message = nvm.unsubscribe(engine, actor, trigger.get("id"))
        else:
            return no_update, no_update, no_update
        data = nvm.section(engine, actor, session.settings())
        return listing(data), message, "follow-message" + ("" if ok else " follow-error")
