"""The registry of load kinds: one `KindSpec` (etl.spec) per `sala load KIND`, by kind.

The kinds are declared by family (etl.territory_kinds, etl.record_kinds, etl.team_kinds,
etl.communal_kinds, etl.consultation_kind) and gathered here, in load order; `register`
adds one more (a kind is one declaration, plus the migration of its table), `unregister`
takes it away again. Everything a load does with a kind is read from its spec.
"""

from __future__ import annotations

from etl.communal_kinds import COMMUNAL_SPECS
from etl.consultation_kind import CONSULTATION_SPECS
from etl.record_kinds import RECORD_SPECS
from etl.spec import Field, KindSpec, Link, Merge, Reference
from etl.team_kinds import TEAM_SPEC
from etl.territory_kinds import TERRITORY_KINDS, TERRITORY_SPECS

# In load order: the territory levels, the room's records, the communal system's kinds.
SPECS: dict[str, KindSpec] = {**TERRITORY_SPECS, **RECORD_SPECS, TEAM_SPEC.kind: TEAM_SPEC, **COMMUNAL_SPECS,
                              **CONSULTATION_SPECS}
KINDS = tuple(SPECS)  # the kinds Sala ships with; `SPECS` also holds the ones registered later


def register(spec: KindSpec) -> KindSpec:
    """Add a load kind; `sala load` and `etl.load.load_file` take it at once."""
    if spec.kind in SPECS:
        raise ValueError(f"load kind {spec.kind!r} is already declared")
    if spec.merge is None and spec.merge_hook is None:
        raise ValueError(f"load kind {spec.kind!r} declares no merge")
    SPECS[spec.kind] = spec
    return spec


def unregister(kind: str) -> None:
    """Take away a kind added by `register` (the shipped ones stay)."""
    if kind in KINDS:
        raise ValueError(f"load kind {kind!r} ships with Sala")
    SPECS.pop(kind, None)


__all__ = [
    "KINDS", "SPECS", "TERRITORY_KINDS",
    "Field", "KindSpec", "Link", "Merge", "Reference", "register", "unregister",
]
