"""Small files for the ETL tests, written in each format the loader accepts."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box
from sqlalchemy import Engine, text

from tests.factories import small_tree

# Two parishes of Libertador (0101) that the small tree does not have, inside Distrito Capital's square.
PARISHES = [
    {"code": "010103", "name": "San José", "population": 1000, "geometry": box(-66.99, 10.41, -66.95, 10.45)},
    {"code": "010104", "name": "Santa Rosalía", "population": 2000, "geometry": box(-66.95, 10.41, -66.91, 10.45)},
]
COUNTED_TABLES = (
    "territory", "project", "deposit", "clap", "clap_delivery", "case_report", "case_status_change",
    "case_solution", "cabinet", "working_table", "agreement", "agreement_project",
)


def with_tree(engine: Engine) -> None:
    with engine.begin() as conn:
        small_tree(conn)


def parishes(crs: int = 4326) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(PARISHES, geometry="geometry", crs=4326)
    return frame.to_crs(crs) if crs != 4326 else frame


def write_vector(frame: gpd.GeoDataFrame, folder: Path, fmt: str, encoding: str | None = None) -> Path:
    """The frame as GeoJSON, GeoPackage, FlatGeobuf, a shapefile (file, folder or zip)."""
    if fmt == "geojson":
        path = folder / "data.geojson"
        frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    elif fmt == "gpkg":
        path = folder / "data.gpkg"
        frame.to_file(path, driver="GPKG", layer="parroquias", engine="pyogrio")
    elif fmt == "fgb":
        path = folder / "data.fgb"
        frame.to_file(path, driver="FlatGeobuf", engine="pyogrio")
    elif fmt in ("shp", "shp-folder", "shp-zip"):
        shp_folder = folder / "shape"
        shp_folder.mkdir()
        path = shp_folder / "parroquias.shp"
        kwargs = {"encoding": encoding} if encoding else {}
        frame.to_file(path, driver="ESRI Shapefile", engine="pyogrio", **kwargs)
        if fmt == "shp-folder":
            path = shp_folder
        elif fmt == "shp-zip":
            zpath = folder / "parroquias.zip"
            with zipfile.ZipFile(zpath, "w") as archive:
                for part in shp_folder.iterdir():
                    archive.write(part, part.name)
            path = zpath
    else:
        raise ValueError(fmt)
    return path


def write_csv(path: Path, header: list[str], rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_cases(path, n: int, prefix: str = "K") -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("code,reported_date,category,status,territory_code,institution,description\n")
        for i in range(n):
            handle.write(f"{prefix}{i},2024-0{1 + i % 9}-1{i % 10},water,reported,010101,Hidrocapital,caso número {i}\n")


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED_TABLES}


def scalar(engine: Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def rows(engine: Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()
