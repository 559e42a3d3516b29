"""One hierarchy for every error Sala raises on purpose, and its one mapping to HTTP.

Each package keeps its own base class under these (`etl.errors.LoadError`,
`layers.errors.LayerError`, `geodata.access.OutOfScope`…), so a caller can catch what a
package raises; routes and callbacks turn any of them into a status and a Spanish message
with `describe`, and nothing else picks a status from an exception's class.

The message of an error is meant for people, in Spanish; an error outside the scope reads
exactly like an unknown one (`NotFound`), so a director cannot learn what exists elsewhere.
"""

from __future__ import annotations

from http import HTTPStatus

# What a person reads when something failed that is not their input (a bug, a fault).
UNEXPECTED = "Ocurrió un error inesperado; ya quedó registrado. Vuelva a intentarlo en unos minutos."
UNAVAILABLE = "Sin conexión con la base de datos; reintentando…"


class SalaError(Exception):
    """The root: an error Sala means to raise. `str(error)` is its Spanish message."""

    status: int = HTTPStatus.INTERNAL_SERVER_ERROR

    @property
    def message(self) -> str:
        return str(self) or UNEXPECTED


class InvalidInput(SalaError, ValueError):
    """A parameter, value or file that cannot be used as given."""

    status = HTTPStatus.BAD_REQUEST


class NotFound(SalaError, LookupError):
    """Nothing by that name here — or nothing the person may see, which reads the same."""

    status = HTTPStatus.NOT_FOUND


class Forbidden(SalaError, PermissionError):
    """The person's role may not do this."""

    status = HTTPStatus.FORBIDDEN


class Conflict(SalaError):
    """The record changed since the person read it: a write that would overwrite someone else's."""

    status = HTTPStatus.CONFLICT


class TooLarge(InvalidInput):
    """More than the room allows at once (an export over the cap)."""

    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class Unavailable(SalaError):
    """The database (or another service Sala needs) cannot be reached right now."""

    status = HTTPStatus.SERVICE_UNAVAILABLE


def _database_unreachable(exc: BaseException) -> bool:
    """True for the driver's "cannot reach the server" errors (SQLAlchemy's disconnects)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError)


def describe(exc: BaseException) -> tuple[int, str]:
    """(HTTP status, Spanish message) for any exception: ours say their own; a database that
    cannot be reached is a 503; anything else is a 500 with a message that leaks nothing."""
    if isinstance(exc, SalaError):
        return int(exc.status), exc.message
    if _database_unreachable(exc):
        return int(HTTPStatus.SERVICE_UNAVAILABLE), UNAVAILABLE
    return int(HTTPStatus.INTERNAL_SERVER_ERROR), UNEXPECTED
