"""Territorial integrity: each kind of defect is found, measured and mapped; a clean tree has none."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import text

from geodata.integrity import IntegrityError, run_check
from geodata.territory import rebuild_paths
from tests.factories import add_territory

BOX = "SRID=4326;MULTIPOLYGON((({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0})))"


def box(x0, y0, x1, y1) -> str:
    return BOX.format(x0=x0, y0=y0, x1=x1, y1=y1)


def clean_tree(conn) -> None:
    """Two states side by side; one is tiled by two municipalities, tiled in turn by parishes."""
    add_territory(conn, "state", "01", "Estado Uno", geom=box(0, 0, 1, 1))
    add_territory(conn, "state", "02", "Estado Dos", geom=box(1, 0, 2, 1))
    add_territory(conn, "municipality", "0101", "Municipio A", "01", geom=box(0, 0, 0.5, 1))
    add_territory(conn, "municipality", "0102", "Municipio B", "01", geom=box(0.5, 0, 1, 1))
    add_territory(conn, "parish", "010101", "Parroquia A1", "0101", geom=box(0, 0, 0.5, 0.5))
    add_territory(conn, "parish", "010102", "Parroquia A2", "0101", geom=box(0, 0.5, 0.5, 1))
    add_territory(conn, "parish", "010201", "Parroquia B1", "0102", geom=box(0.5, 0, 1, 1))
    add_territory(conn, "circuit", "0101C01", "Circuito A", "0101")
    # Communes and councils need not cover their parent.
    add_territory(conn, "commune", "01010101", "Comuna A1a", "010101", geom=box(0, 0, 0.2, 0.2))
    add_territory(conn, "council", "0101010101", "CC Uno", "01010101", geom=box(0, 0, 0.1, 0.1))
    add_territory(conn, "council", "0101010102", "CC Dos", "01010101", geom=box(0.1, 0, 0.2, 0.1))
    add_territory(conn, "council", "CC-LIBRE-7", "CC sin patrón", "010101", geom=box(0.3, 0.3, 0.4, 0.4))
    rebuild_paths(conn)


def stored(conn):
    return conn.execute(
        text("SELECT kind, level, territory_code, other_code, measure, GeometryType(geom) AS gtype FROM integrity_issue ORDER BY id")
    ).all()


def test_clean_tree_has_no_issues(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        report = run_check(conn)
    assert report.clean
    assert report.territories_checked == 12
    assert set(report.counts.values()) == {0}
    with engine.connect() as conn:
        assert stored(conn) == []


def test_child_outside_its_parent(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        # A quarter of CC Uno sticks out of its commune to the south.
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '0101010101'"), {"g": box(0, -0.025, 0.1, 0.075)})
        report = run_check(conn)
        rows = stored(conn)
    kinds = report.counts
    assert kinds["outside_parent"] == 1 and sum(kinds.values()) == 1
    issue = report.issues[0]
    assert (issue.level, issue.territory_code, issue.other_code) == ("council", "0101010101", "01010101")
    assert issue.measure == pytest.approx(0.25)
    assert issue.area_km2 == pytest.approx(0.1 * 0.025 * 111.32**2, rel=0.02)
    assert rows[0].gtype in ("POLYGON", "MULTIPOLYGON")


def test_small_excess_is_within_tolerance(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        # 0.5 % outside: digitising noise, not a defect.
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '0101010101'"), {"g": box(0, -0.0005, 0.1, 0.0995)})
        assert run_check(conn).clean


def test_overlapping_siblings(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        # CC Dos reaches 0.02 into CC Uno: 20 % of the smaller one.
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '0101010102'"), {"g": box(0.08, 0, 0.2, 0.1)})
        report = run_check(conn)
        gtype = conn.execute(text("SELECT GeometryType(geom) FROM integrity_issue")).scalar_one()
    assert report.counts["overlap"] == 1 and len(report.issues) == 1
    issue = report.issues[0]
    assert {issue.territory_code, issue.other_code} == {"0101010101", "0101010102"}
    assert issue.measure == pytest.approx(0.2)
    assert gtype in ("POLYGON", "MULTIPOLYGON")


def test_gap_between_parishes(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        # Parroquia A2 shrinks to half its height: a quarter of Municipio A is nobody's.
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '010102'"), {"g": box(0, 0.5, 0.5, 0.75)})
        report = run_check(conn)
        area = conn.execute(text("SELECT ST_Area(geom) FROM integrity_issue")).scalar_one()
    assert report.counts["gap"] == 1 and len(report.issues) == 1
    issue = report.issues[0]
    assert (issue.kind, issue.level, issue.territory_code) == ("gap", "parish", "0101")
    assert issue.measure == pytest.approx(0.25)
    assert area == pytest.approx(0.125)


def test_communes_need_not_cover_their_parish(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        report = run_check(conn, level="commune")
    assert report.clean


def test_codes_that_disagree_with_the_parent(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        conn.execute(text("UPDATE territory SET code = '020201' WHERE code = '010201'"))
        conn.execute(text("UPDATE territory SET code = 'B' WHERE code = '0102'"))
        conn.execute(text("UPDATE territory SET code = '0201010102' WHERE code = '0101010102'"))
        report = run_check(conn)
    found = {(i.territory_code, i.other_code) for i in report.issues}
    assert report.counts["code_mismatch"] == 3 and len(report.issues) == 3
    assert found == {("020201", "B"), ("B", "01"), ("0201010102", "01010101")}
    details = {i.territory_code: i.detail for i in report.issues}
    assert "4 dígitos" in details["B"]
    assert "debería empezar por 01010101" in details["0201010102"]


def test_parish_under_the_wrong_level(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        conn.execute(text("UPDATE territory SET parent_id = (SELECT id FROM territory WHERE code = '01') WHERE code = '010201'"))
        rebuild_paths(conn)
        report = run_check(conn, level="parish")
    mismatched = [i for i in report.issues if i.kind == "code_mismatch"]
    assert [(i.territory_code, i.other_code) for i in mismatched] == [("010201", "01")]
    assert "debe ser un municipio" in mismatched[0].detail


def test_missing_and_invalid_geometry(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        add_territory(conn, "commune", "01010102", "Comuna sin límite", "010101")
        bowtie = "SRID=4326;MULTIPOLYGON(((0.12 0.12,0.18 0.18,0.18 0.12,0.12 0.18,0.12 0.12)))"
        add_territory(conn, "council", "0101010103", "CC Torcido", "01010101", geom=bowtie)
        report = run_check(conn)
        location = conn.execute(text("SELECT GeometryType(geom) FROM integrity_issue WHERE kind = 'invalid_geometry'")).scalar_one()
    assert report.counts["missing_geometry"] == 1
    assert report.counts["invalid_geometry"] == 1
    assert len(report.issues) == 2  # the invalid one is kept out of the overlay checks
    invalid = next(i for i in report.issues if i.kind == "invalid_geometry")
    assert invalid.territory_code == "0101010103" and "intersection" in invalid.detail.lower()
    assert location == "POINT"


def test_each_run_replaces_what_it_covers(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '0101010102'"), {"g": box(0.08, 0, 0.2, 0.1)})
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '010102'"), {"g": box(0, 0.5, 0.5, 0.75)})
        assert len(run_check(conn).issues) == 2
        assert len(run_check(conn).issues) == 2
        assert conn.execute(text("SELECT count(*) FROM integrity_issue")).scalar_one() == 2
        # Fix the overlap, check only the councils: the gap found before stays on the map.
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '0101010102'"), {"g": box(0.1, 0, 0.2, 0.1)})
        assert run_check(conn, level="council").clean
        assert [row.kind for row in stored(conn)] == ["gap"]
        # A subtree check elsewhere leaves it alone too; one covering it replaces it.
        assert run_check(conn, territory="02").clean
        assert [row.kind for row in stored(conn)] == ["gap"]
        assert len(run_check(conn, territory="0101").issues) == 1


def test_unknown_level_or_territory(engine):
    with engine.begin() as conn:
        clean_tree(conn)
        with pytest.raises(IntegrityError, match="nivel desconocido"):
            run_check(conn, level="barrio")
        with pytest.raises(IntegrityError, match="no existe el territorio"):
            run_check(conn, territory="99")


def _sala(cli_env, *args):
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args], env=cli_env, capture_output=True, text=True, timeout=120
    )


def test_cli_reports_in_json_and_in_spanish(engine, cli_env):
    with engine.begin() as conn:
        clean_tree(conn)
        conn.execute(text("UPDATE territory SET geom = :g WHERE code = '0101010101'"), {"g": box(0, -0.025, 0.1, 0.075)})
    result = _sala(cli_env, "check", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["counts"]["outside_parent"] == 1 and payload["total"] == 1
    assert payload["issues"][0]["territory_code"] == "0101010101"

    human = _sala(cli_env, "check")
    assert human.returncode == 0, human.stderr
    assert "Fuera de su territorio superior" in human.stdout and "0101010101" in human.stdout

    strict = _sala(cli_env, "check", "--fail-on-issues", "--level", "council")
    assert strict.returncode == 1
    assert _sala(cli_env, "check", "--fail-on-issues", "--level", "parish").returncode == 0

    bad = _sala(cli_env, "check", "--territory", "99")
    assert bad.returncode == 2 and "no existe el territorio" in bad.stderr
