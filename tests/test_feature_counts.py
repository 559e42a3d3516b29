"""The cheap row tests of the layers (`layers.features.rows_only`: no attributes, no order)
say what the layers' full queries say, for every layer of the registry, on the demo:
what the download control offers, and when an export becomes a job."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.access import Scope
from layers.features import count_at_most, count_features, has_features, layers_with_features
from layers.jobs import needs_job
from layers.registry import LayerParams, list_layers

# The country; a state; a municipality; a parish-sized subtree with a short period (some
# layers are empty there); a director's view of their own state.
PARAMS = [
    LayerParams(),
    LayerParams(territory="15"),
    LayerParams(territory="0101"),
    LayerParams(territory="010101", date_from=dt.date.today() - dt.timedelta(days=3), date_to=dt.date.today()),
    LayerParams(scope=Scope(role="director", territory_code="15", territory_path="/15/")),
]


@pytest.mark.parametrize("params", PARAMS, ids=["country", "state", "municipality", "parish-3-days", "director"])
def test_row_tests_agree_with_full_counts(demo_engine, params):
    with demo_engine.connect() as conn:
        full = {layer.id: count_features(conn, layer, params) for layer in list_layers()}
        assert any(full.values())
        if params.territory:
            assert not all(full.values())  # below the country some layer is empty (a state has no states)
        for layer in list_layers():
            n = full[layer.id]
            assert has_features(conn, layer, params) is (n > 0), layer.id
            for most in (1, 7, n, n + 1):
                assert count_at_most(conn, layer, params, most) == min(n, most), (layer.id, most)
        offered = [layer.id for layer in layers_with_features(conn, params)]
        assert offered == [layer_id for layer_id, n in full.items() if n > 0]


def test_an_export_is_a_job_beyond_the_threshold(demo_engine):
    with demo_engine.connect() as conn:
        params = LayerParams(territory="0101")
        n = count_features(conn, "cases", params)
        assert n > 2
        assert needs_job(conn, "cases", "geojson", params, n - 1) is True
        assert needs_job(conn, "cases", "geojson", params, n) is False
        assert needs_job(conn, "cases", "xlsx", params, n) is True  # a slow format always is
