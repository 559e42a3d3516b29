"""The geodata and layers functions behind the dashboard: boundaries, record layers, solutions."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.access import NATIONAL, ScopeError
from geodata.indicators import Period
from geodata.solutions import NotAMunicipality, solutions_map
from layers.boundaries import children_boundaries, children_geojson, clear_cache, territory_bbox
from layers.features import count_features, feature_select, iter_rows
from layers.registry import LayerParams, get_layer
from tests.dashboard_fixtures import MIRANDA_DIRECTOR, TODAY, populated_tree


@pytest.fixture
def tree(engine):
    clear_cache()
    with engine.begin() as conn:
        ids = populated_tree(conn)
    return ids


def test_children_geojson_of_the_country_are_the_states(engine, tree):
    with engine.connect() as conn:
        fc = children_geojson(conn, None)
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in fc["features"]] == ["01", "15"]
    assert fc["features"][0]["properties"]["name"] == "Distrito Capital"
    assert fc["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_children_geojson_of_a_municipality_rounds_coordinates(engine, tree):
    with engine.connect() as conn:
        fc = children_geojson(conn, "0101")
    assert {f["id"] for f in fc["features"]} == {"010101", "010102"}
    for feature in fc["features"]:
        for ring in feature["geometry"]["coordinates"][0]:
            for x, y in ring:
                assert round(x, 5) == x and round(y, 5) == y


def test_children_boundaries_are_cached_until_the_tree_changes(engine, tree):
    from tests.factories import add_territory, square

    with engine.connect() as conn:
        first = children_boundaries(conn, "0101")
        assert children_boundaries(conn, "0101") is first
    with engine.begin() as conn:
        add_territory(conn, "parish", "010103", "Candelaria", "0101", geom=square(-66.8, 10.4, 0.05))
        from geodata.territory import rebuild_paths

        rebuild_paths(conn)
    with engine.connect() as conn:
        second = children_boundaries(conn, "0101")
    assert second.feature_count == 3 and second.etag != first.etag


def test_scope_limits_the_boundaries_a_director_gets(engine, tree):
    with engine.connect() as conn:
        fc = children_geojson(conn, None, MIRANDA_DIRECTOR)
        assert [f["id"] for f in fc["features"]] == ["15"]
        with pytest.raises(ScopeError):
            children_geojson(conn, "0101", MIRANDA_DIRECTOR)
        with pytest.raises(ScopeError):
            children_geojson(conn, "9999")


def test_territory_bbox(engine, tree):
    with engine.connect() as conn:
        assert territory_bbox(conn, "0101") == pytest.approx((-67.0, 10.4, -66.8, 10.6))
        assert territory_bbox(conn, None) == pytest.approx((-67.0, 10.2, -66.3, 10.7))


def test_record_layers_take_an_order_and_a_limit(engine, tree):
    """What the map room asks of the registry: the newest N features, stable order."""
    layer = get_layer("cases")
    with engine.connect() as conn:
        params = LayerParams(territory="0101")
        newest = [r[0] for r in iter_rows(conn, layer, params, geometry="xy", order_by=("-reported_date", "code"), limit=2)]
        everything = [r[0] for r in iter_rows(conn, layer, params, geometry="xy", order_by=("-reported_date", "code"))]
        assert count_features(conn, layer, params) == 4
    assert everything == ["C1", "C2", "C3", "C4"]  # 2025-06-01 (twice), 2025-05-02, 2024-12-01
    assert newest == ["C1", "C2"]
    # Without them the query is the layer's own: no ORDER BY or LIMIT of its own added.
    plain = str(feature_select(layer, LayerParams()))
    assert "LIMIT" not in plain and plain.count("ORDER BY") == str(layer.select(LayerParams())).count("ORDER BY")


def test_record_layers_are_judged_on_the_day_asked(engine, tree):
    with engine.connect() as conn:
        then = LayerParams(territory="01", as_of=TODAY)
        claps = {r[0]: r for r in iter_rows(conn, "claps", then, geometry="xy")}
        cases = {r[0]: r for r in iter_rows(conn, "cases", LayerParams(territory="0101", as_of=TODAY), geometry="xy")}
        early = {r[0]: r for r in iter_rows(conn, "cases", LayerParams(territory="0101", as_of=dt.date(2025, 6, 5)), geometry="xy")}
        before_june = {r[0]: r for r in iter_rows(conn, "claps", LayerParams(territory="01", as_of=dt.date(2025, 5, 31)), geometry="xy")}
    clap = get_layer("claps")
    assert claps["CLAP1"][clap.field_names.index("days_since_delivery")] == 25
    assert before_june["CLAP1"][clap.field_names.index("last_delivery")] == dt.date(2025, 5, 1)
    overdue = get_layer("cases").field_names.index("overdue")
    assert cases["C1"][overdue] is True and early["C1"][overdue] is False  # due 2025-06-10


def test_child_label_points(engine, tree):
    from geodata.records import child_label_points

    with engine.connect() as conn:
        states = child_label_points(conn, None)
        director = child_label_points(conn, None, MIRANDA_DIRECTOR)
        parishes = child_label_points(conn, "0101")
    assert set(states) == {"01", "15"} and set(director) == {"15"}
    lon, lat = parishes["010101"]
    assert -67.0 <= lon <= -66.9 and 10.4 <= lat <= 10.5


def test_solutions_map_of_libertador(engine, tree):
    with engine.connect() as conn:
        data = solutions_map(conn, "0101", None, NATIONAL, today=TODAY)
    assert data["municipality"]["name"] == "Libertador"
    water = next(c for c in data["categories"] if c["category"] == "water")
    assert water == {"category": "water", "label": "Agua", "cases": 2, "open": 2, "with_solution": 1, "unanswered": 1}
    assert [a["code"] for a in data["agreements"]] == ["A1", "A2"]
    a1 = data["agreements"][0]
    assert a1["overdue"] and a1["status_label"] == "Vencido" and a1["linked_projects"] == 1
    assert a1["working_table"] == "Mesa de agua"
    assert data["agreements"][1]["linked_cases"] == 1 and not data["agreements"][1]["overdue"]
    assert [n["code"] for n in data["needs"]] == ["P2"]
    assert [p["code"] for p in data["projects"]] == ["P1"]
    assert {(l["case_code"], l["solution_code"]) for l in data["links"]} == {("C1", "P1"), ("C3", "A2")}
    assert {u["code"] for u in data["unanswered"]} == {"C2", "C4"}
    assert data["totals"]["unanswered"] == 2 and data["totals"]["agreements_overdue"] == 1


def test_solutions_map_from_a_parish_and_errors(engine, tree):
    with engine.connect() as conn:
        assert solutions_map(conn, "010101", today=TODAY)["municipality"]["code"] == "0101"
        with pytest.raises(NotAMunicipality):
            solutions_map(conn, "01")
        with pytest.raises(ScopeError):
            solutions_map(conn, "0101", scope=MIRANDA_DIRECTOR)
        period = Period(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 6, 30))
        later = solutions_map(conn, "0101", period, today=TODAY)
    assert later["agreements"] == [] and later["totals"]["cases"] == 3
