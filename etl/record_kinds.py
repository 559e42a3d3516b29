"""The room's record kinds: projects and their deposits, CLAPs and their deliveries, cases,
cabinet agreements and the routing table. Cases and agreements write more than their own
table: their merges are hooks, in etl.merge_records.
"""

from __future__ import annotations

from etl.merge_records import merge_agreement, merge_case, resolve_case
from etl.names import (
    AGREEMENT_STATUS_VALUES,
    AREA_VALUES,
    CASE_STATUS_VALUES,
    CATEGORY_VALUES,
    CODE_ALIASES,
    HOUSEHOLD_ALIASES,
    NAME_ALIASES,
    PROJECT_STAGE_VALUES,
    RECORD_TERRITORY_REFS,
    level_code_aliases,
)
from etl.spec import Field, KindSpec, Link, Merge, Reference
from geodata.vocab import CATEGORY_AREA

RECORD_SPECS: dict[str, KindSpec] = {}
RECORD_SPECS["project"] = KindSpec(
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
        updated_at=True,
    ),
)
RECORD_SPECS["deposit"] = KindSpec(
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
RECORD_SPECS["clap"] = KindSpec(
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
RECORD_SPECS["clap-delivery"] = KindSpec(
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
    key=("clap_code", "delivery_date"),
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
RECORD_SPECS["case"] = KindSpec(
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
    fills=(("area", "category", CATEGORY_AREA),),  # a case without its area is of its category's
    resolve_hook=resolve_case,
    merge_hook=merge_case,
)
RECORD_SPECS["agreement"] = KindSpec(
    "agreement",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("agreement_code", "cod_acuerdo", "codigo_acuerdo"), max_length=40),
        Field("municipality_code", required=True, aliases=level_code_aliases("municipality")),
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
    references=(Reference("municipality_code", "territory", "mu", "municipality_id", "el municipio", level="municipality"),),
    links=(
        Link("case_codes", "case_report", "mc", "casos vinculados"),
        Link("project_codes", "project", "mp", "proyectos vinculados"),
    ),
    merge_hook=merge_agreement,
)
# The routing table: which institution answers a case category in a territory (and below
# it, unless a deeper rule says otherwise); what the room's follow-up suggests.
RECORD_SPECS["routing"] = KindSpec(
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
        updated_at=True,
    ),
)
