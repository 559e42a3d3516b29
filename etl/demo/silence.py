"""Silent communal councils: the demo's councils that stopped sending anything.

«Silence is not the absence of problems»: some councils go quiet — the spokesperson who
reported moved away, the CLAP stopped being supplied and nobody says so. The demo plants
two kinds, so the room's reporting-completeness layer, indicators, alerts and «Novedades y
atrasos» have something true to find:

- a parish gone quiet: every council of one parish in one municipality in eight (at least
  one), silent since 6 to 14 weeks ago;
- scattered councils: one in forty elsewhere, silent since 5 to 17 weeks ago.

A silent council has no case reported and no CLAP delivery after its quiet day (its CLAPs
are silent too). Councils with a project that started or ended after that day are left
alone (a project moving is a report), as is the planted case spike's municipality.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.demo.rand import stream
from etl.demo.territory import Territories

PARISH_SHARE = 1 / 8
SCATTER_SHARE = 1 / 40


def choose_silent(t: Territories, projects: pd.DataFrame, seed: int, today: dt.date, spared_municipality: str | None = None
                  ) -> dict[str, dt.date]:
    """Council code -> the last day it reported (nothing after it)."""
    rng = stream(seed, "silence", today)
    councils = t.councils
    munis = sorted(m for m in councils["municipality_code"].unique() if m != spared_municipality)
    quiet: dict[str, dt.date] = {}
    chosen = rng.choice(munis, max(1, int(round(len(munis) * PARISH_SHARE))), replace=False) if munis else []
    for muni in sorted(chosen):
        parishes = sorted(councils.loc[councils["municipality_code"] == muni, "parish_code"].unique())
        parish = parishes[int(rng.integers(0, len(parishes)))]
        since = today - dt.timedelta(days=int(rng.integers(42, 99)))
        for code in councils.loc[councils["parish_code"] == parish, "code"]:
            quiet[code] = since
    others = councils.loc[~councils["code"].isin(quiet) & (councils["municipality_code"] != spared_municipality), "code"].to_numpy()
    scattered = rng.choice(others, max(1, int(round(len(others) * SCATTER_SHARE))), replace=False) if len(others) else []
    for code in sorted(scattered):
        quiet[code] = today - dt.timedelta(days=int(rng.integers(35, 121)))
    return _spare_moving_projects(quiet, projects)


def _spare_moving_projects(quiet: dict[str, dt.date], projects: pd.DataFrame) -> dict[str, dt.date]:
    if projects.empty:
        return quiet
    moved = {}
    for column in ("start_date", "end_date"):
        dates = pd.to_datetime(projects[column], errors="coerce").dt.date
        for code, day in zip(projects["territory_code"], dates):
            if isinstance(day, dt.date) and not pd.isna(day):
                moved[code] = max(moved.get(code, day), day)
    return {code: since for code, since in quiet.items() if moved.get(code) is None or moved[code] <= since}


def _keep(codes: pd.Series, days: pd.Series, quiet: dict[str, dt.date]) -> np.ndarray:
    """False for a row of a silent council dated after its quiet day."""
    since = codes.map(quiet)
    day = pd.to_datetime(days, errors="coerce")
    return ~(since.notna() & (day > pd.to_datetime(since)))


def silence_cases(cases: pd.DataFrame, quiet: dict[str, dt.date]) -> pd.DataFrame:
    return cases[_keep(cases["territory_code"], cases["reported_date"], quiet)].reset_index(drop=True)


def silence_deliveries(claps: pd.DataFrame, deliveries: pd.DataFrame, quiet: dict[str, dt.date]) -> pd.DataFrame:
    council_of = dict(zip(claps["code"], claps["territory_code"]))
    councils = deliveries["clap_code"].map(council_of)
    return deliveries[_keep(councils, deliveries["delivery_date"], quiet)].reset_index(drop=True)
