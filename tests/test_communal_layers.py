"""The communal system's layers: security cases joined to peace quadrants by space, the
staleness flags, a business's commune deposits, a judge's caseload; and each layer on the
small demo through every output the registry feeds (exports, tiles, OGC)."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import box
from sqlalchemy import text

from etl.load import load_file
from geodata.access import Scope
from layers.features import features_frame
from layers.registry import LayerParams, UnknownTerritory
from tests.etl_builders import with_tree, write_csv
from tests.factories import point

TODAY = dt.date(2024, 7, 1)


@pytest.fixture
def placed(engine, tmp_path):
    """The small tree; quadrant Q1 over both parishes of Libertador, Q2 in Miranda; cases
    inside and outside them."""
    with_tree(engine)
    quadrants = write_csv(
        tmp_path / "q.csv",
        ["codigo", "nombre", "cod_municipio", "ultimo_reporte", "wkt"],
        [
            ["Q1", "Cuadrante Centro", "0101", "2024-06-25", box(-66.95, 10.41, -66.85, 10.48).wkt],
            ["Q2", "Cuadrante Acevedo", "1501", "2024-04-01", box(-66.75, 10.25, -66.65, 10.35).wkt],
        ],
    )
    assert load_file(engine, "quadrant", quadrants).inserted == 2
    with engine.begin() as conn:
        tid = {c: i for c, i in conn.execute(text("SELECT code, id FROM territory"))}
        cases = [
            # code, category, status, territory, own point (None: the territory's label point)
            ("S1", "security", "reported", "010101", point(-66.93, 10.45)),  # inside Q1 (parish Altagracia)
            ("S2", "security", "resolved", "010102", point(-66.87, 10.43)),  # inside Q1 (parish Antímano)
            ("S3", "security", "reported", "010101", point(-66.99, 10.41)),  # outside every quadrant
            ("W1", "water", "reported", "010101", point(-66.93, 10.45)),  # inside Q1, not security
            ("S4", "security", "in_progress", "1501", None),  # Acevedo's label point is inside Q2
        ]
        conn.execute(text("UPDATE territory SET label_point = ST_SetSRID(ST_MakePoint(-66.7, 10.3), 4326) WHERE code = '1501'"))
        for code, category, status, terr, geom in cases:
            conn.execute(
                text(
                    "INSERT INTO case_report (code, reported_date, category, area, status, territory_id, geom)"
                    " VALUES (:c, '2024-06-01', :cat, 'integral_security', :s, :t, ST_GeomFromEWKT(:g))"
                ),
                {"c": code, "cat": category, "s": status, "t": tid[terr], "g": geom},
            )
    return engine


def test_security_cases_are_joined_to_quadrants_by_their_point(placed):
    with placed.connect() as conn:
        frame = features_frame(conn, "quadrants", LayerParams(as_of=TODAY))
    got = {r.code: (r.security_cases, r.open_security_cases, r.stale, r.days_since_report) for r in frame.itertuples()}
    # Q1 holds S1 and S2 although they sit in two parishes; W1 is no security case; S3 is outside.
    assert got == {"Q1": (2, 1, False, 6), "Q2": (1, 1, True, 91)}


def test_quadrants_follow_the_period_and_the_scope(placed):
    with placed.connect() as conn:
        before = features_frame(conn, "quadrants", LayerParams(date_to=dt.date(2024, 5, 1), as_of=TODAY))
        miranda = features_frame(conn, "quadrants", LayerParams(scope=Scope("director", "15", "/15/"), as_of=TODAY))
        with pytest.raises(UnknownTerritory):
            features_frame(conn, "quadrants", LayerParams(territory="0101", scope=Scope("director", "15", "/15/")))
    assert before["security_cases"].tolist() == [0, 0]
    assert miranda["code"].tolist() == ["Q2"]


def test_the_demo_has_every_communal_layer(demo_engine):
    with demo_engine.connect() as conn:
        frames = {lid: features_frame(conn, lid, LayerParams(territory="0101")) for lid in
                  ("quadrants", "defense_plans", "businesses", "peace_judges")}
        crossing = conn.execute(
            text(
                "SELECT count(*) FROM peace_quadrant q WHERE (SELECT count(*) FROM territory p WHERE p.level = 'parish'"
                " AND ST_Intersects(p.geom, q.geom) AND ST_Area(ST_Intersection(p.geom, q.geom)) > 1e-6) > 1"
            )
        ).scalar_one()
    assert all(len(f) > 0 for f in frames.values()), {k: len(v) for k, v in frames.items()}
    q = frames["quadrants"]
    assert q["security_cases"].sum() > 0 and q["stale"].any() and not q["stale"].all()
    assert crossing > 0  # quadrants cut across parishes
    judges = frames["peace_judges"]
    assert (judges["cases"] >= judges["open_cases"] + judges["resolved_cases"]).all() and judges["cases"].sum() > 0
    assert frames["businesses"]["commune_deposits"].max() > 0
    assert set(frames["defense_plans"]["status"]) <= {"active", "exercised", "drafting", "suspended"}
