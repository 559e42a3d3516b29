"""What each kind of file holds: its fields, their types and rules, and the names they go by.

One `KindSpec` per `sala load KIND`. A field's aliases are compared after `header_key`
(lower case, accents and punctuation folded to `_`), so `Fecha de Reporte`,
`fecha_reporte` and `FECHA-REPORTE` are the same column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from geodata.vocab import AGREEMENT_STATUSES, AREAS, CASE_CATEGORIES, CASE_STATUSES, PROJECT_STAGES

TERRITORY_KINDS = ("state", "municipality", "parish", "circuit", "commune", "council")
# The communal system's kinds (etl.communal_kinds) come after the room's records.
COMMUNAL_KINDS = ("quadrant", "defense-plan", "business", "peace-judge", "peace-case")
CONSULTATION_KINDS = ("consultation-round",)  # etl.consultation_kind
LOADED_RECORD_KINDS = ("project", "deposit", "clap", "clap-delivery", "case", "agreement", "routing", "followup-team") \
    + COMMUNAL_KINDS + CONSULTATION_KINDS
KINDS = TERRITORY_KINDS + LOADED_RECORD_KINDS


def header_key(name: str) -> str:
    """A column name folded for comparison: `Fecha de Reporte` → `fecha_de_reporte`."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def value_key(value: str) -> str:
    """A vocabulary value folded for comparison: `En Ejecución` → `en ejecucion`."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-]+", " ", text.lower()).strip()


def _vocab(canonical: dict[str, str], extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Folded form → canonical value, from the canonical values, their labels and aliases."""
    table: dict[str, str] = {}
    for value, label in canonical.items():
        table[value_key(value)] = value
        table[value_key(label)] = value
        for alias in extra.get(value, ()):
            table[value_key(alias)] = value
    return table


AREA_VALUES = _vocab(AREAS, {"public_services": ("servicios publicos", "servicios"), "integral_security": ("seguridad",)})
CATEGORY_VALUES = _vocab(
    CASE_CATEGORIES,
    {
        "electricity": ("luz", "electrico", "energia electrica"),
        "telecom": ("telecomunicaciones", "internet", "telefonia", "telefono"),
        "roads": ("vialidad", "vias", "carreteras"),
        "waste": ("desechos solidos", "aseo urbano", "aseo", "basura"),
        "water": ("agua potable", "aguas"),
        "gas": ("gas domestico",),
        "food": ("alimentacion", "alimentos"),
        "other": ("otro", "otros"),
    },
)
CASE_STATUS_VALUES = _vocab(
    CASE_STATUSES,
    {
        "reported": ("reportado", "recibido", "abierto", "nuevo"),
        "assigned": ("asignado", "remitido"),
        "in_progress": ("en proceso", "en atencion", "en curso"),
        "resolved": ("resuelto", "solucionado", "atendido"),
        "closed": ("cerrado",),
        "rejected": ("rechazado", "improcedente"),
    },
)
PROJECT_STAGE_VALUES = _vocab(
    PROJECT_STAGES,
    {
        "proposed": ("propuesto", "propuesta"),
        "approved": ("aprobado", "aprobada"),
        "funded": ("financiado", "financiada"),
        "in_progress": ("en ejecucion", "en proceso", "ejecucion"),
        "completed": ("culminado", "concluido", "culminada", "concluida", "terminado"),
        "stalled": ("paralizado", "paralizada", "detenido"),
    },
)
AGREEMENT_STATUS_VALUES = _vocab(
    AGREEMENT_STATUSES, {"pending": ("pendiente",), "in_progress": ("en proceso", "en ejecucion"), "done": ("cumplido", "cumplida")}
)


@dataclass(frozen=True)
class Field:
    """One canonical field of a kind.

    type: text | int | decimal | date | enum | round | codes (a `;`-separated list).
    event: a date that cannot be in the future (something that already happened).
    """

    name: str
    type: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    vocab: dict[str, str] | None = None
    event: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Reference:
    """A code in the file that must name an existing row: `field` looked up in `table`.

    Resolved as `alias.id AS id_column`; a row whose code is not found is refused with
    "<label> «code» no existe". An optional reference (`required=False`) may be empty."""

    field: str
    table: str
    alias: str
    id_column: str
    label: str
    required: bool = True


