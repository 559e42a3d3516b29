"""Partitions of polygons: seed points inside parents, Voronoi cells clipped to them.

Everything is vectorised over shapely 2 arrays; the only Python loop is one
`voronoi_polygons` call per parent, which is cheap (a dozen points each on average).
Cells of one parent share their edges exactly (GEOS computes each Voronoi edge once),
so the children tile their parent with no overlaps and no gaps.
"""

from __future__ import annotations

import numpy as np
import shapely

# Seeds closer than this (degrees, ~1 m) would give degenerate cells.
_MIN_SEED_SPACING = 1e-5


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Each geometry as a valid MultiPolygon: collections flattened, lines and points dropped."""
    geoms = np.asarray(geoms, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    parts, owner = shapely.get_parts(geoms, return_index=True)
    # get_parts opens one level: a collection may hold multipolygons, so open until flat.
    while True:
        kinds = shapely.get_type_id(parts)
        nested = (kinds == 6) | (kinds == 7)
        if not nested.any():
            break
        inner, inner_owner = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        owner = np.concatenate([owner[~nested], owner[nested][inner_owner]])
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)
    parts, owner = parts[keep], owner[keep]
    order = np.argsort(owner, kind="stable")
    result = shapely.multipolygons(parts[order], indices=owner[order])
    if len(result) != len(geoms):
        # A geometry that lost every polygonal part; callers place seeds inside, so it
        # means a broken parent, which must not pass silently.
        raise ValueError(f"{len(geoms) - len(result)} cell(s) have no polygonal part left")
    return result


def sample_points(
    parents: np.ndarray,
    counts: np.ndarray,
    rng: np.random.Generator,
    centres: np.ndarray | None = None,
    spreads: np.ndarray | None = None,
    clustered: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`counts[i]` random points inside `parents[i]`: returns x, y and the parent index.

    With `centres` (n, 2) and `spreads` (n,), a share `clustered` of the tries is drawn
    from a normal around the centre (an urban core) and the rest uniformly in the
    parent's bounds, so partitions seeded by these points are fine near the centre and
    coarse far from it.
    """
    parents = np.asarray(parents, dtype=object)
    counts = np.asarray(counts, dtype=np.int64)
    shapely.prepare(parents)
    bounds = shapely.bounds(parents)
    owner = np.repeat(np.arange(len(parents)), counts)
    x = np.full(len(owner), np.nan)
    y = np.full(len(owner), np.nan)
    pending = np.arange(len(owner))
    for attempt in range(200):
        if not len(pending):
            break
        own = owner[pending]
        b = bounds[own]
        cx = b[:, 0] + rng.random(len(pending)) * (b[:, 2] - b[:, 0])
        cy = b[:, 1] + rng.random(len(pending)) * (b[:, 3] - b[:, 1])
        if centres is not None and clustered > 0 and attempt < 150:
            near = rng.random(len(pending)) < clustered
            s = spreads[own[near]]
            cx[near] = centres[own[near], 0] + rng.normal(size=near.sum()) * s
            cy[near] = centres[own[near], 1] + rng.normal(size=near.sum()) * s
        inside = shapely.contains_xy(parents[own], cx, cy)
        x[pending[inside]] = cx[inside]
        y[pending[inside]] = cy[inside]
        pending = pending[~inside]
    if len(pending):
        # Thin slivers of parents that random tries keep missing: a point on the surface,
        # nudged apart so that several seeds in one parent stay distinct.
        surface = shapely.get_coordinates(shapely.point_on_surface(parents[owner[pending]]))
        x[pending] = surface[:, 0] + np.arange(len(pending)) * 1e-6
        y[pending] = surface[:, 1]
    return x, y, owner


