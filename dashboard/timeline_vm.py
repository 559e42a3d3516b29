"""The room's timeline: the choropleth week by week over the view's period, so a spike is
seen growing. The weeks come from the period alone (no read until a week is shown); a
week's frame is the cases reported in it per child (geodata.timeline, one read per view,
in the room's cache), classed once over every week so a colour means the same count in
each frame.
"""

from __future__ import annotations

import datetime as dt

from dashboard import texts
from dashboard.classify import classify, legend_items, reclass, scheme_label
from dashboard.view import View
from geodata import timeline
from geodata.place import Where, code_of

INDICATOR = "cases_reported"  # what a frame shows


def weeks(view: View, today: dt.date | None = None) -> list[str]:
    """The Mondays (ISO) of the weeks the view's period covers (the last 13 for «Todo»)."""
    period = view.period
    return [m.isoformat() for m in timeline.weeks(period.date_from, period.date_to, today or dt.date.today())]


def week_label(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _mark(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {texts.MONTHS_SHORT[day.month - 1]}"


def ordinal(iso: str) -> int:
    """A week's slider value: its Monday's day number (the value names the week itself, so
    a new period never makes the slider point at another week)."""
    return dt.date.fromisoformat(iso).toordinal()


def week_of(value) -> str | None:
    """The Monday (ISO) a slider value names, or None for anything else."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= dt.date.max.toordinal():
        return None
    return dt.date.fromordinal(value).isoformat()


def slider(view: View, today: dt.date | None = None) -> dict:
    """The slider's range and marks (every fourth week back from the last, so labels never
    overlap), its value (the view's week, else the last) and the label under it."""
    mondays = weeks(view, today)
    step = 1 if len(mondays) <= 5 else 4
    last = len(mondays) - 1
    marks = {ordinal(m): _mark(m) for i, m in enumerate(mondays) if i % step == last % step}
    shown = view.week in mondays
    label = texts.TIMELINE_WEEK.format(date=week_label(view.week)) if shown else texts.TIMELINE_HINT
    return {"min": ordinal(mondays[0]), "max": ordinal(mondays[-1]), "marks": marks,
            "value": ordinal(view.week if shown else mondays[-1]), "label": label}


def shown_indicator(view: View) -> str:
    """The indicator the choropleth draws: a week's new cases while the timeline shows one."""
    return INDICATOR if view.week else view.indicator


def frame(conn, parent_code: Where, view: View, scope, today: dt.date | None, cached_read):
    """(rows, legend, classes) of the view's week under `parent_code`, or None when the
    week is not one of the period's."""
    mondays = weeks(view, today)
    if view.week not in mondays:
        return None
    chosen = view.record_filter
    key = ("timeline", code_of(parent_code), tuple(mondays), scope, chosen if chosen.cases else ())
    data = cached_read(conn, key, lambda: timeline.weekly_child_cases(
        conn, parent_code, [dt.date.fromisoformat(m) for m in mondays], scope, chosen, today))
    index = mondays.index(view.week)
    every = [n for counts in data["counts"].values() for n in counts]
    pooled = classify(every, INDICATOR, view.classes, view.classification)
    rows = [{"code": c["code"], "name": c["name"], "level": None, INDICATOR: data["counts"][c["code"]][index]}
            for c in data["children"]]
    classes = reclass(pooled, [r[INDICATOR] for r in rows])
    legend = {"title": texts.TIMELINE_LEGEND.format(date=week_label(view.week)),
              "scheme": texts.TIMELINE_SCHEME.format(scheme=scheme_label(pooled)) if scheme_label(pooled) else "",
              "items": legend_items(classes, INDICATOR)}
    return rows, legend, classes
