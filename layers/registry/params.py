"""What a layer is asked for (`LayerParams`: territory, period, round, filters, scope, box,
day judged on), its validation against the layer's filters, the territory's resolution
(exists and is in scope) and the readers of filter values the layers' queries use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from geodata.access import NATIONAL, Scope
from geodata.territory import resolve
from geodata.vocab import CONSULTATION_ROUND_PATTERN
from layers.registry.errors import LayerError, UnknownTerritory

if TYPE_CHECKING:
    from layers.registry.spec import Layer

_ROUND = re.compile(CONSULTATION_ROUND_PATTERN)
_BOOL_VALUES = {"true": True, "1": True, "si": True, "sí": True, "false": False, "0": False, "no": False}
BOOL_CHOICES = {"true": "Sí", "false": "No"}


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
    # The code by its unique index, the ISO code only as a fallback (never an OR: a scan).
    node = resolve(conn, params.territory)
    if node is None or not params.scope.allows(node.path):
        raise UnknownTerritory(params.territory)
    return replace(params, territory=node.code, territory_path=node.path)


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
