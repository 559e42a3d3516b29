"""Callbacks of the map room: an action → the new view and its screen; operator refresh
(the download control's are in `dashboard.callbacks.downloads`)."""

from __future__ import annotations

import json

from dash import ALL, Input, Output, Patch, State, ctx, no_update

from dashboard import ids, inputs, session, texts
from dashboard import cards_vm
from dashboard import followup_vm as fvm
from dashboard import novelties_vm as nvm
from dashboard import operations_vm as ops
from dashboard import records_vm
from dashboard import timeline_vm
from dashboard import viewmodels as vm
from dashboard.components import followup as followup_parts
from dashboard.components import room as parts
from dashboard.view import View

_TRIGGERS = {
    **{component_id: "filters" for component_id in ids.FILTERS.values()},
    ids.INDICATOR: "indicator",
    ids.SHOW: "show",
    ids.LAYERS: "layers",
    ids.ROUND: "round",
    ids.DATES: "dates",
    ids.CLEAR_PERIOD: "clear",
    ids.MAP: "map",
    ids.GRID: "grid",
    ids.CLASSIFICATION: "classification",
    ids.CLASSES: "classification",
    ids.TIMELINE: "week",
    ids.TIMELINE_OFF: "week_off",
}

def _meaningful_trigger():
    """The input behind this call: Dash batches the `n_clicks` of buttons that have just
    appeared (the entries of «Novedades y atrasos», crumbs, period buttons: never clicked)
    with a change made at the same moment (a layer ticked as the panel fills), and lists
    them first; a never-clicked button is skipped so that change is not lost. None when
    nothing but such buttons changed."""
    for item in ctx.triggered:
        prop_id = item.get("prop_id", "")
        component = prop_id.rsplit(".", 1)[0]
        if component.startswith("{"):
            if inputs.count(item.get("value")):
                return json.loads(component)
            continue
        if component:
            return component
    return None


_SCREEN = [
    Output(ids.MAP, "figure"),
    Output(ids.LEGEND, "children"),
    Output(ids.MAP_NOTE, "children"),
    Output(ids.BREADCRUMB, "children"),
    Output(ids.TITLE, "children"),
    Output(ids.KPIS, "children"),
    Output(ids.GRID_TITLE, "children"),
    Output(ids.GRID, "rowData"),
    Output(ids.GRID, "columnDefs"),
    Output(ids.CHART_CASES, "figure"),
    Output(ids.CHART_DEPOSITS, "figure"),
    Output(ids.CHART_DELIVERIES, "figure"),
    Output(ids.SOLUTIONS_LINK, "href"),
    Output(ids.SOLUTIONS_LINK, "children"),
    Output(ids.SOLUTIONS_LINK, "style"),
    Output(ids.ALERTS_LINK, "href"),
    Output(ids.ALERTS_LINK, "children"),
    Output(ids.ADVICE_LINK, "href"),
    Output(ids.ADVICE_LINK, "children"),
    Output(ids.ADVICE_LINK, "style"),
    Output(ids.ERROR, "children"),
    Output(ids.ERROR, "hidden"),
    Output(ids.POINT_LEGEND, "children"),
    Output(ids.RENDERED, "data"),
    Output(ids.URL_SYNC, "data"),
]


