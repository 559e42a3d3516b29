"""The cards of the records on the map (a case, a project, a CLAP) and the shared links that
open the room on one: `/?caso=<code>`, `/?proyecto=<code>`, `/?clap=<code>`. Plain data for
`components.room.case_panel` / `record_panel`; every read is scoped in `geodata`, and a
record that does not exist or lies outside the viewer's scope gives the same Spanish
message (never a 500)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from sqlalchemy import Engine

from dashboard import texts
from dashboard import viewmodels as vm
from dashboard.classify import format_date, format_number
from dashboard.view import View
from geodata import record_cards
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.rules import CLAP_GAP_DAYS
from geodata.vocab import AGREEMENT_STATUSES, AREAS, CASE_CATEGORIES, CASE_STATUSES, PROJECT_STAGES, sector_label

SHARE_PARAMS = texts.RECORD_SHARE_PARAMS  # kind -> the URL parameter naming one record
# Half the side (degrees, about 700 m) of the box a shared link fits the map to around its record.
FOCUS_HALF_SIDE = 0.006


def share_href(kind: str, code: str) -> str:
    return "/?" + urlencode({SHARE_PARAMS[kind]: code})


def shared_record(query: dict) -> tuple[str, str] | None:
    """The record a room URL names (`caso`, `proyecto` or `clap`), as (kind, code)."""
    for kind, param in SHARE_PARAMS.items():
        raw = query.get(param)
        if isinstance(raw, list):
            raw = raw[0] if raw else None
        if isinstance(raw, str) and 0 < len(raw.strip()) <= 40:
            return kind, raw.strip()
    return None



def _path(crumbs: list[tuple]) -> str:
    return " › ".join(name for _code, name in crumbs[1:])


def _not_found(kind: str, code: str) -> dict:
    return {"kind": kind, "code": code, "error": texts.RECORD_NOT_FOUND[kind].format(code=code)}


def project_panel(engine: Engine, code: str, scope: Scope = NATIONAL) -> dict:
    with engine.connect() as conn:
        try:
            p = record_cards.project_detail(conn, code, scope)
        except ScopeError:
            return _not_found("projects", code)
    return project_card_data(p)


def project_card_data(p: dict) -> dict:
    """A project's card from its `record_cards.project_detail`."""
    labels = texts.PROJECT_FIELDS
    deposited = f"Bs. {format_number(p['deposited'])}"
    if p["budget"]:
        deposited = texts.PROJECT_DEPOSITED.format(amount=deposited, share=f"{format_number(100 * p['deposited'] / p['budget'])} %")
    fields = [
        (labels["name"], p["name"]),
        (labels["stage"], PROJECT_STAGES.get(p["stage"], p["stage"])),
        (labels["progress"], f"{format_number(p['progress'])} %" if p["progress"] is not None else "—"),
        (labels["round"], p["consultation_round"]),
        (labels["area"], AREAS.get(p["area"], p["area"])),
        (labels["sector"], sector_label(p["sector"])),
        (labels["budget"], f"Bs. {format_number(p['budget'])}" if p["budget"] is not None else "—"),
        (labels["approved"], texts.PROJECT_NOT_APPROVED if p["stage"] == "proposed"
         else f"Bs. {format_number(p['budget'])}" if p["budget"] is not None else "—"),
        (labels["deposited"], deposited),
        (labels["start_date"], format_date(p["start_date"])),
        (labels["end_date"], format_date(p["end_date"])),
        (labels["territory"], f"{_path(p['breadcrumb']) or p['territory_name']} ({p['territory_code']})"),
    ]
    linked = [{"kind": "Caso", "code": c["code"], "label": CASE_CATEGORIES.get(c["category"], c["category"]),
               "status": CASE_STATUSES.get(c["status"], c["status"])} for c in p["cases"]]
    linked += [{"kind": "Acuerdo", "code": a["code"], "label": a["text"],
                "status": AGREEMENT_STATUSES.get(a["status"], a["status"])
                + (f"; {texts.FOLLOW_LINKED_BY_ROOM}" if a.get("room") else "")} for a in p["agreements"]]
    return {
        "kind": "projects",
        "code": p["code"],
        "error": None,
        "title": texts.PROJECT_TITLE.format(code=p["code"]),
        "badge": " · ".join(b for b, on in ((texts.PROJECT_STALLED, p["stage"] == "stalled"),
                                             (texts.PROJECT_NO_DEPOSIT_BADGE, p["advanced_without_deposit"])) if on) or None,
        "fields": fields,
        "description": p["description"] or "",
        "linked_title": texts.PROJECT_ANSWERS,
        "linked": linked,
        "linked_none": texts.PROJECT_ANSWERS_NONE,
        "history_title": texts.PROJECT_HISTORY,
        "history": [(format_date(e["date"]), trail_text(e)) for e in p["trail"]],
        "history_none": texts.PROJECT_NO_DEPOSITS,
        "share": share_href("projects", p["code"]),
    }


