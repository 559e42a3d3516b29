"""`sala demo`: generate the demo dataset, write it as files and load it with the ETL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)


def demo_cmd(
    scale: str = typer.Option("small", "--scale", help="small (Distrito Capital y Miranda, segundos) o national (todo el país)"),
    seed: int = typer.Option(1, "--seed", help="semilla: la misma semilla y la misma fecha dan los mismos datos"),
    out: Path | None = typer.Option(None, "--out", help="carpeta donde dejar los archivos (por defecto, temporal)"),
    today: str | None = typer.Option(None, "--today", help="fecha de referencia AAAA-MM-DD (por defecto, hoy)"),
    if_empty: bool = typer.Option(False, "--if-empty", help="no hace nada si la base ya tiene territorios"),
) -> None:
    """Generate the demo (real states and municipalities, generated communes and councils, records) and load it."""
    from sqlalchemy import func, select

    from sqlalchemy.exc import OperationalError

    from etl.demo.config import SCALES
    from etl.demo.run import load_demo
    from etl.errors import LoadError
    from geodata.database import DatabaseError, get_engine
    from geodata.embedded import EmbeddedError
    from geodata.models import Territory

    if scale not in SCALES:
        err.print(f"[bold red]Error de uso:[/] escala desconocida «{scale}»; use una de: {', '.join(SCALES)}")
        raise typer.Exit(2)
    when = dt.date.today()
    if today:
        try:
            when = dt.date.fromisoformat(today)
        except ValueError:
            err.print(f"[bold red]Error de uso:[/] --today «{today}» no es una fecha AAAA-MM-DD")
            raise typer.Exit(2) from None
        # The loader rejects events in the future, so a later "today" would lose records.
        if when > dt.date.today():
            err.print(f"[bold red]Error de uso:[/] --today {when} es posterior a hoy ({dt.date.today()})")
            raise typer.Exit(2)
    try:
        engine = get_engine()
        if if_empty:
            with engine.connect() as conn:
                existing = conn.execute(select(func.count()).select_from(Territory)).scalar_one()
            if existing:
                console.print(f"La base ya tiene {existing:,} territorios: no se carga la demostración (--if-empty).")
                return
        summary = load_demo(engine, scale=scale, seed=seed, out_dir=out, today=when, progress=console.print)
    except (EmbeddedError, DatabaseError, LoadError, ValueError) as exc:
        err.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(1) from None
    except OperationalError as exc:
        err.print(f"[bold red]Error:[/] no se puede conectar con la base de datos ({exc.orig}); ejecute `sala db up`.")
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(f"[bold red]Error:[/] no se pueden escribir los archivos de la demostración: {exc}")
        raise typer.Exit(1) from None
    _report(summary)


def _report(summary) -> None:
    table = Table("tipo", "generados", "cargados", "rechazados", title=f"Datos de demostración ({summary.scale}, semilla {summary.seed}, hoy {summary.today})")
    from etl.demo.files import LOAD_ORDER

    for kind in (k for k in LOAD_ORDER if k in summary.generated):
        generated = summary.generated[kind]
        table.add_row(kind, f"{generated:,}", f"{summary.loaded.get(kind, 0):,}", f"{summary.rejected.get(kind, 0):,}")
    console.print(table)
    console.print(
        f"Tiempo total: {summary.total_seconds:.1f} s (generar {summary.generate_seconds:.1f} s y escribir "
        f"{summary.write_seconds:.1f} s, en parte mientras se cargaba; cargar {summary.load_seconds:.1f} s, de ellos "
        f"{summary.refresh_seconds:.1f} s de indicadores). Memoria pico: {summary.peak_memory_mb:,.0f} MiB "
        "(este proceso más el mayor de sus subprocesos, cuyas páginas compartidas cuentan dos veces; "
        "el servidor de base de datos aparte)."
    )
    if summary.patterns:
        console.print(
            f"Para ver en el mapa: pico de casos en el municipio {summary.patterns.spike_municipality} "
            f"(últimos {summary.patterns.spike_days} días); focos de problemas de agua en {len(summary.patterns.water_hotspots)} "
            f"consejos comunales; CLAP sin entregas recientes en los municipios {', '.join(summary.clap_left_behind)}; "
            f"{len(summary.patterns.silent_councils)} consejos comunales que dejaron de reportar (capa «Consejos comunales sin reportar»)."
        )
    if summary.out_dir:
        console.print(f"Archivos en {summary.out_dir}")
    if any(summary.rejected.values()):
        console.print("[yellow]Hubo filas rechazadas: vea `sala db status` y la tabla etl_reject.[/]")
