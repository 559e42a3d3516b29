"""Validate and transform one chunk, vectorised: text → typed canonical columns, geometry → EWKB.

Every check marks rows with the first reason that fails them (in Spanish, for the room);
rejected rows leave with their raw values, the rest go on to the staging table.
What needs the database (codes that must exist, duplicates across chunks) is checked
there, set-based, by `etl.merge`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from etl.columns import ColumnMap
from etl.errors import LoadError
from etl.kinds import TERRITORY_KINDS, TERRITORY_PARENTS, KindSpec, value_key
from etl.polygons import geodesic_area_km2
from etl.read import Chunk
from geodata.vocab import CATEGORY_AREA

# Venezuela's extent with a margin (Isla de Aves lies at 15.7° N).
VENEZUELA_BOUNDS = (-75.0, -0.5, -58.0, 16.0)
MAX_INT = 2_147_483_647
MAX_AMOUNT = 1e15
REFERENCE = Path(__file__).resolve().parents[1] / "geodata" / "reference"

# Cross-field order rules the database also enforces: (later, earlier, kind).
POINT_TYPE, POLYGON_TYPES = 0, (3, 6)
TYPE_NAMES = {
    0: "punto",
    1: "línea",
    2: "anillo",
    3: "polígono",
    4: "multipunto",
    5: "multilínea",
    6: "multipolígono",
    7: "colección",
}


@lru_cache
def states_by_iso() -> dict[str, tuple[str, str]]:
    """ISO 3166-2 → (INE code, official name), from the package's reference table."""
    with open(REFERENCE / "ve_states.csv", encoding="utf-8") as handle:
        return {row["iso_3166_2"].upper(): (row["ine_code"], row["name"]) for row in csv.DictReader(handle)}


def staging_columns(spec: KindSpec) -> list[tuple[str, str]]:
    """(name, PostgreSQL type) of the staging table, in COPY order."""
    cols = [("row_number", "integer")]
    if spec.kind in TERRITORY_KINDS:
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
    return [(n, k) for n, k in staging_columns(spec) if not (n == "geom" and spec.kind in TERRITORY_KINDS)]


def staging_ddl(spec: KindSpec) -> str:
    """The staging table's columns; a territory's polygons go apart, to `stg_geom` (see etl.load)."""
    ddl = ", ".join(f"{name} {kind}" for name, kind in staging_copy_columns(spec))
    if spec.geometry == "point" and spec.kind not in TERRITORY_KINDS:
        ddl += ", geom geometry GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
    if spec.geometry == "area":
        # `geom` is the polygon's interior point, so the spatial join that places points
        # (etl.merge) places a polygon given no territory code in the territory holding it.
        polygon = "ST_Force2D(ST_SetSRID(ST_GeomFromWKB(decode(geom_wkb, 'hex')), 4326))"
        ddl += f", shape geometry GENERATED ALWAYS AS (ST_Multi({polygon})) STORED"
        ddl += f", geom geometry GENERATED ALWAYS AS (ST_PointOnSurface({polygon})) STORED"
    return ddl


@dataclass
class Context:
    spec: KindSpec
    colmap: ColumnMap
    source_crs: str | None
    file: str
    today: dt.date = field(default_factory=dt.date.today)
    excel: bool = False

    def __post_init__(self):
        self.transformer = None
        if self.source_crs is not None:
            crs = CRS.from_user_input(self.source_crs)
            if not crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
                self.transformer = Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)


@dataclass
class Validated:
    staged: pd.DataFrame
    rejects: list[dict]
    # A boundary's geodesic area in km² where the file gives none, row for row with `staged`
    # (NaN: no polygon, or one the database measures; see etl.polygons).
    derived_area: np.ndarray | None = None


class _Marks:
    """The first failing reason and field of each row."""

    def __init__(self, n: int):
        self.reason = np.full(n, None, dtype=object)
        self.field = np.full(n, None, dtype=object)

    def mark(self, mask, reason, field_name: str | None):
        mask = np.asarray(mask, dtype=bool) & (self.reason == None)  # noqa: E711 (elementwise)
        if not mask.any():
            return
        if callable(reason):  # messages quoting the value are built only for the rows that fail
            self.reason[mask] = np.asarray(reason(mask), dtype=object)
        elif isinstance(reason, (pd.Series, np.ndarray)):
            self.reason[mask] = np.asarray(reason, dtype=object)[mask]
        else:
            self.reason[mask] = reason
        self.field[mask] = field_name

    def mark_row(self, i: int, reason: str, field_name: str | None) -> None:
        if self.reason[i] is None:
            self.reason[i], self.field[i] = reason, field_name

    @property
    def ok(self) -> np.ndarray:
        return self.reason == None  # noqa: E711


