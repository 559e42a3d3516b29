"""What a layer is, declared: `Field` (an attribute: name, Spanish label, type), `Column`
(a field with the SQL expression that computes it, so a field is declared once and the
select is built from it), `FilterDef`, `Style`, `Layer` itself and `validate_params`
(the parameters checked against the layer's filters)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select

from layers.registry.errors import LayerError
from layers.registry.params import _ROUND, LayerParams


@dataclass(frozen=True)
class Field:
    """One attribute of a layer: its column name in exports, Spanish label and type."""

    name: str
    label: str
    type: str  # "str" | "int" | "float" | "date" | "bool"


@dataclass(frozen=True)
class Column(Field):
    """A field and the SQL that computes it: `expr(q)` is given the query's names (`q.record`,
    the record table; `q.t`, its territory; `q.day`, the day judged on… whatever the
    layer's builder names) and returns the expression `select_columns` labels `name`."""

    expr: Callable[[Any], Any] = dc_field(compare=False, repr=False)

    def sql(self, q):
        return self.expr(q).label(self.name)


def select_columns(fields: Iterable[Field], **names) -> list:
    """The labelled SQL columns of `fields`, in order: every `Column`'s expression built
    on `names`; plain `Field`s (the indicators, merged by `layers.features`) are skipped."""
    q = SimpleNamespace(**names)
    return [f.sql(q) for f in fields if isinstance(f, Column)]


@dataclass(frozen=True)
class FilterDef:
    """A filter a layer accepts: `?status=reported&status=assigned` keeps either value."""

    name: str
    label: str
    choices: Mapping[str, str] | None = None  # canonical value -> Spanish label; None: free text


@dataclass(frozen=True)
class Style:
    """How a layer is drawn: one colour, or one colour per value of `field`."""

    color: str = "#3366cc"
    field: str | None = None
    colors: Mapping[str, str] = dc_field(default_factory=dict)
    labels: Mapping[str, str] = dc_field(default_factory=dict)
    line_color: str = "#333333"
    line_width: float = 0.8
    fill_opacity: float = 0.35
    radius: int = 5
    single_label: str = ""
    marker: str = "o"  # point symbol on printed maps (matplotlib marker), so layers tell apart in black and white too

    def color_for(self, value) -> str:
        if self.field is None or value is None:
            return self.color
        return self.colors.get(str(value), self.color)

    def legend(self) -> list[tuple[str, str]]:
        """(Spanish label, colour) pairs, in the order they should be listed."""
        if self.field is None:
            return [(self.single_label, self.color)]
        return [(self.labels.get(v, v), c) for v, c in self.colors.items()]


def validate_params(layer: Layer, params: LayerParams) -> None:
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise LayerError(f"Periodo inválido: la fecha inicial {params.date_from} es posterior a la final {params.date_to}.")
    if params.consultation_round and not _ROUND.match(params.consultation_round):
        raise LayerError(f"Consulta inválida: «{params.consultation_round}» (se espera AAAA-N, p. ej. 2025-1).")
    known = {f.name: f for f in layer.filters}
    for name, values in (params.filters or {}).items():
        if name not in known:
            allowed = ", ".join(known) or "ninguno"
            raise LayerError(f"La capa «{layer.id}» no tiene el filtro «{name}» (filtros: {allowed}).")
        choices = known[name].choices
        if choices is None:
            continue
        for value in values:
            if value.lower() not in {c.lower() for c in choices}:
                raise LayerError(
                    f"Valor inválido para el filtro «{name}»: «{value}» (valores: {', '.join(choices)})."
                )
    if params.bbox is not None:
        minx, miny, maxx, maxy = params.bbox
        if not (minx <= maxx and miny <= maxy):
            raise LayerError("bbox inválido: se espera minx,miny,maxx,maxy.")


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    geometry_type: str  # "Point" | "MultiPolygon" | "Geometry" (mixed)
    level: str | None  # territory level for territory layers, None for records
    fields: tuple[Field, ...]
    style: Style
    popup: tuple[str, ...]
    filters: tuple[FilterDef, ...]
    builder: Callable[[LayerParams, str], Select]
    description: str = ""
    date_field: str | None = None  # attribute holding each feature's last update (the "date of the data")
    period_field: str | None = None  # attribute the period applies to (OGC `datetime`)
    id_field: str = "code"
    min_zoom: int = 0  # vector tiles are empty below this zoom
    tile_limit: int = 20_000  # at most this many features per vector tile
    # Fields whose values are indicators of `geodata.indicators` for the feature's territory
    # (`level_values` by code), not columns of `select`: `layers.features` merges them.
    indicators: tuple[str, ...] = ()
    # Whether vector tiles carry the indicators too (cheap where they are materialised).
    tile_indicators: bool = False

    def select(self, params: LayerParams | None = None, *, geometry: str = "full") -> Select:
        """The layer's query: its SQL attributes (`sql_field_names`) in field order, then `geom`.

        Indicator fields are not in it: read rows through `layers.features` to get every
        field. `geometry="display"` uses the generalised polygons (tiles at low zoom).
        """
        params = params or LayerParams()
        validate_params(self, params)
        return self.builder(params, geometry)

    @property
    def field_names(self) -> list[str]:
        """Every attribute of the layer, in order (what exports write)."""
        return [f.name for f in self.fields]

    @property
    def sql_field_names(self) -> list[str]:
        """The attributes `select` returns (every field but the indicators), in field order."""
        return [f.name for f in self.fields if f.name not in self.indicators]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def legend(self) -> list[tuple[str, str]]:
        return self.style.legend()
