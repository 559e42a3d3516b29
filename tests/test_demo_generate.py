"""The demo generator, before any database: counts, codes, geometry, records and determinism."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from etl.demo import generate_demo
from etl.demo.files import LOAD_ORDER, write_files

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo():
    return generate_demo("small", seed=7, today=TODAY)


def test_small_covers_two_real_states_with_every_kind(demo):
    counts = demo.counts()
    assert set(counts) == set(LOAD_ORDER)
    assert all(n > 0 for n in counts.values()), counts
    assert sorted(demo.frames["state"]["code"]) == ["01", "15"]
    munis = demo.frames["municipality"]
    assert "0101" in set(munis["code"]) and len(munis) == 22
    assert munis.set_index("code").loc["0101", "name"] == "Libertador"
    # Real population, as it is in the reference.
    assert munis.set_index("code").loc["0101", "population"] == 1943901


def test_codes_follow_the_ine_pattern_and_never_collide(demo):
    f = demo.frames
    patterns = {
        "municipality": r"^\d{4}$",
        "parish": r"^\d{6}$",
        "circuit": r"^\d{4}C\d{2}$",
        "commune": r"^\d{9}$",
        "council": r"^(\d{12}|\d{6}9\d{4})$",
    }
    every = []
    for level, pattern in patterns.items():
        codes = f[level]["code"].astype(str)
        assert codes.str.match(pattern).all(), (level, codes[~codes.str.match(pattern)].head())
        assert all(c.startswith(str(pc)) for c, pc in zip(codes, f[level]["parent_code"])), level
        every.extend(codes)
    assert len(every) == len(set(every))
    councils = f["council"]
    loose = councils["commune_code"].isna()
    assert loose.any() and (~loose).any()  # councils with and without commune
    assert (councils.loc[loose, "parent_code"] == councils.loc[loose, "parish_code"]).all()
    assert set(f["commune"]["circuit_code"].dropna()) <= set(f["circuit"]["code"])


def _outside_share(children, parents_by_code, parent_codes) -> np.ndarray:
    parents = parents_by_code.loc[parent_codes].geometry.values
    child = children.geometry.values
    return shapely.area(shapely.difference(child, parents)) / shapely.area(child)


@pytest.mark.parametrize("level,parent", [("municipality", "state"), ("parish", "municipality"), ("commune", "parish"),
                                          ("council", None)])
def test_children_lie_inside_their_parent_and_are_valid(demo, level, parent):
    f = demo.frames
    children = f[level]
    assert shapely.is_valid(children.geometry.values).all()
    assert (shapely.get_type_id(children.geometry.values) == 6).all()  # MultiPolygon
    if parent is None:  # councils: under a commune or, with none, under the parish
        every = pd.concat([f["commune"][["code", "geometry"]], f["parish"][["code", "geometry"]]]).set_index("code")
        share = _outside_share(children, every, children["parent_code"])
    else:
        key = "state_code" if level == "municipality" else "parent_code"
        share = _outside_share(children, f[parent].set_index("code"), children[key])
    assert share.max() < 1e-6


@pytest.mark.parametrize("level,parent", [("municipality", "state"), ("parish", "municipality")])
def test_children_tile_their_parent(demo, level, parent):
    f = demo.frames
    key = "state_code" if level == "municipality" else "parent_code"
    for code, group in f[level].groupby(key):
        whole = f[parent].set_index("code").loc[code].geometry
        areas = shapely.area(group.geometry.values)
        assert abs(areas.sum() - whole.area) / whole.area < 1e-6, code  # no overlaps
        assert abs(shapely.union_all(group.geometry.values).area - whole.area) / whole.area < 1e-6, code  # no gaps


def test_people_and_households_add_up_and_cities_are_dense(demo):
    f = demo.frames
    councils = f["council"]
    by_muni = councils.groupby("municipality_code")[["population", "households"]].sum()
    munis = f["municipality"].set_index("code")
    assert (by_muni["population"] == munis.loc[by_muni.index, "population"]).all()
    assert (by_muni["households"] == munis.loc[by_muni.index, "households"]).all()
    area = shapely.area(councils.geometry.values)
    density = councils["households"].to_numpy() / area
    caracas = councils["municipality_code"].to_numpy() == "0101"
    assert np.median(density[caracas]) > 5 * np.median(density[~caracas])


def test_records_point_at_existing_territories_and_each_other(demo):
    f = demo.frames
    territory = set(f["council"]["code"]) | set(f["commune"]["code"])
    for kind in ("project", "clap", "case"):
        assert f[kind]["territory_code"].isin(territory).all(), kind
        assert f[kind]["code"].is_unique, kind
    projects = set(f["project"]["code"])
    assert f["deposit"]["project_code"].isin(projects).all()
    assert f["clap-delivery"]["clap_code"].isin(set(f["clap"]["code"])).all()
    assert not f["clap-delivery"].duplicated(["clap_code", "delivery_date"]).any()
    linked = [c for codes in f["agreement"]["project_codes"] if codes for c in codes.split(";")]
    assert linked and set(linked) <= projects
    voted = f["project"].set_index("code")["vote"].astype(str)
    for cabinet_date, codes in zip(f["agreement"]["cabinet_date"], f["agreement"]["project_codes"]):
        assert all(voted[c] <= cabinet_date for c in codes.split(";") if c)  # only projects already chosen
    cases = f["case"]
    assert set(cases.loc[cases["project_code"] != "", "project_code"]) <= projects
    assert set(cases.loc[cases["agreement_code"] != "", "agreement_code"]) <= set(f["agreement"]["code"])
    assert (cases["project_code"] != "").any() and (cases["agreement_code"] != "").any()


def test_dates_are_consistent_and_never_after_today(demo):
    f = demo.frames
    today = TODAY.isoformat()
    cases = f["case"]
    assert (cases["reported_date"] <= today).all()
    assert (cases["due_date"] >= cases["reported_date"]).all()
    done = cases["resolved_date"] != ""
    assert (cases.loc[done, "resolved_date"] >= cases.loc[done, "reported_date"]).all()
    assert (cases.loc[done, "resolved_date"] <= today).all()
    assert set(cases.loc[done, "status"]) <= {"resolved", "closed"}
    assert (f["deposit"]["deposit_date"] <= today).all()
    assert (f["clap-delivery"]["delivery_date"] <= today).all()
    a = f["agreement"]
    assert (a["cabinet_date"] <= today).all() and (a["due_date"] >= a["cabinet_date"]).all()
    fin = a["done_date"] != ""
    assert ((a.loc[fin, "done_date"] >= a.loc[fin, "cabinet_date"]) & (a.loc[fin, "done_date"] <= today)).all()
    assert (a["status"][fin] == "done").all()
    p = f["project"]
    assert (p["end_date"][p["end_date"] != ""] <= today).all()


def test_the_room_has_something_to_find(demo):
    f = demo.frames
    p = f["project"]
    assert set(p["consultation_round"]) == {"2024-1", "2024-2", "2025-1", "2025-2"}
    funded = set(f["deposit"]["project_code"])
    assert (p["stage"] == "stalled").any() and p.loc[p["stage"] == "stalled", "code"].isin(funded).all()
    moving_unfunded = p[(p["stage"] == "in_progress") & ~p["code"].isin(funded)]
    assert len(moving_unfunded) > 0
    deposited = f["deposit"].groupby("project_code")["amount"].sum()
    assert (deposited <= p.set_index("code").loc[deposited.index, "budget"] + 0.01).all()
    cases = f["case"]
    open_ = cases["status"].isin(["reported", "assigned", "in_progress"])
    assert (open_ & (cases["due_date"] < TODAY.isoformat())).sum() > 0  # overdue
    # The spike: the chosen municipality's daily cases in the last weeks far above its usual rate.
    spike = demo.patterns.spike_municipality
    mine = cases[cases["territory_code"].str[:4] == spike]["reported_date"]
    recent_from = (TODAY - dt.timedelta(days=demo.patterns.spike_days)).isoformat()
    recent_rate = (mine > recent_from).sum() / demo.patterns.spike_days
    before_rate = (mine <= recent_from).sum() / (730 - demo.patterns.spike_days)
    assert recent_rate > 2 * before_rate
    # Water clusters: water's share of cases near a hot spot well above elsewhere.
    councils = f["council"].set_index("code")
    hot = councils.loc[demo.patterns.water_hotspots, ["x", "y"]].to_numpy()
    d = np.min([np.hypot(councils["x"] - hx, councils["y"] - hy) for hx, hy in hot], axis=0)
    distance = pd.Series(d, index=councils.index).loc[cases["territory_code"]].to_numpy()
    water = (cases["category"] == "water").to_numpy()
    assert water[distance < 0.03].mean() > 2 * water[distance > 0.15].mean()
    # Left behind: no delivery in the last seven weeks in those municipalities.
    last = f["clap-delivery"].merge(f["clap"][["code", "municipality_code"]], left_on="clap_code", right_on="code")
    behind = last[last["municipality_code"].isin(demo.clap_left_behind)]
    assert len(behind) > 0 and behind["delivery_date"].max() < (TODAY - dt.timedelta(days=49)).isoformat()


def test_some_councils_went_quiet_and_the_others_report(demo):
    """The planted silent councils sent nothing after their quiet day (no case, no CLAP
    delivery, no project moving); every council runs a CLAP, so most councils report."""
    f = demo.frames
    quiet = demo.patterns.silent_councils
    councils = f["council"]
    assert 0.03 < len(quiet) / len(councils) < 0.15
    assert all(TODAY - dt.timedelta(days=121) <= day <= TODAY - dt.timedelta(days=35) for day in quiet.values())
    # A whole parish went quiet in some municipalities; the spike's municipality did not.
    parishes = councils.set_index("code").loc[list(quiet), "parish_code"].value_counts()
    assert (parishes >= 3).any()
    assert not any(c.startswith(demo.patterns.spike_municipality) for c in quiet)
    since = pd.Series({c: d.isoformat() for c, d in quiet.items()})
    cases = f["case"][f["case"]["territory_code"].isin(quiet)]
    assert len(cases) > 0 and (cases["reported_date"] <= cases["territory_code"].map(since)).all()
    deliveries = f["clap-delivery"].merge(f["clap"][["code", "territory_code"]], left_on="clap_code", right_on="code")
    assert set(councils["code"]) <= set(f["clap"]["territory_code"])  # every council has its CLAP
    mine = deliveries[deliveries["territory_code"].isin(quiet)]
    assert (mine["delivery_date"] <= mine["territory_code"].map(since)).all()
    projects = f["project"][f["project"]["territory_code"].isin(quiet)]
    for column in ("start_date", "end_date"):
        dated = projects[projects[column].notna() & (projects[column] != "")]
        assert (dated[column] <= dated["territory_code"].map(since)).all()
    # The others report: most councils had a case or a delivery in the last 30 days (but
    # where the CLAPs were left behind, whose councils fall silent but for their cases).
    recent_from = (TODAY - dt.timedelta(days=30)).isoformat()
    active = set(f["case"].loc[f["case"]["reported_date"] > recent_from, "territory_code"])
    active |= set(deliveries.loc[deliveries["delivery_date"] > recent_from, "territory_code"])
    assert not active & set(quiet)
    served = councils[~councils["municipality_code"].isin(demo.clap_left_behind)]
    assert len(active & set(served["code"])) / len(served) > 0.75


def test_same_seed_same_data_other_seed_other_data(demo):
    again = generate_demo("small", seed=7, today=TODAY)
    other = generate_demo("small", seed=8, today=TODAY)
    for kind in LOAD_ORDER:
        a, b = demo.frames[kind], again.frames[kind]
        assert a.drop(columns="geometry", errors="ignore").equals(b.drop(columns="geometry", errors="ignore")), kind
        if "geometry" in a:
            assert (shapely.to_wkb(a.geometry.values) == shapely.to_wkb(b.geometry.values)).all(), kind
    assert not demo.frames["case"].equals(other.frames["case"])
    assert not (shapely.to_wkb(demo.frames["council"].geometry.values[:10])
                == shapely.to_wkb(other.frames["council"].geometry.values[:10])).all()


def test_files_are_written_in_the_canonical_layouts(demo, tmp_path):
    files = write_files(demo.frames, tmp_path)
    assert list(files) == list(LOAD_ORDER)
    assert files["state"].name == "geoBoundaries-VEN-ADM1_simplified.geojson"
    councils = pyogrio.read_dataframe(files["council"])
    assert len(councils) == len(demo.frames["council"])
    assert {"code", "name", "parent_code", "commune_code", "parish_code", "households", "population"} <= set(councils.columns)
    cases = pd.read_csv(files["case"], dtype=str, keep_default_na=False)
    assert list(cases.columns) == ["code", "reported_date", "category", "status", "territory_code", "lon", "lat",
                                   "institution", "due_date", "resolved_date", "description", "project_code",
                                   "agreement_code"]
    assert len(cases) == len(demo.frames["case"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cases["reported_date"].iloc[0])


def test_national_territory_meets_the_targets():
    from etl.demo.run import _plan

    t = _plan("national", 1).territories
    assert (len(t.states), len(t.municipalities), len(t.parishes), len(t.communes), len(t.councils)) == (25, 336, 1140, 3700, 49000)
    councils = t.councils
    assert councils["code"].is_unique and shapely.is_valid(councils.geometry.values).all()
    assert 140 <= councils["households"].mean() <= 160
    assert councils["population"].sum() == t.municipalities["population"].sum() == 27224125
    # Dense and small in the big cities, sparse and large in the south.
    area = pd.Series(shapely.area(councils.geometry.values), index=councils["municipality_code"].to_numpy())
    cities = area.loc[["0101", "2313", "0814", "1303"]].median()  # Libertador, Maracaibo, Valencia, Iribarren
    south = area[area.index.str[:2].isin(["02", "07"])].median()  # Amazonas, Bolívar
    assert south > 20 * cities
