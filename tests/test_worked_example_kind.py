"""Worked example (#10): a new load kind is one declaration, plus the migration of its table.

The kind here, `water-tank` (a communal council's water tank), is declared by the one
`KindSpec` below and registered for this test only; its table is created by the test
with SQLAlchemy metadata, standing for the migration. Nothing else in the code base
knows it: the loader reads the CSV's Spanish headers by the declared aliases, resolves
the council by its code, keeps the row whose council does not exist as a reject with the
declared reason, and a second load of the same file changes nothing.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from etl.kinds import KINDS, SPECS, register, unregister
from etl.load import load_file
from etl.names import CODE_ALIASES, NAME_ALIASES
from etl.spec import Field, KindSpec, Merge, Reference
from tests.etl_builders import rows, with_tree, write_csv

# --- the one declaration --------------------------------------------------------------------------

WATER_TANK = KindSpec(
    "water-tank",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("cod_tanque",), max_length=40),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_tanque",), max_length=200),
        Field("council_code", required=True, aliases=("council_code", "cod_consejo", "consejo_comunal")),
        Field("capacity_m3", "decimal", aliases=("capacity_m3", "capacidad_m3", "capacidad"), minimum=0),
    ),
    "none",
    "tanque de agua",
    writes=("water_tank",),
    points_to=("territory",),
    references=(Reference("council_code", "territory", "cc", "council_id", "el consejo comunal", level="council"),),
    merge=Merge(
        "water_tank",
        "(code)",
        {"code": "r.code", "name": "r.name", "council_id": "r.council_id", "capacity_m3": "r.capacity_m3"},
        frozenset({"name", "council_id"}),
    ),
)


# --- "the migration" ------------------------------------------------------------------------------


def _water_tank_table(metadata: sa.MetaData) -> sa.Table:
    sa.Table("territory", metadata, sa.Column("id", sa.BigInteger, primary_key=True))  # what it references
    return sa.Table(
        "water_tank",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("council_id", sa.BigInteger, sa.ForeignKey("territory.id"), nullable=False),
        sa.Column("capacity_m3", sa.Numeric),
        sa.Column("is_demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("load_run_id", sa.BigInteger),
    )


@pytest.fixture
def water_tanks(engine):
    with_tree(engine)
    table = _water_tank_table(sa.MetaData())
    table.create(engine)
    register(WATER_TANK)
    yield engine
    unregister(WATER_TANK.kind)
    table.drop(engine)


def test_a_new_kind_is_one_declaration(water_tanks, tmp_path):
    assert "water-tank" in SPECS and "water-tank" not in KINDS  # registered, not shipped
    path = write_csv(
        tmp_path / "tanques.csv",
        ["Código", "Nombre", "Cod_Consejo", "Capacidad (m3)"],
        [["TQ-1", "Tanque La Pastora", "0101010101", "50"], ["TQ-2", "Tanque perdido", "0199999999", "20"]],
    )

    first = load_file(water_tanks, "water-tank", path)
    assert (first.inserted, first.updated, first.unchanged, first.rejected) == (1, 0, 0, 1)
    assert [(r["row"], r["field"], r["reason"]) for r in first.rejects] == [
        (2, "council_code", "el consejo comunal «0199999999» no existe")]
    merged = "SELECT w.code, w.name, t.code, w.capacity_m3, w.load_run_id FROM water_tank w JOIN territory t ON t.id = w.council_id"
    assert rows(water_tanks, merged) == [("TQ-1", "Tanque La Pastora", "0101010101", 50, first.run_id)]
    kept = "SELECT row_number, field, reason, raw ->> 'council_code' FROM etl_reject WHERE run_id = :run"
    assert rows(water_tanks, kept, run=first.run_id) == [
        (2, "council_code", "el consejo comunal «0199999999» no existe", "0199999999")]

    again = load_file(water_tanks, "water-tank", path)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 1, 1)
    assert rows(water_tanks, merged) == [("TQ-1", "Tanque La Pastora", "0101010101", 50, first.run_id)]  # untouched
    assert rows(water_tanks, "SELECT status, inserted, updated, unchanged, rejected FROM etl_run ORDER BY id") == [
        ("loaded", 1, 0, 0, 1), ("loaded", 0, 0, 1, 1)]