def _screen(view: View, rendered: dict | None) -> list:
    """The screen for `view`: a Patch of values and legend when only the indicator changed
    (the map keeps its geometry and place), everything otherwise."""
    if rendered == vm.rendered_key(view):
        switch = vm.indicator_switch(session.read_engine(), view, session.scope())
        figure = Patch()
        for key, value in switch.choropleth.items():
            figure["data"][0][key] = value
        out = [no_update] * len(_SCREEN)
        out[0], out[1] = figure, parts.legend(switch.legend)
        out[6], out[7], out[8] = switch.grid_title, switch.grid_rows, switch.grid_columns
        out[-1] = view.to_query()  # URL_SYNC is the last output
        return out
    room = vm.room(session.read_engine(), view, session.scope(), session.settings(), base_url=session.base_url())
    return [
        room.figure,
        parts.legend(room.legend),
        room.map_note,
        parts.breadcrumb(room.crumbs),
        room.title,
        parts.kpi_cards(room.kpis),
        room.grid_title,
        room.grid_rows,
        room.grid_columns,
        room.charts["cases"],
        room.charts["deposits"],
        room.charts["deliveries"],
        room.solutions_href or "/soluciones",
        room.solutions_label,
        {} if room.solutions_href else {"display": "none"},
        room.alerts_href,
        room.alerts_label,
        room.advice_href or "/asesoria",
        room.advice_label,
        {} if room.advice_href else {"display": "none"},
        room.error,
        not room.error,
        parts.point_legend(room.point_legend),
        room.rendered,
        room.view.to_query(),
    ]