# --- value parsers ------------------------------------------------------------------------------


def by_unique(s: pd.Series, fn) -> pd.Series:
    """`fn` applied to each distinct value once: categories, dates and codes repeat a lot."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series([None] * len(s), index=s.index, dtype=object)
    if len(uniques) * 4 > len(s):
        return fn(s)
    mapped = np.asarray(fn(pd.Series(np.asarray(uniques, dtype=object), dtype=object)), dtype=object)
    out = np.where(codes >= 0, mapped[np.maximum(codes, 0)], None)
    return pd.Series(out, index=s.index, dtype=object)


# Whitespace anywhere, or a blank value, in values joined by NUL.
_SPACE_OR_BLANK = re.compile(r"\s|\x00\x00|^\x00|\x00$")


def _tidy(values: np.ndarray) -> bool:
    """True when no value has whitespace or is blank: codes, dates, numbers and categories
    usually, proven by one scan of the joined column instead of a strip per value."""
    try:
        joined = "\x00".join(values)
    except TypeError:  # a value that is not text
        return False
    return bool(joined) and not _SPACE_OR_BLANK.search(joined)


def clean_text(s: pd.Series) -> pd.Series:
    """Values stripped of surrounding whitespace; blank ones become None.

    A plain loop over the values: five times faster than pandas' string methods and than
    factorizing first, which only pays for a costly function of few distinct values.
    """
    values = s.to_numpy(dtype=object, copy=True)
    present = ~pd.isna(values)
    if present.any():
        if _tidy(values[present]):
            return pd.Series(values, index=s.index, dtype=object)
        try:
            stripped = [v.strip() for v in values[present]]
        except AttributeError:  # a value that is not text
            stripped = [str(v).strip() for v in values[present]]
        tidy = np.array(stripped, dtype=object)
        tidy[tidy == ""] = None
        values[present] = tidy
    return pd.Series(values, index=s.index, dtype=object)


def parse_number(s: pd.Series, integer: bool = False) -> tuple[pd.Series, pd.Series]:
    """Numbers as ministries write them: `1.234.567,89`, `1,5`, `1234.5`, `Bs. 300`; → (float, bad mask).

    For a whole-number field `1.234` is a thousand two hundred and thirty-four.
    """
    fast = pd.to_numeric(s, errors="coerce").astype(float)
    slow = s.notna().to_numpy() & np.isnan(fast.to_numpy())
    if integer:
        slow |= s.astype("string").str.fullmatch(r"-?\d{1,3}(\.\d{3})+").fillna(False).to_numpy()
    if not slow.any():
        return fast, pd.Series(np.zeros(len(s), dtype=bool), index=s.index)
    slow_num, slow_bad = _parse_number_text(s[slow], integer)
    fast[slow] = slow_num.to_numpy()
    bad = np.zeros(len(s), dtype=bool)
    bad[slow] = slow_bad.to_numpy()
    return fast, pd.Series(bad, index=s.index)


def _parse_number_text(s: pd.Series, integer: bool) -> tuple[pd.Series, pd.Series]:
    t = s.astype("string").str.replace(r"[\s\u00a0]|^(?:Bs\.?S?\.?|VES|\$|USD)", "", regex=True, case=False)
    last_comma, last_dot = t.str.rfind(","), t.str.rfind(".")
    both = (last_comma >= 0) & (last_dot >= 0)
    comma_decimal = (both & (last_comma > last_dot)) | ((last_dot < 0) & (t.str.count(",") == 1))
    dot_thousands = (both & (last_comma > last_dot)) | ((last_comma < 0) & (t.str.count(r"\.") > 1))
    if integer:
        dot_thousands = dot_thousands | t.str.fullmatch(r"-?\d{1,3}(\.\d{3})+")
    t = t.where(~dot_thousands.fillna(False), t.str.replace(".", "", regex=False))
    t = t.where(~comma_decimal.fillna(False), t.str.replace(",", ".", regex=False))
    t = t.str.replace(",", "", regex=False)
    num = pd.to_numeric(t, errors="coerce").astype(float)
    bad = s.notna().to_numpy() & np.isnan(num.to_numpy())
    return num, pd.Series(bad, index=s.index)


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%y")


def parse_date(s: pd.Series, excel: bool = False) -> tuple[pd.Series, pd.Series]:
    """ISO 8601, dd/mm/yyyy, dd-mm-yyyy (Venezuelan order), Excel serials; → (datetime64, bad mask)."""
    out = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    if not (out.isna() & s.notna()).any():
        out = out.where(out.dt.year >= 1900)
        return out, pd.Series((s.notna() & out.isna()).to_numpy(), index=s.index)
    t = s.astype("string").str.strip()
    iso = pd.to_datetime(t.str.slice(0, 10).where(t.str.match(r"^\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
    out = out.where(out.notna(), iso)
    for fmt in DATE_FORMATS:
        missing = out.isna() & t.notna()
        if not missing.any():
            break
        out[missing] = pd.to_datetime(t[missing].str.split(" ").str[0], format=fmt, errors="coerce")
    missing = out.isna() & t.notna()
    if excel and missing.any():
        serial = pd.to_numeric(t[missing], errors="coerce")
        serial = serial.where((serial > 1) & (serial < 100_000))
        out[missing] = pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce")
    out = out.where(out.dt.year >= 1900)
    bad = (s.notna() & out.isna()).to_numpy()
    return out.dt.normalize(), pd.Series(bad, index=s.index)


def parse_enum(s: pd.Series, vocab: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    uniques = s.dropna().unique()
    table = {u: vocab.get(value_key(u)) for u in uniques}
    out = s.map(table)
    bad = (s.notna() & out.isna()).to_numpy()
    return out, pd.Series(bad, index=s.index)


def normalise_codes(s: pd.Series) -> pd.Series:
    """INE codes as pasted: OCHA's `VE` prefix dropped, a lost leading zero restored (`101` → `0101`)."""
    return by_unique(s, _normalise_codes)


