"""The layer registry: every layer's query runs on PostGIS and is cut to territory, scope and filters."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from geodata.access import Scope
from layers.registry import (
    LAYERS,
    LayerError,
    LayerParams,
    UnknownLayer,
    UnknownTerritory,
    get_layer,
    list_layers,
    resolve_params,
)
from tests.layers_records import add_records


@pytest.fixture
def records(engine):
    with engine.begin() as conn:
        add_records(conn)
    return engine


def rows(engine, layer_id, **params):
    with engine.connect() as conn:
        p = resolve_params(conn, LayerParams(**params))
        return [r._asdict() for r in conn.execute(get_layer(layer_id).select(p))]


def feature_rows(engine, layer_id, **params):
    """Rows with every field, indicators merged, as exports and maps read them."""
    from layers.features import iter_rows

    layer = get_layer(layer_id)
    with engine.connect() as conn:
        return [dict(zip(layer.field_names + ["geom_wkb"], r)) for r in iter_rows(conn, layer, LayerParams(**params))]


def codes(engine, layer_id, **params):
    return sorted(r["code"] for r in rows(engine, layer_id, **params))


def test_registry_lists_every_layer_once_with_fields_and_geometry():
    ids = [layer.id for layer in list_layers()]
    assert ids == list(LAYERS)
    for expected in ("states", "municipalities", "parishes", "communes", "councils", "circuits", "cases", "projects", "claps", "agreements", "integrity"):
        assert expected in ids
    for layer in list_layers():
        assert layer.geometry_type in ("Point", "MultiPolygon", "Geometry")
        assert layer.field_names[0] == layer.id_field
        assert len(set(layer.field_names)) == len(layer.field_names)
        assert set(layer.popup) <= set(layer.field_names)
        assert layer.legend() and all(color.startswith("#") for _, color in layer.legend())
    with pytest.raises(UnknownLayer, match="Capa desconocida"):
        get_layer("nope")


def test_every_layer_selects_its_fields_then_geom(records):
    for layer in list_layers():
        result = rows(records, layer.id)
        columns = list(result[0].keys()) if result else None
        if layer.id == "circuits":
            assert len(result) == 1
        assert result, layer.id
        # The query carries every field but the indicators, which `layers.features` merges in.
        assert columns == layer.sql_field_names + ["geom"], layer.id
        assert layer.sql_field_names == [n for n in layer.field_names if n not in layer.indicators]
        # Circuits may have no boundary of their own (a circuit with no communes has none at all).
        assert all(r["geom"] is not None for r in result) or layer.id in ("circuits", "money_circuits")
        full = feature_rows(records, layer.id)
        assert [r[layer.id_field] for r in full] == [r[layer.id_field] for r in result], layer.id
        assert all(list(r) == layer.field_names + ["geom_wkb"] for r in full), layer.id


def test_territory_indicator_fields_are_the_indicators_own():
    from geodata.indicators import INDICATORS

    for layer_id in ("states", "municipalities", "parishes", "communes", "councils"):
        layer = get_layer(layer_id)
        assert layer.indicators and set(layer.indicators) <= set(INDICATORS)
        for name in layer.indicators:
            assert layer.field(name).label == INDICATORS[name].label
    assert get_layer("circuits").indicators == ()


def test_territory_layers_carry_subtree_indicators(records):
    states = {r["code"]: r for r in feature_rows(records, "states")}
    assert set(states) == {"01", "15"}
    capital = states["01"]
    assert capital["cases_reported"] == 5
    assert capital["cases_open"] == 3
    # Overdue as `geodata.indicators` counts it: open past the due date, or past the default
    # term when a case has none (C-001 by its date, C-002 and C-004 by the term).
    assert capital["cases_overdue"] == 3
    assert capital["cases_resolved"] == 1  # C-003 has a resolution date; C-005 was closed without one
    assert capital["projects_total"] == 3
    assert capital["budget_approved"] == pytest.approx(250000.5)
    assert capital["budget_deposited"] == pytest.approx(150000.5)
    assert capital["budget_deposited_share"] == pytest.approx(100 * 150000.5 / 250000.5)
    assert capital["clap_count"] == 2 and capital["clap_coverage"] == pytest.approx(100 * 200 / 250)
    assert capital["agreements_total"] == 3 and capital["agreements_overdue"] == 1
    assert states["15"]["cases_reported"] == 1
    parishes = {r["code"]: r for r in feature_rows(records, "parishes", territory="0101")}
    assert parishes["010101"]["cases_reported"] == 3 and parishes["010102"]["cases_reported"] == 1
    assert parishes["010101"]["parent_name"] == "Libertador"
    # the period cuts the indicators, not the territories
    period = {r["code"]: r for r in feature_rows(records, "states", date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 4, 30))}
    assert period["01"]["cases_reported"] == 2 and period["15"]["cases_reported"] == 1
    rounds = {r["code"]: r for r in feature_rows(records, "states", consultation_round="2024-2")}
    assert rounds["01"]["projects_total"] == 1
    # the live path (councils) too, cut to the territory asked for
    councils = {r["code"]: r for r in feature_rows(records, "councils", territory="010101")}
    assert councils["0101010101"]["cases_reported"] == 2 and councils["0101010102"]["cases_reported"] == 1
    assert councils["0101010101"]["clap_count"] == 1


def test_territory_indicators_are_those_of_geodata(records):
    from geodata.indicators import Period, level_values

    for layer_id, level, params in (
        ("states", "state", {}),
        ("parishes", "parish", {"territory": "0101", "date_from": dt.date(2025, 2, 1)}),
        ("councils", "council", {"consultation_round": "2025-1"}),
    ):
        layer = get_layer(layer_id)
        got = {r["code"]: r for r in feature_rows(records, layer_id, **params)}
        with records.connect() as conn:
            period = Period(params.get("date_from"), params.get("date_to"), params.get("consultation_round"))
            expected = level_values(conn, level, within=params.get("territory"), period=period)
        assert set(got) == set(expected), layer_id
        for code, values in expected.items():
            assert {n: got[code][n] for n in layer.indicators} == {n: values[n] for n in layer.indicators}, code


def test_territory_indicators_keep_to_the_scope(records):
    scoped = {r["code"]: r for r in feature_rows(records, "municipalities", scope=Scope("director", "15", "/15/"))}
    assert set(scoped) == {"1501"}
    assert scoped["1501"]["cases_reported"] == 1 and scoped["1501"]["agreements_total"] == 1


def test_territory_filter_is_the_subtree(records):
    assert codes(records, "councils", territory="010101") == ["0101010101", "0101010102"]
    assert codes(records, "cases", territory="0101") == ["C-001", "C-002", "C-003", "C-004", "C-005"]
    assert codes(records, "cases", territory="VE-M") == ["M-001"]  # ISO code of the state
    assert codes(records, "cases", territory="010102") == ["C-004"]
    assert codes(records, "agreements", territory="01") == ["A-001", "A-002", "A-003"]
    assert codes(records, "claps", territory="15") == ["CLAP-M1"]
    with pytest.raises(UnknownTerritory, match="Territorio desconocido"):
        rows(records, "cases", territory="99")


def test_scope_limits_what_a_director_sees(records):
    with records.connect() as conn:
        path = conn.execute(select(__import__("geodata.models").models.Territory.path).where(
            __import__("geodata.models").models.Territory.code == "15")).scalar_one()
    scope = Scope(role="director", territory_code="15", territory_path=path)
    assert codes(records, "cases", scope=scope) == ["M-001"]
    assert codes(records, "states", scope=scope) == ["15"]
    with pytest.raises(UnknownTerritory):
        rows(records, "cases", territory="0101", scope=scope)


def test_record_filters(records):
    assert codes(records, "cases", filters={"category": ["water"]}) == ["C-001", "C-003"]
    assert codes(records, "cases", filters={"status": ["reported", "assigned"]}) == ["C-001", "C-004", "M-001"]
    # Judged today (geodata.rules): C-001 is past its due date, the other open cases past the default SLA.
    assert codes(records, "cases", filters={"overdue": ["true"]}) == ["C-001", "C-002", "C-004", "M-001"]
    assert codes(records, "cases", filters={"overdue": ["true"]}, as_of=dt.date(2025, 4, 10)) == ["C-001", "C-004"]
    assert codes(records, "cases", date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31)) == ["C-001"]
    assert codes(records, "projects", filters={"round": ["2025-1"]}, territory="01") == ["P-001", "P-002"]
    assert codes(records, "projects", consultation_round="2024-2") == ["P-003"]
    assert codes(records, "projects", filters={"stage": ["funded"], "sector": ["agua"]}) == ["P-002"]
    assert codes(records, "agreements", filters={"status": ["pending"]}) == ["A-001", "A-M01"]
    assert codes(records, "agreements", filters={"overdue": ["true"]}) == ["A-001"]
    assert codes(records, "agreements", filters={"area": ["social"]}, territory="0101") == ["A-002"]
    assert codes(records, "claps", filters={"min_days_without_delivery": ["30"]}) == ["CLAP-01", "CLAP-02", "CLAP-M1"]
    with pytest.raises(LayerError, match="no tiene el filtro"):
        rows(records, "cases", filters={"colour": ["red"]})
    with pytest.raises(LayerError, match="Valor inválido"):
        rows(records, "cases", filters={"status": ["lost"]})
    with pytest.raises(LayerError, match="Periodo inválido"):
        rows(records, "cases", date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 1, 1))


def test_record_attributes(records):
    cases = {r["code"]: r for r in rows(records, "cases")}
    assert cases["C-001"]["category_label"] == "Agua" and cases["C-001"]["overdue"] is True
    assert cases["C-004"]["location_source"] == "territorio"  # placed on its parish
    assert cases["C-003"]["days_open"] == 15
    projects = {r["code"]: r for r in rows(records, "projects")}
    assert projects["P-001"]["deposited"] == pytest.approx(30000) and projects["P-001"]["deposits"] == 2
    assert projects["P-001"]["deposited_pct"] == pytest.approx(60)
    assert projects["P-002"]["location_source"] == "territorio"
    assert projects["P-003"]["deposited"] == 0
    cut = {r["code"]: r for r in rows(records, "projects", date_to=dt.date(2025, 3, 1))}
    assert cut["P-001"]["deposited"] == pytest.approx(20000)
    claps = {r["code"]: r for r in rows(records, "claps")}
    assert claps["CLAP-01"]["last_delivery"] == dt.date(2025, 5, 1)
    assert claps["CLAP-01"]["deliveries"] == 2 and claps["CLAP-01"]["households_served"] == 230
    assert claps["CLAP-02"]["last_delivery"] is None and claps["CLAP-02"]["deliveries"] == 0
    agreements = {r["code"]: r for r in rows(records, "agreements")}
    assert agreements["A-001"]["working_table"] == "Mesa public_services"
    assert agreements["A-001"]["status_label"] == "Pendiente"


def test_integrity_layer_shows_the_issues_of_the_subtree(records):
    issues = rows(records, "integrity", territory="0101")
    assert issues and {r["territory_code"] for r in issues} <= {"0101", "010101", "010102", "01010101", "0101010101", "0101010102"}
    gaps = rows(records, "integrity", filters={"kind": ["gap"]})
    assert any(r["territory_code"] == "0101" and r["kind_label"] == "Vacío sin cubrir" for r in gaps)
    assert rows(records, "integrity", territory="15", filters={"kind": ["gap"]}) == [] or all(
        r["territory_code"].startswith("15") for r in rows(records, "integrity", territory="15")
    )


def test_bbox_finds_records_by_their_own_point_or_their_territory(records):
    parish_box = (-66.9, 10.4, -66.8, 10.5)  # Antímano: C-004 and CLAP-02 have no point of their own
    assert codes(records, "cases", bbox=parish_box) == ["C-004"]
    assert codes(records, "claps", bbox=parish_box) == ["CLAP-02"]
    assert codes(records, "cases", bbox=(-67.0, 10.4, -66.98, 10.42)) == ["C-001", "C-002"]
    assert codes(records, "projects", bbox=(-67.0, 10.4, -66.95, 10.45)) == ["P-001", "P-002"]  # P-002 sits on its commune