@dataclass(frozen=True)
class Merge:
    """How the accepted rows of a simple kind are written: an upsert into `table` on `conflict`.

    columns: table column -> SQL over the resolved row `r`; always: columns that an update
    writes even when the file lacks them; key: the columns the conflict is on."""

    table: str
    conflict: str
    columns: dict[str, str]
    always: frozenset[str]
    key: tuple[str, ...] = ("code",)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    fields: tuple[Field, ...]
    geometry: str  # "polygon" (territories: polygons or label points), "area" (a record's polygon), "point" or "none"
    label: str  # Spanish, for messages
    territory_refs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (level, aliases) deepest first
    extra_to_attributes: bool = False
    writes: tuple[str, ...] = ()  # the tables a load of this kind writes (locked against other writers)
    points_to: tuple[str, ...] = ()  # the tables its rows reference (locked against changes)
    references: tuple[Reference, ...] = ()  # codes resolved to ids (after the territory refs)
    merge: Merge | None = None  # None: territories and the kinds with a merge of their own (etl.merge)
    date_order: tuple[tuple[str, str], ...] = ()  # (later, earlier) date fields: a row with later < earlier is refused

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


CODE_ALIASES = ("code", "codigo", "cod", "id", "nro", "numero", "ine_code", "codigo_ine", "cod_ine")
NAME_ALIASES = ("name", "nombre", "denominacion")
POPULATION_ALIASES = ("population", "poblacion", "habitantes", "population_2011", "poblacion_2011", "pob")
HOUSEHOLD_ALIASES = ("households", "familias", "hogares", "viviendas", "nro_familias")

# Level → (Spanish word, OCHA COD-AB administrative level).
LEVEL_WORDS = {
    "state": ("estado", 1),
    "municipality": ("municipio", 2),
    "parish": ("parroquia", 3),
    "circuit": ("circuito", None),
    "commune": ("comuna", None),
    "council": ("consejo_comunal", None),
}


def _level_code_aliases(level: str) -> tuple[str, ...]:
    word, adm = LEVEL_WORDS[level]
    forms = [f"{level}_code", f"cod_{word}", f"codigo_{word}", word, f"{word}_code", level]
    if level == "council":
        forms += ["cod_consejo", "consejo", "codigo_consejo"]
    if level == "state":
        forms += ["state_ine_code", "cod_edo", "edo"]
    if level == "municipality":
        forms += ["municipality_ine_code", "cod_mun"]
    if level == "circuit":
        forms += ["circuito_comunal", "cod_circuito_comunal"]
    if adm:
        forms.append(f"adm{adm}_pcode")
    return tuple(forms)


# Records name their territory with the deepest code they have.
RECORD_TERRITORY_REFS = (
    ("council", _level_code_aliases("council")),
    ("commune", _level_code_aliases("commune")),
    ("parish", _level_code_aliases("parish")),
    ("municipality", _level_code_aliases("municipality")),
    ("state", _level_code_aliases("state")),
    ("any", ("territory_code", "cod_territorio", "territorio", "codigo_territorio")),
)

TERRITORY_PARENTS = {
    "state": (),
    "municipality": ("state",),
    "parish": ("municipality",),
    "circuit": ("municipality",),
    "commune": ("parish", "municipality"),
    "council": ("commune", "parish"),
}