def _normalise_codes(s: pd.Series) -> pd.Series:
    canonical = _canonical_codes(s)
    if canonical is not None:
        return canonical
    t = s.astype("string").str.strip().str.replace(r"^[Vv][Ee](\d{2,})$", r"\1", regex=True)
    odd = t.str.fullmatch(r"\d|\d{3}|\d{5}").fillna(False)
    t = t.where(~odd, "0" + t)
    return t.astype(object).where(t.notna() & (t != ""), None)


def _canonical_codes(s: pd.Series) -> pd.Series | None:
    """`s` as it is when every code in it is already canonical (digits only, not 1, 3 or 5 of
    them: a boundary file's own codes, one per row), found without a regex per value; else None."""
    values = s.to_numpy(dtype=object)
    present = values[~pd.isna(values)]
    if not len(present) or not all(type(v) is str for v in present):
        return None
    text = present.astype(str)
    lengths = np.char.str_len(text)
    if not (np.char.isdecimal(text).all() and not np.isin(lengths, (1, 3, 5)).any()):
        return None
    out = values.copy()
    out[pd.isna(values)] = None
    return pd.Series(out, index=s.index, dtype=object)


# --- the chunk ----------------------------------------------------------------------------------


def validate_chunk(chunk: Chunk, ctx: Context) -> Validated:
    spec, colmap = ctx.spec, ctx.colmap
    frame = chunk.frame
    n = len(frame)
    marks = _Marks(n)
    out: dict[str, object] = {"row_number": np.arange(chunk.first_row, chunk.first_row + n)}
    territory = spec.kind in TERRITORY_KINDS
    for i, column, reason in chunk.problems:  # cells the reader could not take (NUL, formulas)
        name = colmap.field_of(column, keeps_extra=territory)
        if name is not None:
            marks.mark_row(i, reason, name)

    def raw(name: str) -> pd.Series:
        source = colmap.source_of(name)
        return clean_text(frame[source]) if source else pd.Series([None] * n, index=frame.index, dtype=object)

    for f in spec.fields:
        values = raw(f.name)
        if f.type in ("text", "codes", "round"):
            if f.name.endswith("_code") or (territory and f.name == "code"):
                values = normalise_codes(values)
            if f.max_length:
                too_long = values.str.len().fillna(0).to_numpy() > f.max_length
                marks.mark(too_long, f"«{f.name}» tiene más de {f.max_length} caracteres", f.name)
            if f.type == "round":
                bad = values.notna() & ~values.astype("string").str.fullmatch(r"\d{4}-\d{1,2}").fillna(False)
                marks.mark(bad, lambda m: "«" + f.name + "» debe tener la forma AAAA-N (p. ej. 2024-1), no «" + values[m].astype(str) + "»", f.name)
            parsed = values
        elif f.type in ("int", "decimal"):
            num, bad = parse_number(values, integer=f.type == "int")
            marks.mark(bad, lambda m: "«" + f.name + "»: «" + values[m].astype(str) + "» no es un número", f.name)
            if f.type == "int":
                fractional = num.notna() & (num % 1 != 0)
                marks.mark(fractional, f"«{f.name}» debe ser un número entero", f.name)
            if f.minimum is not None:
                marks.mark(num < f.minimum, f"«{f.name}» no puede ser menor que {f.minimum:g}", f.name)
            upper = f.maximum if f.maximum is not None else (MAX_INT if f.type == "int" else MAX_AMOUNT)
            marks.mark(num > upper, f"«{f.name}» no puede ser mayor que {upper:g}", f.name)
            parsed = num.round().astype("Int64") if f.type == "int" else num
        elif f.type == "date":
            dates, bad = parse_date(values, ctx.excel)
            marks.mark(bad, lambda m: "«" + f.name + "»: «" + values[m].astype(str) + "» no es una fecha válida (AAAA-MM-DD o DD/MM/AAAA)", f.name)
            if f.event:
                future = (dates > pd.Timestamp(ctx.today)).to_numpy()
                marks.mark(future, lambda m: "«" + f.name + "» está en el futuro (" + dates[m].dt.strftime("%Y-%m-%d").astype(str) + ")", f.name)
            parsed = dates
        elif f.type == "enum":
            mapped, bad = parse_enum(values, f.vocab)
            allowed = ", ".join(sorted(set(f.vocab.values())))
            marks.mark(bad, lambda m: "«" + f.name + "»: valor desconocido «" + values[m].astype(str) + f"» (se acepta: {allowed})", f.name)
            parsed = mapped
        else:  # pragma: no cover - a field type missing here is a programming error
            raise AssertionError(f.type)
        if f.required and not (spec.kind == "state" and f.name == "code"):  # may come from the ISO code
            marks.mark(values.isna().to_numpy(), f"falta el campo obligatorio «{f.name}»", f.name)
        out[f.name] = parsed

    for later, earlier in spec.date_order:
        before = (out[later] < out[earlier]).fillna(False).to_numpy()
        marks.mark(before, f"«{later}» es anterior a «{earlier}»", later)

    geom, point, xy, shapes = _geometry(chunk, ctx, marks)
    if colmap.location_source:
        # A Sala export places a record without a point of its own at its territory's: that
        # point is the territory's, so the record goes back to having none (its territory's code says where).
        where = clean_text(frame[colmap.location_source]).astype("string").str.lower()
        borrowed = (where == "territorio").fillna(False).to_numpy(dtype=bool)
        if borrowed.any():
            if xy is not None:
                xy = tuple(np.where(borrowed, np.nan, axis) for axis in xy)
            else:
                point = np.where(borrowed, None, point)
    if xy is not None:
        has_point = ~np.isnan(xy[0])
    elif spec.geometry == "area":  # a polygon places its record as a point does (its interior point)
        has_point = np.asarray([g is not None for g in geom], dtype=bool)
    else:
        has_point = np.asarray([g is not None for g in point], dtype=bool)

    if territory:
        _territory_columns(spec, colmap, frame, out, marks, geom, point, raw)
        out["derived_area"] = _derived_area(shapes, out.get("area_km2"))
    else:
        if spec.territory_refs:
            code = pd.Series([None] * n, index=frame.index, dtype=object)
            for _level, source in colmap.territory_refs:
                code = code.where(code.notna(), normalise_codes(clean_text(frame[source])))
            out["territory_code"] = code
            missing = code.isna().to_numpy() & ~has_point
            marks.mark(missing, "falta el territorio: ni código de territorio ni coordenadas", "territory_code")
        if spec.kind == "case":
            derived = out["category"].map(CATEGORY_AREA)
            out["area"] = out["area"].where(out["area"].notna(), derived)
        if spec.geometry == "area":
            marks.mark(np.asarray([g is None for g in geom], dtype=bool), f"falta el polígono del {spec.label}", "geometry")
            out["geom_wkb"] = np.asarray([None if g is None else bytes(g).hex() for g in geom], dtype=object)
        if spec.geometry == "point" and xy is not None:
            out["lon"], out["lat"] = xy
        elif spec.geometry == "point":
            has = has_point
            lon, lat = np.full(n, np.nan), np.full(n, np.nan)
            if has.any():
                lon[has], lat[has] = shapely.get_x(point[has]), shapely.get_y(point[has])
            out["lon"], out["lat"] = lon, lat

    staged = pd.DataFrame(out, index=frame.index)
    ok = marks.ok
    rejects = []
    if not ok.all():
        bad_rows = np.flatnonzero(~ok)
        for i in bad_rows:
            values = {k: v for k, v in frame.iloc[i].items() if v is not None and v == v}  # NaN: blank
            if chunk.geometry is not None and chunk.geometry[i] is not None:
                values["geometry"] = shapely.to_wkt(chunk.geometry[i], rounding_precision=6)[:200]
            rejects.append(
                {"row": int(out["row_number"][i]), "reason": marks.reason[i], "field": marks.field[i], "values": values}
            )
    columns = [name for name, _ in staging_columns(spec)]
    derived_area = out["derived_area"][ok] if territory else None
    staged = staged.loc[ok]
    for name in columns:
        if name not in staged:
            staged[name] = None
    return Validated(staged[columns], rejects, derived_area)


