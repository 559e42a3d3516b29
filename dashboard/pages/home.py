"""The map room (`/`): choropleth of the children of a territory, panels that follow it.

The layout is built with the data of the view in the URL, so a shared or reloaded link
opens on exactly that view in one round trip.
"""

from __future__ import annotations

from datetime import date

import dash
import dash_ag_grid as dag
from dash import dcc, html

from dashboard import downloads_vm as dvm
from dashboard import followup_vm as fvm
from dashboard import ids, inputs, session, texts
from dashboard import novelties_vm as nvm
from dashboard import operations_vm as ops
from dashboard import records_vm
from dashboard import timeline_vm
from dashboard import viewmodels as vm
from dashboard.charts import CHART_CONFIG, CHART_HEIGHT
from dashboard.components import followup as followup_parts
from dashboard.components import room as parts
from dashboard.components.sala_components import Lazy, RoomMap
from dashboard.view import parse

dash.register_page(__name__, path="/", title=texts.APP_TITLE, name=texts.NAV_ROOM)

def _filter_value(view, name: str):
    value = getattr(view, name)
    if name == "overdue":
        return ["1"] if value else []
    return list(value)


def filters(view) -> html.Div:
    """The record filters (cases: category, status, overdue; projects: stage), with the
    note that they apply to everything on screen (the facts carry their dimensions)."""
    fields = []
    for control in vm.filter_controls():
        name, component_id = control["name"], ids.FILTERS[control["name"]]
        if control["multi"]:
            fields.append(
                html.Div(
                    [
                        html.Label(control["label"], htmlFor=component_id),
                        dcc.Dropdown(id=component_id, options=control["options"], value=_filter_value(view, name), multi=True,
                                     placeholder=texts.FILTER_ANY, labels=texts.DROPDOWN_LABELS, className=f"filter filter-{name}"),
                    ],
                    className="filter-field",
                )
            )
        else:
            fields.append(
                dcc.Checklist(id=component_id, options=control["options"], value=_filter_value(view, name),
                              className=f"checklist filter filter-{name}")
            )
    return html.Div(
        [
            html.Label(texts.FILTERS),
            html.Div(fields, className="filter-fields"),
            html.Div(texts.FILTERS_NOTE, id=ids.FILTERS_NOTE, className="filters-note"),
        ],
        className="control control-filters",
    )


def classification(view) -> html.Div:
    """How the choropleth is classed: the method and the number of classes (3–7)."""
    from dashboard.classify import MAX_CLASSES, MIN_CLASSES

    return html.Div(
        [
            html.Label(texts.CLASSIFICATION, htmlFor=ids.CLASSIFICATION),
            dcc.Dropdown(id=ids.CLASSIFICATION, value=view.classification, clearable=False, labels=texts.DROPDOWN_LABELS,
                         options=[{"label": label, "value": key} for key, label in texts.CLASSIFICATION_METHODS.items()]),
            html.Div(
                [html.Span(texts.CLASSES, className="classes-label", id="classes-label"),
                 dcc.RadioItems(id=ids.CLASSES, value=view.classes, inline=True, className="classes-choice",
                                options=[{"label": str(k), "value": k} for k in range(MIN_CLASSES, MAX_CLASSES + 1)])],
                className="classes-field",
            ),
        ],
        className="control control-classification",
    )


