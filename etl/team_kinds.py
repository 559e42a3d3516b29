"""The cabinet's follow-up team as a load kind (`sala load followup-team FILE`), registered
with every kind in `etl.kinds`: one row per seat of a municipality's equipo de seguimiento
(a liaison per ministry, the governor's and the mayor's office, a spokesperson per area)
or of one of its working tables (rapporteur, secretary, systematizer), with who holds it.

Besides its declaration (its municipality is a reference) its `resolve_hook` refuses, with a
reason, a seat that needs what it is of (a liaison's institution, a spokesperson's area, a table
officer's working table), a seat another member already holds, and a seat repeated in
the file (the first row keeps it). A seat held by a member the same file names again is not
held: the file may move members between seats (the seat's one holder is checked at commit).
A member keeps their code when they change seats (one row; the agreements and projects
assigned to them stay theirs, and the history keeps the seat they held then); a code already
on another municipality's team is refused, since its assignments there would be left with
someone who is no longer on that team."""

from __future__ import annotations

from etl.names import AREA_VALUES, CODE_ALIASES, NAME_ALIASES, level_code_aliases, vocab_table
from etl.spec import Field, KindSpec, Merge, Reference
from geodata.team_models import seat_sql
from geodata.vocab import TABLE_ROLES, TEAM_ROLES

TEAM_ROLE_VALUES = vocab_table(
    TEAM_ROLES,
    {
        "liaison": ("enlace", "enlace ministerial", "enlace del ministerio", "ministerio", "enlace institucional"),
        "governor_office": ("gobernacion", "enlace gobernacion", "enlace de la gobernacion", "despacho del gobernador"),
        "mayor_office": ("alcaldia", "enlace alcaldia", "enlace de la alcaldia", "despacho del alcalde"),
        "spokesperson": ("vocero", "vocera", "vocero de area", "vocera de area", "vocero area", "vocería"),
        "rapporteur": ("relator", "relatora", "relator de mesa", "relatora de mesa"),
        "secretary": ("secretario", "secretaria", "secretario de mesa", "secretaria de mesa"),
        "systematizer": ("sistematizador", "sistematizadora", "sistematizador de mesa", "sistematizadora de mesa"),
    },
)

_TABLE_ROLES = ", ".join(f"'{r}'" for r in TABLE_ROLES)


def resolve_team(spec: KindSpec) -> tuple[str, str, list]:
    """What a seat needs, and a seat held by no one else (the municipality `mu` is a reference)."""
    seat = seat_sql("s.")
    joins = f"""
        LEFT JOIN team_member cur ON cur.code = s.code
        LEFT JOIN territory cur_mu ON cur_mu.id = cur.municipality_id
        LEFT JOIN LATERAL (
            SELECT tm.code, tm.name FROM team_member tm
            WHERE tm.municipality_id = mu.id AND tm.seat = {seat} AND tm.code <> s.code
              AND tm.code NOT IN (SELECT m.code FROM stg m WHERE m.code IS NOT NULL) LIMIT 1
        ) held ON true
        LEFT JOIN (
            SELECT o.row_number,
                   first_value(o.row_number) OVER w AS first_row, first_value(o.code) OVER w AS first_code
            FROM stg o WINDOW w AS (PARTITION BY o.municipality_code, {seat_sql('o.')} ORDER BY o.row_number)
        ) rep ON rep.row_number = s.row_number
    """
    reasons = [
        ("WHEN cur_mu.id <> mu.id THEN '«' || s.code || '» integra el equipo de ' || cur_mu.name || ' (' || cur_mu.code || '); "
         "un integrante no cambia de municipio en una carga: use otro código, o retírelo antes de ese equipo'",
         "municipality_code"),
        ("WHEN s.role = 'liaison' AND s.institution IS NULL THEN 'un enlace ministerial necesita su institución (ministerio)'",
         "institution"),
        ("WHEN s.role = 'spokesperson' AND s.area IS NULL THEN "
         "'un vocero de área necesita el área (Social, Servicios Públicos o Seguridad Integral)'", "area"),
        (f"WHEN s.role IN ({_TABLE_ROLES}) AND s.working_table IS NULL THEN "
         "'el relator, el secretario y el sistematizador necesitan su mesa de trabajo'", "working_table"),
        ("WHEN held.code IS NOT NULL THEN 'ese puesto ya lo ocupa «' || held.code || '» (' || held.name || '); "
         "libérelo antes o use su código'", "role"),
        ("WHEN rep.first_code <> s.code THEN 'ese puesto se repite en el archivo (ya lo ocupa la fila ' || rep.first_row || ')'",
         "role"),
    ]
    return "", joins, reasons


TEAM_SPEC = KindSpec(
    "followup-team",
    (
        Field("code", required=True, aliases=CODE_ALIASES + ("member_code", "cod_integrante", "codigo_integrante"), max_length=40),
        Field("municipality_code", required=True, aliases=level_code_aliases("municipality")),
        Field("role", "enum", required=True, aliases=("role", "rol", "cargo", "funcion", "responsabilidad"), vocab=TEAM_ROLE_VALUES),
        Field("name", required=True, aliases=NAME_ALIASES + ("nombre_apellido", "nombres", "integrante", "responsable"),
              max_length=200),
        Field("institution", aliases=("institution", "institucion", "ministerio", "ente", "organismo"), max_length=200),
        Field("area", "enum", aliases=("area", "area_gabinete"), vocab=AREA_VALUES),
        Field("working_table", aliases=("working_table", "mesa", "mesa_de_trabajo", "mesa_trabajo"), max_length=200),
        Field("phone", aliases=("phone", "telefono", "tlf", "celular"), max_length=40),
        Field("email", aliases=("email", "correo", "correo_electronico", "e_mail"), max_length=200),
    ),
    "none",
    "integrante del equipo de seguimiento",
    writes=("team_member",),
    points_to=("territory",),
    references=(Reference("municipality_code", "territory", "mu", "municipality_id", "el municipio", level="municipality"),),
    resolve_hook=resolve_team,
    merge=Merge(
        "team_member",
        "(code)",
        {
            "code": "r.code", "municipality_id": "r.municipality_id", "role": "r.role", "name": "r.name",
            "institution": "r.institution", "area": "r.area", "working_table": "r.working_table", "phone": "r.phone",
            "email": "r.email",
        },
        frozenset({"municipality_id", "role", "name", "institution", "area", "working_table"}),
        updated_at=True,
    ),
)
