import pytest

from geodata import territory
from tests.factories import small_tree


@pytest.fixture
def tree(engine):
    with engine.begin() as conn:
        small_tree(conn)
    with engine.connect() as conn:
        yield conn


def test_paths_are_built_from_parents(tree):
    council = territory.resolve(tree, "0101010101")
    assert council.path == "/01/0101/010101/01010101/0101010101/"
    assert council.depth == 4


def test_children_of_country_are_states(tree):
    assert [n.code for n in territory.children(tree, None)] == ["01", "15"]


def test_children_of_a_parish_are_its_communes_and_loose_councils(tree):
    kids = territory.children(tree, "010101")
    assert {(k.level, k.code) for k in kids} == {("commune", "01010101"), ("council", "0101010102")}


def test_circuits_are_listed_apart_from_drilldown(tree):
    assert all(k.level != "circuit" for k in territory.children(tree, "0101"))
    assert [c.code for c in territory.circuits(tree, "0101")] == ["0101C01"]


def test_ancestors_and_breadcrumb(tree):
    assert [a.code for a in territory.ancestors(tree, "0101010101")] == ["01", "0101", "010101", "01010101"]
    assert territory.ancestors(tree, "01") == []
    assert territory.breadcrumb(tree, "0101") == [(None, "Venezuela"), ("01", "Distrito Capital"), ("0101", "Libertador")]


def test_resolve_accepts_iso_and_ocha_codes(tree):
    assert territory.resolve(tree, "VE-A").code == "01"
    assert territory.resolve(tree, "VE0101").code == "0101"
    assert territory.resolve(tree, " 0101 ").code == "0101"
    assert territory.resolve(tree, "9999") is None


def test_subtree_membership(tree):
    assert territory.is_within(tree, "0101010101", "01")
    assert territory.is_within(tree, "0101", "0101")
    assert not territory.is_within(tree, "1501", "01")
    assert not territory.is_within(tree, "01", "0101")


def _statements_of(conn, call):
    """The SQL statements (with their parameters) that `call()` runs on `conn`."""
    from sqlalchemy import event

    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(conn.engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(conn.engine, "before_cursor_execute", record)
    return result, seen


def _plans(conn, statements) -> list[str]:
    from sqlalchemy import text

    plans = []
    with conn.begin_nested():
        # A small test tree would be scanned whatever the indexes: ask whether an index *can* serve it.
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in statements:
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            plans.append("\n".join(r[0] for r in rows))
    return plans


def test_resolve_by_code_is_one_unique_index_lookup(tree):
    node, statements = _statements_of(tree, lambda: territory.resolve(tree, "0101"))
    assert node.code == "0101"
    assert len(statements) == 1
    [plan] = _plans(tree, statements)
    assert "uq_territory_code" in plan or "territory_code_key" in plan, plan
    assert "Seq Scan" not in plan


def test_iso_code_is_a_fallback_served_by_its_own_index(tree):
    node, statements = _statements_of(tree, lambda: territory.resolve(tree, "ve-a"))
    assert node.code == "01"
    assert len(statements) == 2  # the code first, then the ISO code
    plans = _plans(tree, statements)
    assert "ix_territory_upper_iso_code" in plans[1], plans[1]
    assert all("Seq Scan" not in p for p in plans), plans
    assert all(" OR " not in s.upper() for s, _ in statements)


def test_boundary_version_is_a_stamp_that_every_tree_write_bumps(engine):
    from sqlalchemy import text

    from layers.boundaries import boundary_version
    from tests.factories import add_territory, square

    def version():
        with engine.connect() as conn:
            return boundary_version(conn)

    with engine.begin() as conn:
        small_tree(conn)
    seen = [version()]
    with engine.begin() as conn:
        add_territory(conn, "parish", "010103", "Candelaria", "0101", geom=square(-66.8, 10.4, 0.1))
    seen.append(version())
    with engine.begin() as conn:
        conn.execute(text("UPDATE territory SET name = 'Otra' WHERE code = '010103'"))
    seen.append(version())
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM territory WHERE code = '010103'"))
    seen.append(version())
    assert len(set(seen)) == len(seen), seen  # a rename changes it too (the count did not see it)

    # Loads skip ordinary triggers (session_replication_role = replica); this one fires anyway.
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("UPDATE territory SET name = 'Antímano' WHERE code = '010102'"))
    assert version() != seen[-1]
    seen.append(version())

    # Bumped in the writer's transaction: nobody sees the new stamp before the new rows.
    with engine.connect() as writer:
        writer.begin()
        writer.execute(text("UPDATE territory SET name = 'Libertador 2' WHERE code = '0101'"))
        assert version() == seen[-1]
        writer.rollback()
    assert version() == seen[-1]

    # A statement that touches no territory leaves it alone; it reads one row, not the table.
    with engine.connect() as conn:
        conn.execute(text("SELECT 1 FROM territory"))
        plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN SELECT version FROM data_version WHERE name = 'territory'")))
    assert version() == seen[-1]
    assert "on data_version" in plan and "on territory" not in plan, plan


def test_boundary_version_without_its_stamp_row_still_changes(engine):
    from sqlalchemy import text

    from layers.boundaries import boundary_version
    from tests.factories import add_territory, square

    with engine.begin() as conn:
        small_tree(conn)
        conn.execute(text("DELETE FROM data_version"))
        before = boundary_version(conn)
        add_territory(conn, "parish", "010103", "Candelaria", "0101", geom=square(-66.8, 10.4, 0.1))
        assert boundary_version(conn) != before