def controls(view, rounds: list[dict], refresh_seconds: int, operator: bool = False) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Label(texts.INDICATOR, htmlFor=ids.INDICATOR),
                    dcc.Dropdown(id=ids.INDICATOR, options=vm.indicator_options(), value=view.indicator, clearable=False,
                                 labels=texts.DROPDOWN_LABELS),
                ],
                className="control control-indicator",
            ),
            classification(view),
            html.Div(
                [
                    html.Label(texts.SHOW, htmlFor=ids.SHOW),
                    dcc.RadioItems(id=ids.SHOW, options=[{"label": texts.SHOW_VALUE, "value": "value"},
                                                         {"label": texts.SHOW_VARIATION, "value": "variation"}],
                                   value="variation" if view.variation else "value", inline=True, className="checklist"),
                ],
                className="control control-show",
            ),
            html.Div(
                [
                    html.Label(texts.LAYERS),
                    dcc.Checklist(
                        id=ids.LAYERS,
                        options=[{"label": label, "value": kind} for kind, label in texts.LAYER_LABELS.items()],
                        value=list(view.layers),
                        inline=True,
                        className="checklist",
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label(texts.ROUND, htmlFor=ids.ROUND),
                    dcc.Dropdown(id=ids.ROUND, options=rounds, value=view.round, placeholder=texts.ROUND_PLACEHOLDER,
                                 labels=texts.DROPDOWN_LABELS),
                ],
                className="control control-round",
            ),
            html.Div(
                [
                    html.Label(texts.PERIOD),
                    dcc.DatePickerRange(
                        id=ids.DATES,
                        start_date=view.date_from,
                        end_date=view.date_to,
                        display_format=texts.DATE_DISPLAY_FORMAT,
                        month_format=texts.DATE_MONTH_FORMAT,
                        max_date_allowed=date.today().isoformat(),
                        initial_visible_month=view.date_to or date.today().isoformat(),
                        start_date_placeholder_text=texts.DATES_FROM,
                        end_date_placeholder_text=texts.DATES_TO,
                        first_day_of_week=1,
                        clearable=True,
                    ),
                    parts.relative_periods(nvm.RELATIVE_PERIODS),
                    html.Button(texts.CLEAR_PERIOD, id=ids.CLEAR_PERIOD, n_clicks=0, className="button-link"),
                ],
                className="control control-period",
            ),
            filters(view),
            html.Div(
                [
                    dcc.Checklist(
                        id=ids.OPERATOR,
                        options=[{"label": texts.OPERATOR_MODE, "value": "on"}],
                        value=["on"] if operator else [],
                        className="checklist",
                    ),
                    html.Div(ops.operator_note(operator, refresh_seconds) or None, id=ids.OPERATOR_STATUS,
                             className="news operator-status", role="status"),
                    html.Div(id=ids.NEWS, className="news", **{"aria-live": "polite"}),
                    dcc.Interval(id=ids.INTERVAL, interval=refresh_seconds * 1000, disabled=not operator),
                ],
                className="control control-operator",
            ),
        ],
        className="controls",
    )


def downloads(view) -> html.Div:
    """The layer and format to download, the link (or, for a slow or large export, the
    button that prepares it) and the planning pack's button; for a role that may not
    export, only the note saying so (the /export routes refuse it too)."""
    links = vm.download_links(session.read_engine(), view, None, None, session.actor(), session.jobs())
    allowed = links["message"] != texts.EXPORT_NOT_ALLOWED
    shown = {} if allowed else parts.HIDDEN
    layers, formats = vm.export_options(session.read_engine(), view, session.actor().scope)
    minutes = dvm.minutes_offer(session.read_engine(), view, actor=session.actor())
    return html.Div(
        [
            dcc.Dropdown(id=ids.EXPORT_LAYER, options=layers, value=vm.DEFAULT_EXPORT_LAYER, clearable=False,
                         className="export-layer", placeholder=texts.EXPORT_LAYER, style=shown, labels=texts.DROPDOWN_LABELS),
            dcc.Dropdown(id=ids.EXPORT_FORMAT, options=formats, value=vm.DEFAULT_EXPORT_FORMAT, clearable=False,
                         className="export-format", placeholder=texts.EXPORT_FORMAT, style=shown, labels=texts.DROPDOWN_LABELS),
            html.A(texts.EXPORT, id=ids.EXPORT_LINK, href=links["export_href"] or "", className="button", download="",
                   style={} if links["export_href"] and not links["export_job"] else parts.HIDDEN),
            *parts.job_control(ids.EXPORT_BUTTON, ids.EXPORT_STATUS, ids.EXPORT_FILE, ids.EXPORT_JOB, ids.EXPORT_POLL,
                               texts.EXPORT_PREPARE, texts.EXPORT_READY, links["export_job"]),
            *parts.job_control(ids.PACK_BUTTON, ids.PACK_STATUS, ids.PACK_FILE, ids.PACK_JOB, ids.PACK_POLL,
                               texts.PACK_PREPARE, texts.PACK_READY, bool(links["pack_href"])),
            minutes_box(minutes),
            html.Span(links["message"] or ("" if layers else texts.EXPORT_EMPTY), id=ids.EXPORT_NOTE, className="export-note",
                      role="status"),
        ],
        className="downloads",
        **{"aria-label": texts.EXPORT},
    )


