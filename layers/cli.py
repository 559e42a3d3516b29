"""`sala layers` and `sala export …`: the registry's layers and their exports from the command line.

Exit codes: 0 done; 2 bad request (unknown layer, territory, filter, format, date, user, or
an output path that is not a regular file: a symlink, a device, a FIFO, a folder); 1 the
export could not be made (too large, database unreachable, disk full); 3 the user named
with `--as-user` may not export.

The command acts as the local administrator (who holds the database's credentials) with
national scope; `--as-user NAME` applies that user's role and scope instead, as the
dashboard would. Every export is written to the audit log with who made it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from geodata.permissions import Action, PermissionDenied, actor_for, local_admin
from geodata.vocab import LEVEL_LABELS
from layers.exports import FORMATS, ExportError, ExportTooLarge, export_layer, format_from_path
from layers.output import DiskFull, is_disk_full
from layers.parsing import parse_date, parse_filters
from layers.registry import LayerError, LayerParams, UnknownLayer, UnknownTerritory, list_layers

console = Console()
err = Console(stderr=True)


def layers_command() -> None:
    """List the map layers: id, title, geometry type, level and filters."""
    table = Table("capa", "título", "geometría", "nivel", "filtros")
    table.columns[0].no_wrap = True
    for layer in list_layers():
        table.add_row(
            layer.id,
            layer.title,
            layer.geometry_type,
            LEVEL_LABELS.get(layer.level, "registros") if layer.level else "registros",
            ", ".join(f.name for f in layer.filters) or "—",
        )
    console.print(table)


def _fail(message: str, code: int) -> None:
    err.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(code)


def export_command(
    layer: str = typer.Argument(..., help="id de la capa (ver `sala layers`), `pack` (paquete de planificación de un municipio), "
                                "`atlas` (un estado), `minutes` (el acta de acuerdos de un gabinete) o `advice` (la asesoría "
                                "para la próxima consulta de una comuna o circuito)"),
    territory: str = typer.Option(None, "--territory", "-t", help="código del territorio (INE, P-code o ISO 3166-2)"),
    date_from: str = typer.Option(None, "--from", help="inicio del periodo (AAAA-MM-DD o DD/MM/AAAA)"),
    date_to: str = typer.Option(None, "--to", help="fin del periodo"),
    consultation_round: str = typer.Option(None, "--round", help="consulta popular, p. ej. 2025-1"),
    filters: list[str] = typer.Option(None, "--filter", "-f", help="filtro nombre=valor (repetible)"),
    fmt: str = typer.Option(None, "--format", help="geojson|gpkg|shp|kml|csv|xlsx|png|pdf (por defecto, la extensión de -o)"),
    output: Path = typer.Option(..., "--output", "-o", help="archivo de salida"),
    crs: int = typer.Option(4326, "--crs", help="EPSG del resultado (formatos vectoriales)"),
    paper: str = typer.Option("A4", "--paper", help="A4 o A3 (mapas y paquete)"),
    title: str = typer.Option(None, "--title", help="título del mapa impreso"),
    as_user: str = typer.Option(None, "--as-user", help="exporta con el rol y el ámbito de este usuario de Sala"),
    cabinet_date: str = typer.Option(None, "--date", help="`minutes`: fecha del gabinete (por defecto, la última sesión)"),
    labels: str = typer.Option(None, "--labels", help="`es`: encabezados de CSV y XLSX con los nombres en español"),
) -> None:
    """Export a layer of a territory (period and filters as on screen), `pack` for a municipality's
    planning pack, `minutes` for the final minutes of agreements of its cabinet on a date, or
    `advice` for a commune's or circuit's advice for the next consultation."""
    from geodata.database import get_engine
    from geodata.users import audit

    try:
        actor = local_admin()
        if as_user:
            with get_engine().connect() as conn:
                actor = actor_for(conn, as_user)
            if actor is None:
                _fail(f"No existe el usuario activo «{as_user}».", 2)
        actor.require(Action.EXPORT)
        params = LayerParams(
            territory=territory,
            date_from=parse_date(date_from, "--from"),
            date_to=parse_date(date_to, "--to"),
            consultation_round=consultation_round,
            filters=parse_filters(filters),
            scope=actor.scope,
        )
        # Absolute, but not resolved: a symlink given as the output must be seen (and refused), not followed.
        output = Path(os.path.abspath(output.expanduser()))
        if layer == "minutes":
            _minutes(actor, territory, parse_date(cabinet_date, "--date"), output, fmt)
            return
        if layer == "advice":
            _advice(actor, territory, output, fmt)
            return
        if layer == "atlas":
            if not territory:
                raise LayerError("El atlas necesita --territory CODIGO (un estado).")
            if output.suffix.lower() != ".pdf":
                raise LayerError("El atlas se escribe en un .pdf.")
            from layers.atlas import build_atlas

            with get_engine().connect() as conn:
                pages = build_atlas(conn, territory, output, params, paper=paper)
            with get_engine().begin() as conn:
                audit(conn, actor.username, "export", f"atlas/{territory}", via="cli", count=pages)
            console.print(f"[green]Atlas escrito[/] {output} ({pages} páginas)")
            return
        if layer == "pack":
            if not territory:
                raise LayerError("El paquete de planificación necesita --territory CODIGO (un municipio).")
            if output.suffix.lower() != ".zip":
                raise LayerError("El paquete de planificación se escribe en un .zip.")
            result = _pack_with_progress(get_engine(), territory, output, params, paper)
            with get_engine().begin() as conn:
                audit(conn, actor.username, "export", f"pack/{territory}", via="cli", count=sum(result.counts.values()))
            console.print(f"[green]Paquete escrito[/] {result.path} ({', '.join(result.parts)})")
            return
        fmt = (fmt or format_from_path(output) or "").lower()
        if fmt not in FORMATS:
            raise LayerError(f"Indique --format ({'|'.join(FORMATS)}): no se deduce de «{output.name}».")
        with get_engine().connect() as conn:
            result = export_layer(conn, layer, params, fmt, output, crs=crs, paper=paper, title=title, labels=labels)
        with get_engine().begin() as conn:
            audit(conn, actor.username, "export", f"{layer}.{fmt}", via="cli", count=result.count, territory=territory)
        console.print(f"[green]Exportado[/] {result.count} elementos de «{layer}» a {result.path} ({FORMATS[fmt].label})")
    except PermissionDenied as exc:
        _fail(f"«{as_user}»: {exc}", 3)
    except (UnknownLayer, UnknownTerritory) as exc:
        _fail(str(exc), 2)
    except (ExportTooLarge, DiskFull) as exc:
        _fail(str(exc), 1)
    except ExportError as exc:
        _fail(str(exc), 2)
    except LayerError as exc:
        _fail(str(exc), 2)
    except OSError as exc:
        if is_disk_full(exc):
            _fail(str(DiskFull(output)), 1)
        _fail(f"No se pudo escribir {output}: {exc}", 1)
    except SQLAlchemyError as exc:
        _fail(f"No se pudo consultar la base de datos ({type(exc).__name__}). ¿Está en marcha? Ejecute `sala db up`.", 1)


def _minutes(actor, territory: str | None, cabinet_date: dt.date | None, output: Path, fmt: str | None) -> None:
    """`sala export minutes`: the SINCO minutes of a municipality's cabinet session (PDF, CSV or XLSX)."""
    from geodata.database import get_engine
    from geodata.users import audit
    from layers.minutes import FORMATS as MINUTES_FORMATS
    from layers.minutes import export_minutes

    if not territory:
        raise LayerError("El acta de acuerdos necesita --territory CODIGO (un municipio).")
    fmt = (fmt or output.suffix.lstrip(".")).lower()
    if fmt not in MINUTES_FORMATS:
        raise LayerError(f"El acta se escribe en {', '.join(MINUTES_FORMATS)}: indique --format o una extensión de -o.")
    with get_engine().connect() as conn:
        result = export_minutes(conn, territory, cabinet_date, fmt, output, scope=actor.scope)
    with get_engine().begin() as conn:
        audit(conn, actor.username, "export", f"minutes/{territory}/{result.cabinet_date.isoformat()}.{fmt}", via="cli",
              count=result.count, territory=territory)
    pages = f", {result.pages} páginas" if result.pages else ""
    console.print(f"[green]Acta escrita[/] {result.path}: {result.count} acuerdos del gabinete del "
                  f"{result.cabinet_date.isoformat()}{pages}")


