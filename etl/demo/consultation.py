"""The popular consultation's rounds for the demo, as `sala load consultation-round` takes
them: per round held by `today`, the communes that took part (every commune that chose a
project in it, and most of the others), how many voted in each (a share of its people),
the votes each of its projects got; and the communal circuits, each with the voters of
its communes that took part."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.demo.projects import rounds_until
from etl.demo.rand import stream
from etl.demo.territory import Territories

CONSULTATION_COLUMNS = ["code", "name", "start_date", "end_date", "territory_code", "voters", "project_code", "votes"]
TURNOUT = (0.08, 0.30)  # share of a commune's people who vote in a round
TAKE_PART = 0.85  # a commune with no project chosen in a round still votes in it this often


def generate_consultation(t: Territories, projects: pd.DataFrame, seed: int, today: dt.date) -> pd.DataFrame:
    rng = stream(seed, "consultation", today)
    communes = t.communes
    codes = communes["code"].to_numpy()
    population = communes["population"].to_numpy(float)
    circuit = communes["circuit_code"].to_numpy(dtype=object)
    # A project counts for the commune it lies in (its council's); councils outside communes vote apart.
    voted = projects[projects["commune_code"].notna()]
    frames = []
    for code, vote, _n in rounds_until(today):
        own = voted[voted["consultation_round"] == code]
        chose = np.isin(codes, own["commune_code"].to_numpy())
        took_part = chose | (rng.random(len(codes)) < TAKE_PART)
        voters = np.maximum(20, np.round(population * rng.uniform(*TURNOUT, len(codes)))).astype(int)
        day = vote.isoformat()
        name = f"Consulta Popular Nacional {code}"
        base = {"code": code, "name": name, "start_date": day, "end_date": day}
        frames.append(pd.DataFrame({**base, "territory_code": codes[took_part], "voters": voters[took_part],
                                    "project_code": "", "votes": ""}))
        # The votes of each chosen project: a good part of its commune's voters.
        by_commune = dict(zip(codes, voters))
        commune_voters = own["commune_code"].map(by_commune).to_numpy(float)
        votes = np.round(commune_voters * rng.uniform(0.25, 0.7, len(own))).astype(int)
        frames.append(pd.DataFrame({**base, "territory_code": own["commune_code"].to_numpy(),
                                    "voters": own["commune_code"].map(by_commune).to_numpy(), "project_code": own["code"].to_numpy(),
                                    "votes": votes}))
        # Each circuit: the voters of its communes that took part.
        in_circuit = took_part & pd.notna(circuit)
        sums = pd.Series(voters[in_circuit]).groupby(circuit[in_circuit]).sum()
        frames.append(pd.DataFrame({**base, "territory_code": sums.index.to_numpy(), "voters": sums.to_numpy(),
                                    "project_code": "", "votes": ""}))
    return pd.concat(frames, ignore_index=True)[CONSULTATION_COLUMNS]
