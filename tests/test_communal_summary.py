"""The «Sistema comunal» summary: each measure per child equals a direct count of the
records under it; quadrants counted in the child holding them; the scope respected."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geodata.access import Scope, ScopeError
from geodata.communal_summary import communal_summary
from geodata.place import resolve_place
from layers.features import features_frame
from layers.registry import LayerParams
from tests.conftest import DEMO_TODAY


def _summary(engine, code, scope=Scope()):
    with engine.connect() as conn:
        return communal_summary(conn, resolve_place(conn, code, scope), today=DEMO_TODAY)


def test_each_child_sums_what_lies_under_it(demo_engine):
    data = _summary(demo_engine, "0101")
    rows = {r["code"]: r for r in data["rows"]}
    with demo_engine.connect() as conn:
        parishes = conn.execute(text("SELECT code, path FROM territory WHERE level = 'parish' AND path LIKE '/01/0101/%'")).all()
        direct = {
            code: conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM communal_business b JOIN territory t ON t.id = b.territory_id"
                    "         WHERE b.status = 'active' AND t.path LIKE :p || '%'),"
                    "       (SELECT count(*) FROM peace_judge j JOIN territory t ON t.id = j.territory_id WHERE t.path LIKE :p || '%'),"
                    "       (SELECT count(*) FROM peace_case c JOIN peace_judge j ON j.id = c.judge_id JOIN territory t"
                    "         ON t.id = j.territory_id WHERE t.path LIKE :p || '%'),"
                    "       (SELECT count(*) FROM peace_quadrant q WHERE ST_Intersects((SELECT geom FROM territory WHERE code = :c),"
                    "         ST_PointOnSurface(q.geom)))"
                ),
                {"p": path, "c": code},
            ).one()
            for code, path in parishes
        }
        layer = features_frame(conn, "quadrants", LayerParams(territory="0101", as_of=DEMO_TODAY))
    assert set(rows) == set(direct)
    for code, (businesses, judges, cases, quadrants) in direct.items():
        r = rows[code]
        assert (r["businesses_active"], r["peace_judges"], r["peace_cases"], r["quadrants"]) == (businesses, judges, cases, quadrants), code
    # The quadrants are filed under the municipality; the parishes share them out by place,
    # and the security cases inside them add up to the layer's.
    assert data["totals"]["quadrants"] == len(layer)
    assert data["totals"]["security_cases"] == int(layer["security_cases"].sum()) > 0
    assert data["totals"]["quadrants_stale"] == int(layer["stale"].sum())
    assert data["sectors"] and sum(s["businesses"] for s in data["sectors"]) == data["totals"]["businesses_active"]


def test_national_rows_are_states_and_a_director_sees_only_theirs(demo_engine):
    national = _summary(demo_engine, None)
    assert {r["level"] for r in national["rows"]} == {"state"}
    miranda = Scope("director", "15", "/15/")
    own = _summary(demo_engine, None, miranda)
    assert {r["level"] for r in own["rows"]} == {"municipality"}
    assert own["totals"]["businesses_active"] == next(r for r in national["rows"] if r["code"] == "15")["businesses_active"]
    with pytest.raises(ScopeError):
        _summary(demo_engine, "0101", miranda)
