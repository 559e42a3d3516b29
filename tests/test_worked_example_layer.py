"""Worked example (issue #10): a new layer is ONE declaration.

The layer below — projects with their budget, filtered by a minimum budget — is declared
once, here, from column specs (name, Spanish label, type, SQL), on the existing `projects`
table, and registered by the test alone. Without touching any other file it is listed,
exported (GeoJSON, CSV), served as a vector tile and through the OGC API items, on the
session's PostGIS. It is unregistered at teardown so no other test sees it.
"""

from __future__ import annotations

import csv
import json
import math

import mapbox_vector_tile
import pytest
from flask import Flask
from sqlalchemy import Float, cast

from geodata.models import Project
from layers.exports import export_layer
from layers.registry import (
    Column,
    FilterDef,
    LayerParams,
    Style,
    list_layers,
    record_layer,
    register,
    territory_tail,
    unregister,
    where_at_least,
)
from layers.web import register as register_routes
from tests.layers_records import add_records

LAYER_ID = "worked_budgeted_projects"


def budgeted_projects():
    # ---- the one declaration -------------------------------------------------------
    columns = (
        Column("code", "Código del proyecto", "str", lambda q: Project.code),
        Column("name", "Proyecto", "str", lambda q: Project.name),
        Column("budget", "Presupuesto (Bs.)", "float", lambda q: cast(Project.budget, Float)),
        *territory_tail(located=True),
    )
    return record_layer(
        id=LAYER_ID,
        title="Proyectos con presupuesto",
        model=Project,
        columns=columns,
        period=lambda q: Project.start_date,
        conditions=(where_at_least("min_budget", lambda q: Project.budget),),
        order_by=lambda q: (Project.code,),
        style=Style(color="#2171b5", single_label="Proyecto con presupuesto", marker="s"),
        popup=("name", "budget", "territory_name"),
        filters=(FilterDef("min_budget", "Presupuesto mínimo (Bs.)"),),
        description="Proyectos con su presupuesto; el filtro deja los de al menos ese monto.",
        date_field="updated_on",
        period_field="start_date",
    )
    # ---------------------------------------------------------------------------------


@pytest.fixture
def worked_layer():
    layer = register(budgeted_projects())
    try:
        yield layer
    finally:
        unregister(LAYER_ID)


@pytest.fixture
def records(engine):
    with engine.begin() as conn:
        add_records(conn)
    return engine


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def test_the_declared_layer_is_listed_exported_tiled_and_in_the_ogc_api(worked_layer, records, tmp_path):
    # Listed, with its fields (labels and types) taken from the column specs.
    assert LAYER_ID in [layer.id for layer in list_layers()]
    assert worked_layer.field_names == ["code", "name", "budget", "territory_code", "territory_name",
                                        "location_source", "is_demo", "updated_on"]
    assert worked_layer.field("budget").label == "Presupuesto (Bs.)"

    # Exported: GeoJSON and CSV, the filter applied (P-001 has 50 000, M-P01 10 000).
    params = LayerParams(filters={"min_budget": ["60000"]})
    with records.connect() as conn:
        export_layer(conn, LAYER_ID, params, "geojson", tmp_path / "p.geojson")
        export_layer(conn, LAYER_ID, params, "csv", tmp_path / "p.csv", labels="es")
    features = json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["code"] for f in features) == ["P-002", "P-003"]
    assert {f["properties"]["code"]: f["properties"]["budget"] for f in features} == {"P-002": 120000.5, "P-003": 80000.0}
    with open(tmp_path / "p.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["Código del proyecto", "Proyecto", "Presupuesto (Bs.)"]
    assert sorted(r[0] for r in rows[1:]) == ["P-002", "P-003"]

    server = Flask("worked-example")
    register_routes(server, lambda: records)
    client = server.test_client()

    # Served as a vector tile: P-003 stands at its own point.
    z, x, y = tile_of(-66.965, 10.455, 12)
    response = client.get(f"/tiles/{LAYER_ID}/{z}/{x}/{y}.pbf")
    assert response.status_code == 200, response.data
    tile = mapbox_vector_tile.decode(response.data)
    props = {f["properties"]["code"]: f["properties"] for f in tile[LAYER_ID]["features"]}
    assert props["P-003"]["budget"] == 80000.0 and props["P-003"]["name"].startswith("Proyecto P-003")

    # And in the OGC API: a collection, its items filtered, a bad filter value a 400.
    collections = client.get("/ogc/collections").get_json()["collections"]
    assert LAYER_ID in [c["id"] for c in collections]
    items = client.get(f"/ogc/collections/{LAYER_ID}/items?min_budget=100000").get_json()
    assert [f["properties"]["code"] for f in items["features"]] == ["P-002"]
    assert client.get(f"/ogc/collections/{LAYER_ID}/items?min_budget=mucho").status_code == 400


def test_the_worked_layer_is_gone_after_its_test():
    assert LAYER_ID not in [layer.id for layer in list_layers()]
