"""The demo as ordinary files, in the layouts of DESIGN §3: one GeoPackage per territory
level and one CSV per record kind, so loading it exercises the real loaders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.demo.cabinet import AGREEMENT_COLUMNS
from etl.demo.cases import CASE_COLUMNS
from etl.demo.clap import CLAP_COLUMNS, DELIVERY_COLUMNS
from etl.demo.communal import (
    BUSINESS_COLUMNS,
    DEFENSE_PLAN_COLUMNS,
    PEACE_CASE_COLUMNS,
    PEACE_JUDGE_COLUMNS,
    QUADRANT_COLUMNS,
)
from etl.demo.consultation import CONSULTATION_COLUMNS
from etl.demo.projects import DEPOSIT_COLUMNS, PROJECT_COLUMNS
from etl.demo.reference import STATES_GEOJSON
from etl.demo.team import TEAM_COLUMNS

# Load order: parents before children, records after their territory, and links on one
# side only: agreements name their projects; cases name their project and agreement.
LOAD_ORDER = ("state", "municipality", "parish", "circuit", "commune", "council",
              "project", "deposit", "clap", "clap-delivery", "agreement", "followup-team", "case",
              "quadrant", "defense-plan", "business", "peace-judge", "peace-case", "consultation-round")

TERRITORY_FILES = {
    "municipality": ("municipalities.gpkg", ["code", "name", "parent_code", "capital", "population", "households"]),
    "parish": ("parishes.gpkg", ["code", "name", "parent_code", "population", "households"]),
    "circuit": ("circuits.gpkg", ["code", "name", "parent_code", "population", "households"]),
    "commune": ("communes.gpkg", ["code", "name", "parent_code", "parish_code", "circuit_code", "registration_date",
                                  "population", "households"]),
    "council": ("councils.gpkg", ["code", "name", "parent_code", "commune_code", "parish_code", "population", "households"]),
}
RECORD_FILES = {
    "project": ("projects.csv", PROJECT_COLUMNS),
    "deposit": ("deposits.csv", DEPOSIT_COLUMNS),
    "clap": ("claps.csv", CLAP_COLUMNS),
    "clap-delivery": ("clap_deliveries.csv", DELIVERY_COLUMNS),
    "agreement": ("agreements.csv", AGREEMENT_COLUMNS),
    "followup-team": ("followup_team.csv", TEAM_COLUMNS),
    "case": ("cases.csv", CASE_COLUMNS),
    "quadrant": ("peace_quadrants.csv", QUADRANT_COLUMNS),  # polygons as WKT, as a spreadsheet export has them
    "defense-plan": ("defense_plans.csv", DEFENSE_PLAN_COLUMNS),
    "business": ("communal_businesses.csv", BUSINESS_COLUMNS),
    "peace-judge": ("peace_judges.csv", PEACE_JUDGE_COLUMNS),
    "peace-case": ("peace_cases.csv", PEACE_CASE_COLUMNS),
    "consultation-round": ("consultation_rounds.csv", CONSULTATION_COLUMNS),  # round × commune or circuit × project
}


def write_files(frames: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, Path]:
    """Write the kinds in `frames` to `out_dir`; returns kind → file in load order.

    States are not written: the demo loads the real geoBoundaries file itself (it is
    listed whenever `frames` holds states).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {"state": STATES_GEOJSON} if "state" in frames else {}
    for kind in (k for k in LOAD_ORDER[1:] if k in frames):
        if kind in TERRITORY_FILES:
            name, columns = TERRITORY_FILES[kind]
            path = out_dir / name
            path.unlink(missing_ok=True)
            frame = frames[kind][columns + ["geometry"]]
            frame.to_file(path, driver="GPKG", layer=kind, engine="pyogrio")
        else:
            name, columns = RECORD_FILES[kind]
            path = out_dir / name
            frames[kind][columns].to_csv(path, index=False)
        written[kind] = path
    return written
