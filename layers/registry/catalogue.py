"""The catalogue of layers: `register` adds a `Layer` (once per id), `get_layer` and
`list_layers` read it in registration order. The layers themselves are declared by family
in this package's other modules (`territories`, `cases`, `projects`…)."""

from __future__ import annotations

from geodata import errors as sala_errors
from layers.registry.errors import LayerError
from layers.registry.spec import Layer

LAYERS: dict[str, Layer] = {}


class UnknownLayer(sala_errors.NotFound, LayerError):
    def __init__(self, layer_id: str):
        self.layer_id = layer_id
        known = ", ".join(LAYERS)
        super().__init__(f"Capa desconocida: «{layer_id}». Capas disponibles: {known}.")


def register(layer: Layer) -> Layer:
    if layer.id in LAYERS:
        raise ValueError(f"layer {layer.id!r} defined twice")
    LAYERS[layer.id] = layer
    return layer


def unregister(layer_id: str) -> None:
    """Take a layer out of the catalogue (a test's own layer, at its teardown)."""
    LAYERS.pop(layer_id, None)


def get_layer(layer_id: str) -> Layer:
    try:
        return LAYERS[layer_id]
    except KeyError:
        raise UnknownLayer(layer_id) from None


def list_layers() -> list[Layer]:
    return list(LAYERS.values())
