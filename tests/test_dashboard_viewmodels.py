"""The functions behind the dashboard's callbacks, against PostGIS (no browser)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest

from dashboard import figures
from dashboard import operations_vm as ops
from dashboard import solutions_vm as svm
from dashboard import viewmodels as vm
from dashboard.classify import classify, format_number, format_value, legend_items
from dashboard.view import View, parse
from geodata import indicators, records, vocab
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.permissions import Actor
from geodata.territory import resolve
from geodata.settings import Settings
from layers.boundaries import clear_cache
from layers.registry import get_layer
from tests.dashboard_fixtures import MIRANDA_DIRECTOR, TODAY, populated_tree


@pytest.fixture
def tree(engine):
    clear_cache()
    with engine.begin() as conn:
        ids = populated_tree(conn)
        indicators.refresh(conn, TODAY)
    return ids


def settings(**extra) -> Settings:
    return Settings(_env_file=None, **extra)


# --- the view in the URL -----------------------------------------------------------------

def test_view_round_trips_through_the_query_string():
    view = View("0101", "cases_overdue", ("cases", "claps"), "2025-1", "2025-01-01", "2025-06-30")
    query = view.to_query()
    assert query == "?territory=0101&indicator=cases_overdue&layers=cases,claps&round=2025-1&from=2025-01-01&to=2025-06-30"
    params = dict(part.split("=") for part in query[1:].split("&"))
    assert parse(params) == view
    assert View().to_query() == ""
    assert View.from_store(view.to_store()) == view


def test_view_drops_what_is_malformed_and_keeps_the_rest():
    view = parse({"territory": "VE0101", "indicator": "nope", "layers": "cases,bridges", "round": "2025", "from": "2025-13-01", "to": "2025-02-01"})
    assert view == View(territory="0101", layers=("cases",), date_to="2025-02-01")
    assert parse({"territory": "'; DROP TABLE territory; --"}).territory is None
    swapped = parse({"from": "2025-06-01", "to": "2025-01-01"})
    assert (swapped.date_from, swapped.date_to) == ("2025-01-01", "2025-06-01")
    assert swapped.period.date_from == dt.date(2025, 1, 1)


def test_view_carries_the_record_filters_and_drops_bad_values():
    view = parse({"territory": "0101", "layers": "cases", "category": "water,GAS,bridges", "status": "reported,nope",
                  "overdue": "1", "stage": "stalled,flying"})
    assert (view.category, view.status, view.overdue, view.stage) == (("water", "gas"), ("reported",), True, ("stalled",))
    assert view.to_query() == "?territory=0101&layers=cases&category=water,gas&status=reported&stage=stalled&overdue=1"
    params = dict(part.split("=") for part in view.to_query()[1:].split("&"))
    assert parse(params) == view
    assert View.from_store(view.to_store()) == view
    assert parse({"overdue": "maybe", "category": ""}) == View()
    # Each filter goes to the registry layer it belongs to.
    assert view.filters_for("cases") == {"category": ["water", "gas"], "status": ["reported"], "overdue": ["true"]}
    assert view.filters_for("projects") == {"stage": ["stalled"]}
    assert view.filters_for("agreements") == {} and View().filters_for("cases") == {}


def test_filter_controls_come_from_the_registry():
    controls = {c["name"]: c for c in vm.filter_controls()}
    assert list(controls) == ["category", "status", "overdue", "stage"]
    assert {"label": "Agua", "value": "water"} in controls["category"]["options"]
    assert [o["value"] for o in controls["category"]["options"]] == list(vocab.CASE_CATEGORIES)
    assert [o["value"] for o in controls["status"]["options"]] == list(vocab.CASE_STATUSES)
    assert [o["value"] for o in controls["stage"]["options"]] == list(vocab.PROJECT_STAGES)
    assert controls["overdue"]["options"] == [{"label": "Solo vencidos", "value": "1"}] and not controls["overdue"]["multi"]


# --- classification and numbers ------------------------------------------------------------

def test_classify_natural_breaks_and_unique_values():
    values = [1, 2, 3, 50, 60, 100, None, 7, 8, 9, 1000]
    c = classify(values, "cases_open")
    assert c.scheme == "fisher_jenks" and c.k == 5
    assert c.bins[-1] == 1000 and c.classes[6] is None
    assert c.classes[0] == 0 and c.classes[-1] == 4
    # Classes grow with the values.
    ranked = sorted((v, k) for v, k in zip(values, c.classes) if v is not None)
    assert [k for _, k in ranked] == sorted(k for _, k in ranked)
    items = legend_items(c, "cases_open")
    assert len(items) == 6 and items[-1]["label"] == "Sin datos" and items[-2]["label"] == "100 – 1.000"
    few = classify([3, 3, 7], "clap_coverage")
    assert few.scheme == "unique" and few.classes == (0, 0, 1)
    assert classify([None, None], "cases_open").scheme == "empty"


def test_ramps_follow_whether_higher_is_worse():
    assert classify(list(range(10)), "cases_overdue").colors[-1] == "#bd0026"
    assert classify(list(range(10)), "clap_coverage").colors[-1] == "#0868ac"


def test_numbers_are_written_the_venezuelan_way():
    assert format_number(1234567.891, ",.1f") == "1.234.567,9"
    assert format_value("budget_deposited", 1500) == "Bs. 1.500"
    assert format_value("clap_coverage", 45.6) == "46 %"
    assert format_value("cases_open", None) == "—"


def test_zoom_for_bbox_fits_the_box():
    center, zoom = figures.zoom_for_bbox((-73.4, 0.6, -59.8, 12.2))
    assert center["lon"] == pytest.approx(-66.6) and 0.6 < center["lat"] < 12.2
    assert 3.5 < zoom < 5.5
    _, small = figures.zoom_for_bbox((-67.0, 10.4, -66.8, 10.6))
    assert small > zoom + 4


# --- the map room ------------------------------------------------------------------------------

def test_room_at_country_level(engine, tree):
    room = vm.room(engine, View(), settings=settings(), today=TODAY)
    go.Figure(room.figure)  # valid Plotly JSON
    choropleth = room.figure["data"][0]
    assert choropleth["type"] == "choroplethmap"
    assert choropleth["locations"] == [r["code"] for r in indicators.child_values(engine.connect(), None, today=TODAY)]
    assert choropleth["geojson"].startswith("/geo/children/country.json?v=")
    assert [c["name"] for c in room.crumbs] == ["Venezuela"]
    assert room.title == "Todo el país, por estados" and room.error is None and room.solutions_href is None
    assert [r["code"] for r in room.grid_rows] == ["01", "15"]  # ranked by open cases: 3 vs 1
    kpis = {k["id"]: k for k in room.kpis}
    assert kpis["cases_open"]["value"] == "4" and kpis["agreements_overdue"]["alert"]
    assert room.legend["title"].startswith("Casos abiertos")
    assert set(room.charts) == {"cases", "deposits", "deliveries"}
    for chart in room.charts.values():
        go.Figure(chart)


def test_room_of_a_municipality_with_points(engine, tree):
    view = View("0101", "cases_open", ("cases", "projects", "claps"))
    room = vm.room(engine, view, settings=settings(), today=TODAY)
    go.Figure(room.figure)
    assert [c["name"] for c in room.crumbs] == ["Venezuela", "Distrito Capital", "Libertador"]
    assert room.title == "Municipio Libertador"
    assert set(room.figure["data"][0]["locations"]) == {"010101", "010102"}
    names = [t["name"] for t in room.figure["data"][1:]]
    assert names == ["Casos 1x10", "Proyectos", "CLAP"]
    cases = room.figure["data"][1]
    assert len(cases["lon"]) == 4 and cases["customdata"][0][0] == ""  # records do not drill
    # Our own boundaries are the base: the states and the sibling municipalities.
    sources = [layer["source"] for layer in room.figure["layout"]["map"]["layers"]]
    assert any(s.startswith("/geo/children/country.json") for s in sources)
    assert any(s.startswith("/geo/children/01.json") for s in sources)
    assert room.solutions_href == "/soluciones?territory=0101"
    assert (room.alerts_href, room.alerts_label) == ("/operador?territory=0101", "Alertas de Libertador")


def test_room_aggregates_points_above_a_municipality(engine, tree):
    room = vm.room(engine, View(None, layers=("cases",)), settings=settings(), today=TODAY)
    bubbles = room.figure["data"][1]
    assert bubbles["customdata"][0][0] == "01" and bubbles["customdata"][0][2] == "4"
    assert "text" not in bubbles and "cluster" not in bubbles  # no web-hosted glyphs offline
    assert "agrupados por estado" in room.map_note


# --- the record points (from the layer registry) --------------------------------------------

def test_case_points_carry_popup_fields_and_overdue(engine, tree):
    with engine.connect() as conn:
        result = vm.record_points(conn, "cases", "0101", None, vm.NATIONAL, today=TODAY)
    by_code = {p["code"]: p for p in result.points}
    assert set(by_code) == {"C1", "C2", "C3", "C4"}
    assert result.total == 4 and not result.truncated
    assert by_code["C1"]["overdue"] is True and by_code["C2"]["overdue"] is False
    assert by_code["C1"]["category_label"] == "Agua"
    assert (by_code["C1"]["lon"], by_code["C1"]["lat"]) == pytest.approx((-66.99, 10.41))
    # No point of its own: drawn inside its territory.
    assert -67.0 <= by_code["C3"]["lon"] <= -66.8
    # Every field of the registry layer, dates as ISO text (the figure is JSON).
    assert set(get_layer("cases").field_names) <= set(by_code["C1"])
    assert by_code["C1"]["reported_date"] == "2025-06-01"


def test_points_follow_the_period_and_the_limit(engine, tree):
    period = indicators.Period(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 6, 30))
    with engine.connect() as conn:
        in_period = vm.record_points(conn, "cases", "0101", period, vm.NATIONAL)
        capped = vm.record_points(conn, "cases", "0101", None, vm.NATIONAL, limit=2)
        projects = vm.record_points(conn, "projects", None, indicators.Period(consultation_round="2024-2"), vm.NATIONAL)
    assert {p["code"] for p in in_period.points} == {"C1", "C2", "C3"}
    assert len(capped.points) == 2 and capped.total == 4 and capped.truncated
    assert [p["code"] for p in capped.points] == ["C1", "C2"]  # the newest
    assert [p["code"] for p in projects.points] == ["P3"]


def test_clap_points_know_days_since_delivery(engine, tree):
    with engine.connect() as conn:
        result = vm.record_points(conn, "claps", "01", None, vm.NATIONAL, today=TODAY)
        # A past period is judged at its end.
        may = vm.record_points(conn, "claps", "01", indicators.Period(date_to=dt.date(2025, 5, 31)), vm.NATIONAL, today=TODAY)
    assert result.points[0]["days_since_delivery"] == 25
    assert result.points[0]["last_delivery"] == "2025-06-05"
    assert may.points[0]["last_delivery"] == "2025-05-01" and may.points[0]["days_since_delivery"] == 30


def test_records_respect_scope(engine, tree):
    with engine.connect() as conn:
        child_values = indicators.child_values(conn, None, scope=MIRANDA_DIRECTOR, today=TODAY)
        anchors = records.child_label_points(conn, None, MIRANDA_DIRECTOR)
        assert [r["code"] for r in vm.aggregated_points("cases", child_values, anchors).points] == ["15"]
        with pytest.raises(ScopeError):
            vm.record_points(conn, "cases", "0101", None, MIRANDA_DIRECTOR)
        assert {p["code"] for p in vm.record_points(conn, "cases", "1501", None, MIRANDA_DIRECTOR).points} == {"C5"}
        with pytest.raises(ValueError, match="unknown record kind"):
            vm.record_points(conn, "bridges", "0101")


def test_a_director_below_a_leafs_parent_sees_their_own_records(engine, tree):
    with engine.connect() as conn:
        council = Scope(role="director", territory_code="0101010101", territory_path=resolve(conn, "0101010101").path)
        # The council is a leaf: the room shows its parent commune's children.
        shown = vm.record_points(conn, "cases", "01010101", None, council, today=TODAY)
    assert {p["code"] for p in shown.points} == {"C1"} and shown.total == 1


def test_aggregate_bubbles_count_per_state_and_per_municipality(engine, tree):
    with engine.connect() as conn:
        national = vm.aggregated_points(
            "cases", indicators.child_values(conn, None, today=TODAY), records.child_label_points(conn, None)
        )
        libertador = vm.aggregated_points(
            "cases", indicators.child_values(conn, "0101", today=TODAY), records.child_label_points(conn, "0101")
        )
    assert {r["code"]: r["count"] for r in national.points} == {"01": 4, "15": 1}
    dc = next(r for r in national.points if r["code"] == "01")
    # The bubbles carry the indicators: C1 is past its due date, and C4 (no due date,
    # reported 2024-12-01) past the 30-day default of `geodata.indicators`.
    assert dc["open"] == 3 and dc["overdue"] == 2 and dc["name"] == "Distrito Capital"
    assert {r["code"]: r["count"] for r in libertador.points} == {"010101": 3, "010102": 1}
    assert national.aggregated and national.total == 5


def test_record_popups_and_colours_come_from_the_registry(engine, tree):
    room = vm.room(engine, View("0101", "cases_open", ("cases", "projects", "claps")), settings=settings(), today=TODAY)
    cases, projects, claps = room.figure["data"][1:]
    layer = get_layer("cases")
    labels = [layer.field(name).label for name in layer.popup[1:]]
    assert cases["hovertemplate"] == "<b>%{customdata[1]}</b>" + "".join(
        f"<br>{label}: %{{customdata[{i}]}}" for i, label in enumerate(labels, start=2)
    ) + "<extra></extra>"
    c1 = next(row for row in cases["customdata"] if row[1] == "Número de caso C1")
    popup = dict(zip(layer.popup[1:], c1[2:]))
    assert popup["category_label"] == "Agua" and popup["status_label"] == "Reportado"
    assert popup["overdue"] == "Sí" and popup["due_date"] == "2025-06-10" and popup["institution"] == "—"
    statuses = [c[2 + layer.popup[1:].index("status_label")] for c in cases["customdata"]]
    assert cases["marker"]["color"] == [
        layer.style.colors[{"Reportado": "reported", "En proceso": "in_progress", "Resuelto": "resolved"}[s]] for s in statuses
    ]
    assert {row[1] for row in projects["customdata"]} == {"Proyecto P1", "Proyecto P2"}
    assert projects["marker"]["color"][0] in get_layer("projects").style.colors.values()
    assert claps["marker"]["color"] == get_layer("claps").style.color
    assert "Días desde la última entrega: %{customdata[" in claps["hovertemplate"]
    assert claps["customdata"][0][1] == "CLAP La Pastora" and "25" in claps["customdata"][0]


def test_room_with_a_basemap_url(engine, tree):
    room = vm.room(engine, View(), settings=settings(basemap_url="https://tiles.example/{z}/{x}/{y}.png"), today=TODAY)
    first = room.figure["layout"]["map"]["layers"][0]
    assert first["sourcetype"] == "raster" and first["source"] == ["https://tiles.example/{z}/{x}/{y}.png"]


def test_room_of_an_unknown_or_forbidden_territory_says_so(engine, tree):
    room = vm.room(engine, View("9999"), settings=settings(), today=TODAY)
    assert room.error == "No se encontró el territorio «9999» (no existe o está fuera de su ámbito)."
    assert room.view.territory is None and room.crumbs == [{"code": None, "name": "Venezuela"}]
    director = vm.room(engine, View("0101"), MIRANDA_DIRECTOR, settings(), today=TODAY)
    assert director.error and director.figure["data"][0]["locations"] == ["1501"]


def test_director_starts_at_their_state(engine, tree):
    room = vm.room(engine, View(), MIRANDA_DIRECTOR, settings(), today=TODAY)
    assert room.title == "Estado Miranda"
    assert room.figure["data"][0]["locations"] == ["1501"]


def test_a_leaf_shows_its_siblings(engine, tree):
    room = vm.room(engine, View("0101010101"), settings=settings(), today=TODAY)
    assert room.title == "Consejo comunal CC La Pastora"
    assert room.figure["data"][0]["locations"] == ["0101010101"]
    assert "nivel más bajo" in room.map_note


def test_period_filters_the_room(engine, tree):
    everything = vm.room(engine, View("0101"), settings=settings(), today=TODAY)
    later = vm.room(engine, View("0101", date_from="2025-01-01"), settings=settings(), today=TODAY)
    value = {k["id"]: k["value"] for k in everything.kpis}["cases_open"]
    value_later = {k["id"]: k["value"] for k in later.kpis}["cases_open"]
    assert (value, value_later) == ("3", "2")


def test_indicator_switch_sends_values_only(engine, tree):
    view = View("0101", "cases_open")
    room = vm.room(engine, view, settings=settings(), today=TODAY)
    assert room.rendered == vm.rendered_key(view.with_(indicator="clap_coverage"))
    switch = vm.indicator_switch(engine, view.with_(indicator="cases_overdue"), today=TODAY)
    assert set(switch.choropleth) == {"locations", "z", "zmin", "zmax", "colorscale", "customdata", "hovertemplate"}
    assert "geojson" not in switch.choropleth
    assert switch.legend["title"].startswith("Casos vencidos")
    assert switch.grid_columns[1]["field"] == "cases_overdue" and switch.grid_columns[1]["sort"] == "desc"


def test_actions_change_the_view(engine, tree):
    view = View()
    assert vm.apply_event(engine, view, "indicator", indicator="clap_coverage").indicator == "clap_coverage"
    assert vm.apply_event(engine, view, "layers", layers=["claps", "cases"]).layers == ("cases", "claps")
    dated = vm.apply_event(engine, view, "dates", date_from="2025-01-01T00:00:00", date_to=None, round_="2025-1")
    assert (dated.date_from, dated.round) == ("2025-01-01", "2025-1")
    assert vm.apply_event(engine, dated, "clear").period.is_all
    click = {"points": [{"location": "01", "curveNumber": 0}]}
    assert vm.apply_event(engine, view, "map", click_data=click).territory == "01"
    bubble = {"points": [{"curveNumber": 1, "customdata": ["15", "Miranda", "1", ""]}]}
    assert vm.apply_event(engine, view, "map", click_data=bubble).territory == "15"
    record = {"points": [{"curveNumber": 1, "customdata": ["", "Caso C1"]}]}
    assert vm.apply_event(engine, view, "map", click_data=record) == view
    assert vm.apply_event(engine, view, "grid", cell_clicked={"rowId": "15", "colId": "name"}).territory == "15"
    assert vm.apply_event(engine, View("0101"), "crumb", crumb_code="").territory is None
    # A council has nothing below: the view stays; so does a territory outside the scope.
    parish = View("010101")
    assert vm.apply_event(engine, parish, "map", click_data={"points": [{"location": "0101010102"}]}) == parish
    assert vm.drill(engine, View(), "01", MIRANDA_DIRECTOR) == View()


def test_a_click_on_a_case_point_opens_its_panel_and_does_not_drill(engine, tree):
    view = View("0101", layers=("cases", "projects"))
    room = vm.room(engine, view, settings=settings(), today=TODAY)
    cases, projects = room.figure["data"][1:]
    c1 = next(row for row in cases["customdata"] if row[1] == "Número de caso C1")
    assert c1[0] == "" and c1[-2:] == ["cases", "C1"]  # no territory to drill; the record last
    click = {"points": [{"curveNumber": 1, "pointNumber": 0, "customdata": c1}]}
    assert vm.clicked_code(click) is None and vm.apply_event(engine, view, "map", click_data=click) == view
    assert vm.clicked_record(click) == ("cases", "C1") and vm.clicked_case(click) == "C1"
    project = {"points": [{"curveNumber": 2, "customdata": projects["customdata"][0]}]}
    assert vm.clicked_record(project)[0] == "projects" and vm.clicked_case(project) is None
    for other in ({"points": [{"location": "010101"}]}, {"points": [{"customdata": ["15", "Miranda", "1", ""]}]}, None):
        assert vm.clicked_case(other) is None

    panel = vm.case_panel(engine, "C1", today=TODAY)
    assert panel["error"] is None and panel["title"] == "Caso C1" and panel["overdue"] is True
    fields = dict(panel["fields"])
    assert fields["Estado"] == "Reportado" and fields["Categoría"] == "Agua" and fields["Área"] == "Servicios Públicos"
    assert fields["Reportado"] == "01/06/2025" and fields["Fecha límite"] == "10/06/2025" and "Resuelto" not in fields
    assert fields["Territorio"].startswith("Distrito Capital › Libertador › ") and fields["Territorio"].endswith("(0101010101)")
    assert panel["solutions"] == [{"kind": "Proyecto", "code": "P1", "label": get_project_name(engine, "P1"), "status": "En ejecución"}]
    assert panel["timeline"] == [("01/06/2025", "Reportado")]
    c3 = vm.case_panel(engine, "C3", today=TODAY)
    assert c3["overdue"] is False and dict(c3["fields"])["Resuelto"] == "20/05/2025"
    assert c3["timeline"] == [("02/05/2025", "Reportado"), ("20/05/2025", "Resuelto")]
    assert c3["solutions"][0]["kind"] == "Acuerdo"
    # C4 has no due date of its own: the panel says the general one applies.
    assert dict(vm.case_panel(engine, "C4", today=TODAY)["fields"])["Fecha límite"] == "31/12/2024 (plazo general de 30 días)"
    # Outside the scope, or unknown: the same words, nothing else.
    assert vm.case_panel(engine, "C1", MIRANDA_DIRECTOR) == {"code": "C1", "error": vm.texts.CASE_NOT_FOUND.format(code="C1")}
    assert vm.case_panel(engine, "nope")["error"]


def get_project_name(engine, code):
    from sqlalchemy import select

    from geodata.models import Project

    with engine.connect() as conn:
        return conn.execute(select(Project.name).where(Project.code == code)).scalar_one()


# --- the Map of Solutions ------------------------------------------------------------------

def test_solutions_page_of_libertador(engine, tree):
    page = svm.solutions_page(engine, View("0101"), today=TODAY)
    assert page.error is None and page.title == "Mapa de Soluciones — Libertador"
    assert [a["code"] for a in page.agreements] == ["A1", "A2"] and page.agreements[0]["overdue"]
    assert {(l["case_code"], l["solution_kind_label"]) for l in page.links} == {("C1", "Proyecto"), ("C3", "Acuerdo")}
    assert {u["code"] for u in page.unanswered} == {"C2", "C4"}
    totals = {t["id"]: t["value"] for t in page.totals}
    assert totals["agreements"] == "2" and totals["unanswered"] == "2"
    fig = go.Figure(page.map)
    links = next(t for t in fig.data if t.name == "Vínculos")
    assert list(links.lon[:2]) == pytest.approx([-66.99, -66.985])
    go.Figure(page.categories)


def test_solutions_page_errors(engine, tree):
    assert svm.solutions_page(engine, View()).error.startswith("Elija un municipio")
    assert "por encima de un municipio" in svm.solutions_page(engine, View("01")).error
    assert svm.solutions_page(engine, View("0101"), MIRANDA_DIRECTOR).error.startswith("No se encontró")


# --- operator mode and alerts -------------------------------------------------------------

def test_operator_refresh_reports_what_is_new(engine, tree):
    from tests.dashboard_fixtures import add_case

    marker = ops.start_marker(engine)
    quiet = ops.refresh(engine, View("0101"), marker)
    assert not quiet.has_news and quiet.headline.startswith("Sin novedades desde")
    with engine.begin() as conn:
        add_case(conn, "C9", "010102", "water")
        add_case(conn, "C10", "1501", "water")
    news = ops.refresh(engine, View("0101"), quiet.marker)
    assert news.has_news and news.items == ["1 casos nuevos"] and news.counts["cases"] == 1
    assert news.room.view == View("0101")
    again = ops.refresh(engine, View("0101"), news.marker)
    assert not again.has_news


def test_alerts_acknowledgement_and_shift_log(engine, tree):
    data = ops.alerts_view(engine, "0101", today=TODAY)
    keys = {i["key"] for i in data["items"]}
    # C1 is past its due date; C4 has none and is past the default SLA (geodata.rules).
    assert {"case_overdue:C1", "case_overdue:C4", "agreement_overdue:A1"} <= keys
    assert "case_overdue:C2" not in keys  # open, but still within the SLA
    assert "case_overdue:C5" not in keys  # Miranda's case is outside Libertador
    summary = {s["kind"]: s["count"] for s in data["summary"]}
    assert summary["case_overdue"] == 2 and summary["agreement_overdue"] == 1
    ana = Actor("ana", Scope(role="operator", territory_code="01", territory_path="/01/"))  # the Distrito Capital room
    assert ops.acknowledge(engine, ana, "case_overdue:C1", "  ") == "Escriba una nota antes de guardar."
    assert ops.acknowledge(engine, ana, "bogus", "nota").startswith("Alerta desconocida")
    assert ops.acknowledge(engine, ana, "case_overdue:C1", "Hidrocapital avisada") is None
    after = ops.alerts_view(engine, "0101", today=TODAY)
    acked = next(i for i in after["items"] if i["key"] == "case_overdue:C1")
    assert acked["ack"]["note"] == "Hidrocapital avisada" and "Reconocida por ana" in acked["ack_text"]
    assert after["items"][-1]["key"] == "case_overdue:C1"  # acknowledged ones go last
    assert ops.add_shift_note(engine, ana, "") == "Escriba una nota antes de guardar."
    assert ops.add_shift_note(engine, ana, "Sin luz en Antímano desde las 14:00") is None
    # The note went to ana's room (01), whatever page she wrote it from.
    assert [n["note"] for n in ops.shift_notes(engine, ana.scope)] == ["Sin luz en Antímano desde las 14:00"]
    assert ops.shift_notes(engine, NATIONAL) == []


def test_clap_and_project_alerts(engine, tree):
    data = ops.alerts_view(engine, None, today=TODAY + dt.timedelta(days=60))
    kinds = {i["kind"] for i in data["items"]}
    assert "clap_no_delivery" in kinds and "project_not_moving" in kinds


def test_download_links_carry_what_is_on_screen(engine, tree):
    view = View("010101", round="2025-1", date_from="2025-01-01", date_to="2025-06-30")
    links = vm.download_links(engine, view, "projects", "gpkg")
    assert links["export_href"] == "/export/projects.gpkg?territory=010101&from=2025-01-01&to=2025-06-30&round=2025-1"
    assert links["pack_href"] == "/export/pack/0101.zip?from=2025-01-01&to=2025-06-30&round=2025-1"
    national = vm.download_links(engine, View(), None, None)
    assert national == {"export_href": "/export/cases.geojson", "export_job": False, "pack_href": None, "message": None}
    assert vm.download_links(engine, view, "cases", "xlsx")["export_job"] is True  # a slow format is a job
    # A director reads, and does not download: no links, and the screen says why.
    director = vm.download_links(engine, view, "projects", "gpkg", Actor("dir.miranda", MIRANDA_DIRECTOR))
    assert director == {"export_href": None, "export_job": False, "pack_href": None, "message": "Su rol no permite descargar datos."}
    layers, formats = vm.export_options()
    assert {"label": "CLAP", "value": "claps"} in layers and {"label": "GeoPackage", "value": "gpkg"} in formats


def test_the_pack_is_a_job_the_page_follows_to_its_file(engine, tree, tmp_path):
    from dashboard import downloads_vm as dvm
    from dashboard import texts
    from layers.jobs import JobQueue

    jobs = JobQueue(lambda: engine, tmp_path, workers=1)
    planner = Actor("ana", Scope(role="planner"))
    started = dvm.start(engine, jobs, dvm.PACK, View("010101"), actor=planner)
    assert started.polling and started.text == texts.JOB_QUEUED and started.job
    jobs.wait_idle()
    ready = dvm.follow(jobs, dvm.PACK, started.job, actor=planner)
    assert ready == dvm.JobLine(job=started.job, text=texts.PACK_READY_NOTE, href=f"/export/jobs/{started.job}/file")
    assert dvm.follow(jobs, dvm.PACK, started.job, actor=Actor("luis", Scope(role="planner"))).failed  # someone else's job is unknown
    director = Actor("dir.miranda", MIRANDA_DIRECTOR)
    assert dvm.start(engine, jobs, dvm.PACK, View("010101"), actor=director).failed  # a director does not export
    assert dvm.start(engine, jobs, dvm.PACK, View("01")).text == texts.PACK_NONE  # no municipality in view
    jobs.threshold = 1
    assert vm.download_links(engine, View("0101"), "cases", "csv", jobs=jobs)["export_job"] is True  # over the threshold


def test_filters_reach_the_point_layers_and_the_downloads(engine, tree):
    with engine.connect() as conn:
        water = vm.record_points(conn, "cases", "0101", None, vm.NATIONAL, today=TODAY, filters={"category": ["water"]})
        overdue = vm.record_points(conn, "cases", "0101", None, vm.NATIONAL, today=TODAY, filters={"overdue": ["true"]})
    assert {p["category"] for p in water.points} == {"water"} and water.total == len(water.points) < 4
    assert all(p["overdue"] for p in overdue.points) and "C1" in {p["code"] for p in overdue.points}
    # The room draws only the chosen category, and (issue 11) the choropleth and KPIs follow it.
    view = View("0101", layers=("cases",), category=("security",))
    room = vm.room(engine, view, settings=settings(), today=TODAY)
    unfiltered = vm.room(engine, view.with_(category=()), settings=settings(), today=TODAY)
    cases = room.figure["data"][1]
    assert len(cases["lon"]) == 1 and len(unfiltered.figure["data"][1]["lon"]) == 4
    kpi = {k["id"]: k["value"] for k in room.kpis}
    assert room.kpis != unfiltered.kpis and kpi["cases_open"] == "1"  # the one security case, open
    assert [r["cases_reported"] for r in room.grid_rows] != [r["cases_reported"] for r in unfiltered.grid_rows]
    assert room.rendered != unfiltered.rendered  # a filter change redraws the points
    links = vm.download_links(engine, View("0101", category=("water",), status=("reported",), stage=("stalled",)), "cases", "csv")
    assert links["export_href"] == "/export/cases.csv?territory=0101&category=water&status=reported"
    projects = vm.download_links(engine, View("0101", category=("water",), stage=("stalled",)), "projects", "geojson")
    assert projects["export_href"] == "/export/projects.geojson?territory=0101&stage=stalled"
    # The filter controls change the view.
    new = vm.apply_event(engine, View("0101"), "filters", filters={"category": ["gas", "water"], "overdue": ["1"], "status": None, "stage": []})
    assert (new.category, new.overdue, new.status, new.stage) == (("water", "gas"), True, (), ())


def test_warm_up_fills_the_cache_for_country_and_states(engine, tree):
    before = len(vm._indicator_cache)
    assert vm.warm_up(engine, today=TODAY) == 3  # the country and its two states
    assert len(vm._indicator_cache) == before + 9  # three reads for each
    with engine.connect() as conn:
        first = vm.cached_indicators(conn, "child_values", "15", indicators.ALL_TIME, vm.NATIONAL, TODAY)
        again = vm.cached_indicators(conn, "child_values", "15", indicators.ALL_TIME, vm.NATIONAL, TODAY)
    assert first is again and [r["code"] for r in first] == ["1501"]


def test_commune_and_council_outlines_come_as_vector_tiles(engine, tree):
    view = parse({"territory": "01", "layers": "councils,cases,communes"})
    assert view.layers == ("cases", "communes", "councils")
    room = vm.room(engine, view, settings=settings(), today=TODAY, base_url="http://sala.example")
    go.Figure(room.figure)
    vector = [layer for layer in room.figure["layout"]["map"]["layers"] if layer["sourcetype"] == "vector"]
    assert [(v["sourcelayer"], v["source"], v["minzoom"]) for v in vector] == [
        ("communes", ["http://sala.example/tiles/communes/{z}/{x}/{y}.pbf?territory=01"], 5),
        ("councils", ["http://sala.example/tiles/councils/{z}/{x}/{y}.pbf?territory=01"], 8),
    ]
    assert [t["name"] for t in room.figure["data"][1:]] == ["Casos 1x10"]  # outlines are no point layer


def test_municipality_options_follow_the_scope(engine, tree):
    assert svm.municipality_options(engine) == [
        {"label": "Libertador (Distrito Capital)", "value": "0101"},
        {"label": "Acevedo (Miranda)", "value": "1501"},
    ]
    assert [o["value"] for o in svm.municipality_options(engine, MIRANDA_DIRECTOR)] == ["1501"]


def test_funded_but_stalled_project_is_an_alert(engine, tree):
    from sqlalchemy import insert

    from geodata.models import Deposit
    from tests.dashboard_fixtures import add_project

    with engine.begin() as conn:
        pid = add_project(conn, "P-STALL", "0101010101", "stalled")
        conn.execute(insert(Deposit).values(code="D-STALL", project_id=pid, amount=500,
                                            deposit_date=TODAY - dt.timedelta(days=90)))
    items = ops.alerts_view(engine, "0101", today=TODAY)["items"]
    stalled = [i for i in items if i["key"] == "project_not_moving:P-STALL"]
    assert stalled and "Paralizado" in stalled[0]["label"]
