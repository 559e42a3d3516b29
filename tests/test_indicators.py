"""Indicators: the materialised path (states, municipalities, parishes) and the live path
(communes, councils) give the same numbers, and filters and scope apply."""

import datetime as dt

import pytest
from sqlalchemy import insert, select

from geodata import indicators as ind
from geodata.access import Scope, ScopeError
from geodata.models import Agreement, Case, CaseSolution, Clap, ClapDelivery, Deposit, Project, Territory, indicator_total
from tests.factories import small_tree

TODAY = dt.date(2025, 6, 30)


def tid(conn, code):
    return conn.execute(select(Territory.id).where(Territory.code == code)).scalar_one()


@pytest.fixture
def conn(engine):
    with engine.begin() as c:
        small_tree(c)
        c.execute(Territory.__table__.update().where(Territory.level == "council").values(households=100))
        pastora, catuche, acevedo = tid(c, "0101010101"), tid(c, "0101010102"), tid(c, "1501")
        cases = [
            # code, territory, reported, status, due, resolved
            ("K1", pastora, dt.date(2025, 1, 10), "reported", dt.date(2025, 2, 1), None),  # open, overdue
            ("K2", pastora, dt.date(2025, 6, 20), "in_progress", None, None),  # open, within default SLA
            ("K3", pastora, dt.date(2025, 3, 1), "resolved", None, dt.date(2025, 3, 11)),  # 10 days
            ("K4", catuche, dt.date(2025, 4, 1), "closed", None, dt.date(2025, 4, 3)),  # 2 days
            ("K5", acevedo, dt.date(2025, 5, 1), "reported", None, None),  # Miranda
        ]
        for code, t, rep, status, due, res in cases:
            c.execute(insert(Case).values(code=code, territory_id=t, reported_date=rep, status=status, due_date=due,
                                          resolved_date=res, category="water", area="public_services"))
        p1 = c.execute(insert(Project).values(code="P1", name="Tanque", territory_id=pastora, consultation_round="2025-1",
                                              area="public_services", sector="water", budget=1000, stage="in_progress",
                                              progress=40, start_date=dt.date(2025, 2, 1)).returning(Project.id)).scalar_one()
        c.execute(insert(Project).values(code="P2", name="Cancha", territory_id=catuche, consultation_round="2024-2",
                                         area="social", sector="sport", budget=500, stage="stalled", progress=10,
                                         start_date=dt.date(2024, 9, 1)))
        c.execute(insert(Deposit).values(code="D1", project_id=p1, amount=250, deposit_date=dt.date(2025, 2, 15)))
        k1 = c.execute(select(Case.id).where(Case.code == "K1")).scalar_one()
        c.execute(insert(CaseSolution).values(case_id=k1, project_id=p1))
        clap = c.execute(insert(Clap).values(code="C1", name="CLAP Pastora", households=60, territory_id=pastora)
                         .returning(Clap.id)).scalar_one()
        c.execute(insert(Clap).values(code="C2", name="CLAP Catuche", households=40, territory_id=catuche))
        c.execute(insert(ClapDelivery).values(clap_id=clap, delivery_date=dt.date(2025, 6, 20), households_served=55))
        c.execute(insert(Agreement).values(code="A1", municipality_id=tid(c, "0101"), cabinet_date=dt.date(2025, 1, 5),
                                           area="public_services", text="Reparar bomba", institution="Hidrocapital",
                                           status="pending", due_date=dt.date(2025, 3, 1)))
        ind.refresh(c, today=TODAY)
    with engine.connect() as c:
        yield c


def by_code(rows):
    return {r["code"]: r for r in rows}


def test_national_children_are_states_with_their_sums(conn):
    states = by_code(ind.child_values(conn, None, today=TODAY))
    dc = states["01"]
    assert (dc["cases_reported"], dc["cases_open"], dc["cases_overdue"], dc["cases_resolved"]) == (4, 2, 1, 2)
    assert dc["projects_total"] == 2 and dc["projects_stalled"] == 1
    assert dc["budget_approved"] == 1500 and dc["budget_deposited"] == 250
    assert dc["budget_deposited_share"] == pytest.approx(250 / 1500 * 100)
    assert dc["cases_with_solution_share"] == 25
    assert dc["agreements_total"] == 1 and dc["agreements_overdue"] == 1
    assert dc["households"] == 200 and dc["cases_open_per_1000_households"] == 10
    assert dc["clap_count"] == 2 and dc["clap_coverage"] == 50
    assert dc["claps_without_recent_delivery"] == 1  # C2 never delivered
    assert states["15"]["cases_reported"] == 1


def test_live_path_matches_materialised_path(conn):
    parish = ind.summary(conn, "010101", today=TODAY)  # materialised (depth 2)
    communes = ind.child_values(conn, "010101", today=TODAY)  # live (depth 3)
    assert sum(r["cases_reported"] for r in communes) == parish["cases_reported"] == 4  # commune 3 + loose council 1
    assert ind.summary(conn, "01010101", today=TODAY)["cases_reported"] == 3  # live summary of the commune
    councils = by_code(ind.child_values(conn, "01010101", today=TODAY))
    assert councils["0101010101"]["cases_open"] == 2


