"""Callbacks of the download control: the links follow the view; the planning pack and
the slow or large exports are jobs that a button starts and an interval follows."""

from __future__ import annotations

from dash import Input, Output, State, ctx

from dashboard import downloads_vm as dvm
from dashboard import ids, inputs, session
from dashboard import viewmodels as vm
from dashboard.components.room import HIDDEN
from dashboard.view import View

_CONTROLS = {
    dvm.PACK: (ids.PACK_BUTTON, ids.PACK_STATUS, ids.PACK_FILE, ids.PACK_JOB, ids.PACK_POLL),
    dvm.EXPORT: (ids.EXPORT_BUTTON, ids.EXPORT_STATUS, ids.EXPORT_FILE, ids.EXPORT_JOB, ids.EXPORT_POLL),
}


def register(app) -> None:
    @app.callback(
        Output(ids.EXPORT_LINK, "href"),
        Output(ids.EXPORT_LINK, "style"),
        Output(ids.EXPORT_BUTTON, "style"),
        Output(ids.PACK_BUTTON, "style"),
        Output(ids.EXPORT_NOTE, "children"),
        Input(ids.VIEW, "data"),
        Input(ids.EXPORT_LAYER, "value"),
        Input(ids.EXPORT_FORMAT, "value"),
        prevent_initial_call=True,
    )
    def links(view_data, layer_id, fmt):
        view = View.from_store(inputs.mapping(view_data))
        # None (nothing chosen yet) means the defaults; anything else not a text is refused, not defaulted.
        layer_id, fmt = (None if v is None else inputs.text(v) or "" for v in (layer_id, fmt))
        links = vm.download_links(session.read_engine(), view, layer_id, fmt, session.actor(), session.jobs())
        href, as_job = links["export_href"], links["export_job"]
        return (href or "", {} if href and not as_job else HIDDEN, {} if href and as_job else HIDDEN,
                {} if links["pack_href"] else HIDDEN, links["message"] or "")

    @app.callback(
        Output(ids.EXPORT_LAYER, "options"),
        Output(ids.EXPORT_LAYER, "value"),
        Output(ids.EXPORT_NOTE, "children", allow_duplicate=True),
        Input(ids.VIEW, "data"),
        State(ids.EXPORT_LAYER, "value"),
        prevent_initial_call=True,
    )
    def picker(view_data, current):
        # Only the layers with something in the territory and period in view («Estados» is no download of a municipality).
        view = View.from_store(inputs.mapping(view_data))
        options, chosen, note = vm.export_picker(session.read_engine(), view, inputs.text(current, limit=64), session.actor().scope)
        return options, chosen, note

    @app.callback(
        Output(ids.MINUTES_DATE, "options"),
        Output(ids.MINUTES_DATE, "value"),
        Output(ids.MINUTES_BOX, "style"),
        *[Output(link, "href") for link in ids.MINUTES_LINKS.values()],
        Input(ids.VIEW, "data"),
        Input(ids.MINUTES_DATE, "value"),
        prevent_initial_call=True,
    )
    def minutes(view_data, chosen):
        view = View.from_store(inputs.mapping(view_data))
        # A new view starts from its latest cabinet session; a date picked keeps its own.
        day = inputs.text(chosen, limit=16) if ctx.triggered_id == ids.MINUTES_DATE else None
        offer = dvm.minutes_offer(session.read_engine(), view, day, session.actor())
        links = offer.links or {}
        return ([{"label": d, "value": d} for d in offer.dates], offer.chosen, {} if offer.dates else HIDDEN,
                *[links.get(fmt, "") for fmt in ids.MINUTES_LINKS])

    for kind in _CONTROLS:
        _job_control(app, kind)


def _job_control(app, kind: str) -> None:
    button, status, file, job, poll = _CONTROLS[kind]
    # A new view, layer or format is another download: the line of the old one goes.
    resets = [Input(ids.VIEW, "data")]
    if kind == dvm.EXPORT:
        resets += [Input(ids.EXPORT_LAYER, "value"), Input(ids.EXPORT_FORMAT, "value")]

    @app.callback(
        Output(job, "data"),
        Output(status, "children"),
        Output(file, "href"),
        Output(file, "style"),
        Output(poll, "disabled"),
        Output(button, "disabled"),
        Input(button, "n_clicks"),
        Input(poll, "n_intervals"),
        *resets,
        State(job, "data"),
        State(ids.VIEW, "data"),
        State(ids.EXPORT_LAYER, "value"),
        State(ids.EXPORT_FORMAT, "value"),
        prevent_initial_call=True,
    )
    def control(_clicks, _ticks, *rest):
        job_id, view_data, layer_id, fmt = rest[-4:]
        job_id, layer_id, fmt = inputs.text(job_id, limit=64), inputs.text(layer_id, limit=64), inputs.text(fmt, limit=16)
        trigger = ctx.triggered_id
        if trigger == button:
            line = dvm.start(session.engine(), session.jobs(), kind, View.from_store(inputs.mapping(view_data)),
                             layer_id=layer_id, fmt=fmt, actor=session.actor())
        elif trigger == poll:
            line = dvm.follow(session.jobs(), kind, job_id, actor=session.actor())
        else:
            line = dvm.IDLE
        return line.job, line.text, line.href or "", {} if line.href else HIDDEN, not line.polling, line.polling
