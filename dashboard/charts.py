"""The room's weekly charts (cases reported and resolved, deposits, CLAP deliveries) as
Plotly JSON dicts, from `geodata.indicators.weekly_series` (no database here)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from dashboard import texts
from dashboard.figures import FONT, SEPARATORS


CHART_HEIGHT = 240  # px; the room keeps a chart's place at this height until it is drawn
# Every chart's toolbar: no Plotly logo, Plotly's `es` locale (served by the app).
CHART_CONFIG = {"displaylogo": False, "locale": "es"}


def _chart_layout(title: str, **extra) -> dict:
    return dict(
        title={"text": title, "font": {"size": 14}},
        height=CHART_HEIGHT,
        margin={"l": 50, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "y": -0.2},
        separators=SEPARATORS,
        font={"family": FONT},
        plot_bgcolor="#ffffff",
        hovermode="x unified",
        xaxis={"showgrid": False, **extra.pop("xaxis", {})},
        yaxis={"gridcolor": "#eeeeee", "rangemode": "tozero"},
        **extra,
    )


def _empty(title: str) -> dict:
    return {
        "data": [],
        "layout": _chart_layout(
            title,
            annotations=[{"text": texts.CHART_EMPTY, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper"}],
        ),
    }


def _every_week(weekly: list[dict]) -> list[dict]:
    """The series with the weeks that had no event filled with zeros, so lines drop to
    zero instead of bridging a quiet spell."""
    by_week = {}
    for w in weekly:
        week = w["week"] if isinstance(w["week"], date) else date.fromisoformat(str(w["week"])[:10])
        by_week[week] = {**w, "week": week}
    if not by_week:
        return []
    first, last = min(by_week), max(by_week)
    out, week = [], first
    while week <= last:
        out.append(by_week.get(week) or {"week": week, "cases_reported": 0, "cases_resolved": 0, "deposits_amount": 0, "deliveries": 0})
        week += timedelta(days=7)
    return out


def series_figures(weekly: list[dict]) -> dict[str, dict]:
    """Cases reported vs resolved per week, deposits per month, CLAP deliveries per week."""
    if not weekly:
        return {"cases": _empty(texts.CHART_CASES), "deposits": _empty(texts.CHART_DEPOSITS), "deliveries": _empty(texts.CHART_DELIVERIES)}
    weekly = _every_week(weekly)
    weeks = [w["week"].isoformat() for w in weekly]
    cases = [
        {"type": "scatter", "x": weeks, "y": [w["cases_reported"] or 0 for w in weekly], "name": texts.CHART_REPORTED, "line": {"color": "#c0392b"}},
        {"type": "scatter", "x": weeks, "y": [w["cases_resolved"] or 0 for w in weekly], "name": texts.CHART_RESOLVED, "line": {"color": "#1e8449"}},
    ]
    months: dict[str, float] = defaultdict(float)
    for w, week in zip(weekly, weeks):
        months[week[:7]] += float(w["deposits_amount"] or 0)
    month_keys = sorted(months)
    deposits = [{"type": "bar", "x": [f"{m}-01" for m in month_keys], "y": [months[m] for m in month_keys], "marker": {"color": "#1f5fa8"}, "name": "Bs."}]
    deliveries = [{"type": "bar", "x": weeks, "y": [w["deliveries"] or 0 for w in weekly], "marker": {"color": "#1e8449"}, "name": "Entregas"}]
    return {
        "cases": {"data": cases, "layout": _chart_layout(texts.CHART_CASES)},
        "deposits": {"data": deposits, "layout": _chart_layout(texts.CHART_DEPOSITS)},
        "deliveries": {"data": deliveries, "layout": _chart_layout(texts.CHART_DELIVERIES)},
    }
