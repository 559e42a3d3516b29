"""Coverage simplification of display geometry: neighbours still meet after simplifying."""

from __future__ import annotations

import math
import random

import pytest
import shapely
from shapely.geometry import Polygon
from sqlalchemy import text

from geodata.generalise import GeneraliseError, node_coverage, simplify_geometries, simplify_level
from tests.factories import add_territory, small_tree

CELL = 0.5
GRID = 4
AMPLITUDE = 0.004  # jags smaller than the tolerance, so simplifying removes them


def _jagged_edge(p, q, steps=40):
    """A wiggly border between two grid nodes, the same whichever side asks for it."""
    a, b = sorted([p, q])
    rng = random.Random(f"{a}{b}")
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    on_outline = (a[0] == b[0] and a[0] in (0, GRID * CELL)) or (a[1] == b[1] and a[1] in (0, GRID * CELL))
    points = [a]
    for i in range(1, steps):
        t = i / steps
        offset = 0.0 if on_outline else rng.uniform(-AMPLITUDE, AMPLITUDE)
        points.append((a[0] + dx * t + nx * offset, a[1] + dy * t + ny * offset))
    points.append(b)
    return points if (p, q) == (a, b) else points[::-1]


def jagged_grid() -> list[Polygon]:
    cells = []
    for i in range(GRID):
        for j in range(GRID):
            corners = [(i * CELL, j * CELL), ((i + 1) * CELL, j * CELL), ((i + 1) * CELL, (j + 1) * CELL), (i * CELL, (j + 1) * CELL)]
            ring = []
            for k in range(4):
                ring.extend(_jagged_edge(corners[k], corners[(k + 1) % 4])[:-1])
            cells.append(Polygon(ring))
    return cells


def _load_states(conn, cells):
    for n, cell in enumerate(cells, start=1):
        add_territory(conn, "state", f"{n:02d}", f"Estado {n}", geom="SRID=4326;" + shapely.to_wkt(shapely.MultiPolygon([cell])))


def _display(conn, level="state"):
    rows = conn.execute(
        text("SELECT code, ST_AsBinary(geom_display), GeometryType(geom_display) FROM territory WHERE level = :l ORDER BY code"),
        {"l": level},
    ).all()
    return rows


def test_simplifies_a_level_as_a_coverage(engine):
    cells = jagged_grid()
    assert shapely.coverage_is_valid(cells)
    with engine.begin() as conn:
        _load_states(conn, cells)
        written = simplify_level(conn, "state", tolerance=0.02)
    assert written == GRID * GRID
    with engine.connect() as conn:
        rows = _display(conn)
        before = conn.execute(text("SELECT sum(ST_NPoints(geom)) FROM territory")).scalar()
        after = conn.execute(text("SELECT sum(ST_NPoints(geom_display)) FROM territory")).scalar()
        overlap, union_area = conn.execute(
            text("SELECT sum(ST_Area(geom_display)) - ST_Area(ST_Union(geom_display)), ST_Area(ST_Union(geom_display)) FROM territory")
        ).one()
    assert {row[2] for row in rows} == {"MULTIPOLYGON"}
    assert after < before / 5
    simplified = [shapely.from_wkb(bytes(row[1])) for row in rows]
    assert shapely.coverage_is_valid(simplified)
    # No overlaps and no gaps: the pieces add up to exactly the outline they tile.
    assert abs(overlap) < 1e-9
    assert union_area == pytest.approx((GRID * CELL) ** 2, rel=1e-9)
    outline = shapely.union_all(simplified)
    assert outline.geom_type == "Polygon" and len(outline.interiors) == 0


def _with_t_junctions(cells):
    """Every other cell gains a vertex in the middle of each edge: borders no longer match."""
    out = []
    for n, cell in enumerate(cells):
        if n % 2:
            coords = list(cell.exterior.coords)
            ring = []
            for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
                ring += [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2)]
            cell = Polygon(ring)
        out.append(cell)
    return out


def test_unmatched_borders_are_noded_before_simplifying():
    cells = _with_t_junctions(jagged_grid())
    assert not shapely.coverage_is_valid(cells)
    noded = node_coverage(cells)
    assert shapely.coverage_is_valid(noded)
    assert shapely.area(noded) == pytest.approx(shapely.area(cells), rel=1e-8)  # moved by at most the 1e-9 noding grid
    simplified = simplify_geometries(cells, 0.02)
    assert shapely.coverage_is_valid(simplified)
    outline = shapely.union_all(simplified)
    assert outline.geom_type == "Polygon" and len(outline.interiors) == 0


def test_overlapping_input_keeps_its_own_edges():
    a, b = shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)
    noded = node_coverage([a, b])
    assert noded[0].equals(a) and noded[1].equals(b)


def test_only_the_level_asked_for_and_clears_missing_geometry(engine):
    with engine.begin() as conn:
        small_tree(conn)
        conn.execute(text("UPDATE territory SET geom_display = (SELECT geom FROM territory WHERE code = '0101') WHERE code = '0101C01'"))
        parishes = simplify_level(conn, "parish")
        circuits = simplify_level(conn, "circuit")
        rows = dict(conn.execute(text("SELECT code, geom_display IS NOT NULL FROM territory")).all())
    assert parishes == 2
    assert circuits == 1  # the circuit has no boundary: its stale display geometry is cleared
    assert rows["010101"] and rows["010102"]
    assert not rows["0101C01"]
    assert not rows["01"] and not rows["0101"]


def test_rerun_is_stable(engine):
    with engine.begin() as conn:
        _load_states(conn, jagged_grid())
        simplify_level(conn, "state", tolerance=0.02)
        first = conn.execute(text("SELECT array_agg(ST_AsEWKT(geom_display) ORDER BY code) FROM territory")).scalar()
        simplify_level(conn, "state", tolerance=0.02)
        second = conn.execute(text("SELECT array_agg(ST_AsEWKT(geom_display) ORDER BY code) FROM territory")).scalar()
    assert first == second


def test_thin_territory_does_not_vanish(engine):
    sliver = "SRID=4326;MULTIPOLYGON(((0 0,1 0,1 0.0001,0 0.0001,0 0)))"
    with engine.begin() as conn:
        add_territory(conn, "state", "01", "Delgado", geom=sliver)
        assert simplify_level(conn, "state", tolerance=0.01) == 1
        valid, area, kind = conn.execute(
            text("SELECT ST_IsValid(geom_display), ST_Area(geom_display), GeometryType(geom_display) FROM territory")
        ).one()
    assert valid and area > 0 and kind == "MULTIPOLYGON"


def test_unusable_result_falls_back_to_the_original(monkeypatch):
    square = shapely.box(0, 0, 1, 1)
    bowtie = shapely.from_wkt("POLYGON((0 0,1 1,1 0,0 1,0 0))")
    monkeypatch.setattr(shapely, "coverage_simplify", lambda geoms, tol, simplify_boundary: [bowtie, shapely.Polygon(), square])
    originals = [shapely.box(0, 0, 2, 2), shapely.box(2, 0, 3, 1), shapely.box(5, 5, 6, 6)]
    result = simplify_geometries(originals, 0.1)
    assert result[0].equals(originals[0]) and result[1].equals(originals[1])
    assert result[2].equals(square)


def test_unknown_level_is_refused(engine):
    with engine.begin() as conn, pytest.raises(GeneraliseError, match="unknown level"):
        simplify_level(conn, "barrio")