def register(app) -> None:
    # One round trip per action: the new view and the screen it shows come back together.
    @app.callback(
        Output(ids.VIEW, "data"),
        Output(ids.ROUND, "value"),
        Output(ids.DATES, "start_date"),
        Output(ids.DATES, "end_date"),
        *_SCREEN,
        Input(ids.INDICATOR, "value"),
        Input(ids.SHOW, "value"),
        Input(ids.LAYERS, "value"),
        Input(ids.ROUND, "value"),
        Input(ids.DATES, "start_date"),
        Input(ids.DATES, "end_date"),
        Input(ids.CLEAR_PERIOD, "n_clicks"),
        *[Input(component_id, "value") for component_id in ids.FILTERS.values()],
        Input(ids.MAP, "clickData"),
        Input(ids.GRID, "cellClicked"),
        Input({"type": ids.CRUMB, "code": ALL}, "n_clicks"),
        Input({"type": ids.NOVELTY, "kind": ALL, "code": ALL}, "n_clicks"),
        Input({"type": ids.PERIOD_BUTTON, "key": ALL}, "n_clicks"),
        Input(ids.CLASSIFICATION, "value"),
        Input(ids.CLASSES, "value"),
        Input(ids.TIMELINE, "value"),
        Input(ids.TIMELINE_OFF, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.RENDERED, "data"),
        prevent_initial_call=True,
    )
    def on_action(indicator, show, layers, round_, date_from, date_to, _clear, category, status, overdue, stage, click, cell, _crumbs,
                  _novelties, _periods, classification, classes, week, _week_off, view_data, rendered):
        unchanged = [no_update] * (4 + len(_SCREEN))
        trigger_id = _meaningful_trigger()
        crumb_code = None
        if trigger_id is None:
            return unchanged
        if isinstance(trigger_id, dict):
            if trigger_id.get("type") == ids.PERIOD_BUTTON:
                # A relative period ending today (or «Todo»): the same path as typed dates.
                dates = nvm.period_dates(inputs.text(trigger_id.get("key"), limit=8) or "")
                if dates is None:
                    return unchanged
                trigger, round_, (date_from, date_to) = ("dates" if dates[0] else "clear"), None, dates
            else:
                # A crumb, or an entry of «Novedades y atrasos»: the map drills there.
                trigger, crumb_code = "crumb", inputs.text(trigger_id.get("code"), limit=32)
        else:
            trigger = _TRIGGERS.get(trigger_id, "")
        view = View.from_store(view_data)
        new = vm.apply_event(
            session.read_engine(),
            view,
            trigger,
            indicator=indicator,
            show=show,
            layers=layers,
            round_=round_,
            date_from=date_from,
            date_to=date_to,
            filters={"category": category, "status": status, "overdue": overdue, "stage": stage},
            click_data=click,
            cell_clicked=cell,
            crumb_code=crumb_code,
            scope=session.scope(),
            classification=inputs.text(classification, limit=16),
            classes=inputs.text(classes, limit=2),
            week=week,
        )
        if new == view:
            return unchanged
        return [new.to_store(), new.round, new.date_from, new.date_to, *_screen(new, rendered)]

    # A click on a record point opens its card; any other click on the map (a
    # territory, which drills in `on_action`, or a bubble) or the close button closes it.
    # `on_action` leaves the view unchanged for a record point (`vm.clicked_code` is None).
    @app.callback(
        Output(ids.CASE_BODY, "children"),
        Output(ids.CASE_PANEL, "hidden"),
        Input(ids.MAP, "clickData"),
        Input(ids.CASE_CLOSE, "n_clicks"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def case_detail(click, _close, view_data):
        if ctx.triggered_id != ids.MAP:
            return no_update, True
        # A case or project point opens its card with its follow-up; a CLAP point its card
        # (details, status, history, path, share link).
        record = vm.clicked_record(click)
        if record is not None and record[0] in ("cases", "projects"):
            card = fvm.case_card if record[0] == "cases" else fvm.project_card
            return followup_parts.case_card(card(session.engine(), session.actor(), record[1])), False
        if record is not None:
            return parts.record_panel(records_vm.record_panel(session.read_engine(), *record, session.scope())), False
        # A communal council has nothing below it: its click opens its card instead of drilling.
        card = cards_vm.territory_panel(session.read_engine(), View.from_store(inputs.mapping(view_data)), vm.clicked_code(click),
                                  session.scope())
        if card is None:
            return no_update, True
        return parts.territory_panel(card), False

    # The URL follows the view without a page load: Dash's router re-renders a page when
    # its Location changes, so the address bar is written directly. Back/forward and
    # reload then open the view from the URL.
    # Operator mode travels in the URL too (`operador=1`), so a wall screen that reloads
    # stays in it; switching it replaces the address rather than adding a history step.
    app.clientside_callback(
        """
        function (query, operator) {
            let q = query || "";
            if (operator && operator.length) { q += (q ? "&" : "?") + "operador=1"; }
            // A case opened by its address (?caso=K123) keeps it while its card is open, so a reload reopens it.
            const caso = new URLSearchParams(window.location.search).get("caso");
            const panel = document.getElementById("case-panel");
            if (caso && panel && !panel.hidden) { q += (q ? "&" : "?") + "caso=" + encodeURIComponent(caso); }
            const target = window.location.pathname + q;
            if (target !== window.location.pathname + window.location.search) {
                const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
                if (trigger.startsWith("operator.")) { window.history.replaceState({}, "", target); }
                else { window.history.pushState({}, "", target); }
            }
            return "";
        }
        """,
        Output(ids.URL_SYNC, "modified_timestamp"),
        Input(ids.URL_SYNC, "data"),
        Input(ids.OPERATOR, "value"),
    )

    # The timeline follows the view's period (its weeks). It never sets the slider's value:
    # that value is an input of `on_action`, whose view this callback follows, and Dash holds
    # a callback back while one of its inputs may still be written by a callback it feeds —
    # a layer ticked while the room was answering the previous tick was then lost. The value
    # is set where the view starts (the page's layout, from the URL) and by «Reproducir».
    @app.callback(
        Output(ids.TIMELINE, "min"),
        Output(ids.TIMELINE, "max"),
        Output(ids.TIMELINE, "marks"),
        Output(ids.TIMELINE_LABEL, "children"),
        Output(ids.TIMELINE_OFF, "style"),
        Input(ids.VIEW, "data"),
    )
    def timeline(view_data):
        view = View.from_store(view_data)
        slider = timeline_vm.slider(view)
        return slider["min"], slider["max"], slider["marks"], slider["label"], {} if view.week else parts.HIDDEN

    # Play: one week per step, from the first week again when at the end; the last week stops it.
    app.clientside_callback(
        """
        function (_clicks, _ticks, disabled, value, bottom, top) {
            const ctx = dash_clientside.callback_context;
            const trigger = (ctx.triggered[0] || {}).prop_id || "";
            const nu = dash_clientside.no_update;
            if (trigger.startsWith("timeline-play.")) {
                const start = disabled;  // the button toggles
                const from = start && (value >= top || value < bottom) ? bottom : nu;
                return [!start, start ? "PAUSE" : "PLAY", from];
            }
            if (disabled) { return [nu, nu, nu]; }
            if (value >= top) { return [true, "PLAY", nu]; }
            return [nu, nu, Math.max(bottom, value + 7)];
        }
        """.replace("PAUSE", texts.TIMELINE_PAUSE).replace("PLAY", texts.TIMELINE_PLAY),
        Output(ids.TIMELINE_TICK, "disabled"),
        Output(ids.TIMELINE_PLAY, "children"),
        Output(ids.TIMELINE, "value", allow_duplicate=True),
        Input(ids.TIMELINE_PLAY, "n_clicks"),
        Input(ids.TIMELINE_TICK, "n_intervals"),
        State(ids.TIMELINE_TICK, "disabled"),
        State(ids.TIMELINE, "value"),
        State(ids.TIMELINE, "min"),
        State(ids.TIMELINE, "max"),
        prevent_initial_call=True,
    )

    # «Imprimir vista» prints what the address bar says: the same query as the URL above.
    app.clientside_callback(
        """function (query) { return "/print/map.pdf" + (query || ""); }""",
        Output(ids.PRINT_LINK, "href"),
        Input(ids.URL_SYNC, "data"),
    )

    # «Novedades y atrasos» follows the view in its own request, so the map of a drill-down
    # never waits for it.
    @app.callback(Output(ids.NOVELTIES, "children"), Input(ids.VIEW, "data"))
    def novelties(view_data):
        data = nvm.room_novelties(session.read_engine(), View.from_store(view_data), session.scope(), session.settings(),
                                  username=session.username())
        return parts.novelties(data)

    @app.callback(
        Output(ids.INTERVAL, "disabled"),
        Output(ids.LAST_REFRESH, "data"),
        Input(ids.OPERATOR, "value"),
        prevent_initial_call=True,
    )
    def operator_mode(value):
        on = bool(value)
        return not on, ops.start_marker(session.read_engine()) if on else None

    # Switching operator mode on is confirmed at once (the first refresh comes later).
    @app.callback(Output(ids.OPERATOR_STATUS, "children"), Input(ids.OPERATOR, "value"), prevent_initial_call=True)
    def operator_confirm(value):
        return ops.operator_note(value, session.settings().refresh_seconds)

    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Output(ids.KPIS, "children", allow_duplicate=True),
        Output(ids.GRID, "rowData", allow_duplicate=True),
        Output(ids.CHART_CASES, "figure", allow_duplicate=True),
        Output(ids.CHART_DEPOSITS, "figure", allow_duplicate=True),
        Output(ids.CHART_DELIVERIES, "figure", allow_duplicate=True),
        Output(ids.NEWS, "children"),
        Output(ids.LAST_REFRESH, "data", allow_duplicate=True),
        Input(ids.INTERVAL, "n_intervals"),
        State(ids.VIEW, "data"),
        State(ids.LAST_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def operator_refresh(_n, view_data, marker):
        result = ops.refresh(session.read_engine(), View.from_store(view_data), marker, session.scope(), session.settings(), session.base_url())
        figure = Patch()
        # Only the traces: the layout (where the operator has panned and zoomed) stays.
        figure["data"] = result.room.figure["data"]
        return (
            figure,
            parts.kpi_cards(result.room.kpis),
            result.room.grid_rows,
            result.room.charts["cases"],
            result.room.charts["deposits"],
            result.room.charts["deliveries"],
            parts.news(result.items, result.headline, result.has_news),
            result.marker,
        )