NOT_NUMBERS = "coordenadas no numéricas (NaN o infinito) en la geometría"
OUTSIDE = "fuera de Venezuela: ¿latitud y longitud invertidas o sistema de referencia (CRS) equivocado? Indique --crs"


def _geometry(chunk: Chunk, ctx: Context, marks: _Marks) -> tuple[np.ndarray, np.ndarray, tuple | None, np.ndarray]:
    """(polygons as WKB, points as shapely points, None where absent; or, for a record kind's
    lon/lat columns in WGS84, (lon, lat) arrays, NaN where absent; and the polygons as shapely
    geometries, None where absent); marks geometry rejects."""
    spec, colmap = ctx.spec, ctx.colmap
    n = len(chunk.frame)
    geoms = np.full(n, None, dtype=object)
    if chunk.geometry is not None:
        geoms = np.asarray(chunk.geometry, dtype=object)
        if spec.geometry in ("polygon", "area"):
            missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
            marks.mark(missing, "geometría vacía", "geometry")
        else:
            marks.mark(shapely.is_empty(geoms) & ~shapely.is_missing(geoms), "geometría vacía", "geometry")
    elif colmap.has_points:
        lon, bad_lon = parse_number(clean_text(chunk.frame[colmap.lon]))
        lat, bad_lat = parse_number(clean_text(chunk.frame[colmap.lat]))
        marks.mark((bad_lon | bad_lat).to_numpy(), "coordenadas no numéricas", "lon")
        half = lon.isna() ^ lat.isna()
        marks.mark(half.to_numpy(), "falta la latitud o la longitud", "lat" if lat.isna().any() else "lon")
        both = (lon.notna() & lat.notna()).to_numpy()
        if ctx.transformer is None and spec.kind not in TERRITORY_KINDS:
            # Plain numbers in, plain numbers out: the same checks as below without building points.
            x, y = lon.to_numpy(dtype=float), lat.to_numpy(dtype=float)
            xmin, ymin, xmax, ymax = VENEZUELA_BOUNDS
            live = both & marks.ok
            marks.mark(live & ((x < xmin) | (x > xmax) | (y < ymin) | (y > ymax)), OUTSIDE, "geometry")
            live = both & marks.ok
            return np.full(n, None, dtype=object), None, (np.where(live, x, np.nan), np.where(live, y, np.nan)), None
        geoms[both] = shapely.points(lon.to_numpy()[both], lat.to_numpy()[both])
    elif colmap.wkt:
        text = clean_text(chunk.frame[colmap.wkt])
        present = text.notna().to_numpy()
        parsed = shapely.from_wkt(text.to_numpy()[present], on_invalid="ignore")
        geoms[present] = parsed
        values = text.to_numpy()

        def unreadable(mask):  # the value quoted: a cell holding a note instead (an export's «too large for Excel») says why
            return [f"WKT ilegible: «{v[:80]}»" for v in values[mask]]

        marks.mark(present & shapely.is_missing(geoms), unreadable, colmap.wkt)
        marks.mark(shapely.is_empty(geoms) & ~shapely.is_missing(geoms), "geometría vacía", "geometry")
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms) & marks.ok
    changed = np.zeros(n, dtype=bool)
    if not present.any():
        return np.full(n, None, dtype=object), np.full(n, None, dtype=object), None, np.full(n, None, dtype=object)

    if ctx.transformer is not None:
        transformer = ctx.transformer

        def reproject(xy):
            x, y = transformer.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        geoms[present] = shapely.transform(geoms[present], reproject)
        changed[present] = True

    type_ids = np.full(n, -1)
    type_ids[present] = shapely.get_type_id(geoms[present])
    is_point = type_ids == POINT_TYPE
    is_polygon = np.isin(type_ids, POLYGON_TYPES)
    expected = {"polygon": "polígono o punto", "area": "polígono"}.get(spec.geometry, "punto")
    allowed = {"polygon": is_point | is_polygon, "area": is_polygon}.get(spec.geometry, is_point)
    wrong = present & ~allowed
    if wrong.any():
        names = np.array([TYPE_NAMES.get(t, str(t)) for t in type_ids], dtype=object)
        marks.mark(wrong, lambda m: "tipo de geometría «" + names[m] + f"» no válido (se esperaba {expected})", "geometry")

    check = present & marks.ok & is_polygon
    if check.any():
        invalid_idx = np.flatnonzero(check)[~shapely.is_valid(geoms[check])]
        for i in invalid_idx:
            if not np.isfinite(shapely.get_coordinates(geoms[i])).all():  # no repair for a vertex at NaN
                marks.mark(np.arange(n) == i, NOT_NUMBERS, "geometry")
                continue
            repaired = _repair(geoms[i])
            if repaired is None:
                marks.mark(
                    np.arange(n) == i,
                    f"geometría inválida que no se puede reparar ({shapely.is_valid_reason(geoms[i])})",
                    "geometry",
                )
            else:
                geoms[i] = repaired
                changed[i] = True

    live = present & marks.ok
    if live.any():
        bounds = np.full((n, 4), np.nan)
        bounds[live] = shapely.bounds(geoms[live])
        marks.mark(live & ~np.isfinite(bounds).all(axis=1), NOT_NUMBERS, "geometry")
        live = present & marks.ok
        xmin, ymin, xmax, ymax = VENEZUELA_BOUNDS
        outside = live & ((bounds[:, 0] < xmin) | (bounds[:, 2] > xmax) | (bounds[:, 1] < ymin) | (bounds[:, 3] > ymax))
        marks.mark(outside, OUTSIDE, "geometry")
    live = present & marks.ok
    polygons = np.full(n, None, dtype=object)
    points = np.full(n, None, dtype=object)
    poly_rows, point_rows = live & is_polygon, live & is_point
    # WKB without SRID (the merge sets 4326): the file's own bytes when untouched, which
    # costs a fraction of encoding the geometry again.
    passthrough = poly_rows & ~changed & (chunk.wkb is not None)
    if passthrough.any():
        polygons[passthrough] = chunk.wkb[passthrough]
    encode = poly_rows & ~passthrough
    if encode.any():
        polygons[encode] = shapely.to_wkb(geoms[encode], output_dimension=2)
    if point_rows.any():
        points[point_rows] = geoms[point_rows]
    shapes = np.full(n, None, dtype=object)
    shapes[poly_rows] = geoms[poly_rows]
    return polygons, points, None, shapes


