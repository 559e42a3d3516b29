"""The load kinds of the rest of the communal government system, registered with every kind
in `etl.kinds`: peace quadrants, defence plans, communal
businesses, justices of the peace and the cases they attend."""

from __future__ import annotations

from etl.names import CODE_ALIASES, NAME_ALIASES, RECORD_TERRITORY_REFS, vocab_table
from etl.spec import Field, KindSpec, Merge, Reference
from geodata.vocab import BUSINESS_FORMS, BUSINESS_STATUSES, DEFENSE_PLAN_STATUSES, PEACE_CASE_STATUSES

DEFENSE_PLAN_STATUS_VALUES = vocab_table(
    DEFENSE_PLAN_STATUSES,
    {
        "drafting": ("formulacion", "en formulacion", "borrador"),
        "active": ("activo", "vigente"),
        "exercised": ("ejercitado", "ejercicio realizado"),
        "suspended": ("suspendido", "inactivo"),
    },
)
BUSINESS_STATUS_VALUES = vocab_table(
    BUSINESS_STATUSES,
    {
        "active": ("activa", "activo", "operativa", "en funcionamiento"),
        "in_formation": ("en conformacion", "en constitucion", "en formacion"),
        "inactive": ("inactiva", "inactivo", "paralizada", "cerrada"),
    },
)
BUSINESS_FORM_VALUES = vocab_table(
    BUSINESS_FORMS,
    {
        "eps_direct": ("epsdc", "eps directa", "directa", "empresa de propiedad social directa"),
        "eps_indirect": ("epsic", "eps indirecta", "indirecta", "empresa de propiedad social indirecta"),
        "family_unit": ("upf", "unidad familiar", "unidad productiva", "familiar"),
        "exchange_group": ("gis", "grupo de intercambio", "intercambio solidario", "trueque"),
    },
)
PEACE_CASE_STATUS_VALUES = vocab_table(
    PEACE_CASE_STATUSES,
    {
        "open": ("abierto", "recibido", "nuevo"),
        "in_mediation": ("en conciliacion", "conciliacion", "en mediacion", "mediacion", "en proceso"),
        "resolved": ("resuelto", "conciliado", "acuerdo", "cerrado"),
        "referred": ("remitido", "derivado", "declinado"),
    },
)

STATUS_ALIASES = ("status", "estatus", "estado_actual", "situacion")

