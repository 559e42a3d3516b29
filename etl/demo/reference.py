"""The real reference data the demo builds on: states, municipalities, codes, population.

Read from the package (`geodata/reference/`), never from a sibling folder, so a clone
of the repository has everything it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

import geodata

REFERENCE_DIR = Path(geodata.__file__).resolve().parent / "reference"
STATES_GEOJSON = REFERENCE_DIR / "geoBoundaries-VEN-ADM1_simplified.geojson"
STATES_CSV = REFERENCE_DIR / "ve_states.csv"
MUNICIPALITIES_CSV = REFERENCE_DIR / "ve_municipalities.csv"


@dataclass(frozen=True)
class Reference:
    """States (INE code, ISO, name, polygon) and municipalities (INE code, name, point, population, area)."""

    states: gpd.GeoDataFrame
    municipalities: pd.DataFrame


def read_reference(state_codes: tuple[str, ...] | None = None) -> Reference:
    """The real states and municipalities, optionally only those of some states (INE codes)."""
    codes = pd.read_csv(STATES_CSV, dtype=str)
    shapes = gpd.read_file(STATES_GEOJSON)[["shapeISO", "geometry"]]
    states = codes.merge(shapes, left_on="iso_3166_2", right_on="shapeISO", how="inner")
    missing = set(codes["iso_3166_2"]) - set(states["iso_3166_2"])
    if missing:
        raise ValueError(f"{STATES_GEOJSON.name}: no polygon for {sorted(missing)}")
    states = gpd.GeoDataFrame(
        states.drop(columns="shapeISO").rename(columns={"ine_code": "code", "iso_3166_2": "iso_code"}),
        geometry="geometry",
        crs="EPSG:4326",
    )
    states["geometry"] = shapely.make_valid(states.geometry.values)
    munis = pd.read_csv(MUNICIPALITIES_CSV, dtype={"ine_code": str, "state_ine_code": str})
    munis = munis.rename(columns={"ine_code": "code", "state_ine_code": "state_code", "population_2011": "population"})
    if state_codes is not None:
        unknown = set(state_codes) - set(states["code"])
        if unknown:
            raise ValueError(f"unknown state codes {sorted(unknown)}; known: {sorted(states['code'])}")
        states = states[states["code"].isin(state_codes)]
        munis = munis[munis["state_code"].isin(state_codes)]
    return Reference(
        states=states.sort_values("code").reset_index(drop=True),
        municipalities=munis.sort_values("code").reset_index(drop=True),
    )
