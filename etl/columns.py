"""Which column of a file is which field: canonical, Spanish, OCHA COD-AB and geoBoundaries names.

The layout is recognised from the headers alone; `--map SOURCE=TARGET` overrides any of it.
Names cut to dBase's 10 characters (a shapefile's, Sala's own `CAMPOS.txt` lists them) are
recognised too, and so are the columns Sala's exports derive from other data (a parent's
name, the indicators), which a territory does not keep among its attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.errors import LoadError, UsageError
from etl.names import LAT_ALIASES, LOCATION_ALIASES, LON_ALIASES, WKT_ALIASES, header_key
from etl.spec import KindSpec
from geodata.indicators import INDICATORS

# Targets a --map may name besides the kind's fields.
GEOMETRY_TARGETS = ("lon", "lat", "wkt")
IGNORE_TARGET = "-"
# A dBase (shapefile) field name has at most 10 characters; a name cut to the same 10 as an
# earlier one ends in `_1`, `_2`… instead (as Sala's exports and most GIS write them).
DBF_WIDTH = 10
# Columns of Sala's own territory exports that are not the territory's data but derived from
# other data when exported: loaded back, they are not kept as attributes.
EXPORT_DERIVED = ("parent_name", "is_demo", "updated_on", *INDICATORS)


@dataclass
class ColumnMap:
    """Canonical field → source column, plus the coordinate and territory-reference columns."""

    fields: dict[str, str] = field(default_factory=dict)
    territory_refs: list[tuple[str, str]] = field(default_factory=list)  # (level, source), deepest first
    lon: str | None = None
    lat: str | None = None
    wkt: str | None = None
    extra: list[str] = field(default_factory=list)  # unmapped columns (territories keep them as attributes)
    layout: str = "canonical"
    # A Sala export's «Ubicación»: `territorio` says the point is the territory's, not the record's.
    location_source: str | None = None

    def source_of(self, name: str) -> str | None:
        return self.fields.get(name)

    @property
    def has_points(self) -> bool:
        return bool(self.lon and self.lat)

    def field_of(self, column: str, *, keeps_extra: bool) -> str | None:
        """What the load makes of a file's column: the field it fills (or the column itself for
        coordinates, territory references and, with `keeps_extra`, the extra columns a territory
        keeps as attributes); None for a column the load ignores."""
        for name, source in self.fields.items():
            if source == column:
                return name
        if column in (self.lon, self.lat, self.wkt) or any(source == column for _, source in self.territory_refs):
            return column
        return column if keeps_extra and column in self.extra else None


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """`["municipio=name", "x=lon"]` → {"municipio": "name", "x": "lon"}; a bad pair is a usage error."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise UsageError(f"--map espera ORIGEN=DESTINO, recibió «{pair}»")
        mapping[source.strip()] = target.strip()
    return mapping


def _detect_layout(keys: set[str]) -> str:
    if any(k.startswith("adm") and k.endswith("_pcode") for k in keys):
        return "cod-ab"
    if "shapeiso" in keys or "shapename" in keys:
        return "geoboundaries"
    return "spanish" if keys & {"codigo", "nombre", "fecha", "estatus", "monto", "latitud", "longitud", "cod"} else "canonical"


def map_columns(columns: list[str], spec: KindSpec, mapping: dict[str, str] | None = None, *, file: str = "") -> ColumnMap:
    """Match the file's headers to the kind's fields; raise when a required one is missing."""
    mapping = dict(mapping or {})
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(header_key(col), col)
    result = ColumnMap(layout=_detect_layout(set(by_key)))
    used: set[str] = set()
    ref_levels = {level for level, _ in spec.territory_refs}
    known_targets = set(spec.names) | set(GEOMETRY_TARGETS) | {f"{lvl}_code" for lvl in ref_levels if lvl != "any"}
    known_targets |= {"territory_code"} if spec.territory_refs else set()

    for source, target in mapping.items():
        if source not in columns:
            # A case-insensitive match is what a person typing the option means.
            matches = [c for c in columns if header_key(c) == header_key(source)]
            if not matches:
                raise UsageError(f"--map: el archivo no tiene la columna «{source}» (columnas: {', '.join(columns)})")
            source = matches[0]
        used.add(source)
        if target == IGNORE_TARGET:
            continue
        if target not in known_targets:
            raise UsageError(
                f"--map: «{target}» no es un campo de {spec.kind} (campos: {', '.join(sorted(known_targets))}, o «-» para ignorar)"
            )
        if target in GEOMETRY_TARGETS:
            setattr(result, target, source)
        elif target == "territory_code":
            result.territory_refs.append(("any", source))
        elif target.endswith("_code") and target[: -len("_code")] in ref_levels and target not in spec.names:
            result.territory_refs.append((target[: -len("_code")], source))
        else:
            result.fields[target] = source

    by_short = {header_key(col): col for col in columns if len(col) == DBF_WIDTH}

    def take(aliases, cut: bool = False) -> str | None:
        """The first unused column named by one of `aliases` (`cut`: by its first 10 characters)."""
        for alias in aliases:
            key = header_key(alias)
            if cut and len(key) <= DBF_WIDTH:
                continue
            col = by_short.get(header_key(key[:DBF_WIDTH])) if cut else by_key.get(key)
            if col is not None and col not in used:
                used.add(col)
                return col
        return None

    detect_refs = bool(spec.territory_refs) and not result.territory_refs  # none named by --map
    for cut in (False, True):  # whole names first, then the 10-character cuts of a shapefile
        for f in spec.fields:
            if f.name in result.fields:
                continue
            col = take((f.name,) + f.aliases, cut)
            if col is not None:
                result.fields[f.name] = col
        if detect_refs:
            found = {level for level, _ in result.territory_refs}
            for level, aliases in spec.territory_refs:
                col = None if level in found else take((f"{level}_code",) + aliases, cut)
                if col is not None:
                    result.territory_refs.append((level, col))
    if detect_refs:  # deepest first, as declared: a row takes the first code it has
        order = [level for level, _ in spec.territory_refs]
        result.territory_refs.sort(key=lambda ref: order.index(ref[0]))
    if not (result.lon and result.lat) and not result.wkt:
        lon, lat = take(LON_ALIASES), take(LAT_ALIASES)
        if lon and lat:
            result.lon, result.lat = lon, lat
        else:
            used.discard(lon)
            used.discard(lat)
            result.wkt = take(WKT_ALIASES)
    if spec.geometry == "point" and spec.territory_refs:
        result.location_source = take(LOCATION_ALIASES) or take(LOCATION_ALIASES, cut=True)
    derived = _derived_keys()
    result.extra = [c for c in columns if c not in used and header_key(c) not in derived]

    missing = [f.name for f in spec.fields if f.required and f.name not in result.fields]
    # A state may be named by its ISO 3166-2 code alone (geoBoundaries): the code comes from the ISO table.
    if spec.kind == "state" and "code" in missing and "iso_code" in result.fields:
        missing.remove("code")
    if missing:
        names = "; ".join(f"«{m}» (también: {', '.join(spec.field(m).aliases[:6])})" for m in missing)
        raise LoadError(f"faltan columnas obligatorias para {spec.kind}: {names}", file=file, field=missing[0])
    return result


def _derived_keys() -> set[str]:
    """`EXPORT_DERIVED` as header keys, whole and in their dBase forms."""
    keys = set()
    for name in EXPORT_DERIVED:
        key = header_key(name)
        keys |= {key, header_key(key[:DBF_WIDTH])} | {f"{key[:DBF_WIDTH - 2]}_{n}" for n in range(1, 10)}
    return keys