COMMUNAL_SPECS: dict[str, KindSpec] = {}
COMMUNAL_SPECS["quadrant"] = KindSpec(
    "quadrant",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("quadrant_code", "cod_cuadrante", "codigo_cuadrante"), max_length=40),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_cuadrante", "cuadrante"), max_length=200),
        Field(
            "responsible_body",
            aliases=("responsible_body", "organo_responsable", "cuerpo", "responsable", "organismo"),
            max_length=200,
        ),
        Field(
            "last_report_date",
            "date",
            event=True,
            aliases=("last_report_date", "ultimo_reporte", "fecha_ultimo_reporte", "ultimo_patrullaje", "fecha_reporte"),
        ),
    ),
    "area",
    "cuadrante de paz",
    territory_refs=RECORD_TERRITORY_REFS,
    writes=("peace_quadrant",),
    points_to=("territory",),
    merge=Merge(
        "peace_quadrant",
        "(code)",
        {
            "code": "r.code", "name": "r.name", "territory_id": "r.territory_id",
            "responsible_body": "r.responsible_body", "last_report_date": "r.last_report_date", "geom": "r.shape",
        },
        frozenset({"name", "territory_id", "geom"}),
    ),
)
COMMUNAL_SPECS["defense-plan"] = KindSpec(
    "defense-plan",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("plan_code", "cod_plan", "codigo_plan"), max_length=40),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_plan", "plan"), max_length=200),
        Field("area", aliases=("area", "zona", "area_de_defensa", "zodi", "redi"), max_length=100),
        Field("responsible", aliases=("responsible", "responsable", "organo_responsable"), max_length=200),
        Field("status", "enum", required=True, aliases=STATUS_ALIASES, vocab=DEFENSE_PLAN_STATUS_VALUES),
        Field(
            "last_review_date",
            "date",
            event=True,
            aliases=("last_review_date", "ultima_revision", "ultimo_ejercicio", "fecha_revision", "fecha_ejercicio"),
        ),
    ),
    "none",
    "plan de defensa",
    territory_refs=RECORD_TERRITORY_REFS,
    writes=("defense_plan",),
    points_to=("territory",),
    merge=Merge(
        "defense_plan",
        "(code)",
        {
            "code": "r.code", "name": "r.name", "territory_id": "r.territory_id", "area": "r.area",
            "responsible": "r.responsible", "status": "r.status", "last_review_date": "r.last_review_date",
        },
        frozenset({"name", "territory_id", "status"}),
    ),
)
COMMUNAL_SPECS["business"] = KindSpec(
    "business",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("business_code", "cod_empresa", "codigo_empresa", "rif"), max_length=40),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_empresa", "empresa", "razon_social"), max_length=200),
        Field("sector", required=True, aliases=("sector", "actividad", "rubro", "sector_productivo"), max_length=60),
        Field("legal_form", "enum", aliases=("legal_form", "forma", "tipo_empresa", "figura", "forma_juridica"), vocab=BUSINESS_FORM_VALUES),
        Field("workers", "int", aliases=("workers", "trabajadores", "nro_trabajadores", "empleos"), minimum=0),
        Field("status", "enum", required=True, aliases=STATUS_ALIASES, vocab=BUSINESS_STATUS_VALUES),
    ),
    "point",
    "empresa comunal",
    territory_refs=RECORD_TERRITORY_REFS,
    writes=("communal_business",),
    points_to=("territory",),
    merge=Merge(
        "communal_business",
        "(code)",
        {
            "code": "r.code", "name": "r.name", "territory_id": "r.territory_id", "sector": "r.sector",
            "legal_form": "r.legal_form", "workers": "r.workers", "status": "r.status", "geom": "r.geom",
        },
        frozenset({"name", "territory_id", "sector", "status"}),
    ),
)
COMMUNAL_SPECS["peace-judge"] = KindSpec(
    "peace-judge",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("judge_code", "cod_juez", "codigo_juez"), max_length=40),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_juez", "juez", "jueza", "juez_de_paz"), max_length=200),
        Field("elected_date", "date", event=True, aliases=("elected_date", "fecha_eleccion", "electo", "fecha_juramentacion")),
    ),
    "none",
    "juez de paz",
    territory_refs=RECORD_TERRITORY_REFS,
    writes=("peace_judge",),
    points_to=("territory",),
    merge=Merge(
        "peace_judge",
        "(code)",
        {"code": "r.code", "name": "r.name", "territory_id": "r.territory_id", "elected_date": "r.elected_date"},
        frozenset({"name", "territory_id"}),
    ),
)
COMMUNAL_SPECS["peace-case"] = KindSpec(
    "peace-case",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("peace_case_code", "cod_caso", "codigo_caso", "expediente"), max_length=40),
        Field("judge_code", required=True, aliases=("judge_code", "cod_juez", "codigo_juez", "juez", "juez_de_paz")),
        Field("case_date", "date", required=True, event=True, aliases=("case_date", "fecha", "fecha_solicitud", "fecha_caso")),
        Field("case_type", required=True, aliases=("case_type", "tipo", "tipo_caso", "materia"), max_length=60),
        Field("status", "enum", required=True, aliases=STATUS_ALIASES, vocab=PEACE_CASE_STATUS_VALUES),
        Field("resolution", aliases=("resolution", "resolucion", "acuerdo_alcanzado", "decision")),
        Field("resolved_date", "date", event=True, aliases=("resolved_date", "fecha_resolucion", "fecha_cierre")),
    ),
    "none",
    "caso de justicia de paz",
    writes=("peace_case",),
    points_to=("peace_judge",),
    references=(Reference("judge_code", "peace_judge", "pjg", "judge_id", "el juez de paz"),),
    merge=Merge(
        "peace_case",
        "(code)",
        {
            "code": "r.code", "judge_id": "r.judge_id", "case_date": "r.case_date", "case_type": "r.case_type",
            "status": "r.status", "resolution": "r.resolution", "resolved_date": "r.resolved_date",
        },
        frozenset({"judge_id", "case_date", "case_type", "status"}),
    ),
    date_order=(("resolved_date", "case_date"),),
)
COMMUNAL_KINDS = tuple(COMMUNAL_SPECS)