def minutes_box(offer) -> html.Div:
    """The cabinet's minutes of agreements (a municipality in view): its session dates and a link per format."""
    links = offer.links or {}
    return html.Div(
        [
            html.Span(texts.MINUTES, className="minutes-title", title=texts.MINUTES_HINT),
            dcc.Dropdown(id=ids.MINUTES_DATE, options=[{"label": d, "value": d} for d in offer.dates], value=offer.chosen,
                         clearable=False, className="minutes-date", placeholder=texts.MINUTES_DATE, labels=texts.DROPDOWN_LABELS),
            html.Div([html.A(texts.MINUTES_FORMATS[fmt], id=link_id, href=links.get(fmt, ""), className="button button-secondary",
                             download="") for fmt, link_id in ids.MINUTES_LINKS.items()], className="minutes-links"),
        ],
        id=ids.MINUTES_BOX,
        className="minutes",
        style={} if offer.dates else parts.HIDDEN,
    )


def case_panel(card: list | None = None) -> html.Aside:
    """The card of the record or council clicked (filled by its callback), or of the record
    a shared link names (`card`, open from the start)."""
    return html.Aside(
        [
            html.Button("×", id=ids.CASE_CLOSE, n_clicks=0, className="case-close", title=texts.CASE_CLOSE,
                        **{"aria-label": texts.CASE_CLOSE}),
            html.Div(card, id=ids.CASE_BODY, className="case-body", **{"aria-live": "polite"}),
        ],
        id=ids.CASE_PANEL,
        className="case-panel",
        hidden=card is None,
    )


def print_href(query: str) -> str:
    """«Imprimir vista»: the room's view printed (`/print/map.pdf`), with its URL parameters."""
    return "/print/map.pdf" + (query or "")


def map_panel(room, card: list | None = None) -> html.Div:
    """The map, as large as the screen allows: a loading state until it is drawn, the
    legend (collapsible, bottom left: clear of the map's own
    buttons at the top right) and the case card."""
    return html.Div(
        [
            html.Div(html.Span(texts.MAP_LOADING), className="map-loading", role="status"),
            RoomMap(id=ids.MAP, figure=room.figure, className="map", label=texts.MAP_LABEL),
            html.Details(
                [html.Summary(texts.LEGEND_TOGGLE, className="legend-toggle"),
                 html.Div(parts.legend(room.legend), id=ids.LEGEND),
                 html.Div(parts.point_legend(room.point_legend), id=ids.POINT_LEGEND, className="legend-points")],
                open=True,
                className="legend",
                id=ids.LEGEND_TOGGLE,
            ),
            parts.timeline_bar(timeline_vm.slider(room.view)),
            case_panel(card),
        ],
        className="map-panel",
        id="map-panel",
    )


