"""Errors a load can end with. Their messages are shown to room operators, in Spanish."""

from __future__ import annotations

from geodata import errors as sala_errors


class LoadError(sala_errors.SalaError, RuntimeError):
    """Nothing could be loaded: the message names the file, and the row and field when known."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None, field: str | None = None):
        self.file, self.row, self.field = file, row, field
        where = []
        if file:
            where.append(f"archivo {file}")
        if row is not None:
            where.append(f"fila {row}")
        if field:
            where.append(f"campo «{field}»")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.detail = message


class UsageError(sala_errors.InvalidInput):
    """The command was called wrongly (unknown kind, bad --map, bad --crs): exit code 2."""


class StrictRejects(LoadError):
    """`--strict` and at least one row was rejected: the whole file is refused."""


class Interrupted(KeyboardInterrupt):
    """A load stopped by a signal (SIGTERM), handled as Ctrl-C is: rolled back and recorded.

    A KeyboardInterrupt, so that the database driver cancels a running statement for it too.
    """

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name
