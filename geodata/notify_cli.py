"""`sala notify`: record the new alerts of every subscription and send the pending ones
(webhook and e-mail, with retries); loads do the same after they commit."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError

from geodata.database import DatabaseError
from geodata.embedded import EmbeddedError
from geodata.users_cli import _engine, database_error

console = Console()


def notify_command() -> None:
    """Send the pending notifications; exit 1 when some failed for good."""
    from geodata import notify

    try:
        result = notify.run(_engine())
    except (EmbeddedError, DatabaseError, OperationalError) as exc:
        database_error(exc)
    console.print(f"Notificaciones: {result['sent']} enviadas, {result['failed']} fallidas "
                  f"(pendientes al empezar: {result['pending']}).")
    if result["failed"]:
        raise typer.Exit(1)