def _territory_spec(level: str) -> KindSpec:
    word, adm = LEVEL_WORDS[level]
    code_aliases = CODE_ALIASES + (f"cod_{word}", f"codigo_{word}", f"{level}_code")
    name_aliases = NAME_ALIASES + (f"nombre_{word}",)
    if adm:
        code_aliases += (f"adm{adm}_pcode",)
        name_aliases += (f"adm{adm}_es", f"adm{adm}_name")
    name_aliases += ("shapename",)
    fields = [
        Field("code", required=True, aliases=code_aliases, max_length=32),
        Field("name", required=True, aliases=name_aliases, max_length=200),
        Field("parent_code", aliases=("parent_code", "cod_padre", "codigo_padre", "parent")),
        Field("iso_code", aliases=("iso_code", "iso", "shapeiso", "iso_3166_2"), max_length=8),
        Field("population", "int", aliases=POPULATION_ALIASES, minimum=0),
        Field("households", "int", aliases=HOUSEHOLD_ALIASES, minimum=0),
        Field("area_km2", "decimal", aliases=("area_km2", "superficie_km2", "area"), minimum=0),
    ]
    for parent in TERRITORY_PARENTS[level]:
        fields.append(Field(f"{parent}_code", aliases=_level_code_aliases(parent)))
    if level == "commune":
        fields.append(Field("circuit_code", aliases=_level_code_aliases("circuit")))
        fields.append(Field("registration_date", "date", event=True, aliases=("registration_date", "fecha_registro")))
    return KindSpec(level, tuple(fields), "polygon", word.replace("_", " "), extra_to_attributes=True, writes=("territory",))


