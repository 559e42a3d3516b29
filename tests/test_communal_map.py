"""The communal layers in the room's «Capas»: bubbles per child with their key figures above
a municipality, the registry's features with their popup fields below; scope kept; a click
on a quadrant never drills as if it were a territory."""

from __future__ import annotations

from sqlalchemy import text

from dashboard import texts
from dashboard import viewmodels as vm
from dashboard.view import COMMUNAL_KINDS, View, parse
from geodata.access import Scope
from geodata.settings import Settings
from tests.conftest import DEMO_TODAY

ALL = ",".join(COMMUNAL_KINDS)


def _traces(room) -> dict[str, dict]:
    return {t["name"]: t for t in room.figure["data"][1:]}


def test_the_picker_offers_the_communal_layers_and_the_url_keeps_them():
    assert {texts.LAYER_LABELS[k] for k in COMMUNAL_KINDS} == {"Cuadrantes de paz", "Planes de defensa", "Empresas comunales",
                                                                 "Jueces de paz"}
    view = parse({"layers": "quadrants,businesses,nonsense"})
    assert view.layers == ("quadrants", "businesses")
    assert parse(dict(p.split("=") for p in view.to_query().lstrip("?").split("&"))).layers == view.layers


def test_above_a_municipality_each_layer_is_a_bubble_per_child_with_its_figures(demo_engine):
    room = vm.room(demo_engine, parse({"layers": ALL}), settings=Settings(_env_file=None), today=DEMO_TODAY)
    traces = _traces(room)
    assert set(traces) == {texts.LAYER_LABELS[k] for k in COMMUNAL_KINDS}
    with demo_engine.connect() as conn:
        per_state = dict(conn.execute(text(
            "SELECT split_part(t.path, '/', 2), count(*) FROM communal_business b JOIN territory t ON t.id = b.territory_id"
            " WHERE b.status = 'active' GROUP BY 1")).all())
    businesses = traces["Empresas comunales"]
    got = {c[0]: int(c[2].replace(".", "")) for c in businesses["customdata"]}
    assert got == per_state and got  # the demo's two states
    assert all("Trabajadores:" in c[3] for c in businesses["customdata"])
    assert all("Sin reporte reciente:" in c[3] and "Casos de seguridad:" in c[3] for c in traces["Cuadrantes de paz"]["customdata"])
    # A click on a bubble drills into its state, as the other layers' bubbles do.
    click = {"points": [{"curveNumber": 3, "customdata": businesses["customdata"][0]}]}
    assert vm.clicked_code(click) == businesses["customdata"][0][0]


def test_in_a_municipality_the_features_with_their_popup(demo_engine):
    room = vm.room(demo_engine, parse({"territory": "0101", "layers": ALL}), settings=Settings(_env_file=None), today=DEMO_TODAY)
    traces = _traces(room)
    with demo_engine.connect() as conn:
        n_quadrants, n_judges = conn.execute(text(
            "SELECT (SELECT count(*) FROM peace_quadrant q JOIN territory t ON t.id = q.territory_id WHERE t.path LIKE '/01/0101/%'),"
            " (SELECT count(*) FROM peace_judge j JOIN territory t ON t.id = j.territory_id WHERE t.path LIKE '/01/0101/%')")).one()
    quadrants = traces["Cuadrantes de paz"]
    assert quadrants["type"] == "choroplethmap" and len(quadrants["locations"]) == n_quadrants > 0
    assert "Casos de seguridad" in quadrants["hovertemplate"] and set(quadrants["z"]) <= {0, 1}
    judges = traces["Jueces de paz"]
    assert len(judges["lon"]) == n_judges > 0 and "Casos abiertos" in judges["hovertemplate"]
    assert all(c[0] == "" for c in judges["customdata"])  # a record does not drill
    # A click on a quadrant is not a territory to drill into; one on the territories is.
    assert vm.clicked_code({"points": [{"curveNumber": 1, "location": quadrants["locations"][0]}]}) is None
    assert vm.clicked_code({"points": [{"curveNumber": 0, "location": "010101"}]}) == "010101"


def test_a_directors_bubbles_are_only_their_state(demo_engine):
    room = vm.room(demo_engine, View(layers=("defense_plans",)), Scope("director", "15", "/15/"),
                   settings=Settings(_env_file=None), today=DEMO_TODAY)
    plans = _traces(room)["Planes de defensa"]
    assert plans["customdata"] and all(c[0].startswith("15") for c in plans["customdata"])
