"""Integer splits that add up exactly (largest remainder), for counts, households and people."""

from __future__ import annotations

import numpy as np


def split(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """`total` split in proportion to `weights`, each part at least `minimum`, summing to `total`."""
    return split_groups(np.array([total]), np.asarray(weights, dtype=float), np.zeros(len(weights), dtype=np.int64), minimum)


def split_groups(totals: np.ndarray, weights: np.ndarray, group: np.ndarray, minimum: int = 0) -> np.ndarray:
    """For each group g, `totals[g]` split among its members in proportion to their weights.

    `group` gives each member's group index. Each member gets at least `minimum` when the
    group's total allows it; parts of a group always sum to its total.
    """
    totals = np.asarray(totals, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    members = np.bincount(group, minlength=len(totals))
    floor_min = np.where(totals >= members * minimum, minimum, 0)
    rest = totals - members * floor_min
    wsum = np.bincount(group, weights=weights, minlength=len(totals))
    # A group whose weights are all zero is split evenly.
    w = np.where(wsum[group] > 0, weights, 1.0)
    wsum = np.where(wsum > 0, wsum, np.maximum(members, 1))
    exact = rest[group] * w / wsum[group]
    base = np.floor(exact).astype(np.int64)
    deficit = rest - np.bincount(group, weights=base, minlength=len(totals)).astype(np.int64)
    frac = exact - base
    order = np.lexsort((-frac, group))
    starts = np.concatenate([[0], np.cumsum(members)[:-1]])
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - starts[group[order]]
    return base + (rank < deficit[group]) + floor_min[group]
