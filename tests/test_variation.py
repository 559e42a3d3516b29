"""Issue 11 item 4: the period's change against the previous equal period, on the KPI
cards and as the «variación» choropleth (diverging, centred at 0)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from dashboard import variation
from dashboard import viewmodels as vm
from dashboard.view import View, parse
from geodata import indicators
from tests.test_dashboard_viewmodels import TODAY, settings, tree  # noqa: F401  (fixture)


def test_previous_equal_period():
    p = indicators.Period(dt.date(2025, 3, 1), dt.date(2025, 3, 30), "2025-1")
    assert variation.previous_period(p) == indicators.Period(dt.date(2025, 1, 30), dt.date(2025, 2, 28), "2025-1")
    assert variation.previous_period(indicators.ALL_TIME) is None
    assert variation.previous_period(indicators.Period(dt.date(2025, 3, 1))) is None


def test_change_texts():
    assert variation.change_text("cases_open", 112, 100) == "+12 % vs. período anterior"
    assert variation.change_text("cases_open", 50, 100) == "−50 % vs. período anterior"
    assert variation.change_text("cases_open", 3, 0) == "+3 vs. período anterior"
    assert variation.change_text("clap_coverage", 50, 40) is None  # a state of now, not of a period
    assert variation.change_text("cases_with_solution_share", 30, 25) == "+5 pts vs. período anterior"


def test_the_room_shows_the_change_on_kpis_and_as_a_diverging_map(engine, tree):  # noqa: F811
    with engine.connect() as conn:
        dates = [d for (d,) in conn.exec_driver_sql("SELECT reported_date FROM case_report ORDER BY 1")]
    start, end = dates[len(dates) // 2], dates[-1]
    view = View(None, "cases_reported", date_from=start.isoformat(), date_to=end.isoformat())
    plain = vm.room(engine, view, settings=settings(), today=TODAY)
    assert all(k.get("change") is None or "vs. período anterior" in k["change"] for k in plain.kpis)
    assert any(k.get("change") for k in plain.kpis)
    changed = vm.room(engine, view.with_(variation=True), settings=settings(), today=TODAY)
    go.Figure(changed.figure)  # a valid Plotly figure
    assert changed.legend["title"].startswith("Variación de Casos reportados")
    assert changed.legend["items"][2]["color"] == "#f7f7f7"  # no change is white, the centre of the scale
    previous = variation.previous_period(view.period)
    with engine.connect() as conn:
        now = {r["code"]: r["cases_reported"] for r in indicators.child_values(conn, None, view.period, today=TODAY)}
        before = {r["code"]: r["cases_reported"] for r in indicators.child_values(conn, None, previous, today=TODAY)}
    trace = changed.figure["data"][0]
    for code, hover in zip(trace["locations"], trace["customdata"]):
        delta = now[code] - before[code]
        assert hover[2].startswith(("+" if delta > 0 else "−" if delta < 0 else "") + str(abs(delta))), (code, hover)
    # The same URL reopens it; without dates the map says why it shows the value.
    assert parse({"variacion": "1"}).variation and "variacion=1" in view.with_(variation=True).to_query()
    undated = vm.room(engine, View(variation=True), settings=settings(), today=TODAY)
    assert "necesita un período con fechas" in undated.map_note
    assert vm.apply_event(engine, view, "show", show="variation").variation
