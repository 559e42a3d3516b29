"""`sala serve`: the dashboard under waitress (a production WSGI server, pure Python)."""

from __future__ import annotations

import ipaddress

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
    threads: int = typer.Option(8, help="Hilos de waitress."),
) -> None:
    """Sirve el tablero (mapa, Mapa de Soluciones, alertas) en http://HOST:PORT."""
    from dashboard.app import create_app

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    if settings.default_secret_key and not is_loopback(host):
        typer.echo(f"Error: {DEFAULT_KEY_OFF_LOOPBACK.format(host=host)}", err=True)
        raise typer.Exit(1)
    app = create_app(settings)
    typer.echo(f"Sala en http://{host}:{port}")
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    import waitress

    waitress.serve(app.server, host=host, port=port, threads=threads, ident="sala")
