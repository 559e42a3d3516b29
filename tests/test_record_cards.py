"""A case, project or CLAP point opens its card; a shared link opens the room on it; too
many points become a heat map. Against PostGIS, in the viewer's scope."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard import figures
from dashboard import records_vm as rvm
from dashboard import viewmodels as vm
from dashboard.components import room as parts
from dashboard.view import View, parse
from geodata import indicators, record_cards
from geodata.access import NATIONAL, ScopeError
from geodata.settings import Settings
from layers.boundaries import clear_cache
from tests.dashboard_fixtures import MIRANDA_DIRECTOR, TODAY, populated_tree


@pytest.fixture
def tree(engine):
    clear_cache()
    with engine.begin() as conn:
        ids = populated_tree(conn)
        indicators.refresh(conn, TODAY)
    return ids


def test_project_and_clap_details_in_scope_and_refused_outside(engine, tree):
    with engine.connect() as conn:
        project = record_cards.project_detail(conn, "P1")
        clap = record_cards.clap_detail(conn, "CLAP1", today=TODAY)
        place = record_cards.record_place(conn, "projects", "P1")
        for call in (
            lambda: record_cards.project_detail(conn, "P1", MIRANDA_DIRECTOR),
            lambda: record_cards.clap_detail(conn, "CLAP1", MIRANDA_DIRECTOR),
            lambda: record_cards.record_place(conn, "cases", "C1", MIRANDA_DIRECTOR),
            lambda: record_cards.project_detail(conn, "NO-EXISTE"),
            lambda: record_cards.record_place(conn, "agreements", "A1"),
        ):
            with pytest.raises(ScopeError):
                call()
        # Miranda's own project is theirs to see.
        assert record_cards.project_detail(conn, "P3", MIRANDA_DIRECTOR)["code"] == "P3"
    assert project["stage"] == "in_progress" and project["deposited"] == 400
    assert [d["amount"] for d in project["deposits"]] == [400]
    assert [name for _, name in project["breadcrumb"]][:3] == ["Venezuela", "Distrito Capital", "Libertador"]
    assert clap["households"] == 120 and clap["deliveries_total"] == 2 and clap["days_since_delivery"] == 25
    assert not clap["late"] and [d["households_served"] for d in clap["deliveries"]] == [115, 110]  # newest first
    assert place == {"kind": "projects", "code": "P1", "territory_code": "0101010101", "lon": -66.985, "lat": 10.415}


def test_record_cards_in_spanish_with_history_path_and_share_link(engine, tree):
    project = rvm.record_panel(engine, "projects", "P1")
    fields = dict(project["fields"])
    assert project["title"] == "Proyecto P1" and fields["Etapa"] == "En ejecución"
    assert fields["Territorio"].startswith("Distrito Capital › Libertador") and fields["Territorio"].endswith("(0101010101)")
    # The money trail: its one deposit (no bank on record) and no stage change yet.
    assert project["history"] == [("15/05/2025", "Depósito de Bs. 400 · banco no indicado")]
    assert project["share"] == "/?proyecto=P1"
    clap = rvm.record_panel(engine, "claps", "CLAP1", today=TODAY)
    assert clap["title"] == "CLAP CLAP1" and dict(clap["fields"])["Días desde la última entrega"] == "25"
    assert clap["history"][0] == ("05/06/2025", "115 familias atendidas") and clap["badge"] is None
    case = rvm.record_panel(engine, "cases", "C1", today=TODAY)
    assert case["title"] == "Caso C1" and case["share"] == "/?caso=C1" and case["timeline"]
    # The components render them (the share link last).
    for data in (project, clap, case):
        rendered = parts.record_panel(data)
        assert rendered[-1].href == data["share"] and rendered[-1].children == "Enlace para compartir"


def test_outside_the_scope_a_card_says_not_found_in_spanish(engine, tree):
    for kind, code, word in (("cases", "C1", "caso"), ("projects", "P1", "proyecto"), ("claps", "CLAP1", "CLAP")):
        data = rvm.record_panel(engine, kind, code, MIRANDA_DIRECTOR)
        assert data["error"] == f"No se encontró el {word} «{code}» (no existe o está fuera de su ámbito)."
        assert "fields" not in data
        assert parts.record_panel(data)[0].role == "alert"


def test_a_shared_link_opens_the_room_on_its_record(engine, tree):
    assert rvm.shared_record({"caso": "C1"}) == ("cases", "C1")
    assert rvm.shared_record({"proyecto": ["P1"]}) == ("projects", "P1")
    assert rvm.shared_record({"clap": ""}) is None and rvm.shared_record({}) is None
    view, focus = rvm.open_shared(engine, parse({"indicator": "cases_overdue"}), "cases", "C1")
    assert view.territory == "0101010101" and "cases" in view.layers and view.indicator == "cases_overdue"
    assert focus == (-66.99, 10.41)
    room = vm.room(engine, view, settings=Settings(_env_file=None), today=TODAY)
    figure = rvm.focus_figure(room.figure, focus)
    go.Figure(figure)
    fit = figure["layout"]["meta"]["fit"]
    assert fit[0] < -66.99 < fit[2] and fit[1] < 10.41 < fit[3] and fit[2] - fit[0] < 0.05
    assert figure["data"][1]["name"] == "seleccion" and len(figure["data"]) == len(room.figure["data"]) + 1
    assert rvm.share_query(view, "cases", "C1").endswith("&caso=C1")
    # Outside the scope the view stays where it was.
    same, none = rvm.open_shared(engine, View(), "cases", "C1", MIRANDA_DIRECTOR)
    assert same == View() and none is None


def test_a_click_on_a_project_or_clap_point_names_its_record(engine, tree):
    room = vm.room(engine, View("0101", layers=("projects", "claps")), settings=Settings(_env_file=None), today=TODAY)
    projects, claps = room.figure["data"][1:]
    p1 = next(c for c in projects["customdata"] if c[-1] == "P1")
    assert vm.clicked_record({"points": [{"customdata": p1}]}) == ("projects", "P1")
    assert vm.clicked_record({"points": [{"customdata": claps["customdata"][0]}]}) == ("claps", "CLAP1")


def test_urgent_points_are_drawn_on_top_and_keyed_in_the_legend(engine, tree):
    room = vm.room(engine, View("0101", layers=("cases",)), settings=Settings(_env_file=None), today=TODAY)
    cases = room.figure["data"][1]
    overdue_at = cases["customdata"][-1][-1]
    sizes = cases["marker"]["size"]
    # Resolved first (drawn below), overdue last and larger (drawn on top).
    assert cases["customdata"][0][-1] == "C3" and overdue_at in ("C1", "C4")
    assert sizes[0] == figures.POINT_SIZE and sizes[-1] == figures.POINT_SIZE_URGENT
    key = room.point_legend
    assert key[0]["title"] == "Casos 1x10"
    labels = {i["label"]: i["count"] for i in key[0]["items"]}
    assert labels["Resuelto"] == 1 and labels["Vencido (punto mayor, encima)"] == 2


def test_above_the_point_limit_the_room_draws_a_heat_map_of_all_records(engine, tree):
    room = vm.room(engine, View("0101", layers=("cases",)), settings=Settings(_env_file=None, map_point_limit=2), today=TODAY)
    go.Figure(room.figure)
    points, heat = room.figure["data"][1:]
    assert heat["type"] == "densitymap" and sum(heat["z"]) == 4  # every case, under the newest 2
    assert len(points["lon"]) == 2 and heat["below"] == f"plotly-trace-layer-{points['uid']}-circle"
    assert "mapa de calor de los 4 registros" in room.map_note
    assert room.point_legend[1]["title"] == "Casos 1x10: mapa de calor (4 registros)"
    # Its own ramp, keyed in the legend, with none of the choropleth's colours.
    from layers.classify import BETTER_RAMPS, DIVERGING_BLUE, DIVERGING_RED, WORSE_RAMPS

    ramp = room.point_legend[1]["gradient"]
    assert ramp == [stop[1] for stop in heat["colorscale"][1:]] and len(ramp) == 3
    choropleth = {c.lower() for r in (*WORSE_RAMPS.values(), *BETTER_RAMPS.values(), DIVERGING_RED, DIVERGING_BLUE) for c in r}
    assert not {c.lower() for stop in heat["colorscale"] for c in [stop[1]]} & choropleth
    # The filters still apply to it.
    water = vm.room(engine, View("0101", layers=("cases",), category=("water",)),
                    settings=Settings(_env_file=None, map_point_limit=1), today=TODAY)
    assert sum(water.figure["data"][2]["z"]) == 2


def test_the_classification_travels_in_the_url_and_patches_the_legend(engine, tree):
    view = View("0101")
    new = vm.apply_event(engine, view, "classification", classification="quantiles", classes="3")
    assert (new.classification, new.classes) == ("quantiles", 3)
    assert new.to_query() == "?territory=0101&classification=quantiles&classes=3"
    assert vm.apply_event(engine, new, "classification", classification="nada", classes="12") == view
    switch = vm.indicator_switch(engine, new, today=TODAY)
    assert switch.legend["scheme"].startswith("cuantiles") or switch.legend["scheme"].startswith("valores únicos")
    assert all("count" in item for item in switch.legend["items"])
