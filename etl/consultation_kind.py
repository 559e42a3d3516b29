"""The load kind `consultation-round`: the rounds of the popular consultation as records.

One file row per round × commune (or communal circuit) × optional project:

    code (the round, «2024-1»), name, start_date, end_date   — the round, the same on each of its rows
    territory (a commune or a circuit), voters                 — who took part there, and how many voted
    project_code, votes                                        — a project voted on there and its votes

The round is upserted from its rows (`consultation_round`), each row into
`consultation_vote` (a row without project says only that the commune took part). Projects
are linked by their code, and a project must be of the round it is voted in (the round a
project carries, `project.consultation_round`, is the round's code: no second copy).
The merge and the checks beyond the declaration are its hooks, in etl.merge_consultation.
"""

from __future__ import annotations

from etl.merge_consultation import merge_consultation, resolve_consultation
from etl.names import CODE_ALIASES, NAME_ALIASES, level_code_aliases
from etl.spec import Field, KindSpec, Reference

# A commune first (the deeper of the two), then a circuit, then any code or name.
CONSULTATION_TERRITORY_REFS = (
    ("commune", level_code_aliases("commune")),
    ("circuit", level_code_aliases("circuit")),
    ("any", ("territory_code", "cod_territorio", "territorio", "codigo_territorio")),
)

CONSULTATION_SPECS: dict[str, KindSpec] = {}
CONSULTATION_SPECS["consultation-round"] = KindSpec(
    "consultation-round",
    (
        Field(
            "code",
            "round",
            required=True,
            aliases=CODE_ALIASES + ("consultation_round", "consulta", "ronda", "consulta_popular", "cod_consulta", "codigo_consulta"),
            max_length=10,
        ),
        Field("name", aliases=NAME_ALIASES + ("nombre_consulta",), max_length=200),
        Field("start_date", "date", required=True, event=True,
              aliases=("start_date", "fecha_inicio", "fecha", "fecha_consulta", "desde")),
        Field("end_date", "date", event=True, aliases=("end_date", "fecha_fin", "fecha_cierre", "hasta")),
        Field("voters", "int", aliases=("voters", "votantes", "participantes", "participacion", "electores"), minimum=0),
        Field("project_code", aliases=("project_code", "cod_proyecto", "codigo_proyecto", "proyecto")),
        Field("votes", "int", aliases=("votes", "votos", "votos_proyecto"), minimum=0),
    ),
    "none",
    "consulta popular",
    territory_refs=CONSULTATION_TERRITORY_REFS,
    writes=("consultation_round", "consultation_vote"),
    points_to=("project", "territory"),
    references=(Reference("project_code", "project", "pj", "project_id", "el proyecto", required=False),),
    date_order=(("end_date", "start_date"),),
    key=("code", "territory_code", "project_code"),  # a row is a round × territory × project (or none)
    resolve_hook=resolve_consultation,
    merge_hook=merge_consultation,
)
CONSULTATION_KINDS = tuple(CONSULTATION_SPECS)
