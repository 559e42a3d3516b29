"""CLAP committees and their deliveries: a cadence per state, the odd skipped round, and
a few territories left behind (deliveries stopped weeks ago) for the room to find.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.demo.config import NATIONAL_CLAPS, Scale
from etl.demo.rand import iso, points_in, stream
from etl.demo.territory import Territories

CLAP_COLUMNS = ["code", "name", "households", "territory_code", "lon", "lat"]
DELIVERY_COLUMNS = ["clap_code", "delivery_date", "households_served", "quantity"]
KG_PER_BAG = 16.5


def generate_claps(t: Territories, scale: Scale, share: float, seed: int, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(claps, deliveries, municipalities left behind)."""
    rng = stream(seed, "clap", today)
    councils = t.councils
    n = max(len(t.municipalities), int(round(NATIONAL_CLAPS * share * scale.density)))
    weight = councils["households"].to_numpy(float)
    # Every communal council organises its CLAP (its spokespeople run it); the larger ones
    # more than one. So a council's silence shows in its CLAP too (etl.demo.silence).
    n = max(n, len(councils))
    extra = rng.choice(len(councils), n - len(councils), p=weight / weight.sum())
    council_i = np.sort(np.concatenate([np.arange(len(councils)), extra]))
    per_council = np.bincount(council_i, minlength=len(councils))
    number = np.arange(n) - np.searchsorted(council_i, council_i)
    households = np.maximum(20, np.round(weight[council_i] * rng.uniform(0.75, 1.0, n) / per_council[council_i])).astype(int)
    code = councils["code"].to_numpy()[council_i]
    lon, lat = points_in(councils.geometry.values, council_i, rng)
    claps = pd.DataFrame({
        "code": [f"CLAP-{c}-{k + 1:02d}" for c, k in zip(code, number)],
        "name": [f"CLAP {nm[3:]}" + (f" {k + 1}" if per_council[i] > 1 else "") for nm, k, i in
                 zip(councils["name"].to_numpy()[council_i], number, council_i)],
        "households": households,
        "territory_code": code,
        "lon": lon,
        "lat": lat,
        "municipality_code": councils["municipality_code"].to_numpy()[council_i],
        "state_code": councils["state_code"].to_numpy()[council_i],
    })

    # Left behind: one municipality in ten (at least one), deliveries stopped 7 to 11 weeks ago.
    munis = np.array(sorted(claps["municipality_code"].unique()))
    behind = sorted(rng.choice(munis, max(1, min(3, len(munis) // 10)), replace=False).tolist())
    deliveries = _deliveries(claps, behind, scale, rng, today)
    return claps, deliveries, behind


def _deliveries(claps: pd.DataFrame, behind: list[str], scale: Scale, rng, today: dt.date) -> pd.DataFrame:
    states = np.array(sorted(claps["state_code"].unique()))
    # Each state runs a cadence (fortnightly or monthly), each CLAP its own phase in it.
    cadence_of = dict(zip(states, rng.choice([15, 21, 30, 30], len(states))))
    cadence = claps["state_code"].map(cadence_of).to_numpy()
    phase = rng.integers(0, cadence)
    stop = np.full(len(claps), 0)
    lagging = claps["municipality_code"].isin(behind).to_numpy()
    stop[lagging] = rng.integers(50, 80, lagging.sum())
    solo = ~lagging & (rng.random(len(claps)) < 0.02)
    stop[solo] = rng.integers(40, 120, solo.sum())
    rounds = scale.delivery_days // cadence.min() + 2
    k = np.arange(rounds)
    offset = phase[:, None] + k[None, :] * cadence[:, None] + rng.integers(-2, 3, (len(claps), rounds))
    age = np.clip(offset, 0, None)  # days before today
    keep = (age >= stop[:, None]) & (offset < scale.delivery_days) & (offset >= 0) & (rng.random(offset.shape) > 0.07)
    rows, cols = np.nonzero(keep)
    date = np.datetime64(today, "D") - age[rows, cols].astype("timedelta64[D]")
    households = claps["households"].to_numpy()[rows]
    served = np.round(households * rng.uniform(0.82, 1.0, len(rows))).astype(int)
    out = pd.DataFrame({
        "clap_code": claps["code"].to_numpy()[rows],
        "delivery_date": iso(date),
        "households_served": served,
        "quantity": np.round(served * KG_PER_BAG, 1),
    })
    # Jitter may put two deliveries of a CLAP on one day only with cadences under 5 days; guard anyway.
    out = out.drop_duplicates(["clap_code", "delivery_date"])
    return out.sort_values(["clap_code", "delivery_date"], kind="stable").reset_index(drop=True)
