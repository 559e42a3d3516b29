"""`sala users …`: accounts of the people who log in to the dashboard.

The command acts as the local administrator (`geodata.permissions.local_admin`): whoever
runs it holds the database's credentials, so no login is asked; the audit log records the
system account (`cli:<account>`) as the one who made each change."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from geodata.database import DatabaseError, database_url, make_engine, unreachable
from geodata.embedded import EmbeddedError
from geodata.permissions import local_admin
from geodata.users import UserError, create_user, deactivate, list_users, scope_label, set_password
from geodata.vocab import ROLES

users_app = typer.Typer(help="Usuarios: crear, listar, desactivar y cambiar contraseñas.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _engine():
    try:
        return make_engine(database_url(), poolclass=NullPool)
    except (EmbeddedError, DatabaseError) as exc:
        err.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(1)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line: what a script pipes in, without its line ending.
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Contraseña", hide_input=True, confirmation_prompt="Repita la contraseña")


def _run(action) -> None:
    try:
        with _engine().begin() as conn:
            action(conn)
    except UserError as exc:
        err.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(2)
    except (EmbeddedError, DatabaseError, OperationalError) as exc:
        database_error(exc)


def database_error(exc: BaseException) -> None:
    """Say why the database could not be used, and exit 1 (the commands' common ending)."""
    if isinstance(exc, OperationalError):
        err.print(f"[bold red]Error:[/] {unreachable(exc.orig)}")
        raise typer.Exit(1)
    err.print(f"[bold red]Error:[/] {exc}")
    raise typer.Exit(1)


@users_app.command("add", help="Crea un usuario (pide la contraseña, salvo con --password-stdin).")
def add(
    username: str = typer.Argument(..., help="login name"),
    role: str = typer.Option(..., "--role", help=f"one of: {', '.join(ROLES)}"),
    territory: str | None = typer.Option(None, "--territory", help="territory code the user is scoped to (required for directors)"),
    name: str = typer.Option("", "--name", help="full name"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from the first line of stdin"),
) -> None:
    """Create a user (asks for the password unless --password-stdin)."""
    if role not in ROLES:
        err.print(f"[bold red]Error:[/] rol desconocido «{role}»: use uno de {', '.join(ROLES)}")
        raise typer.Exit(2)
    if role == "director" and not territory:
        err.print("[bold red]Error:[/] un director debe tener un territorio: indique --territory CÓDIGO (p. ej. el de su estado)")
        raise typer.Exit(2)
    password = _read_password(password_stdin)
    _run(lambda conn: create_user(conn, username, password, role, territory, name, by=local_admin()))
    console.print(f"Usuario «{username}» creado ({ROLES[role]}{f', territorio {territory}' if territory else ''}).")


@users_app.command("list", help="Lista los usuarios con su rol, ámbito y estado.")
def list_cmd() -> None:
    """List the users with their role, scope and state."""
    found = []
    _run(lambda conn: found.extend(list_users(conn)))
    if not found:
        console.print("No hay usuarios: el acceso al tablero está abierto. Cree uno con `sala users add`.")
        return
    table = Table("usuario", "nombre", "rol", "ámbito", "estado", "creado")
    for user in found:
        table.add_row(
            user.username,
            user.full_name,
            user.role_label,
            scope_label(user),
            "activo" if user.active else "desactivado",
            f"{user.created_at:%Y-%m-%d}",
        )
    console.print(table)


@users_app.command("disable", help="Desactiva un usuario: la cuenta y su historial quedan, el acceso se corta.")
def disable(username: str = typer.Argument(..., help="login name")) -> None:
    """Disable a user: the account and its history stay, the login stops working."""
    _run(lambda conn: deactivate(conn, username, by=local_admin()))
    console.print(f"Usuario «{username}» desactivado.")


@users_app.command("password", help="Cambia la contraseña de un usuario.")
def password(
    username: str = typer.Argument(..., help="login name"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from the first line of stdin"),
) -> None:
    """Set a new password for a user."""
    new = _read_password(password_stdin)
    _run(lambda conn: set_password(conn, username, new, by=local_admin()))
    console.print(f"Contraseña de «{username}» cambiada.")


def audit_command(
    user: str = typer.Option(None, "--user", help="only this user"),
    action: str = typer.Option(None, "--action", help="action or its prefix (follow_up, alert_ack, login…)"),
    target: str = typer.Option(None, "--target", help="exact target, e.g. case:K123"),
    since: str = typer.Option(None, "--since", help="from this day (YYYY-MM-DD)"),
    limit: int = typer.Option(100, "--limit", help="at most this many rows"),
) -> None:
    """List the audit log, newest first, with filters."""
    import datetime as dt

    from geodata import audit

    try:
        day = dt.date.fromisoformat(since) if since else None
    except ValueError:
        err.print("[bold red]Error:[/] --since: no es una fecha válida (AAAA-MM-DD).")
        raise typer.Exit(2)
    found: list[dict] = []
    _run(lambda conn: found.extend(audit.entries(conn, username=user, action=action, target=target, since=day, limit=limit)))
    table = Table("cuándo", "usuario", "acción", "objeto", "detalle")
    for row in found:
        table.add_row(f"{row['at']:%Y-%m-%d %H:%M}", row["username"] or "—", row["action"], row["target"] or "—",
                      ", ".join(f"{k}={v}" for k, v in (row["detail"] or {}).items() if v is not None))
    console.print(table if found else "Ningún registro con esos filtros.")