def _advice(actor, territory: str | None, output: Path, fmt: str | None) -> None:
    """`sala export advice`: the advice for the next consultation of a commune or circuit (PDF, CSV or XLSX)."""
    from geodata.database import get_engine
    from geodata.users import audit
    from layers.advice import FORMATS as ADVICE_FORMATS
    from layers.advice import export_advice

    if not territory:
        raise LayerError("La asesoría necesita --territory CODIGO (una comuna o un circuito comunal).")
    fmt = (fmt or output.suffix.lstrip(".")).lower()
    if fmt not in ADVICE_FORMATS:
        raise LayerError(f"La asesoría se escribe en {', '.join(ADVICE_FORMATS)}: indique --format o una extensión de -o.")
    with get_engine().connect() as conn:
        result = export_advice(conn, territory, fmt, output, scope=actor.scope)
    with get_engine().begin() as conn:
        audit(conn, actor.username, "export", f"advice/{territory}.{fmt}", via="cli", count=result.count, territory=territory)
    pages = f", {result.pages} páginas" if result.pages else ""
    console.print(f"[green]Asesoría escrita[/] {result.path}: {result.count} sectores{pages}")


def _pack_with_progress(engine, territory: str, output: Path, params: LayerParams, paper: str):
    """The planning pack, built here and now, with a progress bar on the terminal (stderr)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from layers.pack import build_pack

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=err, transient=True) as bar:
        task = bar.add_task("Paquete de planificación", total=100)

        def progress(phase: str, percent: int) -> None:
            bar.update(task, description=phase, completed=percent)

        with engine.connect() as conn:
            return build_pack(conn, territory, output, params, paper=paper, progress=progress)
