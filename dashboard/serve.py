"""`sala serve`: the dashboard under waitress (a production WSGI server, pure Python)."""

from __future__ import annotations

import typer

from geodata.settings import get_settings


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
    app = create_app(settings)
    typer.echo(f"Sala en http://{host}:{port}")
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    import waitress

    waitress.serve(app.server, host=host, port=port, threads=threads, ident="sala")
