"""The `sala` command. Each sub-command lives next to the code it runs; this only composes them."""

from __future__ import annotations

import typer

from dashboard.serve import serve
from etl.cli import load_cmd
from etl.demo.cli import demo_cmd
from geodata.cli import check, db_app
from geodata.users_cli import users_app
from layers.cli import export_command, layers_command

app = typer.Typer(
    help="Sala de Autogobierno: sala situacional geoespacial del autogobierno comunal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.command("check")(check)
app.command("load")(load_cmd)
app.command("layers")(layers_command)
app.command("export")(export_command)
app.command("demo")(demo_cmd)
app.command("serve")(serve)


if __name__ == "__main__":
    app()
