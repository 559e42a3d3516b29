"""The names things go by in a file: headers and vocabulary values folded for comparison,
the aliases shared by many kinds, and the vocabularies (Spanish labels and synonyms → canonical
values). A field's aliases are compared after `header_key` (lower case, accents and
punctuation folded to `_`), so `Fecha de Reporte`, `fecha_reporte` and `FECHA-REPORTE` are
the same column.
"""

from __future__ import annotations

import re
import unicodedata

from geodata.vocab import AGREEMENT_STATUSES, AREAS, CASE_CATEGORIES, CASE_STATUSES, PROJECT_STAGES

def header_key(name: str) -> str:
    """A column name folded for comparison: `Fecha de Reporte` → `fecha_de_reporte`."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def value_key(value: str) -> str:
    """A vocabulary value folded for comparison: `En Ejecución` → `en ejecucion`."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-]+", " ", text.lower()).strip()


def vocab_table(canonical: dict[str, str], extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Folded form → canonical value, from the canonical values, their labels and aliases."""
    table: dict[str, str] = {}
    for value, label in canonical.items():
        table[value_key(value)] = value
        table[value_key(label)] = value
        for alias in extra.get(value, ()):
            table[value_key(alias)] = value
    return table


AREA_VALUES = vocab_table(AREAS, {"public_services": ("servicios publicos", "servicios"), "integral_security": ("seguridad",)})
CATEGORY_VALUES = vocab_table(
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
CASE_STATUS_VALUES = vocab_table(
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
PROJECT_STAGE_VALUES = vocab_table(
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
AGREEMENT_STATUS_VALUES = vocab_table(
    AGREEMENT_STATUSES, {"pending": ("pendiente",), "in_progress": ("en proceso", "en ejecucion"), "done": ("cumplido", "cumplida")}
)


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


def level_code_aliases(level: str) -> tuple[str, ...]:
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
    ("council", level_code_aliases("council")),
    ("commune", level_code_aliases("commune")),
    ("parish", level_code_aliases("parish")),
    ("municipality", level_code_aliases("municipality")),
    ("state", level_code_aliases("state")),
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


LON_ALIASES = ("lon", "lng", "long", "longitude", "longitud", "x")
LAT_ALIASES = ("lat", "latitude", "latitud", "y")
WKT_ALIASES = ("wkt", "geometry", "geom", "the_geom", "geometria", "wkt_geom")
# Where a record's point comes from, in Sala's exports: `punto` (its own) or `territorio`.
LOCATION_ALIASES = ("location_source", "ubicacion")
