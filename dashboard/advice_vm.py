"""The functions behind the «Asesoría para la próxima consulta» page
(`/asesoria?territory=<commune or circuit>`): the figures of `geodata.advice` formatted
for the page, and, for any other territory, the communes and circuits to choose from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine

from dashboard import figures, texts
from dashboard.classify import format_number
from dashboard.view import View
from dashboard.viewmodels import cached_read
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.advice import ADVICE_LEVELS, advice_units, consultation_advice
from geodata.place import resolve_place
from layers.advice import suggestions
from layers.web import advice_url

UNITS_SHOWN = 300
DECIMALS = {"mean_progress": ",.0f", "progress": ",.0f", "deposited_share": ",.1f"}


@dataclass
class AdvicePage:
    error: str | None = None
    title: str = ""
    code: str | None = None
    crumbs: list[dict] = field(default_factory=list)
    units: list[dict] | None = None  # a place that is no commune or circuit: what to choose
    units_note: str = ""
    kpis: list[dict] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    chart: dict | None = None
    sectors: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    rounds: list[dict] = field(default_factory=list)
    downloads: list[dict] = field(default_factory=list)
    is_demo: bool = False


def _value(name: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return format_number(float(value), DECIMALS.get(name, ",.0f"))


def unit_name(level: str, name: str) -> str:
    """«Comuna El Panal»: the level word, unless the name already starts with it."""
    word = texts.ADV_LEVELS[level]
    return name if name.lower().startswith(word.split()[0].lower()) else f"{word} {name}"


def sector_figure(sectors: list[dict]) -> dict:
    """Open cases beside the projects running or completed, per sector (least answered first;
    a sector with neither is left out)."""
    sectors = [s for s in sectors if s["open_cases"] or s["running"] or s["completed"]]
    labels = [s["label"] for s in sectors]
    data = [
        {"type": "bar", "y": labels, "x": [s["open_cases"] for s in sectors], "orientation": "h", "name": texts.ADV_CHART_OPEN,
         "marker": {"color": "#d95f02"}, "hovertemplate": "%{y}: %{x:,} casos abiertos<extra></extra>"},
        {"type": "bar", "y": labels, "x": [s["running"] + s["completed"] for s in sectors], "orientation": "h",
         "name": texts.ADV_CHART_PROJECTS, "marker": {"color": "#1b9e77"},
         "hovertemplate": "%{y}: %{x:,} proyectos<extra></extra>"},
    ]
    layout = dict(title={"text": texts.ADV_CHART, "font": {"size": 14}}, height=max(240, 80 + 30 * len(labels)), barmode="group",
                  margin={"l": 130, "r": 10, "t": 40, "b": 30}, yaxis={"autorange": "reversed"},
                  legend={"orientation": "h", "y": -0.12}, separators=figures.SEPARATORS, font={"family": figures.FONT},
                  plot_bgcolor="#ffffff")
    return {"data": data, "layout": layout}


def _units(conn, place) -> tuple[list[dict], str]:
    units = advice_units(conn, place, limit=UNITS_SHOWN + 1)
    note = texts.ADV_MORE_UNITS.format(shown=UNITS_SHOWN) if len(units) > UNITS_SHOWN else ""
    return [{"code": u["code"], "name": f"{unit_name(u['level'], u['name'])} ({u['code']})"} for u in units[:UNITS_SHOWN]], note


def advice_page(engine: Engine, view: View, scope: Scope = NATIONAL, today: dt.date | None = None) -> AdvicePage:
    with engine.connect() as conn:
        try:
            place = resolve_place(conn, view.territory, scope)
        except ScopeError:
            return AdvicePage(error=texts.NOT_FOUND.format(code=view.territory))
        crumbs = [{"code": c, "name": n} for c, n in place.breadcrumb]
        if place.level not in ADVICE_LEVELS:
            units, note = _units(conn, place)
            return AdvicePage(title=texts.ADV_TITLE.format(name=place.name), code=place.code, crumbs=crumbs, units=units,
                              units_note=note)
        day = today or dt.date.today()
        data = cached_read(conn, ("consultation_advice", place.code, scope, day), lambda: consultation_advice(conn, place, day))
    totals = data["totals"]
    sectors = [{**{k: _value(k, s[k]) for k in texts.ADV_SECTOR_COLUMNS}, "unanswered": s["unanswered"]} for s in data["sectors"]]
    return AdvicePage(
        title=texts.ADV_TITLE.format(name=unit_name(place.level, place.name)),
        code=place.code,
        crumbs=crumbs,
        kpis=[{"id": k, "label": label, "value": _value(k, totals.get(k))} for k, label in texts.ADV_KPIS.items()],
        advice=suggestions(data),
        chart=sector_figure(data["sectors"]) if data["sectors"] else None,
        sectors=sectors,
        projects=[{k: _value(k, p[k]) for k in texts.ADV_PROJECT_COLUMNS} for p in data["projects"]],
        rounds=[{k: _value(k, r[k]) for k in texts.ADV_ROUND_COLUMNS} for r in data["rounds"]],
        downloads=[{"label": label, "href": advice_url(place.code, fmt)} for fmt, label in texts.ADV_FORMATS.items()],
        is_demo=data["is_demo"],
    )
