"""Worked example (issue #10): adding an indicator is one declaration.

`MEAN_DAYS` below is the whole change a newcomer makes to add «Promedio de días para
resolver» (a ratio of two sums the facts already keep, so no migration): once declared
in the measure spec it is in the territory values (materialised and live paths), and in
the territory layers' indicator fields and features. No other file is touched; the
declaration is withdrawn at teardown.
"""

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import insert

from geodata import indicators as ind
from geodata import measures
from geodata.measures import Indicator, Ratio
from geodata.models import Case
from tests.factories import small_tree, territory_id

TODAY = dt.date(2025, 6, 30)

# The one declaration (in the real code: one more entry in geodata/measures.py).
MEAN_DAYS = Indicator(
    "mean_days_to_resolve", "Promedio de días para resolver", "días", True, ",.1f",
    "Días promedio entre el reporte y la resolución de los casos resueltos en el período",
    value=Ratio("resolve_days_sum", "cases_resolved"), layer="float",
)


@pytest.fixture
def declared():
    measures.declare(MEAN_DAYS)
    yield MEAN_DAYS
    measures.withdraw(MEAN_DAYS.id)


@pytest.fixture
def conn(engine):
    with engine.begin() as c:
        small_tree(c)
        pastora, catuche, acevedo = (territory_id(c, code) for code in ("0101010101", "0101010102", "1501"))
        cases = [
            # code, territory, reported, status, resolved: days to resolve
            ("R1", pastora, dt.date(2025, 3, 1), "resolved", dt.date(2025, 3, 11)),  # 10
            ("R2", pastora, dt.date(2025, 4, 1), "closed", dt.date(2025, 4, 5)),  # 4
            ("R3", catuche, dt.date(2025, 5, 1), "resolved", dt.date(2025, 5, 3)),  # 2
            ("R4", acevedo, dt.date(2025, 5, 1), "resolved", dt.date(2025, 5, 8)),  # 7 (Miranda)
            ("O1", pastora, dt.date(2025, 6, 1), "reported", None),  # open: not counted
            ("X1", catuche, dt.date(2025, 6, 1), "rejected", dt.date(2025, 6, 30)),  # rejected: not counted
        ]
        for code, t, reported, status, resolved in cases:
            c.execute(insert(Case).values(code=code, territory_id=t, reported_date=reported, status=status,
                                          resolved_date=resolved, category="water", area="public_services"))
        ind.refresh(c, today=TODAY)
    with engine.connect() as c:
        yield c


def test_declared_indicator_is_in_the_territory_values(conn, declared):
    assert ind.INDICATORS[MEAN_DAYS.id] is MEAN_DAYS
    states = {r["code"]: r for r in ind.child_values(conn, None, today=TODAY)}  # materialised
    assert states["01"][MEAN_DAYS.id] == pytest.approx((10 + 4 + 2) / 3)
    assert states["15"][MEAN_DAYS.id] == 7
    below_parish = {r["code"]: r for r in ind.child_values(conn, "010101", today=TODAY)}  # summed live
    assert below_parish["01010101"][MEAN_DAYS.id] == pytest.approx((10 + 4) / 2)  # the commune of La Pastora
    assert below_parish["0101010102"][MEAN_DAYS.id] == 2  # Catuche, straight under the parish
    assert ind.summary(conn, "0101", today=TODAY)[MEAN_DAYS.id] == pytest.approx(16 / 3)
    assert ind.summary(conn, None, today=TODAY)[MEAN_DAYS.id] == pytest.approx(23 / 4)
    parishes = ind.level_values(conn, "parish", today=TODAY)
    assert parishes["010101"][MEAN_DAYS.id] == pytest.approx(16 / 3)
    assert parishes["010102"][MEAN_DAYS.id] is None  # no resolved case: no mean
    # Within the period of April only R2 (4 days) was resolved.
    april = ind.Period(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    assert ind.summary(conn, "01", april, today=TODAY)[MEAN_DAYS.id] == 4


def test_declared_indicator_is_a_territory_layer_field(conn, db_url, declared):
    assert (MEAN_DAYS.id, "float") in measures.territory_indicators()
    # The layer catalogue is built when layers.registry is first imported: a fresh
    # process that declares the indicator first (as geodata/measures.py would) and then
    # builds the catalogue shows it as a field of the territory layers, with its value.
    script = textwrap.dedent(
        """
        import json, sys
        from geodata import measures
        from tests.test_worked_example_indicator import MEAN_DAYS
        measures.declare(MEAN_DAYS)
        from geodata.database import make_engine
        from layers.features import features_geojson
        from layers.registry import LayerParams, TERRITORY_INDICATORS, get_layer
        layer = get_layer("parishes")
        field = next(f for f in layer.fields if f.name == MEAN_DAYS.id)
        with make_engine(sys.argv[1]).connect() as conn:
            features = features_geojson(conn, layer, LayerParams())["features"]
        print(json.dumps({
            "in_registry": [list(p) for p in TERRITORY_INDICATORS if p[0] == MEAN_DAYS.id],
            "field": [field.name, field.label, field.type],
            "in_layer_indicators": MEAN_DAYS.id in layer.indicators,
            "values": {f["properties"]["code"]: f["properties"][MEAN_DAYS.id] for f in features},
        }))
        """
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script, db_url], capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["in_registry"] == [[MEAN_DAYS.id, "float"]]
    assert out["field"] == [MEAN_DAYS.id, "Promedio de días para resolver", "float"]
    assert out["in_layer_indicators"] is True
    assert out["values"]["010101"] == pytest.approx(16 / 3)
    assert out["values"]["010102"] is None


def test_withdrawn_at_teardown():
    assert MEAN_DAYS.id not in ind.INDICATORS
