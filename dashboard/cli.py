"""The `sala` command. Each sub-command lives next to the code it runs; this only composes them."""

from __future__ import annotations

import typer

from dashboard.serve import serve
from etl.cli import load_cmd
from etl.demo.cli import demo_cmd
from geodata.cli import check, db_app
from geodata.notify_cli import notify_command
from geodata.users_cli import audit_command, users_app
from layers.cli import export_command, layers_command

app = typer.Typer(
    help="Sala de Autogobierno: sala situacional geoespacial del autogobierno comunal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
# The command list speaks Spanish, as the room does; each function's docstring stays English.
app.command("check", help="Revisa la integridad territorial (contención, solapes, vacíos, códigos, geometría).")(check)
app.command("load", help="Carga un archivo de un TIPO de datos (idempotente, atómica, cada rechazo con su motivo).")(load_cmd)
app.command("layers", help="Lista las capas del mapa: id, título, geometría, nivel y filtros.")(layers_command)
app.command("export", help="Exporta una capa de un territorio, o `pack`: el paquete de planificación de un municipio.")(
    export_command
)
app.command("demo", help="Genera y carga los datos de demostración (small o national).")(demo_cmd)
app.command("audit", help="Lista la bitácora de auditoría (quién cambió qué), con filtros.")(audit_command)
app.command("notify", help="Envía las notificaciones de alertas nuevas pendientes (webhook y correo, con reintentos).")(
    notify_command
)
app.command("serve", help="Sirve el tablero (mapa, Mapa de Soluciones, alertas).")(serve)


if __name__ == "__main__":
    app()
