"""The generated territory: municipality polygons from the real points, then parishes,
communes, communal circuits and councils inside them, in proportion to population.

Municipalities are a power-diagram partition of the real state polygon seeded by the
real municipality points and weighted by their real areas; each lower level is a Voronoi
partition of its parent, with seeds crowded around the municipality's capital, so
councils are small and dense in the cities and large in the countryside.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.demo import names
from etl.demo.alloc import split, split_groups
from etl.demo.config import (
    NATIONAL_COMMUNES,
    NATIONAL_COUNCILS,
    NATIONAL_PARISHES,
    PERSONS_PER_HOUSEHOLD,
    Scale,
)
from etl.demo.partition import partition, weighted_partition
from etl.demo.reference import Reference

CRS = "EPSG:4326"
COMMUNES_PER_CIRCUIT = 4


@dataclass
class Territories:
    """Every generated level as a GeoDataFrame with the canonical columns (code, name, parent_code, …)."""

    states: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    parishes: gpd.GeoDataFrame
    circuits: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    councils: gpd.GeoDataFrame


def _rng(seed: int, part: str) -> np.random.Generator:
    # One independent stream per part, so changing one part never shifts another.
    return np.random.default_rng([seed, *part.encode()])


def parish_counts(reference: Reference) -> pd.Series:
    """Parishes per municipality over the whole country (≈1,140), from population."""
    munis = reference.municipalities
    counts = split(NATIONAL_PARISHES, munis["population"].to_numpy(float) ** 0.8, minimum=1)
    return pd.Series(np.minimum(counts, 60), index=munis["code"].to_numpy())


def build_territory(reference: Reference, full: Reference, scale: Scale, seed: int) -> Territories:
    """The territory tree for the states of `reference` (`full` is the whole country, for shares)."""
    states = reference.states
    munis = _municipalities(reference, seed)
    national_pop = float(full.municipalities["population"].sum())
    parishes_of = parish_counts(full)

    pop = munis["population"].to_numpy(np.int64)
    households = np.round(pop / PERSONS_PER_HOUSEHOLD).astype(np.int64)
    munis["households"] = households
    n_par = parishes_of.loc[munis["code"]].to_numpy()
    share = pop / national_pop
    total_councils = int(round(NATIONAL_COUNCILS * share.sum() * scale.density))
    total_communes = int(round(NATIONAL_COMMUNES * share.sum() * scale.density))
    n_councils = np.maximum(split(total_councils, pop, minimum=1), n_par)
    n_communes = np.minimum(split(total_communes, pop, minimum=1), n_councils // 3)

    parishes = _parishes(munis, n_par, seed)
    blocks = _blocks(munis, parishes, n_councils, n_communes, seed)
    councils = _councils(munis, parishes, blocks, seed)
    communes = _communes(blocks, councils, seed)
    circuits = _circuits(munis, communes, seed)
    parishes["households"] = councils.groupby("parish_code")["households"].sum().loc[parishes["code"]].to_numpy()
    parishes["population"] = councils.groupby("parish_code")["population"].sum().loc[parishes["code"]].to_numpy()
    return Territories(
        states=states,
        municipalities=munis,
        parishes=parishes.drop(columns=["municipality_code", "cx", "cy", "spread", "weight"]),
        circuits=circuits,
        communes=communes,
        councils=councils,
    )


def _municipalities(reference: Reference, seed: int) -> gpd.GeoDataFrame:
    rng = _rng(seed, "municipalities")
    pieces = []
    for state in reference.states.itertuples():
        m = reference.municipalities[reference.municipalities["state_code"] == state.code]
        if m.empty:
            continue
        cells = weighted_partition(state.geometry, m[["lon", "lat"]].to_numpy(), m["area_km2"].to_numpy(), rng)
        pieces.append(gpd.GeoDataFrame(m.assign(geometry=cells), geometry="geometry", crs=CRS))
    munis = pd.concat(pieces, ignore_index=True)
    munis = gpd.GeoDataFrame(munis, geometry="geometry", crs=CRS)
    centre = np.column_stack([munis["lon"], munis["lat"]])
    inside = shapely.contains_xy(munis.geometry.values, centre[:, 0], centre[:, 1])
    surface = shapely.get_coordinates(shapely.point_on_surface(munis.geometry.values))
    centre[~inside] = surface[~inside]
    munis["cx"], munis["cy"] = centre[:, 0], centre[:, 1]
    # The urban core: a few kilometres in a city, tens of km in the llanos and the jungle.
    munis["spread"] = np.sqrt(shapely.area(munis.geometry.values)) * 0.18
    munis["parent_code"] = munis["state_code"]
    return munis


def _parishes(munis: gpd.GeoDataFrame, n_par: np.ndarray, seed: int) -> gpd.GeoDataFrame:
    rng = _rng(seed, "parishes")
    cells, owner, _ = partition(
        munis.geometry.values, n_par, rng, munis[["cx", "cy"]].to_numpy(), munis["spread"].to_numpy(), clustered=0.4
    )
    m = munis.iloc[owner].reset_index(drop=True)
    number = np.arange(len(owner)) - np.searchsorted(owner, owner)
    code = m["code"].to_numpy(str).astype(object) + np.char.zfill((number + 1).astype(str), 2).astype(object)
    name = np.empty(len(owner), dtype=object)
    for i, (a, b) in enumerate(zip(np.searchsorted(owner, np.arange(len(munis))), np.searchsorted(owner, np.arange(len(munis)), "right"))):
        name[a:b] = names.parish_names(rng, munis["capital"].iloc[i], b - a)
    weight = rng.lognormal(0.0, 0.5, len(owner)) * np.where(number == 0, 2.0, 1.0)
    return gpd.GeoDataFrame(
        {
            "code": code,
            "name": name,
            "parent_code": m["code"].to_numpy(),
            "municipality_code": m["code"].to_numpy(),
            "cx": m["cx"].to_numpy(),
            "cy": m["cy"].to_numpy(),
            "spread": m["spread"].to_numpy(),
            "weight": weight,
        },
        geometry=cells,
        crs=CRS,
    )


def _blocks(munis, parishes, n_councils, n_communes, seed) -> gpd.GeoDataFrame:
    """Each parish split into its communes plus, in some parishes, a zone of councils with no commune yet."""
    rng = _rng(seed, "blocks")
    mun_index = pd.Index(munis["code"]).get_indexer(parishes["municipality_code"])
    par_councils = split_groups(n_councils, parishes["weight"].to_numpy(), mun_index, minimum=1)
    par_communes = split_groups(n_communes, parishes["weight"].to_numpy(), mun_index)
    par_communes = np.minimum(par_communes, par_councils // 2)
    loose_share = np.where(rng.random(len(parishes)) < 0.35, rng.uniform(0.05, 0.3, len(parishes)), 0.0)
    loose = np.where(par_communes == 0, par_councils, np.round(par_councils * loose_share).astype(np.int64))
    loose = np.minimum(loose, par_councils - 2 * par_communes)
    loose = np.where(par_communes == 0, par_councils, loose)
    n_blocks = par_communes + (loose > 0)
    cells, owner, _ = partition(
        parishes.geometry.values, n_blocks, rng, parishes[["cx", "cy"]].to_numpy(), parishes["spread"].to_numpy(), clustered=0.5
    )
    number = np.arange(len(owner)) - np.searchsorted(owner, owner)
    is_loose = (number == par_communes[owner])
    in_communes = par_councils - loose
    block_weight = rng.uniform(0.5, 1.5, len(owner))
    councils = np.where(is_loose, loose[owner], 0)
    commune_rows = ~is_loose
    councils[commune_rows] = split_groups(in_communes, block_weight[commune_rows], owner[commune_rows], minimum=2)
    p = parishes.iloc[owner].reset_index(drop=True)
    commune_code = np.where(is_loose, None, p["code"].to_numpy(str).astype(object) + np.char.zfill((number + 1).astype(str), 3).astype(object))
    return gpd.GeoDataFrame(
        {
            "parish_code": p["code"].to_numpy(),
            "municipality_code": p["municipality_code"].to_numpy(),
            "commune_code": commune_code,
            "councils": councils,
            "cx": p["cx"].to_numpy(),
            "cy": p["cy"].to_numpy(),
            "spread": p["spread"].to_numpy(),
        },
        geometry=cells,
        crs=CRS,
    )


def _councils(munis, parishes, blocks, seed) -> gpd.GeoDataFrame:
    rng = _rng(seed, "councils")
    blocks = blocks[blocks["councils"] > 0].reset_index(drop=True)
    cells, owner, seeds = partition(
        blocks.geometry.values, blocks["councils"].to_numpy(), rng, blocks[["cx", "cy"]].to_numpy(), blocks["spread"].to_numpy(), clustered=0.6
    )
    b = blocks.iloc[owner].reset_index(drop=True)
    number = np.arange(len(owner)) - np.searchsorted(owner, owner)
    commune = b["commune_code"].to_numpy()
    has_commune = pd.notna(commune)
    parish = b["parish_code"].to_numpy()
    code = np.where(
        has_commune,
        commune.astype(str).astype(object) + np.char.zfill((number + 1).astype(str), 3).astype(object),
        parish.astype(str).astype(object) + "9" + np.char.zfill((number + 1).astype(str), 4).astype(object),
    )
    # Households and people: each parish's share (from its municipality's real population)
    # split among its councils with some spread, so sums hold at every level.
    par_index = pd.Index(parishes["code"]).get_indexer(parish)
    mun_index = pd.Index(munis["code"]).get_indexer(parishes["municipality_code"])
    par_households = split_groups(munis["households"].to_numpy(), parishes["weight"].to_numpy(), mun_index)
    par_population = split_groups(munis["population"].to_numpy(), par_households.astype(float), mun_index)
    weight = rng.uniform(0.6, 1.4, len(owner))
    households = split_groups(par_households, weight, par_index)
    population = split_groups(par_population, households.astype(float), par_index)
    mun = b["municipality_code"].to_numpy()
    return gpd.GeoDataFrame(
        {
            "code": code,
            "name": names.council_names(rng, len(owner)),
            "parent_code": np.where(has_commune, commune, parish),
            "commune_code": commune,
            "parish_code": parish,
            "municipality_code": mun,
            "state_code": np.array([c[:2] for c in mun], dtype=object),
            "households": households,
            "population": population,
            "x": seeds[:, 0],
            "y": seeds[:, 1],
        },
        geometry=cells,
        crs=CRS,
    )


def _communes(blocks, councils, seed) -> gpd.GeoDataFrame:
    rng = _rng(seed, "communes")
    c = blocks[blocks["commune_code"].notna()].reset_index(drop=True)
    sums = councils[councils["commune_code"].notna()].groupby("commune_code")[["households", "population"]].sum()
    sums = sums.loc[c["commune_code"]]
    start = np.datetime64("2010-06-01")
    registered = start + rng.integers(0, 365 * 14, len(c)).astype("timedelta64[D]")
    return gpd.GeoDataFrame(
        {
            "code": c["commune_code"].to_numpy(),
            "name": names.commune_names(rng, len(c)),
            "parent_code": c["parish_code"].to_numpy(),
            "parish_code": c["parish_code"].to_numpy(),
            "municipality_code": c["municipality_code"].to_numpy(),
            "circuit_code": None,
            "registration_date": pd.to_datetime(registered).strftime("%Y-%m-%d"),
            "households": sums["households"].to_numpy(),
            "population": sums["population"].to_numpy(),
        },
        geometry=c.geometry.values,
        crs=CRS,
    )


def _circuits(munis, communes, seed) -> gpd.GeoDataFrame:
    """Communal circuits: neighbouring communes of a municipality, four or so each; a fifth of communes stay outside."""
    rng = _rng(seed, "circuits")
    rows = []
    centre = munis.set_index("code")[["cx", "cy"]]
    label = shapely.get_coordinates(shapely.point_on_surface(communes.geometry.values))
    for mun, group in communes.groupby("municipality_code", sort=True):
        if len(group) < 3:
            continue
        cx, cy = centre.loc[mun]
        pos = label[group.index.to_numpy()]
        order = group.index.to_numpy()[np.argsort(np.arctan2(pos[:, 1] - cy, pos[:, 0] - cx))]
        members = order[rng.random(len(order)) < 0.8]
        for n, chunk in enumerate(np.array_split(members, max(1, round(len(members) / COMMUNES_PER_CIRCUIT)))):
            if not len(chunk):
                continue
            code = f"{mun}C{n + 1:02d}"
            communes.loc[chunk, "circuit_code"] = code
            rows.append((code, f"Circuito Comunal {names.pick(rng, names.COMMUNE_WORDS_A, 1)[0]}", mun, chunk))
    geoms = np.array([shapely.union_all(communes.geometry.values[chunk]) for *_, chunk in rows], dtype=object)
    from etl.demo.partition import polygonal

    return gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "parent_code": [r[2] for r in rows],
            "households": [int(communes["households"].to_numpy()[r[3]].sum()) for r in rows],
            "population": [int(communes["population"].to_numpy()[r[3]].sum()) for r in rows],
        },
        geometry=polygonal(geoms) if len(geoms) else [],
        crs=CRS,
    )
