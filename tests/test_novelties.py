"""«Novedades y atrasos» (geodata.novelties) on a small fixture: the spike rule both ways,
CLAP gaps found at the municipality, scope."""

import datetime as dt

from sqlalchemy import insert

from geodata.access import Scope
from geodata.models import Case, Clap, ClapDelivery
from geodata.novelties import SpikeRule, is_spike, novelties
from geodata.place import resolve_place
from tests.factories import small_tree, territory_id

TODAY = dt.date(2025, 6, 30)
RULE = SpikeRule(days=21, k=3.0, windows=8, min_cases=5)


def test_spike_rule_both_ways():
    steady = [4, 5, 6, 5, 4, 6, 5, 5]  # median 5, MAD 0.5 (floored at 1): threshold 8
    assert is_spike(9, steady, RULE)[0]
    assert not is_spike(8, steady, RULE)[0]
    # One past burst does not raise the bar: the median and MAD ignore it.
    assert is_spike(12, [5, 5, 40, 5, 6, 4, 5, 5], RULE)[0]
    # A noisy baseline needs more; a quiet territory is not flagged for a few cases.
    assert not is_spike(20, [2, 10, 18, 4, 12, 16, 6, 14], RULE)[0]
    assert not is_spike(4, [0] * 8, RULE)[0]
    assert not is_spike(3, [], RULE)[0]


def _cases(conn, council: str, per_window: list[int]) -> None:
    """`per_window[w]` cases reported in window w (0 = the last 21 days) at a council."""
    tid = territory_id(conn, council)
    rows = []
    for w, n in enumerate(per_window):
        for i in range(n):
            day = TODAY - dt.timedelta(days=21 * w + (i % 21))
            rows.append({"code": f"{council}-{w}-{i}", "reported_date": day, "category": "water",
                         "area": "public_services", "territory_id": tid})
    if rows:
        conn.execute(insert(Case), rows)


def test_novelties_name_the_spiking_municipality_and_the_clap_gap(engine):
    with engine.begin() as conn:
        small_tree(conn)
        # Libertador (0101) spikes: 5 a window, then 20 in the last one. Acevedo (1501) is steady.
        _cases(conn, "0101010101", [20, 5, 5, 6, 4, 5, 5, 5, 5])
        _cases(conn, "1501", [6, 5, 6, 5, 4, 6, 5, 5, 5])
        # Libertador's CLAPs stopped receiving 60 days ago; Acevedo's got a delivery last week.
        for code, council, last in [("C1", "0101010101", 60), ("C2", "0101010102", 75), ("C3", "1501", 7)]:
            cid = conn.execute(insert(Clap).values(code=code, name=f"CLAP {code}", households=100,
                                                   territory_id=territory_id(conn, council)).returning(Clap.id)).scalar_one()
            conn.execute(insert(ClapDelivery).values(clap_id=cid, delivery_date=TODAY - dt.timedelta(days=last),
                                                     households_served=100))

        national = novelties(conn, resolve_place(conn, None), TODAY, RULE)
        assert [s["code"] for s in national["spikes"]] == ["0101"]
        spike = national["spikes"][0]
        assert spike["recent"] == 20 and spike["baseline"] == 5
        assert spike["path"] == "Distrito Capital › Libertador"
        # The gap is the municipality's: its newest delivery, 60 days ago (both CLAPs late).
        assert [(g["code"], g["days"], g["late"], g["claps"]) for g in national["clap_gaps"]] == [("0101", 60, 2, 2)]
        assert national["clap_gaps"][0]["path"] == "Distrito Capital › Libertador"

        # At the state view still municipalities; Miranda's director sees nothing of Libertador.
        state = novelties(conn, resolve_place(conn, "01"), TODAY, RULE)
        assert [s["code"] for s in state["spikes"]] == ["0101"]
        miranda = Scope(role="director", territory_code="15", territory_path="/15/")
        theirs = novelties(conn, resolve_place(conn, None, miranda), TODAY, RULE)
        assert theirs["spikes"] == [] and theirs["clap_gaps"] == []

        # A lower bar (k) still does not flag the steady municipality; a higher one drops the spike.
        assert [s["code"] for s in novelties(conn, resolve_place(conn, None), TODAY, SpikeRule(k=1.0))["spikes"]] == ["0101"]
        assert novelties(conn, resolve_place(conn, None), TODAY, SpikeRule(k=20.0))["spikes"] == []


