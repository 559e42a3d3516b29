"""«Nuevo desde su última visita» (geodata.visits): a visit is a run of openings; what
arrived since the visit before, in the user's scope; nobody signed in writes nothing."""

import datetime as dt

from sqlalchemy import func, insert, select

from geodata.access import Scope
from geodata.models import Case, RoomVisit
from geodata.place import resolve_place
from geodata.users import create_user
from geodata.visits import last_visit, new_since, record_visit
from tests.factories import small_tree, territory_id

GAP = dt.timedelta(minutes=60)


def test_a_visit_is_a_run_of_openings(engine):
    with engine.begin() as conn:
        small_tree(conn)
        create_user(conn, "ana", "una-clave-larga", "operator")
        now = conn.execute(select(func.now())).scalar_one()
        first = now - dt.timedelta(days=3)
        # The first opening has nothing to compare with; a reload 10 minutes later neither.
        assert record_visit(conn, "ana", GAP, now=first) is None
        assert record_visit(conn, "ana", GAP, now=first + dt.timedelta(minutes=10)) is None
        # Three days later: a new visit, «desde» the last time she was seen.
        assert record_visit(conn, "ana", GAP, now=now) == first + dt.timedelta(minutes=10)
        # A wall screen reloading every few minutes keeps the same base.
        assert record_visit(conn, "ana", GAP, now=now + dt.timedelta(minutes=50)) == first + dt.timedelta(minutes=10)
        assert record_visit(conn, "ana", GAP, now=now + dt.timedelta(minutes=100)) == first + dt.timedelta(minutes=10)
        assert last_visit(conn, "ana") == first + dt.timedelta(minutes=10)
        # Nobody signed in, or an unknown name: nothing written, nothing to say.
        assert record_visit(conn, None, GAP) is None and record_visit(conn, "nadie", GAP) is None
        assert last_visit(conn, None) is None and last_visit(conn, "nadie") is None
        assert conn.execute(select(func.count()).select_from(RoomVisit)).scalar_one() == 1


def test_new_since_counts_cases_alerts_and_overdue_in_scope(engine):
    today = dt.date.today()
    with engine.begin() as conn:
        small_tree(conn)
        now = conn.execute(select(func.now())).scalar_one()
        since = now - dt.timedelta(days=3)
        lib, ace = territory_id(conn, "0101010101"), territory_id(conn, "1501")

        def case(code, tid, reported_ago, due_ago, created):
            conn.execute(insert(Case).values(code=code, reported_date=today - dt.timedelta(days=reported_ago), category="water",
                                             area="public_services", territory_id=tid, status="reported",
                                             due_date=today - dt.timedelta(days=due_ago), created_at=created))

        # Arrived since the visit: one overdue since two days ago (new), one not due yet.
        case("N1", lib, 20, 2, now)
        case("N2", lib, 1, -10, now)
        # Arrived before it: overdue since long ago (not new), and overdue since yesterday (new).
        case("O1", lib, 60, 30, now - dt.timedelta(days=10))
        case("O2", lib, 40, 1, now - dt.timedelta(days=10))
        # In Miranda: new and newly overdue.
        case("M1", ace, 20, 1, now)

        national = new_since(conn, resolve_place(conn, None), since, today)
        assert (national["cases"], national["alerts"], national["overdue"]) == (3, 3, 3)
        miranda = new_since(conn, resolve_place(conn, None, Scope("director", "15", "/15/")), since, today)
        assert (miranda["cases"], miranda["alerts"], miranda["overdue"]) == (1, 1, 1)
        libertador = new_since(conn, resolve_place(conn, "0101"), since, today)
        assert (libertador["cases"], libertador["overdue"]) == (2, 2)
