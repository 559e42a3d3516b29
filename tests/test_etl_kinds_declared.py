"""Every load kind is one complete declaration, registered in etl.kinds, and resolve/merge/load read from it."""

from __future__ import annotations

import pytest

from etl import merge, resolve
from etl.kinds import KINDS, SPECS, TERRITORY_KINDS, KindSpec
from geodata.models import Base

TABLES = Base.metadata.tables


def test_every_kind_is_declared_once():
    assert list(SPECS) == list(KINDS)
    assert len(set(KINDS)) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_declaration_is_complete(kind):
    spec: KindSpec = SPECS[kind]
    assert spec.kind == kind and spec.label and spec.geometry in ("polygon", "area", "point", "none")
    names = spec.names
    assert len(set(names)) == len(names), "a field declared twice"
    assert all(f.aliases for f in spec.fields), "a field no header can name"
    assert any(f.required for f in spec.fields)
    # The tables it writes and points to exist, and a load of it writes at least one.
    assert spec.writes, "a kind that writes nothing"
    for table in spec.writes + spec.points_to:
        assert table in TABLES, table
    assert not set(spec.writes) & set(spec.points_to), "a table both written and only read"
    # Each reference is a declared field that names a table the kind points to.
    for ref in spec.references:
        assert ref.field in names, ref.field
        assert ref.table in spec.points_to, ref.table
        assert ref.required == spec.field(ref.field).required
    if spec.territory_refs:
        assert "territory" in spec.points_to
    # It merges: by its declaration, or by a merge of its own in etl.merge.
    if kind in TERRITORY_KINDS:
        assert spec.writes == ("territory",) and spec.merge is None
    elif spec.merge is not None:
        assert spec.merge.table in spec.writes
        assert spec.merge.always <= set(spec.merge.columns)
        assert set(spec.merge.key) <= set(spec.merge.columns)
        table = TABLES[spec.merge.table]
        assert set(spec.merge.columns) <= set(table.columns.keys())
        assert kind not in merge.OWN_MERGES
    else:
        assert kind in merge.OWN_MERGES, f"{kind}: no merge declared"


@pytest.mark.parametrize("kind", KINDS)
def test_references_resolve_to_sql(kind):
    cols, joins, reasons = resolve.resolve_sql(SPECS[kind])
    for ref in SPECS[kind].references:
        assert f"{ref.alias}.id AS {ref.id_column}" in cols
        assert f"LEFT JOIN {ref.table} {ref.alias}" in joins
        assert any(field == ref.field for _, field in reasons)
    assert all(r.startswith("WHEN ") and " THEN " in r for r, _ in reasons)
