"""`sala load KIND PATH …`: load one file, show a summary and the first rejects.

Exit codes: 0 loaded (rejects allowed unless --strict), 1 nothing loaded, 2 usage error.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from etl.columns import parse_mapping
from etl.errors import LoadError, UsageError
from etl.kinds import KINDS, SPECS
from geodata.integrity import KIND_LABELS

console = Console()
err = Console(stderr=True)
SHOWN_REJECTS = 10


def load_cmd(
    kind: str = typer.Argument(..., help=f"tipo de datos: {', '.join(KINDS)}"),
    path: Path = typer.Argument(..., help="archivo (GeoJSON, GeoPackage, Shapefile .shp/.zip/carpeta, FlatGeobuf, CSV, XLSX)"),
    layer: str | None = typer.Option(None, "--layer", help="capa u hoja a leer cuando el archivo tiene varias"),
    crs: str | None = typer.Option(None, "--crs", help="sistema de referencia de las coordenadas (p. ej. 2202 o EPSG:2202)"),
    map_: list[str] | None = typer.Option(None, "--map", help="ORIGEN=DESTINO: columna del archivo → campo (repetible)"),
    report: Path | None = typer.Option(None, "--report", help="escribe el informe JSON en este archivo"),
    strict: bool = typer.Option(False, "--strict", help="cualquier fila rechazada rechaza todo el archivo"),
    dry_run: bool = typer.Option(False, "--dry-run", help="valida y cuenta, sin guardar nada"),
    demo: bool = typer.Option(False, "--demo", help="marca los datos como datos de demostración"),
) -> None:
    """Load a file of KIND into the database (idempotent, atomic, every reject kept with its reason)."""
    from geodata.database import get_engine

    if kind not in SPECS:
        err.print(f"[bold red]Error de uso:[/] tipo desconocido «{kind}»; use uno de: {', '.join(SPECS)}")
        raise typer.Exit(2)
    try:
        mapping = parse_mapping(map_)
        from etl.load import load_file

        result = load_file(
            get_engine(), kind, path, layer=layer, crs=crs, mapping=mapping, strict=strict, dry_run=dry_run,
            is_demo=demo, progress=True,
        )
    except UsageError as exc:
        err.print(f"[bold red]Error de uso:[/] {exc}")
        raise typer.Exit(2) from None
    except LoadError as exc:
        err.print(f"[bold red]No se cargó nada.[/] {exc}")
        result = getattr(exc, "result", None)
        if report and result is not None and result.run_id is not None:
            result.write_report(report)  # the rejects of a refused file, for whoever fixes it
        raise typer.Exit(1) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (etl.errors.Interrupted)
        how = getattr(exc, "signal_name", "Ctrl-C")
        err.print(f"[bold red]Carga interrumpida ({how}):[/] no se guardó nada.")
        raise typer.Exit(1) from None
    if report:
        result.write_report(report)
    _summary(result)


def _summary(result) -> None:
    title = "Simulación (--dry-run): no se guardó nada" if result.dry_run else f"Carga {result.run_id}"
    table = Table(title=f"{title} — {result.kind} — {Path(result.file).name}")
    for column in ("insertadas", "actualizadas", "sin cambios", "rechazadas"):
        table.add_column(column, justify="right")
    table.add_row(*(f"{n:,}".replace(",", ".") for n in (result.inserted, result.updated, result.unchanged, result.rejected)))
    console.print(table)
    if result.rejects:
        rejects = Table(title=f"Primeros rechazos (de {result.rejected:,})".replace(",", "."))
        rejects.add_column("fila", justify="right")
        rejects.add_column("campo")
        rejects.add_column("motivo")
        for r in result.rejects[:SHOWN_REJECTS]:
            rejects.add_row(str(r["row"]), str(r.get("field") or ""), r["reason"])
        console.print(rejects)
    if result.integrity is not None:
        found = {kind: n for kind, n in result.integrity.items() if n}
        if found:
            listed = ", ".join(f"{KIND_LABELS.get(kind, kind)}: {n:,}".replace(",", ".") for kind, n in found.items())
            console.print(f"Integridad territorial: {listed}. Detalle: sala check (capa «integrity» en el mapa).")
        else:
            console.print("Integridad territorial: sin problemas.")
