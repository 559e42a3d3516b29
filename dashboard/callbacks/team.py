"""The follow-up team page: choosing a municipality opens its URL; choosing a member fills
the form; saving or removing goes through `team_vm` (geodata checks role, scope, seats)."""

from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from dashboard import ids, inputs, session
from dashboard import team_vm as tvm
from dashboard.callbacks.solutions import territory_search
from dashboard.components.team import table

_FIELDS = ("role", "name", "institution", "area", "working_table", "phone", "email")
_IDS = (ids.TEAM_ROLE, ids.TEAM_NAME, ids.TEAM_INSTITUTION, ids.TEAM_AREA, ids.TEAM_TABLE_NAME, ids.TEAM_PHONE, ids.TEAM_EMAIL)


def register(app) -> None:
    @app.callback(
        Output("_pages_location", "search", allow_duplicate=True),
        Input(ids.TEAM_PICKER, "value"),
        State("_pages_location", "search"),
        prevent_initial_call=True,
    )
    def choose(code, search):
        return territory_search(code, search)

    @app.callback(
        [Output(i, "value") for i in _IDS],
        Input(ids.TEAM_MEMBER, "value"),
        State(ids.TEAM_MUNICIPALITY, "data"),
        prevent_initial_call=True,
    )
    def fill(member, store):
        values = inputs.mapping(inputs.mapping(store).get("members")).get(member) if isinstance(member, str) else None
        values = inputs.mapping(values)
        if not values:
            return ["liaison"] + [None] * (len(_FIELDS) - 1)
        return [values.get(f) for f in _FIELDS]

    @app.callback(
        Output(ids.TEAM_TABLE, "children"),
        Output(ids.TEAM_MESSAGE, "children"),
        Output(ids.TEAM_MESSAGE, "className"),
        Output(ids.TEAM_MUNICIPALITY, "data"),
        Output(ids.TEAM_MEMBER, "options"),
        Output(ids.TEAM_MEMBER, "value"),
        Input(ids.TEAM_SAVE, "n_clicks"),
        Input(ids.TEAM_DELETE, "n_clicks"),
        State(ids.TEAM_MUNICIPALITY, "data"),
        State(ids.TEAM_MEMBER, "value"),
        *[State(i, "value") for i in _IDS],
        prevent_initial_call=True,
    )
    def write(_save, _delete, store, member, *values):
        municipality = inputs.text(inputs.mapping(store).get("code"), limit=32)
        if not municipality or not (inputs.count(_save) or inputs.count(_delete)):
            return (no_update,) * 6
        member = inputs.text(member, limit=40) or None
        actor, engine = session.actor(), session.engine()
        if ctx.triggered_id == ids.TEAM_DELETE:
            ok, message = tvm.remove(engine, actor, municipality, member)
            keep = "" if ok else no_update  # the form goes back to a new member
        else:
            typed = {f: (v if isinstance(v, str) else None) for f, v in zip(_FIELDS, values)}
            ok, message, saved = tvm.save(engine, actor, municipality, member, typed)
            keep = saved if ok else no_update  # the form goes on editing the member just saved
        page = tvm.team_page(engine, actor, municipality)
        return (table(page["rows"]), message, "follow-message" + ("" if ok else " follow-error"),
                {"code": municipality, "members": page["members"]}, page["member_options"], keep)
