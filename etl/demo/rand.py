"""Random streams and random places for the demo."""

from __future__ import annotations

import datetime as dt

import numpy as np

from etl.demo.partition import sample_points


def stream(seed: int, part: str, today: dt.date | None = None) -> np.random.Generator:
    """An independent generator per part (and per `today` for records), so parts never shift each other."""
    key = [seed, *part.encode()]
    if today is not None:
        key.append(today.toordinal())
    return np.random.default_rng(key)


def points_in(geoms: np.ndarray, index: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One random point inside `geoms[index[i]]` for each i."""
    index = np.asarray(index, dtype=np.int64)
    counts = np.bincount(index, minlength=len(geoms))
    x, y, _ = sample_points(geoms, counts, rng)
    order = np.argsort(index, kind="stable")
    out_x, out_y = np.empty(len(index)), np.empty(len(index))
    out_x[order], out_y[order] = x, y
    return np.round(out_x, 6), np.round(out_y, 6)


def days(start: dt.date, offsets) -> np.ndarray:
    """Dates `start + offsets` (days) as numpy datetime64[D]."""
    return np.datetime64(start, "D") + np.asarray(offsets, dtype=np.int64).astype("timedelta64[D]")


def iso(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] → 'YYYY-MM-DD' strings, empty where NaT."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    missing = np.isnat(dates)
    out = np.full(len(dates), "", dtype=object)
    if missing.all():
        return out
    # Few distinct days, many rows: format each day once.
    day = dates[~missing].view("int64")
    lo = day.min()
    table = np.datetime_as_string(np.arange(lo, day.max() + 1).astype("datetime64[D]"), unit="D").astype(object)
    out[~missing] = table[day - lo]
    return out
