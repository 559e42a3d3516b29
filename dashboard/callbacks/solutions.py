"""The Map of Solutions is drawn whole from its URL; choosing a municipality opens its URL."""

from __future__ import annotations

from dash import Input, Output, State, no_update

from dashboard import ids
from dashboard.view import View, parse


def register(app) -> None:
    @app.callback(
        Output("_pages_location", "search"),
        Input(ids.SOL_PICKER, "value"),
        State("_pages_location", "search"),
        prevent_initial_call=True,
    )
    def choose_municipality(code, search):
        return territory_search(code, search)


def territory_search(code, search):
    """The page's URL query for the territory chosen in a picker (no update when it is the same)."""
    territory = parse({"territory": code}).territory
    target = View(territory=territory).to_query() if territory else ""
    return target if target != (search or "") else no_update
