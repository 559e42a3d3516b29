"""Reporting completeness («silence is not the absence of problems») on a small fixture:
the silent-council rule both ways (cases, CLAP deliveries, projects moving; the N-day
edge; the setting), at every level of the indicators, in the layer, «Novedades y atrasos»
and the alerts, and inside a director's scope."""

import datetime as dt

from sqlalchemy import insert, update

from geodata import indicators
from geodata.access import Scope
from geodata.alerts import AlertFilter, alerts
from geodata.models import Case, Clap, ClapDelivery, Project
from geodata.novelties import silent_councils
from geodata.operations import alert_territory_path
from geodata.place import resolve_place
from layers.features import iter_rows
from layers.registry import LayerParams, get_layer
from tests.factories import add_territory, small_tree, square, territory_id

TODAY = dt.date.today()
MIRANDA = Scope(role="director", territory_code="15", territory_path="/15/")


def _tree(conn) -> None:
    small_tree(conn)
    add_territory(conn, "parish", "150101", "Caucagua", "1501", geom=square(-66.8, 10.2, 0.1))
    add_territory(conn, "council", "15010101", "CC El Café", "150101", geom=square(-66.8, 10.2, 0.02))
    from geodata.territory import rebuild_paths

    rebuild_paths(conn)


def _case(conn, council: str, days_ago: int, code: str) -> None:
    conn.execute(insert(Case).values(code=code, reported_date=TODAY - dt.timedelta(days=days_ago), category="water",
                                     area="public_services", territory_id=territory_id(conn, council)))


def _delivery(conn, council: str, days_ago: int, code: str) -> None:
    cid = conn.execute(insert(Clap).values(code=code, name=f"CLAP {code}", households=80,
                                           territory_id=territory_id(conn, council)).returning(Clap.id)).scalar_one()
    conn.execute(insert(ClapDelivery).values(clap_id=cid, delivery_date=TODAY - dt.timedelta(days=days_ago), households_served=80))


def _silent(conn, code: str | None, scope: Scope | None = None) -> tuple[int, float | None]:
    values = indicators.summary(conn, code, scope=scope) if scope else indicators.summary(conn, code)
    return values["councils_silent"], values["councils_silent_share"]


def test_a_council_is_silent_when_it_sent_nothing_in_n_days(engine):
    with engine.begin() as conn:
        _tree(conn)
        _case(conn, "0101010101", 30, "K1")  # La Pastora: a case exactly 30 days ago (not silent)
        _case(conn, "0101010102", 31, "K2")  # Catuche: its last case 31 days ago (silent)
        # El Café (Miranda) never reported anything (silent).
        indicators.refresh(conn, TODAY)
        assert _silent(conn, None) == (2, 2 / 3 * 100)
        assert _silent(conn, "0101") == (1, 50.0)  # municipality
        assert _silent(conn, "010101") == (1, 50.0)  # parish (both councils are under Altagracia)
        assert _silent(conn, "01010101") == (0, 0.0)  # commune: only La Pastora
        assert _silent(conn, "15") == (1, 100.0)
        # A director of Miranda sees Miranda's silent council only.
        assert _silent(conn, None, MIRANDA) == (1, 100.0)
        by_child = {r["code"]: r["councils_silent"] for r in indicators.child_values(conn, None)}
        assert by_child == {"01": 1, "15": 1}

        # A CLAP delivery three days ago is a report: Catuche is no longer silent.
        _delivery(conn, "0101010102", 3, "C1")
        indicators.refresh(conn, TODAY)
        assert _silent(conn, "0101") == (0, 0.0)
        # A delivery after the day judged on does not count: El Café's, yesterday, judged 5 days ago.
        _delivery(conn, "15010101", 1, "C2")
        indicators.refresh(conn, TODAY - dt.timedelta(days=5))
        assert _silent(conn, "15") == (1, 100.0)
        indicators.refresh(conn, TODAY)
        assert _silent(conn, "15") == (0, 0.0)

        # The setting: with N = 20 La Pastora's 30-day-old case makes it silent too.
        indicators.refresh(conn, TODAY, silent_days=20)
        assert _silent(conn, "0101") == (1, 50.0)
        indicators.refresh(conn, TODAY, silent_days=2)
        assert _silent(conn, "0101") == (2, 100.0)


def test_a_project_moving_is_a_report_and_deposits_are_not(engine):
    with engine.begin() as conn:
        _tree(conn)
        tid = territory_id(conn, "15010101")
        pid = conn.execute(insert(Project).values(
            code="P1", name="Tanque", territory_id=tid, consultation_round="2025-1", area="public_services", sector="water",
            stage="approved", start_date=TODAY - dt.timedelta(days=90)).returning(Project.id)).scalar_one()
        from geodata.models import Deposit

        conn.execute(insert(Deposit).values(code="D1", project_id=pid, amount=1000, deposit_date=TODAY - dt.timedelta(days=2)))
        indicators.refresh(conn, TODAY)
        assert _silent(conn, "15") == (1, 100.0)  # a bank's deposit is not the council's report
        # The project's stage changes today (recorded by the trigger): El Café reported.
        conn.execute(update(Project).where(Project.id == pid).values(stage="in_progress"))
        indicators.refresh(conn, TODAY)
        assert _silent(conn, "15") == (0, 0.0)


def test_the_layer_novelties_and_alerts_show_the_silent_councils(engine):
    with engine.begin() as conn:
        _tree(conn)
        _case(conn, "0101010101", 5, "K1")
        _case(conn, "0101010102", 45, "K2")
        indicators.refresh(conn, TODAY)
        layer = get_layer("reporting")
        rows = {r[0]: dict(zip(layer.field_names, r)) for r in iter_rows(conn, "reporting", LayerParams())}
        assert set(rows) == {"0101010101", "0101010102", "15010101"}
        assert rows["0101010102"]["silent"] and rows["0101010102"]["days_since_report"] == 45
        assert not rows["0101010101"]["silent"] and rows["0101010101"]["days_since_report"] == 5
        assert rows["15010101"]["silent"] and rows["15010101"]["last_report"] is None
        silent_only = [r[0] for r in iter_rows(conn, "reporting", LayerParams(filters={"silent": ["true"]}))]
        assert sorted(silent_only) == ["0101010102", "15010101"]
        theirs = [r[0] for r in iter_rows(conn, "reporting", LayerParams(scope=MIRANDA))]
        assert theirs == ["15010101"]

        national = silent_councils(conn, resolve_place(conn, None), TODAY)
        assert national["count"] == 2 and national["councils"] == 3
        assert [(m["code"], m["count"]) for m in national["top"]] == [("0101", 1), ("1501", 1)]
        assert silent_councils(conn, resolve_place(conn, None, MIRANDA), TODAY)["count"] == 1

        listed = alerts(conn, None, today=TODAY, filters=AlertFilter(kinds=("council_silent",)))
        assert listed["counts"]["council_silent"] == 2
        items = {i["code"]: i for i in listed["items"]}
        assert set(items) == {"0101010102", "15010101"}
        assert items["15010101"]["severity"] == "high" and "nunca ha reportado" in items["15010101"]["label"]
        assert items["0101010102"]["days"] == 45 and items["0101010102"]["days_late"] == 15
        assert alert_territory_path(conn, "council_silent:0101010102").startswith("/01/0101/")
        assert alert_territory_path(conn, "council_silent:0101") is None  # a municipality is no council
        mine = alerts(conn, None, MIRANDA, today=TODAY, filters=AlertFilter(kinds=("council_silent",)))
        assert [i["code"] for i in mine["items"]] == ["15010101"]
