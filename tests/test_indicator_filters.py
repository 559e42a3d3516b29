"""Indicators under the room's record filters (category, status, «solo vencidos», stage):
the facts by dimension (states, municipalities, parishes) and the live sums below a
parish give exactly what a direct count of the records gives."""

import datetime as dt
import itertools

import pytest
from sqlalchemy import insert, select, text

from geodata import indicators as ind
from geodata.facts import RecordFilter
from geodata.models import Case, Deposit, Project, Territory
from geodata.vocab import OPEN_CASE_STATUSES
from tests.factories import small_tree

TODAY = dt.date(2025, 6, 30)
CATEGORIES = ("water", "gas", "roads")
STATUSES = ("reported", "assigned", "in_progress", "resolved", "closed", "rejected")
STAGES = ("proposed", "approved", "in_progress", "stalled", "completed")
# Where records sit: councils under a commune and straight under a parish, a parish,
# a municipality (above every parish) and another state.
PLACES = ("0101010101", "0101010102", "010102", "0101", "1501")
FILTERS = [
    RecordFilter(category=("water",)),
    RecordFilter(category=("water", "gas"), status=("reported", "resolved")),
    RecordFilter(overdue=True),
    RecordFilter(status=("closed",)),
    RecordFilter(stage=("stalled", "completed")),
    RecordFilter(category=("roads",), overdue=True, stage=("proposed",)),
]
PERIODS = [ind.ALL_TIME, ind.Period(dt.date(2025, 3, 1), dt.date(2025, 5, 15))]


@pytest.fixture
def conn(engine):
    with engine.begin() as c:
        small_tree(c)
        ids = {code: c.execute(select(Territory.id).where(Territory.code == code)).scalar_one() for code in PLACES}
        combos = itertools.product(PLACES, CATEGORIES, STATUSES)
        for n, (place, category, status) in enumerate(combos):
            reported = dt.date(2025, 1, 1) + dt.timedelta(days=(n * 7) % 175)
            resolved = reported + dt.timedelta(days=n % 40) if status in ("resolved", "closed") else None
            due = reported + dt.timedelta(days=10) if n % 3 == 0 else None
            c.execute(insert(Case).values(code=f"K{n}", territory_id=ids[place], reported_date=reported, status=status,
                                          due_date=due, resolved_date=resolved, category=category,
                                          area="public_services"))
        for n, (place, stage) in enumerate(itertools.product(PLACES, STAGES)):
            start = dt.date(2025, 1, 15) + dt.timedelta(days=(n * 11) % 150)
            pid = c.execute(insert(Project).values(code=f"P{n}", name=f"Proyecto {n}", territory_id=ids[place],
                                                   consultation_round="2025-1", area="social", sector="sport",
                                                   budget=100 * (n + 1), stage=stage, progress=10,
                                                   start_date=start).returning(Project.id)).scalar_one()
            c.execute(insert(Deposit).values(code=f"D{n}", project_id=pid, amount=10 * (n + 1),
                                             deposit_date=start + dt.timedelta(days=20)))
        ind.refresh(c, today=TODAY)
    with engine.connect() as c:
        yield c


def _records(conn):
    cases = conn.execute(text(
        "SELECT c.category, c.status, c.reported_date, c.resolved_date, coalesce(c.due_date, c.reported_date + 30) AS due,"
        " t.path FROM case_report c JOIN territory t ON t.id = c.territory_id")).mappings().all()
    projects = conn.execute(text(
        "SELECT p.stage, p.start_date, p.budget, d.amount, d.deposit_date, t.path FROM project p"
        " JOIN deposit d ON d.project_id = p.id JOIN territory t ON t.id = p.territory_id")).mappings().all()
    return cases, projects


def _inside(day, period) -> bool:
    return day is not None and (period.date_from is None or day >= period.date_from) and (
        period.date_to is None or day <= period.date_to)


