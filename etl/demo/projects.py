"""ACA projects of the consultation rounds and the deposits that fund them.

Each project lives a life from its round's vote to today: approved, funded by a first
deposit to its commune's bank, executed over months, completed. Some stall after being
funded; some advance with no deposit at all (the room must see both).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.demo import names
from etl.demo.config import ROUNDS, Scale
from etl.demo.rand import iso, points_in, stream
from etl.demo.territory import Territories

# Sector: (share of projects, area, median budget in VES).
SECTORS = {
    "water": (0.18, "public_services", 1_400_000),
    "electricity": (0.11, "public_services", 1_100_000),
    "gas": (0.05, "public_services", 700_000),
    "roads": (0.14, "public_services", 1_600_000),
    "telecom": (0.03, "public_services", 900_000),
    "transport": (0.02, "public_services", 2_200_000),
    "waste": (0.02, "public_services", 800_000),
    "health": (0.08, "social", 1_000_000),
    "education": (0.09, "social", 900_000),
    "housing": (0.10, "social", 2_500_000),
    "food": (0.12, "social", 600_000),
    "culture_sport": (0.04, "social", 500_000),
    "security": (0.02, "integral_security", 700_000),
}

PROJECT_COLUMNS = ["code", "name", "territory_code", "consultation_round", "area", "sector", "budget", "stage", "progress",
                   "start_date", "end_date", "lon", "lat"]
DEPOSIT_COLUMNS = ["code", "project_code", "amount", "deposit_date", "bank"]


def rounds_until(today: dt.date) -> list[tuple[str, dt.date, int]]:
    """The consultation rounds already voted by `today`."""
    held = [(name, dt.date.fromisoformat(day), n) for name, day, n in ROUNDS if dt.date.fromisoformat(day) <= today]
    if not held:
        raise ValueError(f"today ({today}) is before the first consultation round ({ROUNDS[0][1]})")
    return held


def generate_projects(t: Territories, scale: Scale, share: float, seed: int, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(projects, deposits): the canonical CSV columns plus the council, commune and municipality behind each project."""
    rng = stream(seed, "projects", today)
    councils, communes = t.councils, t.communes
    sector_keys = np.array(list(SECTORS))
    sector_p = np.array([s[0] for s in SECTORS.values()])
    sector_p = sector_p / sector_p.sum()
    frames = []
    for name, vote, national in rounds_until(today):
        n = max(4, int(round(national * share * scale.activity)))
        # Communes choose most projects; some councils outside communes (or on their own) too.
        on_council = rng.random(n) < 0.15
        council_i = rng.choice(len(councils), n, p=_p(councils["population"]))
        commune_i = rng.choice(len(communes), n, p=_p(communes["population"])) if len(communes) else np.zeros(n, int)
        # A commune's project sits in one of its councils.
        if len(communes):
            first_council = councils.reset_index().groupby("commune_code")["index"].agg(list)
            in_commune = np.array([rng.choice(first_council[c]) for c in communes["code"].to_numpy()[commune_i]])
            council_i = np.where(on_council, council_i, in_commune)
        territory = np.where(on_council | (not len(communes)), councils["code"].to_numpy()[council_i],
                             communes["code"].to_numpy()[commune_i] if len(communes) else "")
        sector = rng.choice(sector_keys, n, p=sector_p)
        frames.append(pd.DataFrame({"consultation_round": name, "vote": vote, "council_i": council_i, "territory_code": territory, "sector": sector}))
    p = pd.concat(frames, ignore_index=True)
    n = len(p)
    p["code"] = [f"ACA-{r}-{i:05d}" for r, i in zip(p["consultation_round"], p.groupby("consultation_round").cumcount() + 1)]
    p["area"] = p["sector"].map(lambda s: SECTORS[s][1])
    median = p["sector"].map(lambda s: SECTORS[s][2]).to_numpy(float)
    p["budget"] = np.round(median * rng.lognormal(0.0, 0.6, n), -3)

    # Life of a project, in days since its round's vote.
    vote = p["vote"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64(today, "D") - vote).astype(int)
    approve = rng.integers(10, 45, n)
    fund = approve + rng.gamma(2.0, 45.0, n).astype(int)
    duration = rng.integers(150, 720, n)
    fate = rng.random(n)
    never_funded = fate < 0.07
    stalled = (fate >= 0.07) & (fate < 0.19)
    unfunded_work = (fate >= 0.19) & (fate < 0.24)  # advancing with no deposit
    stall_at = rng.uniform(0.05, 0.6, n)
    funded = ~never_funded & ~unfunded_work & (fund <= age)
    started = (funded | unfunded_work) & (fund + 15 <= age)
    elapsed = np.clip(age - fund - 15, 0, None)
    progress = np.where(started, np.clip(elapsed / duration, 0, 1) * 100, 0.0)
    progress = np.where(stalled & started, np.minimum(progress, stall_at * 100), progress)
    progress = np.where(unfunded_work & started, np.minimum(progress, 70.0), progress)
    stage = np.full(n, "proposed", dtype=object)
    stage[approve <= age] = "approved"
    stage[funded] = "funded"
    stage[started & (progress > 0)] = "in_progress"
    stage[started & (progress >= 100)] = "completed"
    stage[stalled & started & (elapsed > stall_at * duration + 30)] = "stalled"
    p["stage"] = stage
    p["progress"] = np.round(progress, 1)
    start = np.where(funded | started, vote + fund.astype("timedelta64[D]"), np.datetime64("NaT"))
    end = np.where(stage == "completed", vote + (fund + 15 + duration).astype("timedelta64[D]"), np.datetime64("NaT"))
    p["start_date"] = iso(start.astype("datetime64[D]"))
    p["end_date"] = iso(end.astype("datetime64[D]"))
    geoms = councils.geometry.values
    p["lon"], p["lat"] = points_in(geoms, p["council_i"].to_numpy(), rng)
    templates = [names.PROJECT_TEMPLATES[s] for s in p["sector"]]
    pick = rng.integers(0, 12, n)
    place = councils["name"].to_numpy()[p["council_i"].to_numpy()]
    p["name"] = [f"{tpl[k % len(tpl)]} en {pl[3:]}" for tpl, k, pl in zip(templates, pick, place)]

    deposits = _deposits(p, councils, communes, funded, stalled, vote, fund, duration, age, rng)
    ci = p["council_i"].to_numpy()
    p["commune_code"] = councils["commune_code"].to_numpy()[ci]
    p["municipality_code"] = councils["municipality_code"].to_numpy()[ci]
    return p, deposits


