"""What the planning pack's pages say, read in a few queries and summarised in memory.

The pack's pages never list thousands of records (the CSV and GeoPackage carry the full
lists): they need counts by area, category, parish and the child territories of each
parish, the twenty most urgent open cases, the agreements and the projects' money. The
cases are read once without geometry (the registry's own layer query, so period, scope
and "overdue" mean what they mean everywhere else) with the parish and child of each
case taken from its territory's path.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, func, select

from geodata.models import Territory
from geodata.vocab import AREAS, OPEN_CASE_STATUSES
from layers.features import features_frame
from layers.registry import LayerParams, get_layer
from layers.thematic import territory_shapes

URGENT = 20
CASE_COLUMNS = ("code", "reported_date", "category_label", "area", "status", "status_label", "overdue", "days_open",
                "due_date", "territory_name", "institution")


@dataclass
class PackData:
    cases: pd.DataFrame  # one row per case: CASE_COLUMNS, parish, child, open
    projects: pd.DataFrame
    agreements: pd.DataFrame
    parishes: gpd.GeoDataFrame  # code, name, geometry
    children: gpd.GeoDataFrame  # code, name, parent, geometry: the parishes' children (communes, councils)

    def cases_of(self, area: str | None = None, parish: str | None = None) -> pd.DataFrame:
        frame = self.cases
        if area is not None:
            frame = frame[frame["area"] == area]
        if parish is not None:
            frame = frame[frame["parish"] == parish]
        return frame


def read_cases(conn: Connection, params: LayerParams) -> pd.DataFrame:
    """The cases of the territory (no geometry), with the codes of their parish and of
    the parish's child they lie in (path parts 3 and 4 below the state)."""
    layer = get_layer("cases")
    sub = layer.select(params).subquery()
    t = Territory.__table__.alias("case_territory")
    query = (
        select(*(sub.c[name] for name in CASE_COLUMNS),
               func.split_part(t.c.path, "/", 4).label("parish"), func.split_part(t.c.path, "/", 5).label("child"))
        .select_from(sub.join(t, t.c.code == sub.c.territory_code))
    )
    rows = [tuple(row) for row in conn.execute(query)]  # plain tuples: pandas builds a frame of Rows far slower
    frame = pd.DataFrame(rows, columns=[*CASE_COLUMNS, "parish", "child"])
    frame["overdue"] = frame["overdue"].fillna(False).astype(bool)
    frame["open"] = frame["status"].isin(OPEN_CASE_STATUSES)
    return frame


def read_pack_data(conn: Connection, params: LayerParams) -> PackData:
    """Everything the pack's pages need for the municipality of `params` (resolved)."""
    municipality = conn.execute(select(Territory.id).where(Territory.code == params.territory)).scalar_one()
    parish_codes = list(conn.execute(
        select(Territory.code).where(Territory.parent_id == municipality, Territory.level == "parish")).scalars())
    parishes = territory_shapes(conn, parish_codes).sort_values("name").reset_index(drop=True)
    parent = Territory.__table__.alias("parent")
    child_rows = conn.execute(
        select(Territory.code, parent.c.code.label("parent"))
        .join(parent, parent.c.id == Territory.parent_id)
        .where(parent.c.code.in_(parish_codes), Territory.level != "circuit")
    ).all() if parish_codes else []
    children = territory_shapes(conn, [r.code for r in child_rows])
    parent_of = {r.code: r.parent for r in child_rows}
    children["parent"] = [parent_of.get(code) for code in children["code"]]
    projects = pd.DataFrame(features_frame(conn, "projects", params).drop(columns="geometry"))
    agreements = pd.DataFrame(features_frame(conn, "agreements", params).drop(columns="geometry"))
    return PackData(read_cases(conn, params), projects, agreements, parishes, children)


# --------------------------------------------------------------------------- summaries


def case_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {
        "total": len(frame),
        "open": int(frame["open"].sum()),
        "overdue": int((frame["open"] & frame["overdue"]).sum()),
        "resolved": int(frame["status"].isin(("resolved", "closed")).sum()),
    }


def open_by(frame: pd.DataFrame, column: str) -> dict[str, int]:
    """Open cases per value of `column` (a parish or child code)."""
    return frame[frame["open"]].groupby(column).size().to_dict()


def by_category(frame: pd.DataFrame) -> list[list]:
    """Category, area, open, overdue, resolved, total: most open first."""
    if not len(frame):
        return []
    rows = []
    for (category, area), group in frame.groupby(["category_label", "area"], dropna=False):
        c = case_counts(group)
        rows.append([category, AREAS.get(area, area or ""), c["open"], c["overdue"], c["resolved"], c["total"]])
    return sorted(rows, key=lambda r: (-r[2], -r[3], str(r[0])))


def by_parish(data: PackData) -> list[list]:
    """Parish, open, overdue, resolved and total cases: most open first."""
    rows = []
    for parish in data.parishes.itertuples():
        c = case_counts(data.cases_of(parish=parish.code))
        rows.append([parish.name, c["open"], c["overdue"], c["resolved"], c["total"]])
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def urgent(frame: pd.DataFrame, n: int = URGENT) -> pd.DataFrame:
    """The `n` most urgent open cases: overdue first, then the oldest report first."""
    open_cases = frame[frame["open"]]
    return open_cases.sort_values(["overdue", "reported_date", "code"], ascending=[False, True, True]).head(n)


def top_categories(frame: pd.DataFrame, n: int = 6) -> list[list]:
    return [r[:4] for r in by_category(frame)[:n] if r[2]]


def money_by_stage(projects: pd.DataFrame) -> list[list]:
    """Stage, projects, approved, deposited, % deposited, average progress."""
    if not len(projects):
        return []
    rows = []
    for stage, group in projects.groupby("stage_label", dropna=False):
        budget, deposited = group["budget"].fillna(0).sum(), group["deposited"].fillna(0).sum()
        progress = group["progress"].dropna()
        rows.append([stage, len(group), budget, deposited, 100 * deposited / budget if budget else None,
                     progress.mean() if len(progress) else None])
    return sorted(rows, key=lambda r: -r[2])
