"""What a layer is asked for (`LayerParams`: territory, period, round, filters, scope, box,
day judged on), the territory's resolution (exists and is in scope) and the readers of
filter values the layers' queries use. Checking them against a layer is
`spec.validate_params`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from geodata.access import NATIONAL, Scope
from geodata.territory import resolve
from geodata.vocab import CONSULTATION_ROUND_PATTERN
from layers.registry.errors import UnknownTerritory

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