def voronoi_partition(parents: np.ndarray, x: np.ndarray, y: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """The cells of seeds (x, y) in their parents (`owner` sorted ascending), one per seed, in seed order."""
    parents = np.asarray(parents, dtype=object)
    cells = np.empty(len(x), dtype=object)
    starts = np.searchsorted(owner, np.arange(len(parents)))
    ends = np.searchsorted(owner, np.arange(len(parents)), side="right")
    points = _distinct(np.column_stack([x, y]), owner)
    for i, (a, b) in enumerate(zip(starts, ends)):
        if b - a == 0:
            continue
        if b - a == 1:
            cells[a] = parents[i]
            continue
        diagram = shapely.voronoi_polygons(shapely.multipoints(points[a:b]), extend_to=parents[i], ordered=True)
        cells[a:b] = shapely.get_parts(diagram)
    single = np.zeros(len(x), dtype=bool)
    single[starts[(ends - starts) == 1]] = True
    whole = parents[owner]
    shapely.prepare(whole)
    clip = ~single & ~shapely.contains_properly(whole, cells)
    cells[clip] = shapely.intersection(cells[clip], whole[clip])
    return polygonal(cells)


def _distinct(seeds: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Nudge seeds of one parent that (nearly) coincide, so every seed keeps its own cell and the order holds."""
    rounded = np.round(seeds / _MIN_SEED_SPACING).astype(np.int64)
    keys = np.column_stack([owner, rounded])
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    if (counts == 1).all():
        return seeds
    seeds = seeds.copy()
    seen: dict[int, int] = {}
    for j in np.flatnonzero(counts[inverse] > 1):
        n = seen.get(inverse[j], 0)
        seeds[j, 0] += n * 3 * _MIN_SEED_SPACING
        seen[inverse[j]] = n + 1
    return seeds


def partition(
    parents: np.ndarray,
    counts: np.ndarray,
    rng: np.random.Generator,
    centres: np.ndarray | None = None,
    spreads: np.ndarray | None = None,
    clustered: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each parent into `counts[i]` cells: returns cells, their parent index and their seeds (n, 2)."""
    x, y, owner = sample_points(parents, counts, rng, centres, spreads, clustered)
    cells = voronoi_partition(parents, x, y, owner)
    return cells, owner, np.column_stack([x, y])


def weighted_partition(
    parent,
    sites: np.ndarray,
    targets: np.ndarray,
    rng: np.random.Generator,
    samples: int = 3000,
    iterations: int = 80,
) -> np.ndarray:
    """Split one polygon among `sites` (n, 2) so each region's area share approaches `targets`.

    A power diagram (capacity-constrained, as in Aurenhammer's weighted Voronoi) found by
    iterating the sites' weights over a uniform sample of the polygon; each region is the
    union of the sample's Voronoi cells assigned to it, so regions still tile the parent
    exactly. A site lying outside the parent (simplified boundaries) is moved to the
    nearest sample point; each site keeps at least the cell of its own point.
    """
    n = len(sites)
    if n == 1:
        return polygonal(np.array([parent], dtype=object))
    targets = np.asarray(targets, dtype=float)
    targets = targets / targets.sum()
    sx, sy, _ = sample_points(np.array([parent], dtype=object), np.array([samples]), rng)
    pts = np.column_stack([sx, sy])
    sites = np.asarray(sites, dtype=float).copy()
    outside = ~shapely.contains_xy(parent, sites[:, 0], sites[:, 1])
    for j in np.flatnonzero(outside):
        sites[j] = pts[np.argmin(((pts - sites[j]) ** 2).sum(axis=1))]
    pts = np.vstack([sites, pts])
    # Local equal-area-ish scaling, so distances are comparable in both directions.
    scale = np.cos(np.radians(pts[:, 1].mean()))
    px, sxs = pts * [scale, 1.0], sites * [scale, 1.0]
    d2 = ((px[:, None, :] - sxs[None, :, :]) ** 2).sum(axis=2)
    total = float(np.ptp(px[:, 0]) * np.ptp(px[:, 1])) or 1.0
    weights = np.zeros(n)
    for _ in range(iterations):
        assign = np.argmin(d2 - weights, axis=1)
        share = np.bincount(assign, minlength=n) / len(assign)
        weights += 0.3 * (targets - share) * total
    assign = np.argmin(d2 - weights, axis=1)
    assign[:n] = np.arange(n)
    cells = voronoi_partition(np.array([parent], dtype=object), pts[:, 0], pts[:, 1], np.zeros(len(pts), dtype=np.int64))
    order = np.argsort(assign, kind="stable")
    groups = np.split(cells[order], np.cumsum(np.bincount(assign, minlength=n))[:-1])
    return polygonal(np.array([shapely.coverage_union_all(g) for g in groups], dtype=object))
