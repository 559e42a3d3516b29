"""The staging table `stg` of a kind: its columns in COPY order and its DDL (a point built by
the server from lon/lat, a record's polygon from hex WKB; a boundary's polygons go apart,
to `stg_geom`, in binary COPY: etl.stage)."""

from __future__ import annotations

from etl.spec import KindSpec


def staging_columns(spec: KindSpec) -> list[tuple[str, str]]:
    """(name, PostgreSQL type) of the staging table, in COPY order."""
    cols = [("row_number", "integer")]
    if spec.boundary:
        cols += [
            ("code", "text"),
            ("name", "text"),
            ("parent_code", "text"),
            ("iso_code", "text"),
            ("population", "bigint"),
            ("households", "bigint"),
            ("area_km2", "double precision"),
            ("circuit_code", "text"),
            ("geom", "geometry"),
            ("label_point", "geometry"),
            ("attributes", "jsonb"),
        ]
        return cols
    types = {"int": "bigint", "decimal": "numeric", "date": "date"}
    cols += [(f.name, types.get(f.type, "text")) for f in spec.fields]
    if spec.territory_refs:
        cols.append(("territory_code", "text"))
    if spec.geometry == "point":
        # Points travel as two numbers, lighter to write and parse than EWKB; the server builds them.
        cols += [("lon", "double precision"), ("lat", "double precision")]
    if spec.geometry == "area":
        cols.append(("geom_wkb", "text"))  # the polygon as hex WKB; the server builds `shape` and `geom`
    return cols


def staging_copy_columns(spec: KindSpec) -> list[tuple[str, str]]:
    return [(n, k) for n, k in staging_columns(spec) if not (n == "geom" and spec.boundary)]


def staging_ddl(spec: KindSpec) -> str:
    """The staging table's columns; a territory's polygons go apart, to `stg_geom` (see etl.stage)."""
    ddl = ", ".join(f"{name} {kind}" for name, kind in staging_copy_columns(spec))
    if spec.geometry == "point" and not spec.boundary:
        ddl += ", geom geometry GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
    if spec.geometry == "area":
        # `geom` is the polygon's interior point, so the spatial join that places points
        # (etl.resolve) places a polygon given no territory code in the territory holding it.
        polygon = "ST_Force2D(ST_SetSRID(ST_GeomFromWKB(decode(geom_wkb, 'hex')), 4326))"
        ddl += f", shape geometry GENERATED ALWAYS AS (ST_Multi({polygon})) STORED"
        ddl += f", geom geometry GENERATED ALWAYS AS (ST_PointOnSurface({polygon})) STORED"
    return ddl