def test_quadrants_without_a_recent_report_are_named_by_municipality(engine):
    """Stale and fresh quadrants both ways, in and out of a director's state."""
    from geodata.communal_models import PeaceQuadrant

    square = "SRID=4326;MULTIPOLYGON(((-67 10.4,-66.95 10.4,-66.95 10.45,-67 10.45,-67 10.4)))"
    with engine.begin() as conn:
        small_tree(conn)
        for code, terr, last in (("Q1", "0101", TODAY - dt.timedelta(days=40)), ("Q2", "0101", None),
                                 ("Q3", "0101", TODAY - dt.timedelta(days=3)), ("Q4", "1501", TODAY - dt.timedelta(days=60))):
            conn.execute(insert(PeaceQuadrant).values(code=code, name=code, territory_id=territory_id(conn, terr),
                                                      last_report_date=last, geom=square))
    with engine.connect() as conn:
        national = novelties(conn, resolve_place(conn, None), TODAY, RULE)["quadrants"]
        miranda = novelties(conn, resolve_place(conn, None, Scope("director", "15", "/15/")), TODAY, RULE)["quadrants"]
    # Q1 (40 days) and Q2 (never) are stale in Libertador, Q3 (3 days) is not; Q4 in Acevedo.
    assert national["count"] == 3
    assert [(q["code"], q["count"]) for q in national["top"]] == [("0101", 2), ("1501", 1)]
    assert miranda["count"] == 1 and [q["code"] for q in miranda["top"]] == ["1501"]


def test_defense_plans_not_reviewed_in_a_year_are_named_by_municipality(engine):
    """Plans reviewed long ago or never are late, a recent one is not; the scope holds."""
    from geodata.communal_models import DefensePlan

    with engine.begin() as conn:
        small_tree(conn)
        for code, terr, last in (("PD1", "010101", TODAY - dt.timedelta(days=400)), ("PD2", "010102", None),
                                 ("PD3", "010101", TODAY - dt.timedelta(days=30)), ("PD4", "1501", TODAY - dt.timedelta(days=366))):
            conn.execute(insert(DefensePlan).values(code=code, name=code, territory_id=territory_id(conn, terr),
                                                    status="active", last_review_date=last))
    with engine.connect() as conn:
        national = novelties(conn, resolve_place(conn, None), TODAY, RULE)["defense_plans"]
        miranda = novelties(conn, resolve_place(conn, None, Scope("director", "15", "/15/")), TODAY, RULE)["defense_plans"]
    assert national["count"] == 3
    assert [(p["code"], p["count"]) for p in national["top"]] == [("0101", 2), ("1501", 1)]
    assert miranda["count"] == 1 and [p["code"] for p in miranda["top"]] == ["1501"]


def _mixed(conn, council: str, counts: dict[str, int], days_ago: int = 10, prefix: str = "") -> None:
    """Cases of each category reported `days_ago` at a council (or any territory)."""
    tid = territory_id(conn, council)
    rows = [{"code": f"{prefix}{council}-{cat}-{i}", "reported_date": TODAY - dt.timedelta(days=days_ago), "category": cat,
             "area": "public_services", "territory_id": tid} for cat, n in counts.items() for i in range(n)]
    conn.execute(insert(Case), rows)


