"""The registry on the demo data set: every layer of a state agrees with plain counts of the tables."""

from __future__ import annotations

import pyogrio
import pytest
from sqlalchemy import text

from layers.exports import export_layer
from layers.features import count_features, features_frame
from layers.registry import LayerParams, list_layers
from layers.tiles import render_tile

DIRECT = {
    "cases": "SELECT count(*) FROM case_report r JOIN territory t ON t.id = r.territory_id WHERE t.path LIKE :p",
    "projects": "SELECT count(*) FROM project r JOIN territory t ON t.id = r.territory_id WHERE t.path LIKE :p",
    "claps": "SELECT count(*) FROM clap r JOIN territory t ON t.id = r.territory_id WHERE t.path LIKE :p",
    "agreements": "SELECT count(*) FROM agreement r JOIN territory t ON t.id = r.municipality_id WHERE t.path LIKE :p",
    "councils": "SELECT count(*) FROM territory t WHERE t.level = 'council' AND t.path LIKE :p",
    "communes": "SELECT count(*) FROM territory t WHERE t.level = 'commune' AND t.path LIKE :p",
    "parishes": "SELECT count(*) FROM territory t WHERE t.level = 'parish' AND t.path LIKE :p",
}


@pytest.fixture(scope="module")
def state(demo_engine):
    with demo_engine.connect() as conn:
        return conn.execute(
            text("SELECT t.code, t.path FROM territory t JOIN case_report c ON c.territory_id IN "
                 "(SELECT id FROM territory s WHERE s.path LIKE t.path || '%') WHERE t.level = 'state' "
                 "GROUP BY t.code, t.path ORDER BY count(*) DESC LIMIT 1")
        ).one()


def test_layer_counts_match_the_tables(demo_engine, state):
    with demo_engine.connect() as conn:
        for layer_id, sql in DIRECT.items():
            expected = conn.execute(text(sql), {"p": state.path + "%"}).scalar_one()
            assert count_features(conn, layer_id, LayerParams(territory=state.code)) == expected, layer_id
        assert count_features(conn, "cases", LayerParams(territory=state.code)) > 0


def test_state_indicators_add_up(demo_engine, state):
    with demo_engine.connect() as conn:
        states = features_frame(conn, "states", LayerParams()).set_index("code")
        cases = conn.execute(text("SELECT count(*) FROM case_report")).scalar_one()
        assert int(states["cases_reported"].sum()) == cases
        open_cases = count_features(conn, "cases", LayerParams(territory=state.code, filters={"status": ["reported", "assigned", "in_progress"]}))
        assert int(states.loc[state.code, "cases_open"]) == open_cases


def test_every_layer_exports_and_tiles_on_the_demo(demo_engine, state, tmp_path):
    with demo_engine.connect() as conn:
        for layer in list_layers():
            params = LayerParams(territory=state.code)
            n = count_features(conn, layer, params)
            path = tmp_path / f"{layer.id}.gpkg"
            export_layer(conn, layer, params, "gpkg", path)
            assert pyogrio.read_info(path)["features"] == n, layer.id
        assert render_tile(conn, "states", 0, 0, 0)
