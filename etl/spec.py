"""The declaration of a load kind: `KindSpec` and the parts it is made of.

A kind is one `KindSpec`: its fields (types, rules, the headers they go by), its key in
the file, the references its codes resolve through (which field names which table by
which column, and the reason a row is refused when it does not), the tables it writes
and points to, and how its accepted rows are merged (`Merge`, an upsert). The generic
resolve (etl.resolve) and merge (etl.merge) read nothing else; a kind whose checks or
merge go beyond that (the boundaries, cases, agreements, the follow-up team, the
consultation rounds) names its own hook here. The kinds themselves are declared in
etl.territory_kinds, etl.record_kinds, etl.communal_kinds, etl.team_kinds and
etl.consultation_kind, and registered in etl.kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


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
    """A code in the file that must name an existing row: `field` looked up in `table`'s `code`
    (of `level`, for a territory of one level only).

    Resolved as `alias.id AS id_column`; a row whose code is not found is refused with
    "<label> «code» no existe". An optional reference (`required=False`) may be empty."""

    field: str
    table: str
    alias: str
    id_column: str
    label: str
    required: bool = True
    level: str | None = None

    @property
    def reason(self) -> str:
        """The reject reason, in SQL over the staged row `s`."""
        return f"'{self.label} «' || s.{self.field} || '» no existe'"


@dataclass(frozen=True)
class Link:
    """A `codes` field (a `;`-separated list) whose every code must name a row of `table`;
    a row naming one that does not exist is refused with "<label> que no existen: a, b"."""

    field: str
    table: str
    alias: str
    label: str


@dataclass(frozen=True)
class Merge:
    """How the accepted rows of a simple kind are written: an upsert into `table` on `conflict`.

    columns: table column -> SQL over the resolved row `r`; always: columns that an update
    writes even when the file lacks them; key: the columns the conflict is on;
    updated_at: the table has an `updated_at` that an update sets."""

    table: str
    conflict: str
    columns: dict[str, str]
    always: frozenset[str]
    key: tuple[str, ...] = ("code",)
    updated_at: bool = False


# (extra select columns, joins, reason WHEN-clauses with their fields), after the declared ones.
ResolveHook = Callable[["KindSpec"], tuple[str, str, list]]
# (conn, spec, fields present in the file, bound params) -> (inserted, updated).
MergeHook = Callable[..., tuple[int, int]]


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
    merge: Merge | None = None  # None: the kinds with a merge of their own (`merge_hook`)
    date_order: tuple[tuple[str, str], ...] = ()  # (later, earlier) date fields: a row with later < earlier is refused
    key: tuple[str, ...] = ("code",)  # the fields that make a row's key in the file (a repeat is refused)
    links: tuple[Link, ...] = ()  # lists of codes that must all exist
    fills: tuple[tuple[str, str, dict], ...] = ()  # (field, from field, mapping): an empty field derived from another
    resolve_hook: ResolveHook | None = None  # checks beyond the declared references
    merge_hook: MergeHook | None = None  # the merge of a kind that `merge` cannot declare

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def boundary(self) -> bool:
        """A territory level: polygons (or label points) of the territory tree."""
        return self.geometry == "polygon"

    @property
    def table(self) -> str:
        """The table its rows go to."""
        return self.merge.table if self.merge is not None else self.writes[0]

    @property
    def column_fields(self) -> dict[str, str]:
        """Table columns written from a differently named field: a reference's id from its code."""
        return {"territory_id": "territory_code", "geom": "geometry"} | {r.id_column: r.field for r in self.references}