def _deposits(p, councils, communes, funded, stalled, vote, fund, duration, age, rng) -> pd.DataFrame:
    """Tranches: the first on funding, then at a third and two thirds of the work; stalled projects stop after the first."""
    fractions = np.array([0.5, 0.3, 0.2])
    offsets = np.column_stack([fund, fund + 15 + duration // 3, fund + 15 + 2 * duration // 3])
    rows = []
    bank_of = _banks(councils, communes)
    council_i = p["council_i"].to_numpy()
    for k in range(3):
        take = funded & (offsets[:, k] <= age) & (~stalled | (k == 0))
        idx = np.flatnonzero(take)
        amount = np.round(p["budget"].to_numpy()[idx] * fractions[k] * rng.uniform(0.9, 1.0, len(idx)), 2)
        when = vote[idx] + offsets[idx, k].astype("timedelta64[D]")
        rows.append(pd.DataFrame({
            "code": p["code"].to_numpy()[idx] + f"-D{k + 1}",
            "project_code": p["code"].to_numpy()[idx],
            "amount": amount,
            "deposit_date": iso(when),
            "bank": bank_of[council_i[idx]],
        }))
    return pd.concat(rows, ignore_index=True).sort_values("code", kind="stable").reset_index(drop=True)[DEPOSIT_COLUMNS]


def _banks(councils, communes) -> np.ndarray:
    """The communal bank of each council: its commune's, or its own when it has no commune."""
    commune_name = dict(zip(communes["code"], communes["name"]))
    return np.array(
        [f"Banco de la {commune_name[c]}" if isinstance(c, str) else f"Banco Comunal {n[3:]}"
         for c, n in zip(councils["commune_code"], councils["name"])],
        dtype=object,
    )


def _p(weights: pd.Series) -> np.ndarray:
    w = weights.to_numpy(float)
    return w / w.sum()