def _repair(geom):
    """make_valid, kept only when the result is still polygonal."""
    fixed = shapely.make_valid(geom)
    type_id = shapely.get_type_id(fixed)
    if type_id in POLYGON_TYPES:
        return fixed
    if type_id == 7:
        parts = [p for p in shapely.get_parts(fixed) if shapely.get_type_id(p) in POLYGON_TYPES and not p.is_empty]
        polys = [q for p in parts for q in shapely.get_parts(p)]
        if polys:
            return shapely.MultiPolygon(polys)
    return None


def _derived_area(shapes: np.ndarray, given) -> np.ndarray:
    """The geodesic area of the polygons whose row gives none, computed here, in the reader
    thread, rather than by the database in the merge (where it was most of a polygon load)."""
    area = np.full(len(shapes), np.nan)
    need = np.asarray([s is not None for s in shapes], dtype=bool)
    if given is not None:
        need &= np.asarray(pd.isna(given), dtype=bool)
    if need.any():
        area[need] = geodesic_area_km2(shapes[need])
    return area


def _territory_columns(spec, colmap, frame, out, marks, geom, point, raw) -> None:
    level = spec.kind
    n = len(frame)
    code, iso = out["code"], out["iso_code"]
    if level == "state":
        table = states_by_iso()
        iso_upper = iso.astype("string").str.upper()
        from_iso = iso_upper.map(lambda v: table.get(v, (None, None))[0] if isinstance(v, str) else None)
        unknown_iso = (iso.notna() & from_iso.isna() & code.isna()).to_numpy()
        marks.mark(unknown_iso, lambda m: "«iso_code»: «" + iso[m].astype(str) + "» no es un código ISO 3166-2 de Venezuela", "iso_code")
        code = code.where(code.notna(), from_iso)
        by_code = {ine: iso_code for iso_code, (ine, _name) in table.items()}
        iso = iso.where(iso.notna(), code.map(by_code))
        out["iso_code"] = iso.astype("string").str.upper().astype(object).where(iso.notna(), None)
        if colmap.layout == "geoboundaries":
            # geoBoundaries spells some names its own way ("Caracas", "Delta amacuro"): the INE name is official.
            official = code.map({ine: name for ine, name in table.values()})
            out["source_name"] = out["name"]
            out["name"] = official.where(official.notna(), out["name"])
        marks.mark(code.isna().to_numpy(), "falta el campo obligatorio «code»", "code")
    out["code"] = code

    parent = out.get("parent_code")
    parent = parent if parent is not None else pd.Series([None] * n, index=frame.index, dtype=object)
    parent = normalise_codes(parent) if parent.notna().any() else parent
    for plevel in TERRITORY_PARENTS[level]:
        key = f"{plevel}_code"
        if key in out:
            parent = parent.where(parent.notna(), out[key])
    if level in ("municipality", "parish"):  # an INE code tells its parent's
        digits = code.astype("string").str.fullmatch(r"\d+").fillna(False)
        lengths = code.astype("string").str.len()
        if level == "municipality":
            parent = parent.where(parent.notna() | ~(digits & (lengths == 4)), code.astype("string").str.slice(0, 2))
        else:
            parent = parent.where(parent.notna() | ~(digits & (lengths == 6)), code.astype("string").str.slice(0, 4))
    if level != "state":
        parents = " o ".join(TERRITORY_PARENTS[level])
        marks.mark(parent.isna().to_numpy(), f"falta el código del territorio padre ({parents})", "parent_code")
        out["parent_code"] = parent.astype(object)
    else:
        out["parent_code"] = None
    out["geom"] = geom
    has_point = np.asarray([g is not None for g in point], dtype=bool)
    labels = np.full(n, None, dtype=object)
    if has_point.any():
        labels[has_point] = shapely.to_wkb(shapely.set_srid(point[has_point], 4326), hex=True, include_srid=True)
    out["label_point"] = labels

    extra_cols = list(colmap.extra)
    extras = {c: clean_text(frame[c]) for c in extra_cols}
    # A value that only repeats the row's code (a GeoJSON feature's id) is not worth keeping.
    extras = {c: values.where(values != code) for c, values in extras.items()}
    if "registration_date" in out and colmap.source_of("registration_date"):
        extras["registration_date"] = out["registration_date"].dt.strftime("%Y-%m-%d")
    if "source_name" in out:
        extras["source_name"] = out["source_name"]
    if extras:
        table = pd.DataFrame(extras, index=frame.index)
        records = table.to_dict("records")
        out["attributes"] = [
            json.dumps({k: v for k, v in rec.items() if v is not None and v == v}, ensure_ascii=False) for rec in records
        ]
    else:
        out["attributes"] = None


def require_territory_source(spec: KindSpec, colmap: ColumnMap, has_geometry: bool, file: str) -> None:
    """A record kind that is placed in a territory needs a code column or coordinates."""
    if spec.territory_refs and not colmap.territory_refs and not (has_geometry or colmap.has_points or colmap.wkt):
        raise LoadError(
            "falta el territorio: se necesita una columna de código de territorio "
            "(cod_consejo, cod_comuna, cod_parroquia, cod_municipio, cod_estado, territory_code) o coordenadas (lon/lat)",
            file=file,
            field="territory_code",
        )