def test_precomputed_totals_equal_the_days_and_the_live_sums(conn):
    stored = dict(conn.execute(select(Territory.code, indicator_total.c.cases_reported)
                               .join(Territory, Territory.id == indicator_total.c.territory_id)).all())
    assert stored == {"01": 4, "0101": 4, "010101": 4, "01010101": 3, "0101010101": 3, "0101010102": 1,
                      "15": 1, "1501": 1}  # each territory over its subtree
    # The whole period, refreshed today, is read from indicator_total; a period starting
    # before every record sums the same days of indicator_fact (down to the parish) and
    # the same records live (below it).
    every_day = ind.Period(dt.date(1900, 1, 1))
    assert ind.summary(conn, None, today=TODAY) == ind.summary(conn, None, every_day, today=TODAY)
    for parent in (None, "01", "0101", "010101", "01010101"):
        assert ind.child_values(conn, parent, today=TODAY) == ind.child_values(conn, parent, every_day, today=TODAY)
    assert ind.level_values(conn, "council", today=TODAY) == ind.level_values(conn, "council", period=every_day,
                                                                              today=TODAY)
    assert ind.summary(conn, "01010101", today=TODAY) == ind.summary(conn, "01010101", every_day, today=TODAY)
    # Judged on another day than the refresh's, the totals are not used: K2 is overdue by then.
    later = TODAY + dt.timedelta(days=400)
    assert by_code(ind.child_values(conn, "01010101", today=TODAY))["0101010101"]["cases_overdue"] == 1
    assert by_code(ind.child_values(conn, "01010101", today=later))["0101010101"]["cases_overdue"] == 2


def test_period_filters_dates_and_round(conn):
    march = ind.Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    s = ind.summary(conn, "01", march, today=TODAY)
    assert (s["cases_reported"], s["cases_resolved"], s["projects_total"]) == (1, 1, 0)
    round_ = ind.summary(conn, "01", ind.Period(consultation_round="2024-2"), today=TODAY)
    assert round_["projects_total"] == 1 and round_["budget_approved"] == 500
    assert round_["cases_reported"] == 4  # cases belong to no round


def test_median_days_to_resolve_is_estimated_from_buckets(conn):
    median = ind.summary(conn, "01", today=TODAY)["median_days_to_resolve"]
    assert 2 <= median <= 10


def test_country_summary_adds_states(conn):
    national = ind.summary(conn, None, today=TODAY)
    assert national["cases_reported"] == 5


def test_director_sees_only_their_state(conn):
    miranda = Scope("director", "15", "/15/")
    assert [r["code"] for r in ind.child_values(conn, None, scope=miranda, today=TODAY)] == ["15"]
    assert ind.summary(conn, None, scope=miranda, today=TODAY)["cases_reported"] == 1
    with pytest.raises(ScopeError):
        ind.summary(conn, "01", scope=miranda, today=TODAY)
    with pytest.raises(ScopeError):
        ind.child_values(conn, "0101", scope=miranda, today=TODAY)


def test_weekly_series(conn):
    weeks = ind.weekly_series(conn, "01", today=TODAY)
    assert sum(w["cases_reported"] for w in weeks) == 4
    assert all(w["week"].weekday() == 0 for w in weeks)
    live = ind.weekly_series(conn, "01010101", today=TODAY)  # summed live, from the four sources it plots only
    assert sum(w["cases_reported"] for w in live) == 3
    assert (sum(w["cases_resolved"] for w in live), sum(w["deposits_amount"] for w in live),
            sum(w["deliveries"] for w in live)) == (1, 250, 1)


def test_refresh_if_stale(conn):
    assert ind.refresh_if_stale(conn, today=TODAY) is False
    assert ind.refresh_if_stale(conn, today=TODAY + dt.timedelta(days=1)) is True


def test_every_indicator_has_a_value_key(conn):
    row = ind.child_values(conn, None, today=TODAY)[0]
    assert set(ind.INDICATORS) <= set(row)


def test_level_values_match_child_values(conn):
    councils = ind.level_values(conn, "council", today=TODAY)  # two depths: under a commune and under a parish
    assert councils["0101010101"]["cases_reported"] == 3
    assert councils["0101010102"]["cases_reported"] == 1
    parishes = ind.level_values(conn, "parish", "0101", today=TODAY)
    assert parishes == {r["code"]: {k: v for k, v in r.items() if k not in ("code", "name", "level")}
                        for r in ind.child_values(conn, "0101", today=TODAY)}
    miranda = Scope("director", "15", "/15/")
    assert ind.level_values(conn, "council", scope=miranda, today=TODAY) == {}
