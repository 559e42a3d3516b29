"""`sala notify`: record the new alerts of every subscription and send the pending ones
(webhook and e-mail, with retries); loads do the same after they commit."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from geodata.database import DatabaseError, database_url, make_engine, unreachable
from geodata.embedded import EmbeddedError

console = Console()
err = Console(stderr=True)


def notify_command() -> None:
    """Send the pending notifications; exit 1 when some failed for good."""
    from geodata import notify

    try:
        engine = make_engine(database_url(), poolclass=NullPool)
        result = notify.run(engine)
    except (EmbeddedError, DatabaseError) as exc:
        err.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(1)
    except OperationalError as exc:
        err.print(f"[bold red]Error:[/] {unreachable(exc.orig)}")
        raise typer.Exit(1)
    console.print(f"Notificaciones: {result['sent']} enviadas, {result['failed']} fallidas "
                  f"(pendientes al empezar: {result['pending']}).")
    if result["failed"]:
        raise typer.Exit(1)
