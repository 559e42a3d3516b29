"""The room's timeline (geodata.timeline, dashboard.timeline_vm): the weeks of a period,
cases per child and week from the facts (filters too), frames classed once over every
week, the week in the URL and the events that set and clear it."""

import datetime as dt

from sqlalchemy import insert

from dashboard import timeline_vm
from dashboard import viewmodels as vm
from dashboard.view import View, parse
from geodata.access import Scope
from geodata.facts import RecordFilter
from geodata.indicators import refresh
from geodata.models import Case
from geodata.timeline import MAX_WEEKS, weekly_child_cases, weeks
from tests.factories import small_tree, territory_id

TODAY = dt.date(2025, 6, 30)  # a Monday


def test_weeks_of_a_period():
    assert weeks(None, None, TODAY)[-1] == TODAY and len(weeks(None, None, TODAY)) == 13
    # A period: its weeks' Mondays (a Wednesday start falls in its Monday's week).
    assert weeks(dt.date(2025, 6, 4), dt.date(2025, 6, 20), TODAY) == [dt.date(2025, 6, 2), dt.date(2025, 6, 9), dt.date(2025, 6, 16)]
    # A long period keeps its latest weeks; one ending in the future stops at this week.
    assert len(weeks(dt.date(2020, 1, 1), None, TODAY)) == MAX_WEEKS
    assert weeks(dt.date(2025, 6, 25), dt.date(2025, 8, 1), TODAY) == [dt.date(2025, 6, 23), dt.date(2025, 6, 30)]


def test_the_week_travels_in_the_url_as_its_monday():
    view = parse({"semana": "2025-06-25"})
    assert view.week == "2025-06-23" and view.to_query() == "?semana=2025-06-23"
    assert parse({"semana": "nonsense"}).week is None
    assert View.from_store(view.to_store()) == view


def _case(conn, code, council, day, category="water"):
    conn.execute(insert(Case).values(code=code, reported_date=day, category=category, area="public_services",
                                     territory_id=territory_id(conn, council)))


def test_cases_per_child_and_week_from_the_facts_and_live(engine):
    mondays = weeks(dt.date(2025, 6, 9), TODAY, TODAY)  # 9, 16, 23, 30 June
    with engine.begin() as conn:
        small_tree(conn)
        for i in range(3):
            _case(conn, f"A{i}", "0101010101", dt.date(2025, 6, 10))
        _case(conn, "B0", "0101010102", dt.date(2025, 6, 18), "roads")
        _case(conn, "C0", "1501", dt.date(2025, 6, 30), "gas")
        _case(conn, "D0", "1501", dt.date(2025, 5, 1))  # before the period
        refresh(conn, today=TODAY)
    with engine.connect() as conn:
        states = weekly_child_cases(conn, None, mondays, today=TODAY)
        assert states["counts"] == {"01": [3, 1, 0, 0], "15": [0, 0, 0, 1]}
        # The category filter reads the facts by dimension.
        water = weekly_child_cases(conn, None, mondays, filters=RecordFilter(category=("water",)), today=TODAY)
        assert water["counts"] == {"01": [3, 0, 0, 0], "15": [0, 0, 0, 0]}
        # Below a parish the cases are read live, with the same filter.
        councils = weekly_child_cases(conn, "010101", mondays, filters=RecordFilter(category=("roads",)), today=TODAY)
        assert councils["counts"]["0101010102"] == [0, 1, 0, 0] and councils["counts"].get("01010101") == [0, 0, 0, 0]
        # A director sees their state only.
        miranda = weekly_child_cases(conn, None, mondays, Scope("director", "15", "/15/"), today=TODAY)
        assert list(miranda["counts"]) == ["15"]


def test_frames_share_their_classes_and_events_set_and_clear_the_week(engine):
    with engine.begin() as conn:
        small_tree(conn)
        for i in range(8):
            _case(conn, f"A{i}", "0101010101", TODAY - dt.timedelta(days=14))
        _case(conn, "C0", "1501", TODAY)
        refresh(conn, today=TODAY)
    view = View(date_from="2025-06-09", date_to=TODAY.isoformat(), classes=3)
    with engine.connect() as conn:
        first = timeline_vm.frame(conn, None, view.with_(week="2025-06-16"), Scope(), TODAY, vm.cached_read)
        last = timeline_vm.frame(conn, None, view.with_(week="2025-06-30"), Scope(), TODAY, vm.cached_read)
        assert timeline_vm.frame(conn, None, view.with_(week="2024-01-01"), Scope(), TODAY, vm.cached_read) is None
    rows, legend, classes = first
    assert {r["code"]: r["cases_reported"] for r in rows} == {"01": 8, "15": 0}
    assert legend["title"] == "Casos reportados, semana del 16/06/2025"
    # The same bounds every week: 8 cases are the darkest class in any frame, 1 case is not.
    assert classes.bins == last[2].bins
    assert classes.classes[0] == classes.k - 1 and last[2].classes[1] < classes.k - 1

    slider = timeline_vm.slider(view, TODAY)
    assert slider["min"] == dt.date(2025, 6, 9).toordinal() and slider["max"] == TODAY.toordinal()
    assert slider["value"] == slider["max"] and "9 jun" in slider["marks"].values()
    week = vm.apply_event(engine, view, "week", week=dt.date(2025, 6, 16).toordinal())
    assert week.week == "2025-06-16"
    assert vm.apply_event(engine, week, "week", week=dt.date(2020, 1, 6).toordinal()) == week  # not a week of the period
    assert vm.apply_event(engine, week, "week_off").week is None
    # A new period that does not cover the week drops it.
    assert vm.apply_event(engine, week, "dates", date_from="2025-01-01", date_to="2025-01-31").week is None