def test_category_hot_spots_both_ways_and_in_scope(engine):
    from geodata.hotspots import HotspotRule, hotspots
    from tests.factories import add_territory
    from geodata.territory import rebuild_paths

    with engine.begin() as conn:
        small_tree(conn)
        add_territory(conn, "parish", "150101", "Caucagua", "1501")
        rebuild_paths(conn)
        # Altagracia: 12 of its 20 cases are about water, against 16 of 60 in the country (2.25×).
        _mixed(conn, "0101010101", {"water": 12, "roads": 8})
        # Antímano: mostly electricity, like everywhere: no concentration.
        _mixed(conn, "010102", {"water": 4, "electricity": 26, "roads": 5})
        # Caucagua: all 5 of its cases about gas, but 5 is too few to call it a hot spot.
        _mixed(conn, "150101", {"gas": 5})
        # Long ago, Antímano was all water: outside the 90 days, not counted.
        _mixed(conn, "010102", {"water": 50}, days_ago=200, prefix="old-")
    with engine.connect() as conn:
        national = hotspots(conn, resolve_place(conn, None), TODAY, HotspotRule())
        assert [(h["code"], h["category"], h["count"], h["cases"]) for h in national] == [("010101", "water", 12, 20)]
        assert national[0]["path"] == "Distrito Capital › Libertador › Altagracia"
        assert national[0]["category_label"] == "Agua" and round(national[0]["ratio"], 2) == 2.25
        assert round(national[0]["z"], 2) == 3.37  # (12 − 20·16/60) / √(20·(16/60)·(44/60))
        # Beyond chance is a bar too: at z ≥ 4 Altagracia's 12 of 20 could be luck.
        assert hotspots(conn, resolve_place(conn, None), TODAY, HotspotRule(z=4.0)) == []
        # A lower case floor names Caucagua's gas too (5 of 5, z 7.4); a higher ratio names nobody.
        assert {h["code"] for h in hotspots(conn, resolve_place(conn, None), TODAY, HotspotRule(min_cases=5))} == {"010101", "150101"}
        assert hotspots(conn, resolve_place(conn, None), TODAY, HotspotRule(ratio=3.0)) == []
        # Miranda's director is compared with Miranda and never sees Libertador.
        miranda = Scope(role="director", territory_code="15", territory_path="/15/")
        assert hotspots(conn, resolve_place(conn, None, miranda), TODAY, HotspotRule(min_cases=5)) == []
        # The panel carries them.
        assert [h["code"] for h in novelties(conn, resolve_place(conn, None), TODAY, RULE)["hotspots"]] == ["010101"]


def test_the_small_demos_water_hot_spots_are_found(demo_engine, demo_patterns):
    """Each hot spot named is about water and lies at the planted centres of weak water
    service (within their reach of about 0.04°)."""
    from sqlalchemy import text

    from geodata.hotspots import hotspots

    with demo_engine.connect() as conn:
        found = hotspots(conn, resolve_place(conn, None), dt.date.today())
        assert found, "no hot spot found in the small demo"
        assert {h["category"] for h in found} == {"water"}
        near = conn.execute(
            text("SELECT p.code, min(ST_Distance(p.geom, ST_PointOnSurface(h.geom))) AS d FROM territory p, territory h "
                 "WHERE p.code = ANY(:found) AND h.code = ANY(:hot) GROUP BY p.code"),
            {"found": [h["code"] for h in found], "hot": demo_patterns["water_hotspots"]},
        ).all()
        assert len(near) == len(found) and all(r.d < 0.05 for r in near), near


def test_hot_spots_are_the_strongest_two_per_municipality(engine):
    from geodata.hotspots import HotspotRule, hotspots
    from geodata.territory import rebuild_paths
    from tests.factories import add_territory

    with engine.begin() as conn:
        small_tree(conn)
        add_territory(conn, "parish", "010103", "Candelaria", "0101")
        add_territory(conn, "parish", "150101", "Caucagua", "1501")
        add_territory(conn, "parish", "150102", "El Café", "1501")
        rebuild_paths(conn)
        # Three water parishes in Libertador (the strongest has the most cases), one in Acevedo.
        for code, water in (("0101010101", 30), ("010102", 20), ("010103", 15), ("150101", 12)):
            _mixed(conn, code, {"water": water, "roads": 4})
        _mixed(conn, "150102", {"electricity": 200})  # the country's mix: mostly electricity
    with engine.connect() as conn:
        found = hotspots(conn, resolve_place(conn, None), TODAY, HotspotRule())
    # Ordered by z; Candelaria is Libertador's third, left out for Acevedo's.
    assert [h["code"] for h in found] == ["010101", "010102", "150101"]
    assert found[0]["z"] > found[1]["z"] > found[2]["z"]