def trail_text(event: dict) -> str:
    """One line of a project's money trail (geodata.record_cards.money_trail)."""
    if event["kind"] == "deposit":
        return texts.PROJECT_DEPOSIT.format(amount=format_number(event["amount"])) + f" · {event['bank'] or texts.PROJECT_NO_BANK}"
    if event["kind"] == "stage":
        return texts.PROJECT_STAGE_CHANGE.format(previous=PROJECT_STAGES.get(event["from"], event["from"] or "—"),
                                                 stage=PROJECT_STAGES.get(event["to"], event["to"]))
    return texts.PROJECT_STARTED if event["kind"] == "start" else texts.PROJECT_ENDED


def clap_panel(engine: Engine, code: str, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    with engine.connect() as conn:
        try:
            c = record_cards.clap_detail(conn, code, scope, today=today)
        except ScopeError:
            return _not_found("claps", code)
    labels = texts.CLAP_FIELDS
    fields = [
        (labels["name"], c["name"]),
        (labels["households"], format_number(c["households"])),
        (labels["last_delivery"], format_date(c["last_delivery"]) if c["last_delivery"] else texts.CLAP_NEVER),
        (labels["days_since"], format_number(c["days_since_delivery"]) if c["days_since_delivery"] is not None else "—"),
        (labels["deliveries"], format_number(c["deliveries_total"])),
        (labels["territory"], f"{_path(c['breadcrumb']) or c['territory_name']} ({c['territory_code']})"),
    ]
    return {
        "kind": "claps",
        "code": c["code"],
        "error": None,
        "title": texts.CLAP_TITLE.format(code=c["code"]),
        "badge": texts.CLAP_LATE.format(days=CLAP_GAP_DAYS) if c["late"] else None,
        "fields": fields,
        "description": "",
        "linked_title": None,
        "linked": [],
        "linked_none": "",
        "history_title": texts.CLAP_HISTORY,
        "history": [(format_date(d["date"]), texts.CLAP_DELIVERY.format(households=format_number(d["households_served"])))
                    for d in c["deliveries"]],
        "history_none": texts.CLAP_NO_DELIVERIES,
        "share": share_href("claps", c["code"]),
    }


def record_panel(engine: Engine, kind: str, code: str, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """The card of any record: a case's detail panel (with its share link), a project's or a CLAP's."""
    if kind == "cases":
        data = vm.case_panel(engine, code, scope, today=today)
        if data.get("error"):
            return {**data, "kind": "cases"}
        return {**data, "kind": "cases", "share": share_href("cases", data["code"])}
    if kind == "projects":
        return project_panel(engine, code, scope)
    if kind == "claps":
        return clap_panel(engine, code, scope, today=today)
    return {"kind": kind, "code": code, "error": texts.RECORD_NOT_FOUND["cases"].format(code=code)}


def open_shared(engine: Engine, view: View, kind: str, code: str, scope: Scope = NATIONAL) -> tuple[View, tuple[float, float] | None]:
    """The view a shared link opens: on the record's territory with its layer drawn, and the
    point to centre the map on. An unknown record or one outside the scope leaves the view
    as it is (its card says why)."""
    with engine.connect() as conn:
        try:
            place = record_cards.record_place(conn, kind, code, scope)
        except ScopeError:
            return view, None
    layers = view.layers if kind in view.layers else (*view.layers, kind)
    focus = (place["lon"], place["lat"]) if place["lon"] is not None else None
    return view.with_(territory=place["territory_code"], layers=layers), focus


def focus_figure(figure: dict, focus: tuple[float, float] | None) -> dict:
    """The room's map fitted to a small box around a record (the browser fits `meta.fit`),
    with a halo under it so the eye finds it."""
    if focus is None:
        return figure
    lon, lat = focus
    d = FOCUS_HALF_SIDE
    layout = {**figure["layout"], "meta": {**figure["layout"].get("meta", {}), "fit": [lon - d, lat - d, lon + d, lat + d],
                                           "fit_key": f"record:{lon},{lat}"}}
    halo = {"type": "scattermap", "lon": [lon], "lat": [lat], "mode": "markers", "hoverinfo": "skip", "showlegend": False,
            "marker": {"size": 30, "color": "#111111", "opacity": 0.25}, "name": "seleccion"}
    return {"data": [figure["data"][0], halo, *figure["data"][1:]], "layout": layout}


def share_query(view: View, kind: str, code: str) -> str:
    """The room's URL query for `view` that also keeps the shared record's card open."""
    query = view.to_query()
    extra = urlencode({SHARE_PARAMS[kind]: code})
    return f"{query}&{extra}" if query else f"?{extra}"
