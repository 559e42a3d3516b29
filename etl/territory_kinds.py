"""The territory levels as load kinds (`sala load state|municipality|parish|circuit|commune|council`):
a code, a name, the parent's code (or the codes of the levels above), population and
households, and polygons or label points; what else the file holds goes to `attributes`.
Their resolve and merge are their hooks, in etl.merge_territory.
"""

from __future__ import annotations

from etl.merge_territory import merge_territory, resolve_territory
from etl.names import (
    CODE_ALIASES,
    HOUSEHOLD_ALIASES,
    LEVEL_WORDS,
    NAME_ALIASES,
    POPULATION_ALIASES,
    TERRITORY_PARENTS,
    level_code_aliases,
)
from etl.spec import Field, KindSpec

TERRITORY_KINDS = ("state", "municipality", "parish", "circuit", "commune", "council")


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
        fields.append(Field(f"{parent}_code", aliases=level_code_aliases(parent)))
    if level == "commune":
        fields.append(Field("circuit_code", aliases=level_code_aliases("circuit")))
        fields.append(Field("registration_date", "date", event=True, aliases=("registration_date", "fecha_registro")))
    return KindSpec(level, tuple(fields), "polygon", word.replace("_", " "), extra_to_attributes=True, writes=("territory",),
                    resolve_hook=resolve_territory, merge_hook=merge_territory)


TERRITORY_SPECS: dict[str, KindSpec] = {level: _territory_spec(level) for level in TERRITORY_KINDS}
