"""`sala serve`: the dashboard under gunicorn (several processes, threads in each) or, with
`--workers 1`, under waitress in this one process.

Hundreds of rooms watch the map at once: one Python process serves one request's Python
at a time (the GIL), so the room count is met with processes. Everything a process keeps
(view caches, compressed bundles, tiles) is keyed by version stamps read from the database,
so processes never disagree about what is current; export jobs are recorded in the
database with the process that runs them, so any process answers their progress.
"""

from __future__ import annotations

import ipaddress
import os

import typer

from geodata.settings import get_settings

DEFAULT_KEY_OFF_LOOPBACK = (
    "SALA_SECRET_KEY tiene el valor de desarrollo y «{host}» no es una dirección local: cualquiera podría "
    "firmar una sesión. Defina una clave secreta propia (p. ej. SALA_SECRET_KEY=$(python3 -c "
    "'import secrets; print(secrets.token_urlsafe(32))')) o escuche en 127.0.0.1."
)


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def serve(
    host: str = typer.Option(None, help="Dirección donde escuchar (por defecto SALA_HOST)."),
    port: int = typer.Option(None, help="Puerto (por defecto SALA_PORT)."),
    debug: bool = typer.Option(False, help="Servidor de desarrollo de Dash con recarga y herramientas de depuración."),
    threads: int = typer.Option(8, help="Hilos por proceso."),
    workers: int = typer.Option(1, help="Procesos que atienden (0: uno por núcleo). Con 1, waitress en este proceso."),
    backlog: int = typer.Option(2048, help="Conexiones que esperan en cola a ser aceptadas."),
    connections: int = typer.Option(1000, help="Conexiones abiertas a la vez por proceso (las demás esperan en la cola)."),
) -> None:
    """Sirve el tablero (mapa, Mapa de Soluciones, alertas) en http://HOST:PORT."""
    from dashboard.app import create_app

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    if settings.default_secret_key and not is_loopback(host):
        typer.echo(f"Error: {DEFAULT_KEY_OFF_LOOPBACK.format(host=host)}", err=True)
        raise typer.Exit(1)
    workers = workers or os.cpu_count() or 1
    if debug:
        create_app(settings).run(host=host, port=port, debug=True)
        return
    typer.echo(f"Sala en http://{host}:{port} ({workers} {'proceso' if workers == 1 else 'procesos'} × {threads} hilos)")
    if workers == 1:
        import waitress

        waitress.serve(create_app(settings).server, host=host, port=port, threads=threads, ident="sala",
                       backlog=backlog, connection_limit=connections)
        return
    from dashboard.gunicorn_app import SalaApplication

    SalaApplication(settings, {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers, "threads": threads, "worker_class": "gthread",
        "backlog": backlog, "worker_connections": connections,
    }).run()
