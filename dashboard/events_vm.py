"""The map room's event handler: the view after one user action (`apply_event`), and what
a click on the map points at (a territory to drill into, or a record to open).

A drill resolves the place it moves to (`geodata.place.resolve_place`, the scope check)
and hands that Place on with the new view (`event`), so the room it draws does not look
the territory up again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from dashboard.view import ROOM_FILTERS, View
from geodata import records
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.indicators import INDICATORS
from geodata.place import Place, resolve_place


def drill_to(engine: Engine, view: View, code: str | None, scope: Scope = NATIONAL) -> tuple[View, Place | None]:
    """The view one level down into `code` and the Place it shows (one lookup); the view
    unchanged and None if `code` is unknown, outside the scope, already shown, or a leaf
    (a council has nothing below it to show)."""
    if not code or code == view.territory:
        return view, None
    with engine.connect() as conn:
        try:
            place = resolve_place(conn, code, scope)
        except ScopeError:
            return view, None
    if not scope.allows(place.path) or not place.has_children:
        return view, None
    return view.with_(territory=place.code), place


def drill(engine: Engine, view: View, code: str | None, scope: Scope = NATIONAL) -> View:
    """The view one level down into `code` (`drill_to` without its Place)."""
    return drill_to(engine, view, code, scope)[0]


def _first_point(click_data) -> dict | None:
    """The first point of a Plotly click (None for anything else the browser may send)."""
    points = click_data.get("points") if isinstance(click_data, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    return point if isinstance(point, dict) else None


def clicked_code(click_data: dict | None) -> str | None:
    """The territory a map click points at: a choropleth location or an aggregated bubble."""
    point = _first_point(click_data)
    if point is None:
        return None
    if point.get("location") and not point.get("curveNumber"):  # the territories are trace 0 (a quadrant is not)
        return str(point["location"])
    custom = point.get("customdata")
    if isinstance(custom, list) and custom and custom[0]:
        return str(custom[0])
    return None


def clicked_record(click_data: dict | None) -> tuple[str, str] | None:
    """The record a map click points at, as (kind, id): an individual record point carries
    them last in its customdata (`figures.points_trace`), after an empty territory code
    (so `clicked_code` never drills on it). None for a territory or a bubble."""
    point = _first_point(click_data)
    custom = point.get("customdata") if point else None
    if not isinstance(custom, list) or len(custom) < 4 or custom[0] != "" or custom[-2] not in records.RECORD_KINDS:
        return None
    return (str(custom[-2]), str(custom[-1])) if custom[-1] not in (None, "") else None


def clicked_case(click_data: dict | None) -> str | None:
    """The code of the case whose point a map click hit (None for anything else)."""
    record = clicked_record(click_data)
    return record[1] if record and record[0] == "cases" else None


def event(
    engine: Engine,
    view: View,
    trigger: str,
    *,
    indicator: str | None = None,
    show: str | None = None,
    layers: list[str] | None = None,
    round_: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    filters: dict | None = None,
    click_data: dict | None = None,
    cell_clicked: dict | None = None,
    crumb_code: str | None = None,
    scope: Scope = NATIONAL,
    classification: str | None = None,
    classes: int | str | None = None,
    week: int | None = None,
) -> tuple[View, Place | None]:
    """The view after one user action on the map room, and the Place it shows when the
    action resolved it (a drill: the room then draws it without looking it up again).

    trigger: "indicator", "show" (`show`: "value" or "variation" on the map), "layers", "round", "dates", "clear" (whole period), "filters"
    (`filters`: the values of the record filter controls by URL name), "map" (a click on a
    territory or bubble), "grid" (a row of the ranked table), "crumb" or "classification"
    (`classification`, `classes`: how the choropleth is classed), "week" (`week`: the
    timeline slider's value: a week's Monday as a day number) or "week_off" (back to the period).
    """
    new = _apply(engine, view, trigger, indicator=indicator, show=show, layers=layers, round_=round_,
                 date_from=date_from, date_to=date_to, filters=filters, click_data=click_data,
                 cell_clicked=cell_clicked, crumb_code=crumb_code, scope=scope, classification=classification,
                 classes=classes, week=week)
    new, place = new if isinstance(new, tuple) else (new, None)  # a drill gives its Place too
    return in_timeline(new), place


def apply_event(engine: Engine, view: View, trigger: str, **event_args) -> View:
    """The view after one user action on the map room (`event` without the Place)."""
    return event(engine, view, trigger, **event_args)[0]


def in_timeline(view: View, today: dt.date | None = None) -> View:
    """The view with its timeline week dropped if the period no longer covers it."""
    from dashboard.timeline_vm import weeks

    return view.with_(week=None) if view.week and view.week not in weeks(view, today) else view


def _apply(engine: Engine, view: View, trigger: str, *, indicator, show, layers, round_, date_from, date_to, filters,
           click_data, cell_clicked, crumb_code, scope, classification, classes, week) -> View | tuple[View, Place | None]:
    from dashboard.view import parse

    if trigger == "week":
        from dashboard.timeline_vm import week_of, weeks

        chosen = week_of(week)
        return view.with_(week=chosen) if chosen in weeks(view) else view
    if trigger == "week_off":
        return view.with_(week=None)
    if trigger == "indicator" and isinstance(indicator, str) and indicator in INDICATORS:
        return view.with_(indicator=indicator)
    if trigger == "show":
        return view.with_(variation=show == "variation")
    if trigger == "layers":
        return view.with_(layers=parse({"layers": ",".join(str(x) for x in layers) if isinstance(layers, list) else layers}).layers)
    if trigger in ("round", "dates"):
        period = parse({"round": round_, "from": date_from, "to": date_to})
        return view.with_(round=period.round, date_from=period.date_from, date_to=period.date_to)
    if trigger == "clear":
        return view.with_(round=None, date_from=None, date_to=None)
    if trigger == "filters":
        chosen = parse({name: (filters or {}).get(name) for name in ROOM_FILTERS})
        return view.with_(category=chosen.category, status=chosen.status, overdue=chosen.overdue, stage=chosen.stage)
    if trigger == "classification":
        chosen = parse({"classification": classification, "classes": classes})
        return view.with_(classification=chosen.classification, classes=chosen.classes)
    if trigger == "map":
        return drill_to(engine, view, clicked_code(click_data), scope)
    if trigger == "grid":
        row_id = cell_clicked.get("rowId") if isinstance(cell_clicked, dict) else None
        return drill_to(engine, view, row_id if isinstance(row_id, str) else None, scope)
    if trigger == "crumb":
        return view.with_(territory=parse({"territory": crumb_code}).territory)
    return view