def direct_counts(conn, parent_path: str, depth: int, f: RecordFilter, period) -> dict[str, dict]:
    """Counted straight from the records, per child code (the path part at `depth`)."""
    cases, projects = _records(conn)
    out: dict[str, dict] = {}

    def row(path):
        code = path.strip("/").split("/")[depth] if len(path.strip("/").split("/")) > depth else None
        return out.setdefault(code, dict.fromkeys(
            ("cases_reported", "cases_open", "cases_overdue", "cases_resolved", "projects_total", "budget_deposited"), 0))

    for c in cases:
        if not c["path"].startswith(parent_path):
            continue
        overdue = c["status"] in OPEN_CASE_STATUSES and c["due"] < TODAY
        if (f.category and c["category"] not in f.category) or (f.status and c["status"] not in f.status) or (
                f.overdue and not overdue):
            continue
        r = row(c["path"])
        if _inside(c["reported_date"], period):
            r["cases_reported"] += 1
            r["cases_open"] += c["status"] in OPEN_CASE_STATUSES
            r["cases_overdue"] += overdue
        if c["status"] in ("resolved", "closed") and _inside(c["resolved_date"], period):
            r["cases_resolved"] += 1
    for p in projects:
        if not p["path"].startswith(parent_path) or (f.stage and p["stage"] not in f.stage):
            continue
        r = row(p["path"])
        r["projects_total"] += _inside(p["start_date"], period)
        r["budget_deposited"] += p["amount"] if _inside(p["deposit_date"], period) else 0
    return out


@pytest.mark.parametrize("parent", [None, "01", "0101", "010101", "01010101"])
@pytest.mark.parametrize("period", PERIODS, ids=["all", "march-may"])
def test_filtered_children_match_a_direct_count(conn, parent, period):
    path = "/" if parent is None else conn.execute(select(Territory.path).where(Territory.code == parent)).scalar_one()
    depth = 0 if parent is None else len(path.strip("/").split("/"))
    for f in FILTERS:
        expected = direct_counts(conn, path, depth, f, period)
        rows = ind.child_values(conn, parent, period, today=TODAY, filters=f)
        assert rows, parent
        for r in rows:
            want = expected.get(r["code"], {})
            got = {k: r[k] for k in ("cases_reported", "cases_open", "cases_overdue", "cases_resolved", "projects_total")}
            assert got == {k: want.get(k, 0) for k in got}, (f, parent, r["code"])
            assert float(r["budget_deposited"]) == float(want.get("budget_deposited", 0)), (f, parent, r["code"])


def test_a_filter_changes_the_values_and_no_filter_is_as_before(conn):
    everything = ind.child_values(conn, None, today=TODAY)
    assert ind.child_values(conn, None, today=TODAY, filters=RecordFilter()) == everything
    water = ind.child_values(conn, None, today=TODAY, filters=RecordFilter(category=("water",)))
    by_state = {r["code"]: r for r in everything}
    for r in water:
        assert 0 < r["cases_reported"] < by_state[r["code"]]["cases_reported"]
        # Measures no filter acts on stay those of every record.
        assert r["deliveries"] == by_state[r["code"]]["deliveries"]
        assert r["agreements_total"] == by_state[r["code"]]["agreements_total"]
        assert r["projects_total"] == by_state[r["code"]]["projects_total"]


def test_filtered_summary_and_weeks_add_up(conn):
    f = RecordFilter(category=("gas",), status=("reported", "in_progress", "closed"))
    period = PERIODS[1]
    for code in (None, "01", "0101", "01010101"):
        path = "/" if code is None else conn.execute(select(Territory.path).where(Territory.code == code)).scalar_one()
        expected = direct_counts(conn, path, 0, f, period)
        total = {k: sum(v[k] for v in expected.values()) for k in ("cases_reported", "cases_open", "cases_resolved")}
        summary = ind.summary(conn, code, period, today=TODAY, filters=f)
        assert {k: summary[k] for k in total} == total, code
        weeks = ind.weekly_series(conn, code, period, today=TODAY, filters=f)
        assert sum(w["cases_reported"] for w in weeks) == total["cases_reported"], code
        assert sum(w["cases_resolved"] for w in weeks) == total["cases_resolved"], code


def test_filtered_level_values_match_child_values(conn):
    f = RecordFilter(category=("water",), overdue=True)
    parishes = ind.level_values(conn, "parish", "0101", today=TODAY, filters=f)
    assert parishes == {r["code"]: {k: v for k, v in r.items() if k not in ("code", "name", "level")}
                        for r in ind.child_values(conn, "0101", today=TODAY, filters=f)}


def test_the_facts_by_dimension_hold_every_case_once_per_level(conn):
    # Every case is counted once at each materialised level that holds it (a case of a
    # municipality has no parish row).
    per_level = dict(conn.execute(text(
        "SELECT t.level, sum(f.cases_reported) FROM case_fact f JOIN territory t ON t.id = f.territory_id GROUP BY 1")).all())
    total = conn.execute(text("SELECT count(*) FROM case_report")).scalar()
    in_parishes = conn.execute(text(
        "SELECT count(*) FROM case_report c JOIN territory t ON t.id = c.territory_id"
        " WHERE t.level NOT IN ('state', 'municipality')")).scalar()
    assert (per_level["state"], per_level["municipality"], per_level["parish"]) == (total, total, in_parishes)
