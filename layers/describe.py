"""What a printed or exported file says of itself: the sources and attribution, and the
on-screen parameters (territory, period, round, filters) in Spanish, for file metadata
and map margins. Shared by the exports, the printed maps, the packs and the atlas."""

from __future__ import annotations

from sqlalchemy import Connection

from geodata.territory import resolve
from geodata.vocab import LEVEL_LABELS
from layers.registry import Layer, LayerParams

ATTRIBUTION = "Límites: INE / OCHA vía geoBoundaries, CC BY 3.0 IGO"
SOURCE = "Sala de Autogobierno"


def describe_params(conn: Connection, params: LayerParams, layer: Layer | None = None) -> dict[str, str]:
    """The on-screen parameters in Spanish, for file metadata and map margins."""
    territory = "Venezuela"
    if params.territory:
        node = resolve(conn, params.territory)
        if node is not None:
            territory = f"{LEVEL_LABELS[node.level]} {node.name} ({node.code})"
    info = {"Territorio": territory, "Periodo": period_text(params)}
    if params.consultation_round:
        info["Consulta popular"] = params.consultation_round
    definitions = {f.name: f for f in layer.filters} if layer else {}
    for name, values in (params.filters or {}).items():
        definition = definitions.get(name)
        if definition is None:
            info[f"Filtro {name}"] = ", ".join(values)
            continue
        choices = {k.lower(): v for k, v in (definition.choices or {}).items()}
        info[definition.label] = ", ".join(choices.get(v.lower(), v) for v in values)
    return info


def period_text(params: LayerParams) -> str:
    if params.date_from and params.date_to:
        return f"{params.date_from.isoformat()} a {params.date_to.isoformat()}"
    if params.date_from:
        return f"desde {params.date_from.isoformat()}"
    if params.date_to:
        return f"hasta {params.date_to.isoformat()}"
    return "todo el periodo"
