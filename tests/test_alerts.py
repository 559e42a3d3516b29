"""The alerts of /operador (geodata.alerts and its view model): paging with totals, filters
by kind, severity and territory, the shift's carry-over order, local time and Spanish
thousands, and scope."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import insert

from dashboard import operations_vm as ops
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.alerts import AlertFilter, alert_territories, alerts, shift_start
from geodata.models import AlertAck
from geodata.settings import Settings
from tests.dashboard_fixtures import add_case
from tests.factories import small_tree

TODAY = dt.date(2025, 6, 30)
CARACAS = ZoneInfo("America/Caracas")
MIRANDA = Scope(role="operator", territory_code="15", territory_path="/15/")


def _late(conn, code: str, territory: str, days_late: int, category: str = "water") -> None:
    """An open case `days_late` days past its due date on TODAY."""
    add_case(conn, code, territory, category, reported=TODAY - dt.timedelta(days=days_late + 10),
             due=TODAY - dt.timedelta(days=days_late))


@pytest.fixture
def late(engine):
    """Eleven overdue cases in Distrito Capital (high, medium and low) and two in Miranda."""
    with engine.begin() as conn:
        small_tree(conn)
        for i, days in enumerate([90, 60, 45, 31, 30, 29, 12, 7]):
            _late(conn, f"DC-{i}", "0101010101", days)
        for i, days in enumerate([6, 3, 1]):
            _late(conn, f"AN-{i}", "010102", days, "health")
        _late(conn, "MI-0", "1501", 40)
        _late(conn, "MI-1", "1501", 2)
    return engine


def test_pages_cover_every_alert_once_with_the_total(late):
    with late.connect() as conn:
        seen = []
        for offset in (0, 4, 8, 12):
            page = alerts(conn, "01", today=TODAY, filters=AlertFilter(limit=4, offset=offset))
            assert page["total"] == 11 and page["counts"]["case_overdue"] == 11
            seen += [i["key"] for i in page["items"]]
        assert len(seen) == 11 == len(set(seen))
        # The longest late first: days late fall along the pages.
        first = alerts(conn, "01", today=TODAY, filters=AlertFilter(limit=4))["items"]
        assert [i["days_late"] for i in first] == [90, 60, 45, 31]
        assert first[0]["territory_path"] == "Distrito Capital › Libertador › Altagracia › Comuna El Panal › CC La Pastora"
        # A page past the end is empty, not an error; a silly limit is bounded.
        assert alerts(conn, "01", today=TODAY, filters=AlertFilter(offset=500))["items"] == []
        assert alerts(conn, "01", today=TODAY, filters=AlertFilter(limit=10**6))["limit"] == 200


def test_filters_by_kind_severity_and_territory(late):
    with late.connect() as conn:
        high = alerts(conn, "01", today=TODAY, filters=AlertFilter(severities=("high",)))
        assert sorted(i["code"] for i in high["items"]) == ["DC-0", "DC-1", "DC-2", "DC-3", "DC-4"]
        assert high["severities"] == {"high": 5, "medium": 3, "low": 3} and high["total"] == 5
        low = alerts(conn, "01", today=TODAY, filters=AlertFilter(severities=("low",)))
        assert sorted(i["code"] for i in low["items"]) == ["AN-0", "AN-1", "AN-2"]
        medium = alerts(conn, "01", today=TODAY, filters=AlertFilter(severities=("medium",)))
        assert sorted(i["code"] for i in medium["items"]) == ["DC-5", "DC-6", "DC-7"]
        # Antímano only: its three cases, and the kind filter keeps cases, drops the rest.
        parish = alerts(conn, "010102", today=TODAY)
        assert sorted(i["code"] for i in parish["items"]) == ["AN-0", "AN-1", "AN-2"]
        assert alerts(conn, "01", today=TODAY, filters=AlertFilter(kinds=("agreement_overdue",)))["items"] == []
        assert alerts(conn, "01", today=TODAY, filters=AlertFilter(kinds=("case_overdue",)))["total"] == 11
        # Unknown kinds and severities are dropped, not an error: all is listed.
        assert alerts(conn, "01", today=TODAY, filters=AlertFilter(kinds=("bogus",), severities=("x",)))["total"] == 11


def test_unacknowledged_alerts_carry_over_and_come_first(late):
    with late.begin() as conn:
        conn.execute(insert(AlertAck).values(alert_key="case_overdue:DC-0", username="ana", note="Hidrocapital avisada"))
    # The shift began today at 07:00: what was late before then is carried over, and a case
    # late from yesterday too; one whose first late day is the shift's start is not (the
    # shift began at midnight).
    morning = dt.datetime.combine(TODAY, dt.time(7), CARACAS)
    with late.connect() as conn:
        page = alerts(conn, "01", today=TODAY, shift_started=morning)
        items = page["items"]
        assert items[-1]["code"] == "DC-0" and items[-1]["ack"]["note"] == "Hidrocapital avisada"
        assert not items[-1]["carried"]  # acknowledged: not pending
        assert all(i["carried"] for i in items[:-1]) and page["carried"] == 10 and page["pending"] == 10
        midnight = dt.datetime.combine(TODAY, dt.time(0), CARACAS)
        _late(conn, "NEW", "0101010101", 0)  # due today: not yet late
        _late(conn, "TODAY", "0101010101", 1)  # due yesterday: late from today
        fresh = alerts(conn, "01", today=TODAY, shift_started=midnight)
        by_code = {i["code"]: i for i in fresh["items"]}
        assert "NEW" not in by_code and not by_code["TODAY"]["carried"] and by_code["AN-1"]["carried"] is True
        order = [i["code"] for i in fresh["items"]]
        # Carried over first, then new in this shift, acknowledged last.
        assert order.index("AN-1") < order.index("TODAY") < order.index("DC-0") == len(order) - 1


def test_shift_start_follows_the_shift_hours():
    hours = (7, 19)
    assert shift_start(dt.datetime(2025, 6, 30, 8, 15, tzinfo=CARACAS), hours) == dt.datetime(2025, 6, 30, 7, tzinfo=CARACAS)
    assert shift_start(dt.datetime(2025, 6, 30, 19, 0, tzinfo=CARACAS), hours) == dt.datetime(2025, 6, 30, 19, tzinfo=CARACAS)
    assert shift_start(dt.datetime(2025, 6, 30, 6, 59, tzinfo=CARACAS), hours) == dt.datetime(2025, 6, 29, 19, tzinfo=CARACAS)


def test_local_time_and_thousands_on_the_page(late):
    assert ops.thousands(64000) == "64.000" and ops.thousands(1234567) == "1.234.567" and ops.thousands(7) == "7"
    # 02:30 UTC is 22:30 of the day before in Caracas (UTC−4), 04:30 in Madrid in summer.
    assert ops.local_time("2025-06-30T02:30:00+00:00", CARACAS) == "29/06/2025 22:30"
    assert ops.local_time("2025-06-30T02:30:00+00:00", ZoneInfo("Europe/Madrid")) == "30/06/2025 04:30"
    assert Settings(_env_file=None).timezone == "America/Caracas"
    with pytest.raises(ValidationError, match="SALA_TIMEZONE"):
        Settings(_env_file=None, timezone="Marte/Olympus")
    with pytest.raises(ValidationError, match="SALA_SHIFT_HOURS"):
        Settings(_env_file=None, shift_hours="7,25")

    with late.begin() as conn:
        conn.execute(insert(AlertAck).values(alert_key="case_overdue:DC-0", username="ana", note="Avisada",
                                             at=dt.datetime(2025, 6, 30, 2, 30, tzinfo=dt.timezone.utc)))
    settings = Settings(_env_file=None, timezone="America/Caracas")
    now = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.timezone.utc)  # 08:00 in Caracas
    data = ops.alerts_view(late, "01", today=TODAY, filters=AlertFilter(limit=4), settings=settings, now=now)
    assert data["range_text"] == "1–4 de 11" and data["has_next"] and not data["has_previous"]
    assert data["shift_start"] == "30/06/2025 07:00"
    # DC-0 (90 days) is acknowledged, so the page opens on DC-1, 60 days late.
    assert data["items"][0]["days_text"] == "60 días" and data["items"][0]["since_text"] == "vencido el 01/05/2025"
    acked = ops.alerts_view(late, "01", today=TODAY, filters=AlertFilter(offset=8, limit=4), settings=settings, now=now)
    assert acked["range_text"] == "9–11 de 11" and not acked["has_next"]
    assert acked["items"][-1]["ack_text"] == "Reconocida por ana el 29/06/2025 22:30: Avisada"
    assert acked["items"][-1]["map_href"] == "/?territory=0101010101"
    # A page past the end (an old link) shows the last page.
    beyond = ops.alerts_view(late, "01", today=TODAY, filters=AlertFilter(offset=40, limit=4), settings=settings, now=now)
    assert beyond["range_text"] == "9–11 de 11" and beyond["has_previous"] and not beyond["has_next"]


def test_the_page_state_travels_in_the_address():
    state = ops.alerts_state({"territory": "15", "tipo": "clap_no_delivery,nada", "gravedad": "high", "pagina": "3"})
    assert state == {"territory": "15", "kinds": ["clap_no_delivery"], "severities": ["high"], "offset": 100}
    assert ops.alerts_query(state, operator=True) == "?territory=15&tipo=clap_no_delivery&gravedad=high&pagina=3&operador=1"
    assert ops.alerts_query(ops.alerts_state({})) == ""
    # Anything else is dropped: the first page, all kinds.
    assert ops.alerts_state({"pagina": "-4", "tipo": "<script>"}) == {"territory": None, "kinds": [], "severities": [], "offset": 0}
    assert ops.alerts_state({"pagina": "x" * 50})["offset"] == 0


def test_a_miranda_user_sees_no_distrito_capital_alert(late):
    with late.connect() as conn:
        theirs = alerts(conn, None, MIRANDA, today=TODAY)
        assert sorted(i["code"] for i in theirs["items"]) == ["MI-0", "MI-1"] and theirs["total"] == 2
        assert all(i["territory_path"].startswith("Miranda") for i in theirs["items"])
        with pytest.raises(ScopeError):
            alerts(conn, "01", MIRANDA, today=TODAY)
        with pytest.raises(ScopeError):
            alerts(conn, "0101010101", MIRANDA, today=TODAY)
        codes = [t["code"] for t in alert_territories(conn, MIRANDA)]
        assert codes[0] == "15" and "1501" in codes and not any(c.startswith("01") for c in codes)
        assert {"01", "0101", "15", "1501"} <= {t["code"] for t in alert_territories(conn, NATIONAL)}
    # The page's view model falls back to the user's own room, and says so.
    data = ops.alerts_view(late, "0101", MIRANDA, today=TODAY)
    assert data["error"] and sorted(i["code"] for i in data["items"]) == ["MI-0", "MI-1"]
    assert [o["value"] for o in ops.alert_territory_options(late, MIRANDA, "0101")][:2] == ["15", "1501"]
    assert "0101" not in [o["value"] for o in ops.alert_territory_options(late, MIRANDA, "0101")]


def test_the_alert_just_acknowledged_heads_the_page(late):
    with late.begin() as conn:
        conn.execute(insert(AlertAck).values(alert_key="case_overdue:AN-2", username="ana", note="Avisada"))
    with late.connect() as conn:
        page = alerts(conn, "01", today=TODAY, filters=AlertFilter(limit=3), pinned="case_overdue:AN-2")
        assert page["items"][0]["key"] == "case_overdue:AN-2" and page["items"][0]["ack"]["note"] == "Avisada"
        assert "case_overdue:AN-2" not in [i["key"] for i in alerts(conn, "01", today=TODAY, filters=AlertFilter(limit=3))["items"]]
