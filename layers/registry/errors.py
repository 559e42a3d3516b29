"""The registry's errors: bad layer parameters (a 400, or a 404 for what is not there) and
an unknown or out-of-scope territory. `UnknownLayer` lives next to the catalogue it names
(`layers.registry.catalogue`)."""

from __future__ import annotations

from http import HTTPStatus

from geodata import errors as sala_errors


class LayerError(sala_errors.InvalidInput):
    """Bad layer parameters (a filter the layer lacks, a value outside its vocabulary…).

    A LayerError that is also a LookupError (a tile out of range…) is a 404, as `NotFound` is."""

    @property
    def status(self) -> int:
        return int(HTTPStatus.NOT_FOUND if isinstance(self, LookupError) else HTTPStatus.BAD_REQUEST)


class UnknownTerritory(sala_errors.NotFound, LayerError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(f"Territorio desconocido: «{code}» (no existe o está fuera de su ámbito).")
