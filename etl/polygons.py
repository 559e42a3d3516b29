"""What a boundary load derives from each polygon, computed in the reader thread, vectorised.

The geodesic area is what `ST_Area(geom::geography) / 1e6` gives (GeographicLib on the WGS84
ellipsoid): the polygon is mapped onto the WGS84 authalic sphere (longitude, authalic latitude),
an equal-area map, where Lambert's cylindrical projection (x = λ, y = sin β) is equal-area too,
so the shoelace formula there gives the ellipsoidal area. Edges are straight in that projection
and geodesics for PostGIS: an edge of length ℓ at latitude φ parts from its geodesic by at most
about ℓ³·|tan φ|/(12 R) m² of area. Where the sum of that over a polygon's edges could reach a
millionth of its area (long edges: a state, a hand-drawn triangle) the area is left as NaN, for
the database to compute; a boundary of many short edges (a council, a parish) agrees with
PostGIS to about 1e-8 (see tests/test_etl_polygons.py). PostGIS spends most of a polygon load
on that cast to geography.
"""

from __future__ import annotations

import numpy as np
import shapely

# WGS84
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_E = np.sqrt(_E2)


def _q(sin_phi: np.ndarray) -> np.ndarray:
    """The authalic q(φ) of Snyder's Map Projections (eq. 3-12), as its series in sin φ:
    (1 - e²) Σ (2k + 2)/(2k + 1) e²ᵏ sin²ᵏ⁺¹ φ, whose terms fall below 1e-16 by k = 7;
    a few multiplications instead of a logarithm per vertex."""
    s2 = sin_phi * sin_phi
    total = np.full_like(sin_phi, _Q_TERMS[-1])
    for term in _Q_TERMS[-2::-1]:
        total *= s2
        total += term
    return total * sin_phi


_Q_TERMS = [(1 - _E2) * (2 * k + 2) / (2 * k + 1) * _E2**k for k in range(9)]
_QP = float(_q(np.array(1.0)))
_RQ2 = _A**2 * _QP / 2  # squared radius of the authalic sphere, m²
_R = np.sqrt(_RQ2)
MAX_RELATIVE_ERROR = 1e-6


def geodesic_area_km2(geoms: np.ndarray) -> np.ndarray:
    """Area in km² of each (multi)polygon, as PostGIS's geography ST_Area; NaN where None or
    empty, or where edges too long for the formula leave it to the database (see above)."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), np.nan)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return out
    idx = np.flatnonzero(present)
    # Most boundaries are one ring: their coordinates are that ring, no parts or rings to build.
    # A geometry's coordinates are one ring when only its last one closes on its first.
    xy, owner = shapely.get_coordinates(geoms[idx], return_index=True)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    ends = np.r_[starts[1:], len(owner)] - 1
    closes = (xy == xy[starts][owner]).all(axis=1)
    single = (np.bincount(owner, weights=closes, minlength=len(idx)) == 2) & closes[ends]
    area, departure = _rings(xy, owner, len(idx))
    if not single.all():
        multi = np.flatnonzero(~single)
        area[multi], departure[multi] = _polygons(geoms[idx[multi]])
    out[idx] = np.where(departure <= MAX_RELATIVE_ERROR * area, area / 1e6, np.nan)
    return out


def _polygons(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(area m², departure bound m²) of (multi)polygons with several rings: exteriors less holes."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, vertex_of = shapely.get_coordinates(rings, return_index=True)
    ring_area, ring_departure = _rings(xy, vertex_of, len(rings))
    # get_rings gives each polygon's exterior first, then its holes.
    exterior = np.r_[True, ring_of[1:] != ring_of[:-1]]
    signed = np.where(exterior, ring_area, -ring_area)
    per_part = np.bincount(ring_of, weights=signed, minlength=len(parts))
    part_departure = np.bincount(ring_of, weights=ring_departure, minlength=len(parts))
    area = np.bincount(part_of, weights=per_part, minlength=len(geoms))
    departure = np.bincount(part_of, weights=part_departure, minlength=len(geoms))
    return area, departure


def _rings(xy: np.ndarray, ring_of: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(area m², departure bound m²) of each closed ring, its vertices in order, `ring_of` each's ring."""
    lam, phi = np.radians(xy[:, 0]), np.radians(xy[:, 1])
    same = ring_of[:-1] == ring_of[1:]
    starts = np.flatnonzero(np.r_[True, ~same])
    counts = np.diff(np.r_[starts, len(lam)])
    # The edges' departure from geodesics, Σ ℓ³·|tan φ|/(12 R), bounded from above by
    # max ℓ · Σ ℓ² · max |tan φ| / (8 R), with ℓ² ≤ (Δλ² + Δφ²)·R²: no root or tangent per vertex.
    dlam, dphi = np.diff(lam), np.diff(phi)
    d2 = np.where(same, dlam * dlam + dphi * dphi, 0.0)
    sum_d2 = np.bincount(ring_of[:-1], weights=d2, minlength=n)
    max_d2 = np.maximum.reduceat(np.r_[d2, 0.0], starts)
    tan_max = np.tan(np.maximum.reduceat(np.abs(phi), starts))
    departure = np.sqrt(max_d2) * sum_d2 * tan_max * _R**2 / 8
    # Shoelace about each ring's first vertex (small rings far from the origin keep their
    # precision); rings are closed, so consecutive pairs cover every edge.
    y = _q(np.sin(phi)) / _QP  # sin β
    lam = lam - np.repeat(lam[starts], counts)
    y = y - np.repeat(y[starts], counts)
    cross = np.where(same, lam[:-1] * y[1:] - lam[1:] * y[:-1], 0.0)
    area = np.abs(np.bincount(ring_of[:-1], weights=cross, minlength=n)) / 2 * _RQ2
    return area, departure