def layout(**query) -> html.Div:
    view = parse(query)
    engine, scope, settings = session.read_engine(), session.scope(), session.settings()
    # A signed-in user opened the room: «Nuevo desde su última visita» counts from the visit before
    # (a write: the primary's engine).
    nvm.open_room(session.engine(), session.username(), settings)
    # A shared link to a record (`?caso=`, `?proyecto=`, `?clap=`): the room opens on its
    # territory with its layer, the map on its point and its card open.
    shared = records_vm.shared_record(query)
    focus, card = None, None
    if shared:
        view, focus = records_vm.open_shared(engine, view, *shared, scope)
        # A case's card carries its follow-up (route, assign, due date, status, comments), a
        # project's too (assign, due date, stage, the agreement it answers, comments).
        followed = {"cases": fvm.case_card, "projects": fvm.project_card}.get(shared[0])
        card = (followup_parts.case_card(followed(session.engine(), session.actor(), shared[1])) if followed
                else parts.record_panel(records_vm.record_panel(engine, *shared, scope)))
    room = vm.room(engine, view, scope, settings, base_url=session.base_url())
    if focus is not None:
        room.figure = records_vm.focus_figure(room.figure, focus)
    rounds = vm.consultation_rounds(engine)
    operator = inputs.operator_requested(query)
    return html.Div(
        [
            dcc.Store(id=ids.VIEW, data=room.view.to_store()),
            dcc.Store(id=ids.RENDERED, data=room.rendered),
            dcc.Store(id=ids.URL_SYNC, data=records_vm.share_query(room.view, *shared) if focus is not None else room.view.to_query()),
            dcc.Store(id=ids.LAST_REFRESH, data=ops.start_marker(engine) if operator else None),
            html.Aside(
                [controls(room.view, rounds, settings.refresh_seconds, operator), downloads(room.view)],
                id=ids.SIDE_PANEL,
                className="side-panel",
                **{"aria-label": texts.PANEL_TOGGLE},
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Button(["☰ ", texts.PANEL_TOGGLE], id=ids.PANEL_TOGGLE, className="panel-toggle",
                                        title=texts.PANEL_TOGGLE_HIDE, **{"aria-controls": ids.SIDE_PANEL, "aria-expanded": "true"}),
                            html.Nav(parts.breadcrumb(room.crumbs), id=ids.BREADCRUMB, className="breadcrumb", **{"aria-label": "Ruta"}),
                            html.H2(room.title, id=ids.TITLE, className="room-title"),
                            dcc.Link(
                                room.solutions_label,
                                href=room.solutions_href or "/soluciones",
                                id=ids.SOLUTIONS_LINK,
                                className="solutions-link",
                                style={} if room.solutions_href else {"display": "none"},
                            ),
                            dcc.Link(room.alerts_label, href=room.alerts_href, id=ids.ALERTS_LINK, className="solutions-link"),
                            dcc.Link(room.advice_label, href=room.advice_href or "/asesoria", id=ids.ADVICE_LINK,
                                     className="solutions-link", style={} if room.advice_href else {"display": "none"}),
                            html.A(texts.PRINT_VIEW, id=ids.PRINT_LINK, href=print_href(room.view.to_query()), download="",
                                   className="solutions-link print-link",
                                   title=texts.PRINT_VIEW_HINT, **{"aria-label": texts.PRINT_VIEW_HINT}),
                            html.Button(texts.FULLSCREEN, id=ids.FULLSCREEN, className="panel-toggle map-fullscreen",
                                        **{"aria-controls": "map-panel"}),
                        ],
                        className="room-head",
                    ),
                    html.Div(room.error, id=ids.ERROR, className="error", role="alert", hidden=not room.error),
                    html.Div(
                        [
                            map_panel(room, card),
                            html.Div(
                                [
                                    html.Section(
                                        [html.H3(texts.NOVELTIES, className="novelties-title"),
                                         html.Div(html.Span(texts.NOVELTIES_LOADING, className="muted"), id=ids.NOVELTIES,
                                                  className="novelties-body", **{"aria-live": "polite"})],
                                        className="novelties",
                                        **{"aria-label": texts.NOVELTIES},
                                    ),
                                    html.Div(parts.kpi_cards(room.kpis), id=ids.KPIS, className="kpis"),
                                ],
                                className="room-aside",
                            ),
                        ],
                        className="room-body",
                    ),
                    html.Div(room.map_note, id=ids.MAP_NOTE, className="map-note"),
                    html.H3(room.grid_title, id=ids.GRID_TITLE, className="grid-title"),
                    dag.AgGrid(
                        id=ids.GRID,
                        rowData=room.grid_rows,
                        columnDefs=room.grid_columns,
                        getRowId="params.data.code",
                        defaultColDef={"sortable": True, "resizable": True},
                        dashGridOptions={"animateRows": False, "rowSelection": {"mode": "singleRow", "checkboxes": False}},
                        style={"height": "360px"},
                        className="ag-theme-alpine grid",
                    ),
                    html.Div(
                        [
                            # Below the grid: drawn (and plotly.js loaded) when reached.
                            Lazy(dcc.Graph(id=chart_id, figure=room.charts[key], config=CHART_CONFIG), height=f"{CHART_HEIGHT}px")
                            for chart_id, key in ((ids.CHART_CASES, "cases"), (ids.CHART_DEPOSITS, "deposits"),
                                                  (ids.CHART_DELIVERIES, "deliveries"))
                        ],
                        className="charts",
                    ),
                ],
                className="room-main",
            ),
        ],
        className="room",
        id=ids.ROOM,
    )
