"""The layer registry: one definition per map layer, used by the dashboard, the exports,
the vector tiles, the OGC API and the printed maps alike.

A `Layer` says what it shows (Spanish title, geometry type, territory level), which
attributes it carries (ordered `Field`s with Spanish labels and types), how it is drawn
(`Style` and its legend), what its popup shows and which filters it accepts. Its
`select(params)` builds the query with SQLAlchemy Core and bound parameters: the
attributes, in field order, plus `geom` (EPSG:4326). The territory layers' indicator
attributes (`Layer.indicators`) are not SQL of the registry: they are the indicators of
`geodata.indicators` (one definition of every measure), merged by code where rows are
produced (`layers.features`).

Every query is cut to the territory asked for (its subtree, via the materialised path)
and to the caller's `Scope`, so no export or tile can show what the role may not see.
"""

from __future__ import annotations

from http import HTTPStatus

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from datetime import date

from geoalchemy2 import Geometry
from sqlalchemy import (
    Date,
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from geodata import errors as sala_errors
from geodata.access import NATIONAL, Scope
from geodata.indicators import INDICATORS, MATERIALISED_MAX_DEPTH
from geodata.models import Agreement, Case, Clap, ClapDelivery, Deposit, Project, Territory, WorkingTable
from geodata.rules import agreement_overdue, case_overdue
from geodata.territory import normalise_code, resolve
from geodata.vocab import (
    AGREEMENT_STATUSES,
    AREAS,
    CASE_CATEGORIES,
    CASE_STATUSES,
    CONSULTATION_ROUND_PATTERN,
    LEVEL_LABELS_PLURAL,
    PROJECT_STAGES,
)

SRID = 4326


class LayerError(sala_errors.InvalidInput):
    """Bad layer parameters (a filter the layer lacks, a value outside its vocabulary…).

    A LayerError that is also a LookupError (a tile out of range…) is a 404, as `NotFound` is."""

    @property
    def status(self) -> int:
        return int(HTTPStatus.NOT_FOUND if isinstance(self, LookupError) else HTTPStatus.BAD_REQUEST)


class UnknownLayer(sala_errors.NotFound, LayerError):
    def __init__(self, layer_id: str):
        self.layer_id = layer_id
        known = ", ".join(LAYERS)
        super().__init__(f"Capa desconocida: «{layer_id}». Capas disponibles: {known}.")


class UnknownTerritory(sala_errors.NotFound, LayerError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(f"Territorio desconocido: «{code}» (no existe o está fuera de su ámbito).")


@dataclass(frozen=True)
class Field:
    """One attribute of a layer: its column name in exports, Spanish label and type."""

    name: str
    label: str
    type: str  # "str" | "int" | "float" | "date" | "bool"


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


@dataclass(frozen=True)
class LayerParams:
    """What is on screen: territory, period, consultation round, filters, and who looks."""

    territory: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    consultation_round: str | None = None
    filters: dict[str, list[str]] | None = None
    scope: Scope = NATIONAL
    # Filled by `resolve_params` (the path of `territory`) so the subtree test can use the index.
    territory_path: str | None = None
    # An EPSG:4326 box (minx, miny, maxx, maxy) the features must intersect (tiles, OGC bbox).
    bbox: tuple[float, float, float, float] | None = None
    # The day records are judged on ("overdue", "days open", "days since the last delivery");
    # None: today in the database. The map room judges a past period at its end.
    as_of: date | None = None


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


LAYERS: dict[str, Layer] = {}


def register(layer: Layer) -> Layer:
    if layer.id in LAYERS:
        raise ValueError(f"layer {layer.id!r} defined twice")
    LAYERS[layer.id] = layer
    return layer


def get_layer(layer_id: str) -> Layer:
    try:
        return LAYERS[layer_id]
    except KeyError:
        raise UnknownLayer(layer_id) from None


def list_layers() -> list[Layer]:
    return list(LAYERS.values())


# --------------------------------------------------------------------------- parameters

_ROUND = re.compile(CONSULTATION_ROUND_PATTERN)
_BOOL_VALUES = {"true": True, "1": True, "si": True, "sí": True, "false": False, "0": False, "no": False}
BOOL_CHOICES = {"true": "Sí", "false": "No"}


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


def resolve_params(conn, params: LayerParams) -> LayerParams:
    """Check the territory exists and is in scope, and fill in its path.

    A territory outside the scope is reported exactly like an unknown one, so a
    director cannot learn what exists outside their state.
    """
    if params.territory is None:
        return params
    if params.territory_path is not None and params.scope.allows(params.territory_path):
        return params  # resolved at the edge, from a Place (`layers.points.place_params`)
    # The code by its unique index, the ISO code only as a fallback (never an OR: a scan).
    node = resolve(conn, params.territory)
    if node is None or not params.scope.allows(node.path):
        raise UnknownTerritory(params.territory)
    return replace(params, territory=node.code, territory_path=node.path)


def _territory_condition(params: LayerParams, path_column):
    """The subtree of the territory asked for, and the scope, on a territory path column."""
    conds = [params.scope.condition(path_column)]
    # `geodata.territory.subtree_condition`'s prefix test, on the aliased column each query joins.
    if params.territory_path is not None:
        conds.append(path_column.startswith(params.territory_path, autoescape=True))
    elif params.territory is not None:
        # Not resolved beforehand: look the path up in the query itself.
        root = select(Territory.path).where(Territory.code == normalise_code(params.territory)).scalar_subquery()
        conds.append(func.starts_with(path_column, root))
    return and_(*conds)


def _values(params: LayerParams, name: str) -> list[str] | None:
    values = (params.filters or {}).get(name)
    return [v for v in values] if values else None


def _vocab_values(params: LayerParams, name: str, vocab: Mapping[str, str]) -> list[str] | None:
    values = _values(params, name)
    if values is None:
        return None
    lower = {k.lower(): k for k in vocab}
    return [lower.get(v.lower(), v) for v in values]


def _bool_filter(params: LayerParams, name: str) -> bool | None:
    """A yes/no filter; both values given means no filter."""
    values = _values(params, name)
    if not values:
        return None
    wanted = {_BOOL_VALUES[v.lower()] for v in values}
    return wanted.pop() if len(wanted) == 1 else None


def _bbox_condition(params: LayerParams, geom):
    if params.bbox is None:
        return true()
    minx, miny, maxx, maxy = params.bbox
    return func.ST_Intersects(geom, func.ST_MakeEnvelope(minx, miny, maxx, maxy, SRID))


def _records_in_box(params: LayerParams, model, territory_fk):
    """An index-friendly prefilter for records placed at their own point or, lacking one, at
    their territory's: the ids found through either spatial index (the exact test follows)."""
    if params.bbox is None:
        return true()
    minx, miny, maxx, maxy = params.bbox
    box = func.ST_MakeEnvelope(minx, miny, maxx, maxy, SRID)
    placed = aliased(Territory)
    own = select(model.id).where(model.geom.op("&&")(box))
    borrowed = (
        select(model.id)
        .join(placed, placed.id == territory_fk)
        .where(model.geom.is_(None), or_(placed.geom.op("&&")(box), placed.label_point.op("&&")(box)))
    )
    return model.id.in_(own.union_all(borrowed))


def _label(mapping: Mapping[str, str], column):
    return case(dict(mapping), value=column, else_=column)


def _point(*candidates):
    return func.coalesce(*candidates, type_=Geometry("POINT", srid=SRID))


def _territory_point(t):
    return func.coalesce(t.label_point, func.ST_PointOnSurface(t.geom), type_=Geometry("POINT", srid=SRID))


def _period(column, params: LayerParams):
    conds = []
    if params.date_from:
        conds.append(column >= params.date_from)
    if params.date_to:
        conds.append(column <= params.date_to)
    return and_(true(), *conds)


def _day(params: LayerParams):
    """The day records are judged on: `params.as_of`, or today in the database."""
    return func.current_date() if params.as_of is None else cast(params.as_of, Date)


# --------------------------------------------------------------------------- territory layers

_TERRITORY_FIELDS = (
    Field("code", "Código", "str"),
    Field("name", "Nombre", "str"),
    Field("parent_code", "Código del nivel superior", "str"),
    Field("parent_name", "Nivel superior", "str"),
    Field("population", "Población", "int"),
    Field("households", "Familias", "int"),
    Field("area_km2", "Superficie (km²)", "float"),
)
# The indicator attributes of the territory layers: a stable subset of
# `geodata.indicators.INDICATORS` (id, column type), in this order. Their Spanish labels
# are the indicators' own and their values come from `geodata.indicators.level_values`
# (merged by code in `layers.features`), so the map, the exports and the dashboard show
# one definition of every measure. Household and population figures are the territory's
# own attributes above.
TERRITORY_INDICATORS: tuple[tuple[str, str], ...] = (
    ("cases_reported", "int"),
    ("cases_open", "int"),
    ("cases_overdue", "int"),
    ("cases_resolved", "int"),
    ("median_days_to_resolve", "float"),
    ("cases_with_solution_share", "float"),
    ("projects_total", "int"),
    ("projects_stalled", "int"),
    ("budget_approved", "float"),
    ("budget_deposited", "float"),
    ("budget_deposited_share", "float"),
    ("clap_count", "int"),
    ("clap_coverage", "float"),
    ("clap_days_since_delivery", "float"),
    ("agreements_total", "int"),
    ("agreements_overdue", "int"),
)
_INDICATOR_FIELDS = tuple(Field(i, INDICATORS[i].label, kind) for i, kind in TERRITORY_INDICATORS)
_TAIL_FIELDS = (
    Field("is_demo", "Datos de demostración", "bool"),
    Field("updated_on", "Actualizado", "date"),
)


def territory_polygon(t, geometry: str):
    """A territory's boundary: the generalised one for low-zoom tiles (`display`), else the full one."""
    if geometry == "display":
        return func.coalesce(t.geom_display, t.geom, type_=Geometry("MULTIPOLYGON", srid=SRID))
    return t.geom


def named_with_parent(t, parent) -> tuple:
    """The first columns of a territory layer: code, name, parent_code, parent_name."""
    return (t.code.label("code"), t.name.label("name"), parent.code.label("parent_code"), parent.name.label("parent_name"))


def _territory_builder(level: str):
    """The territory attributes of a level (not its indicators: see `TERRITORY_INDICATORS`)."""

    def build(params: LayerParams, geometry: str) -> Select:
        t = aliased(Territory, name="t")
        parent = aliased(Territory, name="parent")
        geom = territory_polygon(t, geometry)
        return (
            select(
                *named_with_parent(t, parent),
                t.population.label("population"),
                t.households.label("households"),
                t.area_km2.label("area_km2"),
                t.is_demo.label("is_demo"),
                cast(t.updated_at, Date).label("updated_on"),
                geom.label("geom"),
            )
            .select_from(t)
            .outerjoin(parent, parent.id == t.parent_id)
            .where(t.level == level, _territory_condition(params, t.path), _bbox_condition(params, t.geom))
            .order_by(t.code)
        )

    return build


_MATERIALISED_LEVELS = ("state", "municipality", "parish")[: MATERIALISED_MAX_DEPTH + 1]

_TERRITORY_STYLES = {
    "state": Style(color="#9ecae1", line_color="#08306b", line_width=1.4, fill_opacity=0.25, single_label="Estado"),
    "municipality": Style(color="#c6dbef", line_color="#2171b5", line_width=1.0, fill_opacity=0.25, single_label="Municipio"),
    "parish": Style(color="#deebf7", line_color="#4292c6", line_width=0.8, fill_opacity=0.25, single_label="Parroquia"),
    "circuit": Style(color="#fdd0a2", line_color="#d94801", line_width=1.0, fill_opacity=0.3, single_label="Circuito comunal"),
    "commune": Style(color="#c7e9c0", line_color="#238b45", line_width=0.7, fill_opacity=0.35, single_label="Comuna"),
    "council": Style(color="#fee391", line_color="#cc4c02", line_width=0.4, fill_opacity=0.35, single_label="Consejo comunal"),
}

# States, municipalities, parishes, communes and councils carry the indicators of their
# subtree for the period, round and scope asked for (`Layer.indicators`); circuits carry
# none. Vector tiles carry them only where they are materialised (states, municipalities,
# parishes: `Layer.tile_indicators`); commune and council tiles draw outlines and carry
# the territory attributes only, since their indicators are summed live from the records.
for _id, _level, _indicators, _min_zoom in (
    ("states", "state", True, 0),
    ("municipalities", "municipality", True, 0),
    ("parishes", "parish", True, 4),
    ("circuits", "circuit", False, 5),
    ("communes", "commune", True, 5),
    ("councils", "council", True, 8),
):
    register(
        Layer(
            id=_id,
            title=LEVEL_LABELS_PLURAL[_level],
            geometry_type="MultiPolygon",
            level=_level,
            fields=_TERRITORY_FIELDS + (_INDICATOR_FIELDS if _indicators else ()) + _TAIL_FIELDS,
            style=_TERRITORY_STYLES[_level],
            popup=("name", "code", "population", "households")
            + (("cases_open", "cases_overdue", "projects_total", "clap_count") if _indicators else ()),
            filters=(),
            builder=_territory_builder(_level),
            description=f"Límites de {LEVEL_LABELS_PLURAL[_level].lower()}"
            + (" con indicadores de casos, proyectos, CLAP y acuerdos de su territorio." if _indicators else "."),
            date_field="updated_on",
            min_zoom=_min_zoom,
            tile_limit=50_000,
            indicators=tuple(f.name for f in _INDICATOR_FIELDS) if _indicators else (),
            tile_indicators=_indicators and _level in _MATERIALISED_LEVELS,
        )
    )


# --------------------------------------------------------------------------- cases (1x10)

_CASE_STATUS_COLORS = {
    "reported": "#e31a1c",
    "assigned": "#fd8d3c",
    "in_progress": "#feb24c",
    "resolved": "#31a354",
    "closed": "#74c476",
    "rejected": "#969696",
}


def _cases(params: LayerParams, geometry: str) -> Select:
    t = aliased(Territory, name="t")
    overdue = case_overdue(_day(params))
    geom = _point(Case.geom, _territory_point(t))
    conds = [
        _territory_condition(params, t.path),
        _period(Case.reported_date, params),
        _records_in_box(params, Case, Case.territory_id),
        _bbox_condition(params, geom),
    ]
    if (v := _vocab_values(params, "category", CASE_CATEGORIES)) is not None:
        conds.append(Case.category.in_(v))
    if (v := _vocab_values(params, "status", CASE_STATUSES)) is not None:
        conds.append(Case.status.in_(v))
    if (v := _vocab_values(params, "area", AREAS)) is not None:
        conds.append(Case.area.in_(v))
    if (b := _bool_filter(params, "overdue")) is not None:
        conds.append(overdue if b else ~overdue)
    return (
        select(
            Case.code.label("code"),
            Case.reported_date.label("reported_date"),
            Case.category.label("category"),
            _label(CASE_CATEGORIES, Case.category).label("category_label"),
            Case.area.label("area"),
            _label(AREAS, Case.area).label("area_label"),
            Case.status.label("status"),
            _label(CASE_STATUSES, Case.status).label("status_label"),
            overdue.label("overdue"),
            (func.coalesce(Case.resolved_date, _day(params)) - Case.reported_date).label("days_open"),
            Case.institution.label("institution"),
            Case.due_date.label("due_date"),
            Case.resolved_date.label("resolved_date"),
            Case.description.label("description"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            case((Case.geom.is_not(None), "punto"), else_="territorio").label("location_source"),
            Case.is_demo.label("is_demo"),
            cast(Case.updated_at, Date).label("updated_on"),
            geom.label("geom"),
        )
        .select_from(Case)
        .join(t, t.id == Case.territory_id)
        .where(*conds)
        .order_by(Case.reported_date.desc(), Case.code)
    )


register(
    Layer(
        id="cases",
        title="Casos 1x10",
        geometry_type="Point",
        level=None,
        fields=(
            Field("code", "Número de caso", "str"),
            Field("reported_date", "Fecha de reporte", "date"),
            Field("category", "Categoría (código)", "str"),
            Field("category_label", "Categoría", "str"),
            Field("area", "Área (código)", "str"),
            Field("area_label", "Área", "str"),
            Field("status", "Estatus (código)", "str"),
            Field("status_label", "Estatus", "str"),
            Field("overdue", "Vencido", "bool"),
            Field("days_open", "Días abierto", "int"),
            Field("institution", "Institución", "str"),
            Field("due_date", "Fecha límite", "date"),
            Field("resolved_date", "Fecha de resolución", "date"),
            Field("description", "Descripción", "str"),
            Field("territory_code", "Código del territorio", "str"),
            Field("territory_name", "Territorio", "str"),
            Field("location_source", "Ubicación", "str"),
            Field("is_demo", "Datos de demostración", "bool"),
            Field("updated_on", "Actualizado", "date"),
        ),
        style=Style(field="status", colors=_CASE_STATUS_COLORS, labels=CASE_STATUSES, radius=5),
        popup=("code", "category_label", "status_label", "overdue", "reported_date", "due_date", "institution", "territory_name"),
        filters=(
            FilterDef("category", "Categoría", CASE_CATEGORIES),
            FilterDef("status", "Estatus", CASE_STATUSES),
            FilterDef("area", "Área", AREAS),
            FilterDef("overdue", "Vencido", BOOL_CHOICES),
        ),
        builder=_cases,
        description="Casos del 1x10 del Buen Gobierno; sin punto propio se ubican en su territorio.",
        date_field="updated_on",
        period_field="reported_date",
        min_zoom=5,
        tile_limit=20_000,
    )
)


# --------------------------------------------------------------------------- projects

_STAGE_COLORS = {
    "proposed": "#bdbdbd",
    "approved": "#6baed6",
    "funded": "#2171b5",
    "in_progress": "#fd8d3c",
    "completed": "#31a354",
    "stalled": "#de2d26",
}


def _projects(params: LayerParams, geometry: str) -> Select:
    t = aliased(Territory, name="t")
    dep_conds = [Deposit.deposit_date <= params.date_to] if params.date_to else []
    deposits = (
        select(
            Deposit.project_id,
            func.sum(Deposit.amount).label("deposited"),
            func.count().label("deposits"),
            func.max(Deposit.deposit_date).label("last_deposit"),
        )
        .where(*dep_conds)
        .group_by(Deposit.project_id)
        .subquery("deposits")
    )
    geom = _point(Project.geom, _territory_point(t))
    conds = [
        _territory_condition(params, t.path),
        _records_in_box(params, Project, Project.territory_id),
        _bbox_condition(params, geom),
    ]
    if params.date_from:
        conds.append(or_(Project.end_date.is_(None), Project.end_date >= params.date_from))
    if params.date_to:
        conds.append(or_(Project.start_date.is_(None), Project.start_date <= params.date_to))
    rounds = _values(params, "round") or []
    if params.consultation_round:
        rounds = [*rounds, params.consultation_round]
    if rounds:
        conds.append(Project.consultation_round.in_(rounds))
    if (v := _vocab_values(params, "stage", PROJECT_STAGES)) is not None:
        conds.append(Project.stage.in_(v))
    if (v := _vocab_values(params, "area", AREAS)) is not None:
        conds.append(Project.area.in_(v))
    if (v := _values(params, "sector")) is not None:
        conds.append(func.lower(Project.sector).in_([s.lower() for s in v]))
    deposited = func.coalesce(deposits.c.deposited, 0)
    return (
        select(
            Project.code.label("code"),
            Project.name.label("name"),
            Project.consultation_round.label("consultation_round"),
            Project.area.label("area"),
            _label(AREAS, Project.area).label("area_label"),
            Project.sector.label("sector"),
            Project.stage.label("stage"),
            _label(PROJECT_STAGES, Project.stage).label("stage_label"),
            cast(Project.progress, Float).label("progress"),
            cast(Project.budget, Float).label("budget"),
            cast(deposited, Float).label("deposited"),
            case(
                (and_(Project.budget.is_not(None), Project.budget > 0), cast(100 * deposited / Project.budget, Float)),
                else_=None,
            ).label("deposited_pct"),
            func.coalesce(deposits.c.deposits, 0).label("deposits"),
            deposits.c.last_deposit.label("last_deposit"),
            Project.currency.label("currency"),
            Project.start_date.label("start_date"),
            Project.end_date.label("end_date"),
            Project.description.label("description"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            case((Project.geom.is_not(None), "punto"), else_="territorio").label("location_source"),
            Project.is_demo.label("is_demo"),
            cast(Project.updated_at, Date).label("updated_on"),
            geom.label("geom"),
        )
        .select_from(Project)
        .join(t, t.id == Project.territory_id)
        .outerjoin(deposits, deposits.c.project_id == Project.id)
        .where(*conds)
        .order_by(Project.code)
    )


register(
    Layer(
        id="projects",
        title="Proyectos comunales (ACA)",
        geometry_type="Point",
        level=None,
        fields=(
            Field("code", "Código del proyecto", "str"),
            Field("name", "Proyecto", "str"),
            Field("consultation_round", "Consulta popular", "str"),
            Field("area", "Área (código)", "str"),
            Field("area_label", "Área", "str"),
            Field("sector", "Sector", "str"),
            Field("stage", "Etapa (código)", "str"),
            Field("stage_label", "Etapa", "str"),
            Field("progress", "Avance (%)", "float"),
            Field("budget", "Presupuesto (Bs.)", "float"),
            Field("deposited", "Depositado (Bs.)", "float"),
            Field("deposited_pct", "Depositado (% del presupuesto)", "float"),
            Field("deposits", "Número de depósitos", "int"),
            Field("last_deposit", "Último depósito", "date"),
            Field("currency", "Moneda", "str"),
            Field("start_date", "Fecha de inicio", "date"),
            Field("end_date", "Fecha de culminación", "date"),
            Field("description", "Descripción", "str"),
            Field("territory_code", "Código del territorio", "str"),
            Field("territory_name", "Territorio", "str"),
            Field("location_source", "Ubicación", "str"),
            Field("is_demo", "Datos de demostración", "bool"),
            Field("updated_on", "Actualizado", "date"),
        ),
        style=Style(field="stage", colors=_STAGE_COLORS, labels=PROJECT_STAGES, radius=6, marker="s"),
        popup=("name", "consultation_round", "stage_label", "progress", "budget", "deposited", "territory_name"),
        filters=(
            FilterDef("round", "Consulta popular"),
            FilterDef("stage", "Etapa", PROJECT_STAGES),
            FilterDef("area", "Área", AREAS),
            FilterDef("sector", "Sector"),
        ),
        builder=_projects,
        description="Proyectos de la Consulta Popular con su presupuesto y lo depositado; "
        "sin punto propio se ubican en su consejo comunal o comuna.",
        date_field="updated_on",
        period_field="start_date",
        min_zoom=5,
    )
)


# --------------------------------------------------------------------------- CLAPs


def _claps(params: LayerParams, geometry: str) -> Select:
    t = aliased(Territory, name="t")
    last_conds = [ClapDelivery.delivery_date <= params.date_to] if params.date_to else []
    if params.as_of is not None:  # no delivery after the day judged on counts as the last
        last_conds.append(ClapDelivery.delivery_date <= params.as_of)
    last = (
        select(ClapDelivery.clap_id, func.max(ClapDelivery.delivery_date).label("last_delivery"))
        .where(*last_conds)
        .group_by(ClapDelivery.clap_id)
        .subquery("last")
    )
    in_period = (
        select(
            ClapDelivery.clap_id,
            func.count().label("deliveries"),
            func.sum(ClapDelivery.households_served).label("households_served"),
        )
        .where(_period(ClapDelivery.delivery_date, params))
        .group_by(ClapDelivery.clap_id)
        .subquery("in_period")
    )
    geom = _point(Clap.geom, _territory_point(t))
    days_since = _day(params) - last.c.last_delivery
    conds = [
        _territory_condition(params, t.path),
        _records_in_box(params, Clap, Clap.territory_id),
        _bbox_condition(params, geom),
    ]
    if (v := _values(params, "min_days_without_delivery")) is not None:
        if not all(x.strip().isdigit() for x in v):
            raise LayerError("El filtro «min_days_without_delivery» espera un número entero de días.")
        conds.append(or_(last.c.last_delivery.is_(None), days_since >= min(int(x) for x in v)))
    return (
        select(
            Clap.code.label("code"),
            Clap.name.label("name"),
            Clap.households.label("households"),
            last.c.last_delivery.label("last_delivery"),
            days_since.label("days_since_delivery"),
            func.coalesce(in_period.c.deliveries, 0).label("deliveries"),
            cast(func.coalesce(in_period.c.households_served, 0), Integer).label("households_served"),
            t.code.label("territory_code"),
            t.name.label("territory_name"),
            case((Clap.geom.is_not(None), "punto"), else_="territorio").label("location_source"),
            Clap.is_demo.label("is_demo"),
            func.greatest(cast(Clap.created_at, Date), last.c.last_delivery).label("updated_on"),
            geom.label("geom"),
        )
        .select_from(Clap)
        .join(t, t.id == Clap.territory_id)
        .outerjoin(last, last.c.clap_id == Clap.id)
        .outerjoin(in_period, in_period.c.clap_id == Clap.id)
        .where(*conds)
        .order_by(Clap.code)
    )


register(
    Layer(
        id="claps",
        title="CLAP",
        geometry_type="Point",
        level=None,
        fields=(
            Field("code", "Código CLAP", "str"),
            Field("name", "CLAP", "str"),
            Field("households", "Familias registradas", "int"),
            Field("last_delivery", "Última entrega", "date"),
            Field("days_since_delivery", "Días desde la última entrega", "int"),
            Field("deliveries", "Entregas en el periodo", "int"),
            Field("households_served", "Familias atendidas en el periodo", "int"),
            Field("territory_code", "Código del territorio", "str"),
            Field("territory_name", "Territorio", "str"),
            Field("location_source", "Ubicación", "str"),
            Field("is_demo", "Datos de demostración", "bool"),
            Field("updated_on", "Actualizado", "date"),
        ),
        style=Style(color="#756bb1", radius=5, single_label="CLAP", marker="D"),
        popup=("name", "households", "last_delivery", "days_since_delivery", "territory_name"),
        filters=(FilterDef("min_days_without_delivery", "Días sin entrega (mínimo)"),),
        builder=_claps,
        description="Comités Locales de Abastecimiento y Producción con su última entrega.",
        date_field="updated_on",
        period_field="last_delivery",
        min_zoom=5,
    )
)


# --------------------------------------------------------------------------- agreements

_AGREEMENT_COLORS = {"pending": "#e6550d", "in_progress": "#fdae6b", "done": "#31a354"}


def _agreements(params: LayerParams, geometry: str) -> Select:
    m = aliased(Territory, name="m")
    overdue = agreement_overdue(_day(params))
    geom = _territory_point(m)
    conds = [_territory_condition(params, m.path), _period(Agreement.cabinet_date, params), _bbox_condition(params, geom)]
    if (v := _vocab_values(params, "status", AGREEMENT_STATUSES)) is not None:
        conds.append(Agreement.status.in_(v))
    if (v := _vocab_values(params, "area", AREAS)) is not None:
        conds.append(Agreement.area.in_(v))
    if (b := _bool_filter(params, "overdue")) is not None:
        conds.append(overdue if b else ~overdue)
    return (
        select(
            Agreement.code.label("code"),
            Agreement.cabinet_date.label("cabinet_date"),
            Agreement.area.label("area"),
            _label(AREAS, Agreement.area).label("area_label"),
            WorkingTable.name.label("working_table"),
            Agreement.text.label("text"),
            Agreement.institution.label("institution"),
            Agreement.status.label("status"),
            _label(AGREEMENT_STATUSES, Agreement.status).label("status_label"),
            overdue.label("overdue"),
            Agreement.due_date.label("due_date"),
            Agreement.done_date.label("done_date"),
            m.code.label("municipality_code"),
            m.name.label("municipality_name"),
            Agreement.is_demo.label("is_demo"),
            cast(Agreement.updated_at, Date).label("updated_on"),
            geom.label("geom"),
        )
        .select_from(Agreement)
        .join(m, m.id == Agreement.municipality_id)
        .outerjoin(WorkingTable, WorkingTable.id == Agreement.working_table_id)
        .where(*conds)
        .order_by(Agreement.cabinet_date.desc(), Agreement.code)
    )


register(
    Layer(
        id="agreements",
        title="Acuerdos de gabinete",
        geometry_type="Point",
        level=None,
        fields=(
            Field("code", "Código del acuerdo", "str"),
            Field("cabinet_date", "Fecha del gabinete", "date"),
            Field("area", "Área (código)", "str"),
            Field("area_label", "Área", "str"),
            Field("working_table", "Mesa de trabajo", "str"),
            Field("text", "Acuerdo", "str"),
            Field("institution", "Responsable", "str"),
            Field("status", "Estatus (código)", "str"),
            Field("status_label", "Estatus", "str"),
            Field("overdue", "Vencido", "bool"),
            Field("due_date", "Fecha límite", "date"),
            Field("done_date", "Fecha de cumplimiento", "date"),
            Field("municipality_code", "Código del municipio", "str"),
            Field("municipality_name", "Municipio", "str"),
            Field("is_demo", "Datos de demostración", "bool"),
            Field("updated_on", "Actualizado", "date"),
        ),
        style=Style(field="status", colors=_AGREEMENT_COLORS, labels=AGREEMENT_STATUSES, radius=7, marker="^"),
        popup=("text", "area_label", "institution", "status_label", "due_date", "municipality_name"),
        filters=(
            FilterDef("status", "Estatus", AGREEMENT_STATUSES),
            FilterDef("area", "Área", AREAS),
            FilterDef("overdue", "Vencido", BOOL_CHOICES),
        ),
        builder=_agreements,
        description="Acuerdos de los Gabinetes de Gobierno Comunal, ubicados en su municipio.",
        date_field="updated_on",
        period_field="cabinet_date",
        min_zoom=0,
    )
)



# --------------------------------------------------------------------------- territorial integrity

from geodata.integrity import KIND_LABELS  # noqa: E402
from geodata.models import IntegrityIssue  # noqa: E402
from geodata.vocab import LEVEL_LABELS  # noqa: E402

_INTEGRITY_COLORS = {
    "outside_parent": "#d7301f",
    "overlap": "#7a0177",
    "gap": "#fe9929",
    "code_mismatch": "#3690c0",
    "missing_geometry": "#969696",
    "invalid_geometry": "#000000",
}


def _integrity(params: LayerParams, geometry: str) -> Select:
    t = aliased(Territory, name="t")
    geom = IntegrityIssue.geom
    conds = [_territory_condition(params, t.path), _bbox_condition(params, geom)]
    if params.date_from:
        conds.append(cast(IntegrityIssue.checked_at, Date) >= params.date_from)
    if params.date_to:
        conds.append(cast(IntegrityIssue.checked_at, Date) <= params.date_to)
    if (v := _vocab_values(params, "kind", KIND_LABELS)) is not None:
        conds.append(IntegrityIssue.kind.in_(v))
    if (v := _vocab_values(params, "level", {k: LEVEL_LABELS[k] for k in _LEVELS})) is not None:
        conds.append(IntegrityIssue.level.in_(v))
    return (
        select(
            IntegrityIssue.id.label("issue_id"),
            IntegrityIssue.kind.label("kind"),
            _label(KIND_LABELS, IntegrityIssue.kind).label("kind_label"),
            IntegrityIssue.level.label("level"),
            _label(LEVEL_LABELS, IntegrityIssue.level).label("level_label"),
            IntegrityIssue.territory_code.label("territory_code"),
            t.name.label("territory_name"),
            IntegrityIssue.other_code.label("other_code"),
            IntegrityIssue.measure.label("measure"),
            IntegrityIssue.area_km2.label("area_km2"),
            IntegrityIssue.detail.label("detail"),
            func.coalesce(t.is_demo, False).label("is_demo"),
            cast(IntegrityIssue.checked_at, Date).label("checked_on"),
            geom.label("geom"),
        )
        .select_from(IntegrityIssue)
        .join(t, t.code == IntegrityIssue.territory_code)
        .where(*conds)
        .order_by(IntegrityIssue.id)
    )


_LEVELS = tuple(k for k in LEVEL_LABELS if k != "country")

register(
    Layer(
        id="integrity",
        title="Integridad territorial",
        # Defects are polygons (overlaps, gaps, parts outside the parent) or points
        # (where a boundary is invalid): the layer is of mixed geometry.
        geometry_type="Geometry",
        level=None,
        fields=(
            Field("issue_id", "Número", "int"),
            Field("kind", "Tipo (código)", "str"),
            Field("kind_label", "Tipo", "str"),
            Field("level", "Nivel (código)", "str"),
            Field("level_label", "Nivel", "str"),
            Field("territory_code", "Código del territorio", "str"),
            Field("territory_name", "Territorio", "str"),
            Field("other_code", "Otro territorio", "str"),
            Field("measure", "Medida (proporción)", "float"),
            Field("area_km2", "Superficie (km²)", "float"),
            Field("detail", "Detalle", "str"),
            Field("is_demo", "Datos de demostración", "bool"),
            Field("checked_on", "Revisado", "date"),
        ),
        style=Style(field="kind", colors=_INTEGRITY_COLORS, labels=KIND_LABELS, fill_opacity=0.5, radius=6),
        popup=("kind_label", "territory_name", "territory_code", "other_code", "area_km2", "detail"),
        filters=(FilterDef("kind", "Tipo", KIND_LABELS), FilterDef("level", "Nivel", {k: LEVEL_LABELS[k] for k in _LEVELS})),
        builder=_integrity,
        description="Defectos de los límites hallados por `sala check`: fuera del superior, superposiciones, vacíos, códigos.",
        date_field="checked_on",
        period_field="checked_on",
        id_field="issue_id",
        min_zoom=0,
    )
)


# The communal system's layers register here too (see that module).
from layers import communal as _communal_layers  # noqa: E402,F401
# The reporting-completeness layer (silent communal councils) registers here too.
from layers import reporting as _reporting_layer  # noqa: E402,F401
# The money layers (deposits by commune and by communal circuit) register here too.
from layers import money as _money_layers  # noqa: E402,F401
