"""Validate and transform one chunk, vectorised: text → typed canonical columns, geometry → EWKB.

Every check marks rows with the first reason that fails them (in Spanish, for the room);
rejected rows leave with their raw values, the rest go on to the staging table.
What needs the database (codes that must exist, duplicates across chunks) is checked
there, set-based, by `etl.resolve`. The value parsers are in etl.parse, the geometry's
checks in etl.geometry, the staging table's shape in etl.staging_table.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from etl.columns import ColumnMap
from etl.errors import LoadError
from etl.geometry import geodesic_areas, read_geometry
from etl.names import TERRITORY_PARENTS
from etl.parse import clean_text, normalise_codes, parse_date, parse_enum, parse_number
from etl.read import Chunk
from etl.spec import KindSpec
from etl.staging_table import staging_columns

MAX_INT = 2_147_483_647
MAX_AMOUNT = 1e15
REFERENCE = Path(__file__).resolve().parents[1] / "geodata" / "reference"


@lru_cache
def states_by_iso() -> dict[str, tuple[str, str]]:
    """ISO 3166-2 → (INE code, official name), from the package's reference table."""
    with open(REFERENCE / "ve_states.csv", encoding="utf-8") as handle:
        return {row["iso_3166_2"].upper(): (row["ine_code"], row["name"]) for row in csv.DictReader(handle)}


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


# --- the chunk ----------------------------------------------------------------------------------


def validate_chunk(chunk: Chunk, ctx: Context) -> Validated:
    spec, colmap = ctx.spec, ctx.colmap
    frame = chunk.frame
    n = len(frame)
    marks = _Marks(n)
    out: dict[str, object] = {"row_number": np.arange(chunk.first_row, chunk.first_row + n)}
    territory = spec.boundary
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

    geom, point, xy, shapes = read_geometry(chunk, ctx, marks)
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
        out["derived_area"] = geodesic_areas(shapes, out.get("area_km2"))
    else:
        if spec.territory_refs:
            code = pd.Series([None] * n, index=frame.index, dtype=object)
            for _level, source in colmap.territory_refs:
                code = code.where(code.notna(), normalise_codes(clean_text(frame[source])))
            out["territory_code"] = code
            missing = code.isna().to_numpy() & ~has_point
            marks.mark(missing, "falta el territorio: ni código de territorio ni coordenadas", "territory_code")
        for name, source, mapping in spec.fills:
            out[name] = out[name].where(out[name].notna(), out[source].map(mapping))
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
