"""Place, Period and the error root: a territory resolved and scope-checked in one statement."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.errors import InvalidInput, NotFound, SalaError, describe
from geodata.models import Case
from geodata.period import ALL_TIME, Period
from geodata.place import resolve_place
from geodata.territory import children

MIRANDA = Scope(role="director", territory_code="15", territory_path="/15/")


class Statements:
    """Counts the SQL statements a block runs on a connection."""

    def __init__(self, conn):
        self.conn, self.count = conn, 0

    def __enter__(self):
        event.listen(self.conn, "before_cursor_execute", self._seen)
        return self

    def _seen(self, *args):
        self.count += 1

    def __exit__(self, *exc):
        event.remove(self.conn, "before_cursor_execute", self._seen)


def test_a_municipality_resolves_with_its_ancestors_in_one_statement(demo_engine):
    with demo_engine.connect() as conn, Statements(conn) as seen:
        place = resolve_place(conn, "0101", NATIONAL)
    assert seen.count == 1
    assert (place.code, place.level, place.has_children, place.leaf) == ("0101", "municipality", True, False)
    assert [a.code for a in place.ancestors] == ["01"]
    assert place.breadcrumb[0] == (None, "Venezuela") and place.breadcrumb[-1][0] == "0101"
    assert place.map_parent.code == "0101" and place.ancestor("state").code == "01"


def test_a_council_is_a_leaf_whose_map_is_its_parent(demo_engine):
    with demo_engine.connect() as conn:
        council = resolve_place(conn, "0101", NATIONAL)
        while council.has_children:
            council = resolve_place(conn, children(conn, council.code)[0].code, NATIONAL)
    assert council.level == "council" and council.leaf
    assert council.map_parent.code == council.ancestors[-1].code
    assert [a.depth for a in council.ancestors] == list(range(len(council.ancestors)))


def test_iso_and_ocha_codes_resolve_to_the_ine_code(demo_engine):
    with demo_engine.connect() as conn:
        assert resolve_place(conn, "VE-A", NATIONAL).code == "01"
        assert resolve_place(conn, "ve-a", NATIONAL).code == "01"
        assert resolve_place(conn, "VE0101", NATIONAL).code == "0101"


def test_unknown_and_foreign_territories_read_the_same(demo_engine):
    with demo_engine.connect() as conn:
        with pytest.raises(ScopeError) as unknown:
            resolve_place(conn, "9999", MIRANDA)
        with pytest.raises(ScopeError) as foreign:
            resolve_place(conn, "0101", MIRANDA)
    assert isinstance(foreign.value, NotFound)
    assert str(unknown.value).replace("9999", "X") == str(foreign.value).replace("0101", "X")
    assert describe(foreign.value)[0] == 404


def test_a_director_starts_at_their_scope_and_sees_its_ancestors_only_as_the_way_down(demo_engine):
    municipal = Scope(role="director", territory_code="1501", territory_path="/15/1501/")
    with demo_engine.connect() as conn:
        assert resolve_place(conn, None, MIRANDA).code == "15"
        above = resolve_place(conn, "15", municipal)
    assert above.code == "15" and not above.in_scope
    assert above.contains("/15/1501/150101/") and not above.contains("/15/1502/")


def test_period_parses_what_people_type_and_refuses_the_rest():
    assert Period.parse("01/03/2025", "2025-03-31", "2025-1") == Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31), "2025-1")
    assert Period.parse(None, "", " ") == ALL_TIME and ALL_TIME.is_all
    for bad in (("31/02/2025", None, None), ("2025-04-01", "2025-03-01", None), (None, None, "1; DROP")):
        with pytest.raises(InvalidInput) as error:
            Period.parse(*bad)
        assert isinstance(error.value, SalaError) and describe(error.value)[0] == 400


def test_a_past_period_is_judged_at_its_end():
    today = dt.date(2026, 6, 30)
    assert Period(date_to=dt.date(2025, 12, 31)).reference_day(today) == dt.date(2025, 12, 31)
    assert Period(date_to=dt.date(2027, 1, 1)).reference_day(today) == today
    assert ALL_TIME.reference_day(today) == today


def test_period_conditions_cut_days_and_keep_records_of_no_round(demo_engine):
    march = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    with demo_engine.connect() as conn:
        days = conn.execute(select(Case.reported_date).where(march.conditions(Case.reported_date))).scalars().all()
    assert days and all(march.date_from <= d <= march.date_to for d in days)


def test_anything_else_is_a_500_that_leaks_nothing():
    status, message = describe(RuntimeError("password=secret"))
    assert status == 500 and "secret" not in message


def test_the_code_and_the_iso_fallback_are_each_served_by_an_index(demo_engine):
    """Never `code = :c OR upper(iso_code) = …`, which scans the tree: the code by its unique
    index, the ISO code (only when no code matches) by its expression index."""
    with demo_engine.connect() as conn:
        seen = []

        def record(_conn, _cursor, statement, parameters, _context, _many):
            seen.append((statement, parameters))

        event.listen(conn, "before_cursor_execute", record)
        try:
            assert resolve_place(conn, "0101", NATIONAL).code == "0101"
            by_code = len(seen)
            assert resolve_place(conn, "ve-a", NATIONAL).code == "01"
        finally:
            event.remove(conn, "before_cursor_execute", record)
        assert by_code == 1 and len(seen) == 3  # the ISO code costs one more statement, only when needed
        conn.rollback()
        with conn.begin():
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # could an index serve it, whatever the size?
            plans = ["\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + s, p)) for s, p in seen]
    assert all("Seq Scan on territory" not in plan for plan in plans), plans
    assert "ix_territory_upper_iso_code" in plans[2], plans[2]