_T = "territory_code"
SPECS: dict[str, KindSpec] = {level: _territory_spec(level) for level in TERRITORY_KINDS}
SPECS["project"] = KindSpec(
    "project",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("project_code", "cod_proyecto", "codigo_proyecto"), max_length=40),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_proyecto", "proyecto")),
        Field("consultation_round", "round", required=True, aliases=("consultation_round", "consulta", "ronda", "consulta_popular")),
        Field("area", "enum", required=True, aliases=("area",), vocab=AREA_VALUES),
        Field("sector", required=True, aliases=("sector",), max_length=40),
        Field("budget", "decimal", aliases=("budget", "presupuesto", "monto_aprobado", "monto"), minimum=0),
        Field("currency", aliases=("currency", "moneda", "divisa"), max_length=3),
        Field("stage", "enum", aliases=("stage", "status", "etapa", "fase", "estatus"), vocab=PROJECT_STAGE_VALUES),
        Field("progress", "decimal", aliases=("progress", "avance", "porcentaje_avance"), minimum=0, maximum=100),
        Field("start_date", "date", aliases=("start_date", "fecha_inicio")),
        Field("end_date", "date", aliases=("end_date", "fecha_fin", "fecha_culminacion")),
        Field("description", aliases=("description", "descripcion", "detalle")),
    ),
    "point",
    "proyecto",
    territory_refs=RECORD_TERRITORY_REFS,
    date_order=(("end_date", "start_date"),),
    writes=("project",),
    points_to=("territory",),
    merge=Merge(
        "project",
        "(code)",
        {
            "code": "r.code", "name": "r.name", "territory_id": "r.territory_id",
            "consultation_round": "r.consultation_round", "area": "r.area", "sector": "r.sector",
            "budget": "r.budget", "currency": "COALESCE(r.currency, 'VES')", "stage": "COALESCE(r.stage, 'proposed')",
            "progress": "COALESCE(r.progress, 0)", "start_date": "r.start_date", "end_date": "r.end_date",
            "description": "r.description", "geom": "r.geom",
        },
        frozenset({"name", "territory_id", "consultation_round", "area", "sector"}),
    ),
)
SPECS["deposit"] = KindSpec(
    "deposit",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("deposit_code", "cod_deposito"), max_length=40),
        Field("project_code", required=True, aliases=("project_code", "cod_proyecto", "codigo_proyecto", "proyecto", "project_id")),
        Field("amount", "decimal", required=True, aliases=("amount", "monto", "monto_depositado"), minimum=0),
        Field("deposit_date", "date", required=True, event=True, aliases=("deposit_date", "fecha_deposito", "fecha", "date")),
        Field("bank", aliases=("bank", "banco_comunal", "banco"), max_length=200),
        Field("currency", aliases=("currency", "moneda", "divisa"), max_length=3),
    ),
    "none",
    "depósito",
    writes=("deposit",),
    points_to=("project",),
    references=(Reference("project_code", "project", "pj", "project_id", "el proyecto"),),
    merge=Merge(
        "deposit",
        "(code)",
        {
            "code": "r.code", "project_id": "r.project_id", "amount": "r.amount",
            "currency": "COALESCE(r.currency, 'VES')", "deposit_date": "r.deposit_date", "bank": "r.bank",
        },
        frozenset({"project_id", "amount", "deposit_date"}),
    ),
)
SPECS["clap"] = KindSpec(
    "clap",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("clap_code", "cod_clap", "codigo_clap"), max_length=40),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_clap", "clap"), max_length=200),
        Field("households", "int", required=True, aliases=HOUSEHOLD_ALIASES, minimum=0),
    ),
    "point",
    "CLAP",
    territory_refs=RECORD_TERRITORY_REFS,
    writes=("clap",),
    points_to=("territory",),
    merge=Merge(
        "clap",
        "(code)",
        {"code": "r.code", "name": "r.name", "households": "r.households", "territory_id": "r.territory_id", "geom": "r.geom"},
        frozenset({"name", "households", "territory_id"}),
    ),
)
SPECS["clap-delivery"] = KindSpec(
    "clap-delivery",
    (
        Field("clap_code", required=True, aliases=("clap_code", "cod_clap", "codigo_clap", "clap")),
        Field("delivery_date", "date", required=True, event=True, aliases=("delivery_date", "fecha_entrega", "fecha", "date")),
        Field(
            "households_served",
            "int",
            required=True,
            aliases=("households_served", "familias_atendidas", "familias_beneficiadas", "familias", "hogares_atendidos"),
            minimum=0,
        ),
        Field("quantity", "decimal", aliases=("quantity", "cantidad", "combos", "toneladas"), minimum=0),
    ),
    "none",
    "entrega CLAP",
    writes=("clap_delivery",),
    points_to=("clap",),
    references=(Reference("clap_code", "clap", "cl", "clap_id", "el CLAP"),),
    merge=Merge(
        "clap_delivery",
        "(clap_id, delivery_date)",
        {"clap_id": "r.clap_id", "delivery_date": "r.delivery_date", "households_served": "r.households_served",
         "quantity": "r.quantity"},
        frozenset({"households_served"}),
        key=("clap_id", "delivery_date"),
    ),
)
SPECS["case"] = KindSpec(
    "case",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("case_code", "cod_caso", "codigo_caso", "nro_caso"), max_length=40),
        Field(
            "reported_date",
            "date",
            required=True,
            event=True,
            aliases=("reported_date", "fecha", "fecha_reporte", "fecha_denuncia", "fecha_registro"),
        ),
        Field("category", "enum", required=True, aliases=("category", "categoria", "tipo", "tipo_caso"), vocab=CATEGORY_VALUES),
        Field("area", "enum", aliases=("area",), vocab=AREA_VALUES),
        Field(
            "status",
            "enum",
            required=True,
            aliases=("status", "estatus", "estado_caso", "situacion"),
            vocab=CASE_STATUS_VALUES,
        ),
        Field("institution", aliases=("institution", "institucion", "ente", "ente_responsable", "responsable"), max_length=200),
        Field("due_date", "date", aliases=("due_date", "fecha_limite", "fecha_compromiso")),
        Field("resolved_date", "date", event=True, aliases=("resolved_date", "fecha_resolucion", "fecha_cierre")),
        Field("description", aliases=("description", "descripcion", "detalle")),
        Field("project_code", aliases=("project_code", "cod_proyecto", "codigo_proyecto")),
        Field("agreement_code", aliases=("agreement_code", "cod_acuerdo", "codigo_acuerdo")),
    ),
    "point",
    "caso",
    territory_refs=RECORD_TERRITORY_REFS,
    date_order=(("resolved_date", "reported_date"), ("due_date", "reported_date")),
    writes=("case_report", "case_solution", "case_status_change"),
    points_to=("agreement", "project", "territory"),
    references=(
        Reference("project_code", "project", "pj", "project_id", "el proyecto", required=False),
        Reference("agreement_code", "agreement", "ag", "agreement_id", "el acuerdo", required=False),
    ),
)
SPECS["agreement"] = KindSpec(
    "agreement",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("agreement_code", "cod_acuerdo", "codigo_acuerdo"), max_length=40),
        Field("municipality_code", required=True, aliases=_level_code_aliases("municipality")),
        Field("cabinet_date", "date", required=True, event=True, aliases=("cabinet_date", "fecha_gabinete", "fecha")),
        Field("area", "enum", required=True, aliases=("area",), vocab=AREA_VALUES),
        Field("text", required=True, aliases=("text", "acuerdo", "texto", "descripcion", "detalle")),
        Field("institution", required=True, aliases=("institution", "institucion", "ente", "ente_responsable", "responsable"), max_length=200),
        Field("status", "enum", required=True, aliases=("status", "estatus", "situacion"), vocab=AGREEMENT_STATUS_VALUES),
        Field("working_table", aliases=("working_table", "mesa", "mesa_de_trabajo", "mesa_trabajo"), max_length=200),
        Field("due_date", "date", aliases=("due_date", "fecha_limite", "fecha_compromiso")),
        Field("done_date", "date", event=True, aliases=("done_date", "fecha_cumplimiento", "fecha_cierre")),
        Field("case_codes", "codes", aliases=("case_codes", "casos", "cod_casos")),
        Field("project_codes", "codes", aliases=("project_codes", "proyectos", "cod_proyectos")),
    ),
    "none",
    "acuerdo",
    date_order=(("due_date", "cabinet_date"), ("done_date", "cabinet_date")),
    writes=("agreement", "agreement_project", "cabinet", "case_solution", "working_table"),
    points_to=("case_report", "project", "territory"),
)
# The routing table: which institution answers a case category in a territory (and below
# it, unless a deeper rule says otherwise); what the room's follow-up suggests.
SPECS["routing"] = KindSpec(
    "routing",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("rule_code", "cod_regla", "codigo_regla", "regla"), max_length=40),
        Field("category", "enum", required=True, aliases=("category", "categoria", "tipo", "tipo_caso"), vocab=CATEGORY_VALUES),
        Field("institution", required=True, aliases=("institution", "institucion", "ente", "ente_responsable", "responsable"),
              max_length=200),
    ),
    "none",
    "regla de enrutamiento",
    territory_refs=RECORD_TERRITORY_REFS,
    writes=("routing_rule",),
    points_to=("territory",),
    merge=Merge(
        "routing_rule",
        "(code)",
        {"code": "r.code", "category": "r.category", "territory_id": "r.territory_id", "institution": "r.institution"},
        frozenset({"category", "territory_id", "institution"}),
    ),
)

from etl.team_kinds import TEAM_SPEC  # noqa: E402 (declared with this module's types)

SPECS[TEAM_SPEC.kind] = TEAM_SPEC

from etl.communal_kinds import COMMUNAL_SPECS  # noqa: E402 (they are declared with this module's types)

assert tuple(COMMUNAL_SPECS) == COMMUNAL_KINDS
SPECS.update(COMMUNAL_SPECS)

from etl.consultation_kind import CONSULTATION_SPECS  # noqa: E402

assert tuple(CONSULTATION_SPECS) == CONSULTATION_KINDS
SPECS.update(CONSULTATION_SPECS)

LON_ALIASES = ("lon", "lng", "long", "longitude", "longitud", "x")
LAT_ALIASES = ("lat", "latitude", "latitud", "y")
WKT_ALIASES = ("wkt", "geometry", "geom", "the_geom", "geometria", "wkt_geom")
# Where a record's point comes from, in Sala's exports: `punto` (its own) or `territorio`.
LOCATION_ALIASES = ("location_source", "ubicacion")
