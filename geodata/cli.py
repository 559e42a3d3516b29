"""`sala db …`: the database's life cycle."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from geodata import migrate
from geodata.database import DatabaseError, database_url, embedded_cluster, unreachable
from geodata.embedded import EmbeddedError
from geodata.service import bring_up, describe
from geodata.settings import get_settings
from geodata.vocab import LEVEL_LABELS

db_app = typer.Typer(help="Base de datos: arrancar, detener, migrar y ver el estado.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(exc: Exception) -> None:
    err.print(f"[bold red]Error:[/] {exc}")
    raise typer.Exit(1)


def _embedded_line(settings) -> str | None:
    """Where the embedded server lives and its port, kept across restarts (db-port.json)."""
    if settings.database_url:
        return None
    cluster = embedded_cluster(settings)
    running, stored = cluster.running_port(), cluster.stored_port()
    port = running or (stored[0] if stored else "aún sin elegir")
    return f"Servidor embebido: {'en marcha' if running else 'detenido'}, puerto {port}, carpeta {cluster.cluster_dir}"


@db_app.command("up", help="Arranca el PostGIS embebido (o comprueba SALA_DATABASE_URL) y migra a la última versión.")
def up() -> None:
    """Start the embedded PostGIS (or check SALA_DATABASE_URL) and migrate to head."""
    try:
        url = bring_up()
        status = describe(url)
    except (EmbeddedError, DatabaseError) as exc:
        _fail(exc)
    console.print(f"[green]Base de datos lista[/] {status.url} (PostGIS {status.postgis_version}, migración {status.revision})")


@db_app.command("down", help="Detiene el PostGIS embebido (una base externa no se toca).")
def down() -> None:
    """Stop the embedded PostGIS (an external database is left alone)."""
    settings = get_settings()
    if settings.database_url:
        console.print("SALA_DATABASE_URL está definido: no hay servidor embebido que detener.")
        return
    cluster = embedded_cluster(settings)
    try:
        stopped = cluster.stop()
    except EmbeddedError as exc:
        _fail(exc)
    stored = cluster.stored_port()
    keeps = f" (`sala db up` lo vuelve a arrancar en el puerto {stored[0]})" if stored else ""
    console.print(f"Servidor detenido{keeps}." if stopped else "El servidor no estaba en marcha.")
    from geodata.replica import standby

    try:
        if standby(settings).stop():
            console.print("Réplica detenida (`sala db replica` la vuelve a arrancar).")
    except EmbeddedError as exc:
        _fail(exc)


@db_app.command("replica", help="Crea (la primera vez) y arranca una réplica en streaming de la base embebida, "
                "para probar SALA_READ_DATABASE_URL en una sola máquina.")
def replica() -> None:
    """Create and start a streaming standby of the embedded cluster; print the URL to read from."""
    from geodata.replica import start_standby

    settings = get_settings()
    try:
        standby_cluster, port = start_standby(settings)
        url = standby_cluster.url(port)
    except (EmbeddedError, DatabaseError) as exc:
        _fail(exc)
    console.print(f"[green]Réplica en marcha[/] en el puerto {port} (carpeta {standby_cluster.cluster_dir}).")
    console.print("Para que el tablero lea de ella:")
    console.print(f"  export SALA_READ_DATABASE_URL='{url}'", soft_wrap=True, highlight=False)


@db_app.command("status", help="Muestra el servidor embebido y su puerto, la URL, las versiones de PostgreSQL y PostGIS, la migración y las filas por tabla.")
def status() -> None:
    """Print the URL, PostgreSQL and PostGIS versions, migration head and row counts."""
    settings = get_settings()
    if line := _embedded_line(settings):
        console.print(line)
    try:
        url = database_url(settings)
        info = describe(url)
    except (EmbeddedError, DatabaseError) as exc:
        _fail(exc)
    except Exception as exc:
        _fail(unreachable(exc))
    console.print(f"URL: {info.url}")
    console.print(f"PostgreSQL {info.postgres_version}")
    console.print(f"PostGIS {info.postgis_version}")
    state = "al día" if info.up_to_date else f"pendiente: la cabeza es {info.head}; ejecute `sala db migrate`"
    console.print(f"Migración: {info.revision} ({state})")
    table = Table("tabla", "filas")
    for name, count in info.row_counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    _load_runs(url)


def _load_runs(url: str) -> None:
    """The loads under way, after marking those whose process is gone (geodata.etl_runs)."""
    from sqlalchemy.pool import NullPool

    from geodata.database import make_engine
    from geodata.etl_runs import mark_abandoned, running_count

    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            marked = mark_abandoned(conn)
            running = running_count(conn)
    finally:
        engine.dispose()
    for run in marked:
        console.print(f"Carga {run.run_id} marcada como abandonada: {run.message}")
    console.print(f"Cargas en curso: {running}")


@db_app.command("migrate", help="Migra el esquema a una versión (la última por defecto), o baja N pasos con --down.")
def migrate_cmd(
    revision: str = typer.Argument("head", help="revision to go up to: head or an id"),
    down: int = typer.Option(0, "--down", min=0, help="go down this many steps instead"),
) -> None:
    """Migrate the schema up to a revision (head by default), or down N steps."""
    try:
        url = database_url()
        if down:
            migrate.downgrade(url, f"-{down}")
        else:
            migrate.upgrade(url, revision)
        console.print(f"Migración: {migrate.current_revision(url)}")
    except (EmbeddedError, DatabaseError) as exc:
        _fail(exc)


def check(
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    level: str | None = typer.Option(None, "--level", help="only this level (state, municipality, parish, commune, council)"),
    territory: str | None = typer.Option(None, "--territory", help="only this territory's subtree (code)"),
    fail_on_issues: bool = typer.Option(False, "--fail-on-issues", help="exit 1 when anything is found"),
    limit: int = typer.Option(50, "--limit", min=0, help="issues listed in the table (all with --json)"),
) -> None:
    """Check the territory tree (containment, overlaps, gaps, codes, geometry) and store the issues layer."""
    import json

    from sqlalchemy.exc import OperationalError
    from sqlalchemy.pool import NullPool

    from geodata.database import make_engine
    from geodata.integrity import KIND_LABELS, IntegrityError, run_check

    try:
        engine = make_engine(database_url(), poolclass=NullPool)
        with engine.begin() as conn:
            report = run_check(conn, level=level, territory=territory)
    except IntegrityError as exc:
        err.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(2)
    except (EmbeddedError, DatabaseError) as exc:
        _fail(exc)
    except OperationalError as exc:
        _fail(unreachable(exc.orig))
    if json_output:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        scope = " ".join(filter(None, [f"nivel {level}" if level else "", f"territorio {report.territory_code}" if territory else ""]))
        console.print(
            f"Integridad territorial{f' ({scope})' if scope else ''}: {report.territories_checked:,} territorios revisados "
            f"en {report.seconds:.1f} s; {len(report.issues):,} problemas."
        )
        counts = Table("problema", "cantidad")
        for kind, count in report.counts.items():
            counts.add_row(KIND_LABELS[kind], f"{count:,}")
        console.print(counts)
        if report.issues and limit:
            listing = Table()
            # Codes never wrap or shorten: they are what the reader looks up.
            for header in ("problema", "nivel", "código", "otro", "medida", "km²", "detalle"):
                listing.add_column(header, no_wrap=header in ("código", "otro", "medida", "km²"))
            for issue in report.issues[:limit]:
                listing.add_row(
                    issue.kind_label,
                    LEVEL_LABELS.get(issue.level, issue.level),
                    issue.territory_code,
                    issue.other_code or "",
                    f"{issue.measure:.1%}" if issue.measure is not None else "",
                    f"{issue.area_km2:,.2f}" if issue.area_km2 is not None else "",
                    issue.detail or "",
                )
            console.print(listing)
            if len(report.issues) > limit:
                console.print(f"… y {len(report.issues) - limit:,} más (use --json o la capa «integrity_issue» del mapa).")
    if fail_on_issues and report.issues:
        raise typer.Exit(1)
